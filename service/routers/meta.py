"""Label catalogue, model manifest and the liveness and readiness probes."""

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from nlp.labels import labels
from service.deps import HolderDep, TriageDep
from service.schemas import Health, LabelInfo, LabelsResponse, ModelInfo

router = APIRouter(tags=["meta"])


@router.get("/v1/labels", response_model=LabelsResponse)
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


@router.get("/v1/model", response_model=ModelInfo)
def get_model(triage: TriageDep) -> ModelInfo:
    """The manifest of the model in service."""
    manifest = triage.manifest
    return ModelInfo(version=triage.version, created_at=manifest.get("created_at"), manifest=manifest)


@router.get("/healthz", response_model=Health)
def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses={503: {"model": Health}})
def readyz(holder: HolderDep) -> Health | JSONResponse:
    """Ready only once a model is loaded."""
    if holder.triage is None:
        return JSONResponse(Health(status="loading").model_dump(), status_code=503)
    return Health(status="ready", model_version=holder.triage.version)
