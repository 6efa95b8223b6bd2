"""The service's own layers in one pure ASGI middleware, in the order a request meets them:
request id, timeout, body cap, access keys and rate limit, then the app; and on the way out the
JSON access log line, the metrics and, for an unexpected exception, a 500 naming only the request id.

One middleware instead of a stack of them, and keys checked here instead of in a FastAPI
dependency of every route: each layer and each dependency costs a coroutine or a signature walk
per request, and together they cost twice a whole bare request (bench/overhead.py).
"""

import asyncio
import itertools
import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from nlp.privacy import mask
from service import security
from service.errors import ServiceError, error_body
from service.metrics import Metrics
from service.settings import Settings

log = logging.getLogger("dispute_triage")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
# Which keys a path needs; anything else (probes, metrics, docs) is open.
SCOPES = (("/v1/", "intake"), ("/admin/", "admin"))


async def send_json(send: Send, status: int, payload: dict[str, Any], headers: list[tuple[bytes, bytes]] = ()) -> None:  # type: ignore[assignment]
    body = json.dumps(payload, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *headers],
        }
    )
    await send({"type": "http.response.body", "body": body})


class Deadlines:
    """The request timeout, kept with one timer for every request in flight: asyncio.timeout arms
    and disarms a timer per request, which costs more than the rest of this middleware. A request
    here only enters and leaves a dict; one task, awake only while requests are in flight, cancels
    those past their deadline, at most a tenth of the timeout (and 0.1 s) late."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.tick = min(0.1, seconds / 10)
        self.inflight: dict[asyncio.Task[Any], float] = {}
        self.expired: set[asyncio.Task[Any]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake = asyncio.Event()
        self._reaper: asyncio.Task[None] | None = None

    def enter(self) -> asyncio.Task[Any]:
        task = asyncio.current_task()
        assert task is not None
        loop = task.get_loop()
        if loop is not self._loop:  # the first request (or, in tests, a new event loop)
            self._loop, self._wake = loop, asyncio.Event()
            self._reaper = loop.create_task(self._reap())
        self.inflight[task] = loop.time() + self.seconds
        if len(self.inflight) == 1:
            self._wake.set()
        return task

    def leave(self, task: asyncio.Task[Any]) -> bool:
        """Forget the request; True if it was cancelled for its deadline."""
        del self.inflight[task]
        if task in self.expired:
            self.expired.discard(task)
            return True
        return False

    async def _reap(self) -> None:
        while True:
            if not self.inflight:
                self._wake.clear()
                await self._wake.wait()
            await asyncio.sleep(self.tick)
            now = asyncio.get_running_loop().time()
            for task, deadline in list(self.inflight.items()):
                if deadline <= now and task not in self.expired:
                    self.expired.add(task)
                    task.cancel()

    def close(self) -> None:
        if self._reaper is not None:
            self._reaper.cancel()


class _TooLarge(Exception):
    pass


class _Disconnected(Exception):
    pass


class Gateway:
    """Every request passes here once: see the module docstring for what it does, in order."""

    def __init__(self, app: ASGIApp, settings: Settings, metrics: Metrics, deadlines: Deadlines) -> None:
        self.app = app
        self.settings = settings
        self.metrics = metrics
        self.deadlines = deadlines
        self.seconds = settings.request_timeout_seconds
        self.max_bytes = settings.max_body_bytes
        self.too_large = error_body("body_too_large", f"request body is over the limit of {self.max_bytes} bytes")
        self.timed_out = error_body("timeout", f"request took longer than {self.seconds:g} seconds")
        # Ids unique across processes and restarts without a system call per request (uuid4 reads
        # the OS's randomness each time): a random 64-bit prefix, then a counter.
        prefix = uuid.uuid4().hex[:16]
        self.ids = (f"{prefix}{n:016x}" for n in itertools.count())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = declared = api_key = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                given = value.decode("latin-1")
            elif name == b"content-length":
                declared = value
            elif name == b"x-api-key" and api_key is None:  # the first, as Starlette's headers.get
                api_key = value.decode("latin-1")
        request_id = given if given is not None and _REQUEST_ID.match(given) else next(self.ids)
        # A caller's own id may be a phone number: the log gets it masked, the caller it as sent.
        logged_id = mask(given) if given is not None and request_id is given else request_id
        id_header = (b"x-request-id", request_id.encode())
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status = message["status"]
                response_started = True
                message["headers"] = [*message.get("headers", []), id_header]
            await send(message)

        task = self.deadlines.enter()
        expired = False
        try:
            try:
                if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
                    raise _TooLarge
                body = await self._read(receive)
                self._authorise(scope, api_key)
                delivered = False

                async def replay() -> Message:
                    nonlocal delivered
                    if not delivered:
                        delivered = True
                        return {"type": "http.request", "body": body, "more_body": False}
                    return await receive()

                await self.app(scope, replay, send_with_id)
            finally:
                expired = self.deadlines.leave(task)  # no await since the work: nothing more can be cancelled
        except asyncio.CancelledError:
            if not expired:
                raise
            task.uncancel()
            if not response_started:
                await send_json(send_with_id, 408, self.timed_out)
        except _Disconnected:
            status = 499  # the client went away before sending its whole body: nothing to answer
        except _TooLarge:
            await send_json(send_with_id, 413, self.too_large)
        except ServiceError as refused:
            headers = list(getattr(refused, "headers", {}).items())
            encoded = [(k.lower().encode(), v.encode()) for k, v in headers]
            await send_json(send_with_id, refused.status_code, error_body(refused.code, refused.message), encoded)
        except Exception:
            log.exception("unhandled error", extra={"request_id": logged_id, "path": scope.get("path")})
            if not response_started:
                message = f"internal error; quote request id {request_id}"
                await send_json(send, 500, error_body("internal_error", message), [id_header])
            status = 500
        finally:
            seconds = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            self.metrics.observe_request(scope["method"], route, status, seconds)
            if log.isEnabledFor(logging.INFO):
                line = {
                    "request_id": logged_id,
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "latency_ms": round(seconds * 1000, 2),
                }
                log.info("request", extra=line | state.get("log", {}))

    async def _read(self, receive: Receive) -> bytes:
        """The whole body, refused as soon as it passes the cap: never parsed, never kept whole."""
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        body = message.get("body", b"")
        if not message.get("more_body", False) and len(body) <= self.max_bytes:
            return body  # the usual case: one message
        chunks = [body]
        size = len(body)
        while message.get("more_body", False) and size <= self.max_bytes:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected
            chunk = message.get("body", b"")
            size += len(chunk)
            chunks.append(chunk)
        if size > self.max_bytes:
            raise _TooLarge
        return b"".join(chunks)

    def _authorise(self, scope: Scope, api_key: str | None) -> None:
        path: str = scope["path"]
        for prefix, name in SCOPES:
            if path.startswith(prefix):
                security.authorise(Request(scope), self.settings, name, api_key)
                return
