"""Doorstep: wiring only — settings, database, routes, pages, ui.run()."""

from __future__ import annotations

import sys

from nicegui import app, ui

from core.config import get_settings
from core.db import session_scope, upgrade_schema


def main() -> None:
    settings = get_settings()
    upgrade_schema()
    if settings.demo or "--demo" in sys.argv:
        from services.demo import seed_demo

        with session_scope() as session:
            accounts = seed_demo(session)
        if accounts:
            print("Demo accounts (username / password):")
            for line in accounts:
                print("  " + line)

    import api  # noqa: F401
    import pages.admin_audit  # noqa: F401
    import pages.admin_household_import  # noqa: F401
    import pages.admin_households  # noqa: F401
    import pages.admin_needs  # noqa: F401
    import pages.home  # noqa: F401
    import pages.household_privacy  # noqa: F401
    import pages.households  # noqa: F401
    import pages.login  # noqa: F401
    import pages.map  # noqa: F401
    import pages.two_factor  # noqa: F401
    import pages.visit_form  # noqa: F401
    import pages.visits  # noqa: F401
    from api.body_limit import BodyLimitMiddleware
    from api.security_headers import SecurityHeadersMiddleware
    from pages.auth_middleware import AuthMiddleware

    api.register(app)
    app.add_middleware(AuthMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_upload_bytes)
    app.add_middleware(SecurityHeadersMiddleware, tile_url=settings.tile_url, https=settings.cookie_secure)
    if settings.scheduled_jobs:
        from nicegui import background_tasks

        from services.scheduler import scheduler_loop

        app.on_startup(lambda: background_tasks.create(scheduler_loop(), name="scheduled jobs"))
    app.add_static_files("/static", "static")
    ui.run(
        title="Doorstep",
        host=settings.host,
        port=settings.port,
        storage_secret=settings.storage_secret(),
        # HttpOnly always; Secure behind HTTPS; SameSite=Lax; the cookie lives as long as a session may.
        session_middleware_kwargs={"https_only": settings.cookie_secure, "same_site": "lax",
                                   "max_age": settings.session_max_hours * 3600},
        reconnect_timeout=settings.reconnect_timeout,
        language="zh-CN",
        favicon="static/icons/icon-192.png",
        viewport="width=device-width, initial-scale=1, viewport-fit=cover",
        show_welcome_message=False,
        reload=False,
    )


if __name__ in {"__main__", "__mp_main__"}:
    main()
