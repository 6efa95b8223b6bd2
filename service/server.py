"""How the app is served under uvicorn: caps on the request head, and the client address as the
socket gives it.

uvicorn's httptools protocol keeps every header of a request in memory with no limit (a 64 MB
header, or 20,000 headers, are read whole), and an ASGI middleware only sees them once they are.
`LimitedHead` counts the head while it arrives and answers 431 once it passes `max_head_bytes`
bytes or `max_headers` headers, before it is kept. It relies on uvicorn's HttpToolsProtocol
(0.54): data_received feeds the parser, on_header is called per header, and a parser error ends
in send_400_response, which is where an over-long head is answered instead.

uvicorn's own proxy-header rewriting is off: service.clients decides which forwarding headers to
believe, from configured proxies only.
"""

import json
from typing import Any

import uvicorn
from fastapi import FastAPI
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from service.errors import error_body
from service.settings import Settings


class _HeadTooLarge(Exception):
    """Raised inside a parser callback: httptools turns it into a parser error for uvicorn."""


class LimitedHead(HttpToolsProtocol):
    max_head_bytes = 16 * 1024
    max_headers = 100

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True
        self._head_bytes = 0
        self._tail = b""
        self._refusal: str | None = None

    def data_received(self, data: bytes) -> None:
        if self._refusal is not None:
            return
        if self._in_head:
            # Count up to the blank line that ends the head; a body in the same read is not head.
            window = self._tail + data
            end = window.find(b"\r\n\r\n")
            self._head_bytes += len(data) if end < 0 else max(0, end + 4 - len(self._tail))
            self._tail = window[-3:]
            if self._head_bytes > self.max_head_bytes:
                self._refuse(f"request line and headers are over the limit of {self.max_head_bytes} bytes")
                return
        super().data_received(data)

    def on_header(self, name: bytes, value: bytes) -> None:
        if len(self.headers) >= self.max_headers:
            self._refusal = f"more than {self.max_headers} request headers"
            raise _HeadTooLarge
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head, self._head_bytes, self._tail = True, 0, b""

    def send_400_response(self, msg: str) -> None:
        if self._refusal is None:
            super().send_400_response(msg)
        else:
            self._refuse(self._refusal)

    def _refuse(self, message: str) -> None:
        self._refusal = message
        body = json.dumps(error_body("headers_too_large", message)).encode()
        head = [STATUS_LINE[431], *(b"%s: %s\r\n" % pair for pair in self.server_state.default_headers)]
        head += [b"content-type: application/json\r\n", b"content-length: %d\r\n" % len(body)]
        self.transport.write(b"".join([*head, b"connection: close\r\n\r\n", body]))
        self.transport.close()


def limited_head(max_head_bytes: int, max_headers: int) -> type[LimitedHead]:
    """The protocol class with these caps (uvicorn builds one instance per connection)."""
    return type("LimitedHead", (LimitedHead,), {"max_head_bytes": max_head_bytes, "max_headers": max_headers})


def config(app: FastAPI, settings: Settings, *, host: str, port: int, **options: Any) -> uvicorn.Config:
    """The uvicorn configuration `dispute-triage serve` (and the tests' live server) runs."""
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=limited_head(settings.max_header_bytes, settings.max_headers),
        proxy_headers=False,
        **options,
    )
