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
    import pages.home  # noqa: F401
    import pages.households  # noqa: F401
    import pages.login  # noqa: F401
    import pages.map  # noqa: F401
    import pages.visit_form  # noqa: F401
    import pages.visits  # noqa: F401
    from pages.auth_middleware import AuthMiddleware
    from pages.pwa import install_pwa

    api.register(app)
    install_pwa(app)
    app.add_middleware(AuthMiddleware)
    app.add_static_files("/static", "static")
    ui.run(
        title="Doorstep",
        host=settings.host,
        port=settings.port,
        storage_secret=settings.storage_secret(),
        reconnect_timeout=settings.reconnect_timeout,
        language="zh-CN",
        favicon="static/icons/icon-192.png",
        viewport="width=device-width, initial-scale=1, viewport-fit=cover",
        show_welcome_message=False,
        reload=False,
    )


if __name__ in {"__main__", "__mp_main__"}:
    main()
