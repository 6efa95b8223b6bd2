"""The FastAPI application: includes the routers, installs error handlers, loads the model."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from nlp import tokenize
from nlp.artifact import ArtifactError
from nlp.predictor import Triage
from nlp.registry import load_live
from service import errors
from service.routers import classify, meta
from service.settings import Settings, get_settings
from service.state import ModelHolder

log = logging.getLogger("dispute_triage")


def load_triage(settings: Settings) -> Triage:
    pipeline, manifest = load_live(settings.models_dir)
    return Triage(
        pipeline,
        manifest,
        review_threshold=settings.review_threshold,
        min_han_chars=settings.min_han_chars,
        explain_top=settings.explain_top,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    holder = ModelHolder()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        tokenize.warm()
        try:
            triage = load_triage(settings)
            triage.predict(["预热"])  # first call builds caches; pay it now, not on a request
            holder.triage = triage
            log.info("model %s loaded", triage.version)
        except ArtifactError as exc:
            holder.error = str(exc)
            log.error("no model in service: %s", exc)
        yield
        holder.triage = None

    app = FastAPI(
        title="dispute-triage",
        version="0.1.0",
        summary="Type and urgency of Chinese dispute descriptions, with calibrated confidences.",
        lifespan=lifespan,
    )
    app.state.holder = holder
    app.dependency_overrides[get_settings] = lambda: settings
    errors.install(app)
    app.include_router(classify.router)
    app.include_router(meta.router)
    return app
