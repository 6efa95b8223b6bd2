"""Console errors carry their status; one handler per kind renders them as a page, never a 500."""

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from console.auth import CsrfRejected, NotSignedIn
from console.pages import render


class ConsoleError(Exception):
    """A request the console refuses; the message (Chinese, for the analyst) names the problem."""

    status_code = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ConsoleError):
    status_code = 404


class Conflict(ConsoleError):
    status_code = 409


class Invalid(ConsoleError):
    status_code = 422


class Unavailable(ConsoleError):
    status_code = 503


def install(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        # The sign-in form and nothing of the page asked for.
        return render(request, "login.html", {"next": request.url.path}, status_code=401)

    @app.exception_handler(CsrfRejected)
    async def _csrf(request: Request, exc: CsrfRejected) -> Response:
        return HTMLResponse("<!doctype html><title>403</title><p>表单缺少有效的 CSRF 令牌，请刷新页面后重试。</p>", 403)

    @app.exception_handler(ConsoleError)
    async def _console_error(request: Request, exc: ConsoleError) -> Response:
        return render(request, "error.html", {"message": exc.message}, status_code=exc.status_code)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        message = {404: "没有这个页面。", 405: "不支持这种请求方法。"}.get(exc.status_code, str(exc.detail))
        return render(request, "error.html", {"message": message}, status_code=exc.status_code)
