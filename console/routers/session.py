"""Sign-in with an analyst key, sign-out, and the start page."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from console.auth import CsrfCheck, check_key, sign_in
from console.pages import render

router = APIRouter(tags=["session"])


def _safe_next(target: str) -> str:
    """Only a path of this console: never an absolute or protocol-relative address."""
    return target if target.startswith("/") and not target.startswith("//") else "/models"


@router.get("/")
async def start() -> RedirectResponse:
    return RedirectResponse("/models", status_code=303)


@router.get("/login")
async def login_form(request: Request, next: str = "/models") -> Response:
    """The sign-in form."""
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login", dependencies=[CsrfCheck])
async def login(
    request: Request, key: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "/models"
) -> Response:
    """A known key starts a session; anything else is 401 with the form again."""
    name = check_key(key.strip(), request.app.state.keys())
    if name is None:
        return render(request, "login.html", {"next": _safe_next(next), "error": "密钥无效。"}, status_code=401)
    sign_in(request, key.strip(), name)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfCheck])
async def logout(request: Request) -> RedirectResponse:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
