"""POST /v1/feedback: a desk's correction of a prediction, stored for analysts to review."""

from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from service import persist
from service.deps import HolderDep, SettingsDep, StoreDep
from service.errors import IdempotencyKeyReused
from service.routers.classify import check_text
from service.schemas import IDEMPOTENCY_KEY, PUBLIC_ERRORS, ErrorResponse, FeedbackRequest, FeedbackResponse
from service.security import IntakeAccess
from store import records
from store.errors import KeyReused

router = APIRouter(prefix="/v1", dependencies=[IntakeAccess], responses=PUBLIC_ERRORS, tags=["feedback"])
STORE_ERRORS: dict[int | str, dict[str, object]] = {
    409: {"model": ErrorResponse, "description": "The Idempotency-Key already stored a different correction."},
    503: {
        "model": ErrorResponse,
        "description": "The store refused the write (down, read-only, disk full, locked): not acknowledged.",
    },
}


@router.post(
    "/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackResponse,
    responses=STORE_ERRORS,
)
async def post_feedback(
    body: FeedbackRequest,
    response: Response,
    settings: SettingsDep,
    database: StoreDep,
    holder: HolderDep,
    idempotency_key: Annotated[str | None, Header(**IDEMPOTENCY_KEY)] = None,
) -> FeedbackResponse:
    """Store a correction (text and id masked) with the model version it corrects, once per key."""
    check_text(body.text, settings)
    try:
        stored = await persist.write(
            database,
            records.add_feedback,
            text=body.text,
            type_=body.type,
            urgency=body.urgency,
            case_id=body.id,
            note=body.note,
            model_version=holder.triage.version if holder.triage else "none",
            idempotency_key=idempotency_key,
        )
    except KeyReused as exc:
        raise IdempotencyKeyReused(str(exc)) from None
    if stored.replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return FeedbackResponse(stored_id=stored.id, id=body.id)
