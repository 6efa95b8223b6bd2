"""The console's FastAPI application: signed sessions, security headers, static files, routers."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from console import errors
from console.auth import analyst_keys
from console.db import Store
from console.jobs import Jobs
from console.routers import audit_log, imports, models, review, session, stats, training
from console.settings import ConsoleSettings, get_console_settings
from console.uploads import Uploads

# No inline script or style, nothing from another origin, never framed.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers if scope["type"] == "http" else send)


def create_app(settings: ConsoleSettings | None = None) -> FastAPI:
    settings = settings or get_console_settings()
    analyst_keys(settings)  # a malformed key entry stops the start, not the first sign-in
    app = FastAPI(title="dispute-triage console", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.state.keys = lambda: analyst_keys(settings)
    app.state.uploads = Uploads()
    app.state.jobs = Jobs(settings.jobs_dir)
    app.state.comparisons = {}
    app.state.store = Store(settings)
    app.state.engine = app.state.store.engine  # opened on first use
    errors.install(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for router in (
        session.router,
        review.router,
        imports.router,
        models.router,
        training.router,
        stats.router,
        audit_log.router,
    ):
        app.include_router(router)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.session_secret,
        session_cookie="dt_console",
        max_age=int(settings.session_hours * 3600),
        same_site="strict",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders)
    return app
