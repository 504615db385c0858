"""Doorstep: wiring only — settings, database, routes, pages, ui.run()."""

from __future__ import annotations

import os
import sys

from core.session_dir import use_private_session_dir

use_private_session_dir()  # before NiceGUI is imported: it reads NICEGUI_STORAGE_PATH once

from nicegui import app, ui  # noqa: E402

from core import cli  # noqa: E402
from core.config import get_settings  # noqa: E402
from core.db import session_scope, upgrade_schema  # noqa: E402


def main(argv: list[str]) -> int:
    """Serve the app, or run one operator command (`python app.py --help`)."""
    args = cli.parse(argv)
    if args.command:
        return cli.run_command(args)
    serve()
    return 0


def serve() -> None:
    settings = get_settings()
    upgrade_schema()
    if settings.demo:
        from services.demo.organisation import seed_demo

        with session_scope() as session:
            accounts = seed_demo(session)
        if accounts:
            print("Demo accounts (username / password):")
            for line in accounts:
                print("  " + line)

    from nicegui import background_tasks

    import api
    import pages
    from api.body_limit import BodyLimitMiddleware
    from api.rate_limits import RateLimitMiddleware
    from api.security_headers import SecurityHeadersMiddleware
    from core.collector import settle_after_start_up
    from pages.assets import ONE_YEAR, STATIC_DIR, assets_mount, install_utilities_css
    from pages.auth_middleware import AuthMiddleware
    from pages.pwa import install_pwa
    from pages.theme import install_theme
    from services.registries import assemble
    from services.schedule.loop import scheduler_loop, sweep_at_start_in_background

    assemble()  # map layers, residents' data providers, retention rules
    api.register(app)
    pages.register(app)
    install_pwa(app)
    install_utilities_css()
    install_theme()
    app.add_middleware(AuthMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_upload_bytes)
    app.add_middleware(RateLimitMiddleware)
    app.add_middleware(SecurityHeadersMiddleware, tile_url=settings.tile_url, https=settings.cookie_secure)
    app.add_static_files("/static", STATIC_DIR)  # stable URLs (service worker, manifest icons)
    app.add_static_files(assets_mount(), STATIC_DIR, max_cache_age=ONE_YEAR)  # versioned, cached for a year
    # Photo files a crash left between landing and commit (services/photos/guard/orphans.py).
    app.on_startup(lambda: background_tasks.create(sweep_at_start_in_background(), name="orphan sweep"))
    app.on_startup(settle_after_start_up)  # fewer, shorter collector pauses (core/collector.py)
    if settings.scheduled_jobs:
        app.on_startup(lambda: background_tasks.create(scheduler_loop(), name="scheduled jobs"))
    ui.run(
        title="Doorstep",
        host=settings.host,
        port=settings.port,
        storage_secret=settings.storage_secret(),
        # HttpOnly always; Secure behind HTTPS; SameSite=Lax; the cookie lives as long as a session may.
        session_middleware_kwargs={"https_only": settings.cookie_secure, "same_site": "lax",
                                   "max_age": settings.session_max_hours * 3600},
        reconnect_timeout=settings.reconnect_timeout,
        timeout_keep_alive=settings.keep_alive_seconds,  # passed on to uvicorn; see core/config.py
        language="zh-CN",
        favicon="static/icons/icon-192.png",
        viewport="width=device-width, initial-scale=1, viewport-fit=cover",
        show_welcome_message=False,
        tailwind=False,  # utility classes come prebuilt: static/css/utilities.css (tools/build_css.py)
        reload=False,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )


if __name__ in {"__main__", "__mp_main__"}:
    if "PYTEST_CURRENT_TEST" in os.environ:  # pytest's user fixture runs this file: its argv is pytest's own
        main([])
    else:
        sys.exit(main(sys.argv[1:]))
