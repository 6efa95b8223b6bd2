"""审计日志: every change made in the console, newest first."""

from fastapi import APIRouter, Request
from fastapi.responses import Response

from console import audit
from console.auth import AnalystDep
from console.deps import SettingsDep
from console.pages import render

router = APIRouter(tags=["audit"])


@router.get("/audit")
def audit_page(request: Request, analyst: AnalystDep, settings: SettingsDep) -> Response:
    """The latest 500 entries: time, analyst, action and what changed."""
    return render(request, "audit.html", {"entries": audit.entries(settings.audit_log)})
