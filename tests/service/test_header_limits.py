"""Caps on the request head under the real server (issue 13): 64 MB of headers or 20,000 headers
are refused with 431 while they arrive, before they are kept, and the server stays well."""

import socket
from collections.abc import Iterator

import httpx2 as httpx
import pytest

from service.main import create_app
from service.settings import Settings
from tests.service.live_server import running


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[tuple[str, int]]:
    with running(create_app(settings)) as base:
        yield base, int(base.rsplit(":", 1)[1])


def resident_mb() -> int:
    """This process's resident memory: the test server runs in one of its threads."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096 // 2**20


def exchange(port: int, head: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
        return answer


def refusal(answer: bytes) -> str:
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:200]
    assert b"connection: close" in answer
    return answer.split(b"\r\n\r\n", 1)[1].decode()


def healthy(base: str) -> bool:
    return httpx.get(f"{base}/healthz", timeout=10).status_code == 200


def test_an_ordinary_request_passes(server: tuple[str, int]) -> None:
    base, _ = server
    headers = {f"X-Extra-{i}": "v" * 100 for i in range(50)}
    assert httpx.get(f"{base}/healthz", headers=headers, timeout=10).status_code == 200


def test_more_headers_than_the_cap_is_431(server: tuple[str, int]) -> None:
    base, port = server
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n"
    body = refusal(exchange(port, head))
    assert body == '{"error": {"code": "headers_too_large", "message": "more than 100 request headers"}}'
    assert healthy(base)


def test_a_head_over_the_byte_cap_is_431(server: tuple[str, int]) -> None:
    base, port = server
    body = refusal(exchange(port, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n"))
    assert "request line and headers are over the limit of 16384 bytes" in body
    assert "over the limit" in refusal(exchange(port, b"GET /" + b"a" * 20_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"))
    assert healthy(base)


def test_a_body_in_the_same_read_is_not_counted_as_head(server: tuple[str, int]) -> None:
    base, port = server
    text = "楼上漏水把我家天花板泡坏了" * 300
    payload = ('{"text": "' + text + '"}').encode()
    head = b"POST /v1/classify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nConnection: close\r\n"
    answer = exchange(port, head + b"Content-Length: %d\r\n\r\n" % len(payload) + payload)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:300]
    assert healthy(base)


def test_20000_headers_are_refused(server: tuple[str, int]) -> None:
    base, port = server
    before = resident_mb()
    head = b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(20_000)) + b"\r\n"
    try:
        answer = exchange(port, head)
    except ConnectionResetError:
        answer = b"HTTP/1.1 431 connection: close\r\n\r\n(reset after the refusal)"
    refusal(answer)
    assert resident_mb() - before < 32
    assert healthy(base)


def test_64_mb_of_header_is_cut_off_early(server: tuple[str, int]) -> None:
    base, port = server
    before = resident_mb()
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
        chunk = b"a" * 65536
        try:
            while sent < 64 * 2**20:
                conn.sendall(chunk)
                sent += len(chunk)
        except (ConnectionResetError, BrokenPipeError):
            pass
    assert sent < 16 * 2**20, "the server read on past the cap"
    assert resident_mb() - before < 32
    assert healthy(base)
