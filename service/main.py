"""The FastAPI application: middleware, error handlers, routers, and the model's life cycle."""

import asyncio
import logging
import os
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from functools import partial

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from nlp import tokenize
from nlp.artifact import ArtifactError
from service import errors, openapi
from service.counters import Counters
from service.metrics import Metrics
from service.middleware import Deadlines, Gateway
from service.routers import admin, classify, feedback, meta, probes
from service.settings import Settings, get_settings
from service.state import ModelHolder, follow_quietly
from store.database import Database

log = logging.getLogger("dispute_triage")


class StartupError(RuntimeError):
    """The service cannot start; the message is the one line an operator needs."""


def _install_sighup(holder: ModelHolder, settings: Settings) -> None:
    """SIGHUP makes this process look at the registry now (and retry a model it refused), as for
    classic daemons; `serve --workers N` passes it on to every worker. Only possible in the main thread."""
    loop = asyncio.get_running_loop()
    reload = partial(follow_quietly, holder, settings, retry_refused=True)
    with suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGHUP, lambda: loop.run_in_executor(None, reload))


async def _follow_registry(holder: ModelHolder, settings: Settings) -> None:
    """Reads the live pointer every `reload_poll_seconds`, in a thread (a load takes a second or two
    of CPU; the loop keeps serving meanwhile, on the old model)."""
    while True:
        await asyncio.sleep(settings.reload_poll_seconds)
        await asyncio.to_thread(follow_quietly, holder, settings)


def _warn_open_scopes(settings: Settings) -> None:
    for scope in ("intake", "admin"):
        if not settings.keys(scope):
            log.warning(f"no {scope} API key configured: {scope} routes accept loopback clients only")


def create_app(settings: Settings | None = None, holder: ModelHolder | None = None) -> FastAPI:
    """The app; pass a holder with a model already loaded to skip loading it again at start-up."""
    settings = settings or get_settings()
    holder = holder or ModelHolder()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tokenize.warm()
        app.state.store = Database.from_settings(settings)
        opened = await run_in_threadpool(app.state.store.open)
        if opened.reason:  # the service starts anyway: it classifies, and corrections get 503
            log.error("store unavailable", extra={"reason": opened.reason})
        app.state.counters = Counters(app.state.store.engine, settings.stats_timezone)
        flushing = asyncio.create_task(app.state.counters.run(settings.stats_flush_seconds))
        if holder.triage is None:
            try:
                holder.reload(settings)
            except ArtifactError as exc:
                if settings.require_model:
                    raise StartupError(f"cannot start without a model: {exc}") from None
                holder.error = str(exc)
                log.error("no model in service", extra={"reason": str(exc)})
        _warn_open_scopes(settings)
        _install_sighup(holder, settings)
        follower = asyncio.create_task(_follow_registry(holder, settings))
        log.info("ready", extra={"model_version": holder.triage.version if holder.triage else None, "pid": os.getpid()})
        yield
        follower.cancel()
        app.state.deadlines.close()
        flushing.cancel()
        await run_in_threadpool(app.state.counters.flush)  # what was counted since the last flush
        app.state.store.close()

    app = FastAPI(
        title="dispute-triage",
        version="0.1.0",
        summary="Type and urgency of Chinese dispute descriptions, with calibrated confidences.",
        lifespan=lifespan,
    )
    app.state.settings = settings  # read by service.deps.get_settings
    app.state.holder = holder
    app.state.supervisor = None  # the pid of `serve --workers N`'s supervisor, set in each worker
    app.state.metrics = Metrics(holder)
    errors.install(app)
    app.openapi = openapi.with_limits(app, settings)  # type: ignore[method-assign]
    for router in (classify.router, feedback.router, meta.router, admin.router, probes.router):
        app.include_router(router)
    app.state.deadlines = Deadlines(settings.request_timeout_seconds)
    app.add_middleware(Gateway, settings=settings, metrics=app.state.metrics, deadlines=app.state.deadlines)
    return app
