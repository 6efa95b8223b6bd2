"""The FastAPI application: includes the routers, installs error handlers, loads the model."""

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import FastAPI

from nlp import tokenize
from nlp.artifact import ArtifactError
from service import errors, store
from service.routers import admin, classify, feedback, meta
from service.settings import Settings, get_settings
from service.state import ModelHolder

log = logging.getLogger("dispute_triage")


def _reload_quietly(holder: ModelHolder, settings: Settings) -> None:
    try:
        previous, current = holder.reload(settings)
        log.info("model reloaded: %s -> %s", previous, current)
    except ArtifactError as exc:
        log.error("model reload refused, still serving %s: %s", holder.triage.version if holder.triage else None, exc)


def _install_sighup(holder: ModelHolder, settings: Settings) -> None:
    """SIGHUP reloads the model, as for classic daemons; only possible in the main thread."""
    loop = asyncio.get_running_loop()
    with suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGHUP, lambda: loop.run_in_executor(None, _reload_quietly, holder, settings))


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    holder = ModelHolder()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tokenize.warm()
        app.state.store = store.make_engine(settings.database_url)
        try:
            holder.reload(settings)
            log.info("model %s loaded", holder.triage.version if holder.triage else None)
        except ArtifactError as exc:
            holder.error = str(exc)
            log.error("no model in service: %s", exc)
        _install_sighup(holder, settings)
        yield
        holder.triage = None
        app.state.store.dispose()

    app = FastAPI(
        title="dispute-triage",
        version="0.1.0",
        summary="Type and urgency of Chinese dispute descriptions, with calibrated confidences.",
        lifespan=lifespan,
    )
    app.state.holder = holder
    app.dependency_overrides[get_settings] = lambda: settings
    errors.install(app)
    for router in (classify.router, feedback.router, meta.router, admin.router):
        app.include_router(router)
    return app
