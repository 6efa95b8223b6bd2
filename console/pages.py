"""Renders the console's Jinja2 templates with what every page needs: the analyst, the CSRF token,
the navigation, and filters that show figures and labels the way the desks read them."""

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from console.auth import csrf_token, current_analyst
from console.messages import reason_zh
from nlp.labels import name_of
from nlp.privacy import mask

NAV = [("/review", "复核队列"), ("/import", "导入"), ("/models", "模型"), ("/stats", "统计"), ("/audit", "审计日志")]

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def _fixed(value: Any, digits: int = 3) -> str:
    return f"{value:.{digits}f}" if isinstance(value, int | float) else "–"


def _percent(value: Any) -> str:
    return f"{value:.1%}" if isinstance(value, int | float) else "–"


def _label(code: str, axis: str) -> str:
    try:
        return f"{name_of(axis, code)}"
    except StopIteration:
        return code


templates.env.filters.update(fixed=_fixed, percent=_percent, label=_label, mask=mask, reason=reason_zh)


def flash(request: Request, message: str, kind: str = "ok") -> None:
    """A message shown once, on the next page rendered (after a redirect)."""
    request.session["flash"] = [*request.session.get("flash", []), [kind, message]]


def render(request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200) -> HTMLResponse:
    page = {
        "analyst": current_analyst(request),
        "csrf_token": csrf_token(request),
        "nav": NAV,
        "path": request.url.path,
        "flashes": request.session.pop("flash", []),
    }
    response = templates.TemplateResponse(request, name, page | (context or {}), status_code=status_code)
    response.headers["Cache-Control"] = "no-store"  # pages hold masked texts and figures: never cached
    return response
