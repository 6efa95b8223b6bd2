"""POST /v1/classify and /v1/classify/batch."""

from contextlib import suppress

from fastapi import APIRouter, Request
from sqlalchemy import Engine

from nlp.factors import CHINESE_NAMES
from nlp.labels import name_of
from nlp.normalize import NFKC_MAX_GROWTH, nfkc_length
from nlp.predictor import Prediction, Triage
from service import offload, persist
from service.deps import SettingsDep, StoreDep, TriageDep
from service.errors import InvalidInput, StoreUnavailable
from service.schemas import (
    PUBLIC_ERRORS,
    AxisResult,
    BatchRequest,
    BatchResponse,
    ClassifyRequest,
    ClassifyResponse,
    CueResult,
    DangerResult,
    FactorResult,
    Handling,
    is_blank,
)
from service.security import IntakeAccess
from service.settings import Settings
from store import records
from store.database import Database

router = APIRouter(prefix="/v1", dependencies=[IntakeAccess], responses=PUBLIC_ERRORS, tags=["classify"])


def check_text(text: str, settings: Settings, where: str = "text") -> int:
    """Refuse a blank or over-long text; returns its length after normalisation, which bounds the
    work: the limit holds for the text as sent and as NFKC expands it (U+FDFA becomes 18 characters)."""
    if is_blank(text):
        raise InvalidInput(f"{where} is empty or only whitespace")
    limit = settings.max_text_chars
    if len(text) > limit:
        raise InvalidInput(f"{where} has {len(text)} characters; the limit is {limit}")
    if len(text) * NFKC_MAX_GROWTH <= limit:
        return len(text)
    size = nfkc_length(text)
    if size > limit:
        raise InvalidInput(f"{where} has {size} characters after Unicode normalisation (NFKC); the limit is {limit}")
    return size


def to_response(prediction: Prediction, item_id: str | None, triage: Triage, settings: Settings) -> ClassifyResponse:
    def axis(name: str) -> AxisResult:
        p = getattr(prediction, name)
        return AxisResult(
            label=p.label,
            name=name_of(name, p.label),
            confidence=round(p.confidence, 4),
            scores={k: round(v, 4) for k, v in p.scores.items()},
        )

    return ClassifyResponse(
        id=item_id,
        type=axis("type"),
        urgency=axis("urgency"),
        needs_review=prediction.needs_review,
        review_reasons=prediction.review_reasons,
        cues=[CueResult(phrase=c.phrase, signal=c.signal) for c in prediction.cues],
        danger=(
            DangerResult(clause=d.text, signals=list(d.signals), p_high=round(d.p_high, 4))
            if (d := prediction.danger)
            else None
        ),
        urgency_factors=[
            FactorResult(factor=f.name, name=CHINESE_NAMES.get(f.name, f.name), phrase=f.phrase)
            for f in prediction.factors
        ],
        handling=Handling(deadline_hours=settings.deadline_hours(prediction.urgency.label)),
        model_version=triage.version,
    )


def record(request: Request, predictions: list[Prediction], triage: Triage, sources: list[str | None]) -> None:
    """Labels and model version for the access log, the metrics and the statistics counters; never the text."""
    request.app.state.metrics.observe_predictions(predictions)
    request.app.state.counters.add(predictions, sources)
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
# Storing for review (off by default) is blocking I/O and goes to the thread pool.
@router.post("/classify", response_model=ClassifyResponse)
async def classify(
    body: ClassifyRequest, request: Request, triage: TriageDep, settings: SettingsDep, database: StoreDep
) -> ClassifyResponse:
    """Type, urgency, confidences, cues and deadline of one dispute description."""
    size = check_text(body.text, settings)
    prediction = (await offload.predict(request.app, triage, [body.text], [size]))[0]
    record(request, [prediction], triage, [body.source])
    await keep_for_review([(body.text, body.id)], [prediction], triage, database, settings)
    return to_response(prediction, body.id, triage, settings)


@router.post("/classify/batch", response_model=BatchResponse)
async def classify_batch(
    body: BatchRequest, request: Request, triage: TriageDep, settings: SettingsDep, database: StoreDep
) -> BatchResponse:
    """The same for up to 500 descriptions, answered in order."""
    if not body.items:
        raise InvalidInput("items is empty; send at least one item")
    if len(body.items) > settings.max_batch_items:
        raise InvalidInput(f"items has {len(body.items)} entries; the limit is {settings.max_batch_items}")
    sizes = [check_text(item.text, settings, where=f"items[{i}].text") for i, item in enumerate(body.items)]
    predictions = await offload.predict(request.app, triage, [item.text for item in body.items], sizes)
    record(request, predictions, triage, [item.source for item in body.items])
    items = [(item.text, item.id) for item in body.items]
    await keep_for_review(items, predictions, triage, database, settings)
    return BatchResponse(
        results=[to_response(p, item.id, triage, settings) for p, item in zip(predictions, body.items, strict=True)]
    )
