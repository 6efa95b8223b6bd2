"""POST /v1/feedback: a desk's correction of a prediction, stored for analysts to review."""

from fastapi import APIRouter, status

from service import store
from service.deps import HolderDep, SettingsDep, StoreDep
from service.routers.classify import check_text
from service.schemas import PUBLIC_ERRORS, FeedbackRequest, FeedbackResponse

router = APIRouter(prefix="/v1", responses=PUBLIC_ERRORS, tags=["feedback"])


@router.post("/feedback", status_code=status.HTTP_201_CREATED, response_model=FeedbackResponse)
def post_feedback(
    body: FeedbackRequest, settings: SettingsDep, engine: StoreDep, holder: HolderDep
) -> FeedbackResponse:
    """Store a correction (text masked) with the model version it corrects."""
    check_text(body.text, settings)
    stored = store.add_feedback(
        engine=engine,
        text=body.text,
        type_=body.type,
        urgency=body.urgency,
        case_id=body.id,
        note=body.note,
        model_version=holder.triage.version if holder.triage else "none",
    )
    return FeedbackResponse(stored_id=stored, id=body.id)
