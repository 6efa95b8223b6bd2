"""GET /v1/labels and /v1/model: what the service can answer, and with which model."""

import os

from fastapi import APIRouter

from nlp.labels import labels
from service.deps import TriageDep
from service.schemas import PUBLIC_ERRORS, LabelInfo, LabelsResponse, ModelInfo

router = APIRouter(prefix="/v1", responses=PUBLIC_ERRORS, tags=["meta"])


@router.get("/labels", response_model=LabelsResponse)
def get_labels() -> LabelsResponse:
    """Label codes, Chinese names and definitions of both axes."""
    return LabelsResponse(
        **{
            axis: [
                LabelInfo(code=x.code, name=x.name, definition=x.definition, handling=x.handling) for x in labels(axis)
            ]
            for axis in ("type", "urgency")
        }
    )


@router.get("/model", response_model=ModelInfo)
def get_model(triage: TriageDep) -> ModelInfo:
    """The model this process serves: version, prediction path, manifest."""
    manifest = triage.manifest
    return ModelInfo(
        version=triage.version,
        created_at=manifest.get("created_at"),
        serving_path=triage.serving_path,
        fallback_reason=triage.fallback_reason,
        pid=os.getpid(),
        manifest=manifest,
    )
