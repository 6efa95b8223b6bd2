"""POST /v1/classify and /v1/classify/batch."""

import logging
from contextlib import suppress
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from sqlalchemy import Engine

from nlp import limits
from nlp.factors import CHINESE_NAMES
from nlp.labels import name_of
from nlp.predictor import AxisPrediction, Prediction, Triage
from service import offload, persist
from service.deps import serving
from service.errors import InvalidInput, StoreUnavailable
from service.handling import handling_json
from service.schemas import PUBLIC_ERRORS, BatchRequest, BatchResponse, ClassifyRequest, ClassifyResponse
from service.settings import Settings
from store import records
from store.database import Database

JSON = "application/json"
log = logging.getLogger("dispute_triage")
router = APIRouter(prefix="/v1", responses=PUBLIC_ERRORS, tags=["classify"])


def check_text(text: str, settings: Settings, where: str = "text") -> int:
    """Refuse a text as training and import would (nlp.limits); its length after normalisation."""
    try:
        return limits.check_text(text, settings.max_text_chars)
    except limits.TextRefused as refused:
        raise InvalidInput(f"{where} {refused}") from None


def _axis(axis: str, p: AxisPrediction) -> dict[str, Any]:
    return {
        "label": p.label,
        "name": name_of(axis, p.label),
        "confidence": round(p.confidence, 4),
        "scores": {k: round(v, 4) for k, v in p.scores.items()},
    }


def result(prediction: Prediction, item_id: str | None, triage: Triage, settings: Settings) -> dict[str, Any]:
    """One ClassifyResponse as JSON-ready data, built directly: the response model documents it
    (and the schema tests hold it to that), but validating it again per request costs more than
    building it."""
    d = prediction.danger
    return {
        "id": item_id,
        "type": _axis("type", prediction.type),
        "urgency": _axis("urgency", prediction.urgency),
        "needs_review": prediction.needs_review,
        "review_reasons": prediction.review_reasons,
        "cues": [{"phrase": c.phrase, "signal": c.signal} for c in prediction.cues],
        "danger": {"clause": d.text, "signals": list(d.signals), "p_high": round(d.p_high, 4)} if d else None,
        "urgency_factors": [
            {"factor": f.name, "name": CHINESE_NAMES.get(f.name, f.name), "phrase": f.phrase}
            for f in prediction.factors
        ],
        "handling": handling_json(settings, prediction.urgency.label),
        "model_version": triage.version,
    }


def json_response(payload: dict[str, Any]) -> Response:
    return Response(orjson.dumps(payload), media_type=JSON)  # UTF-8, as FastAPI's JSONResponse; 10x faster


def record(request: Request, predictions: list[Prediction], triage: Triage, sources: list[str | None]) -> None:
    """Labels and model version for the access log, the metrics and the statistics counters; never the text."""
    request.app.state.metrics.observe_predictions(predictions)
    request.app.state.counters.add(predictions, sources)
    if not log.isEnabledFor(logging.INFO):  # no access log line to write it into
        return
    request.state.log = {
        "model_version": triage.version,
        "types": [p.type.label for p in predictions][:20],
        "urgencies": [p.urgency.label for p in predictions][:20],
        "needs_review": sum(p.needs_review for p in predictions),
    }


async def keep_for_review(
    items: list[tuple[str, str | None]],
    predictions: list[Prediction],
    triage: Triage,
    database: Database,
    settings: Settings,
) -> None:
    """Store predictions that need review, only where the operator has turned this on. A store
    that refuses is logged and shown on /readyz; the caller still gets the classification."""
    if settings.keep_low_confidence and any(p.needs_review for p in predictions):
        with suppress(StoreUnavailable):
            await persist.write(database, _store_for_review, items=items, predictions=predictions, triage=triage)


def _store_for_review(
    *, engine: Engine, items: list[tuple[str, str | None]], predictions: list[Prediction], triage: Triage
) -> None:
    for (text, item_id), p in zip(items, predictions, strict=True):
        if p.needs_review:
            records.add_review(
                engine=engine,
                text=text,
                case_id=item_id,
                predicted_type=p.type.label,
                type_confidence=p.type.confidence,
                predicted_urgency=p.urgency.label,
                urgency_confidence=p.urgency.confidence,
                reasons=p.review_reasons,
                model_version=triage.version,
            )


# Where the prediction runs (inline, or worker threads in chunks) is service.offload's decision.
# Storing for review (off by default) is blocking I/O and goes to the thread pool. The model, the
# settings and the store are read from the app's state, not through dependencies: this is the hot
# path, and FastAPI walks every dependency's signature on every request.
@router.post("/classify", response_model=ClassifyResponse)
async def classify(body: ClassifyRequest, request: Request) -> Response:
    """Type, urgency, confidences, cues and deadline of one dispute description."""
    state = request.app.state
    settings: Settings = state.settings
    triage = serving(state.holder)
    size = check_text(body.text, settings)
    prediction = (await offload.predict(request.app, triage, [body.text], [size]))[0]
    record(request, [prediction], triage, [body.source])
    if settings.keep_low_confidence:
        await keep_for_review([(body.text, body.id)], [prediction], triage, state.store, settings)
    return json_response(result(prediction, body.id, triage, settings))


@router.post("/classify/batch", response_model=BatchResponse)
async def classify_batch(body: BatchRequest, request: Request) -> Response:
    """The same for a batch of descriptions (at most DT_MAX_BATCH_ITEMS), answered in order."""
    state = request.app.state
    settings: Settings = state.settings
    triage = serving(state.holder)
    if not body.items:
        raise InvalidInput("items is empty; send at least one item")
    if len(body.items) > settings.max_batch_items:
        raise InvalidInput(f"items has {len(body.items)} entries; the limit is {settings.max_batch_items}")
    sizes = [check_text(item.text, settings, where=f"items[{i}].text") for i, item in enumerate(body.items)]
    predictions = await offload.predict(request.app, triage, [item.text for item in body.items], sizes)
    record(request, predictions, triage, [item.source for item in body.items])
    items = [(item.text, item.id) for item in body.items]
    await keep_for_review(items, predictions, triage, state.store, settings)
    results = [result(p, item.id, triage, settings) for p, item in zip(predictions, body.items, strict=True)]
    return json_response({"results": results})
