"""Training a candidate as a background job, and its progress page (which survives a reload)."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from console import audit
from console.auth import AnalystDep, CsrfCheck
from console.deps import JobsDep, SettingsDep
from console.errors import Conflict, NotFound
from console.jobs import JobRefused
from console.pages import render

router = APIRouter(tags=["training"])


@router.post("/models/train", dependencies=[CsrfCheck])
def start(analyst: AnalystDep, settings: SettingsDep, jobs: JobsDep) -> RedirectResponse:
    """Start training on the corpus as it is now; one job at a time."""
    config = {
        "data_dir": str(settings.data_dir.resolve()),
        "models_dir": str(settings.models_dir.resolve()),
        "test_dir": str(settings.test_dir.resolve()) if settings.test_dir.exists() else None,
        "eval_dirs": [str(p.resolve()) for p in settings.eval_dirs if p.exists()],
        "folds": settings.train_folds,
        "n_jobs": settings.train_jobs,
    }
    try:
        job = jobs.start(analyst.name, config)
    except JobRefused as exc:
        raise Conflict(f"已有训练任务 {exc} 在运行，请等它结束。") from None
    audit.record(settings.audit_log, analyst=analyst.name, action="train", job=job.id)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}")
def progress(request: Request, job_id: str, analyst: AnalystDep, jobs: JobsDep) -> Response:
    """The job's progress bar; the page refreshes itself until the job ends, then links the report."""
    job = jobs.get(job_id)
    if job is None:
        raise NotFound(f"没有训练任务 {job_id}。")
    return render(request, "job.html", {"job": job})
