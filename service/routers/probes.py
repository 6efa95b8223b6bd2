"""Liveness, readiness and Prometheus metrics: open to probes and scrapers, no key needed."""

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from service.deps import HolderDep, StoreDep
from service.schemas import Health, Readiness, StoreHealth

router = APIRouter(tags=["probes"])


@router.get("/healthz", response_model=Health)
async def healthz() -> Health:
    """The process is up."""
    return Health(status="ok")


@router.get("/readyz", response_model=Readiness, responses={503: {"model": Readiness}})
async def readyz(holder: HolderDep, database: StoreDep) -> Readiness | JSONResponse:
    """Ready only once a model is loaded; the store's state is reported, never a reason to refuse
    traffic, since classifying does not need it."""
    state = await run_in_threadpool(database.check)
    store = StoreHealth(status=state.status, reason=state.reason)
    if holder.triage is None:
        return JSONResponse(Readiness(status="loading", store=store).model_dump(), status_code=503)
    return Readiness(status="ready", model_version=holder.triage.version, store=store)


@router.get("/metrics", response_class=Response, responses={200: {"content": {"text/plain": {}}}})
def metrics(request: Request) -> Response:
    """Request, latency, prediction and model figures in Prometheus text format."""
    body, content_type = request.app.state.metrics.render()
    return Response(body, media_type=content_type)
