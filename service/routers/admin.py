"""POST /admin/reload: put the registry's live model into service without a restart."""

from fastapi import APIRouter, Request

from nlp.artifact import ArtifactError
from service import workers
from service.deps import HolderDep, SettingsDep
from service.errors import ModelRejected
from service.schemas import ADMIN_ERRORS, ReloadResponse

router = APIRouter(prefix="/admin", responses=ADMIN_ERRORS, tags=["admin"])


@router.post("/reload", response_model=ReloadResponse)
def reload(request: Request, holder: HolderDep, settings: SettingsDep) -> ReloadResponse:
    """Load and check the live model beside the current one, then swap; a bad model is refused.
    The other workers of this server are told to do the same."""
    try:
        previous, current = holder.reload(settings)
    except ArtifactError as exc:
        raise ModelRejected(f"{exc}; still serving {holder.triage.version if holder.triage else 'no model'}") from None
    finally:
        workers.tell_siblings(request.app.state.supervisor)
    return ReloadResponse(previous_version=previous, model_version=current)
