"""Arbitrary request headers on every route (issue 13), open and with keys: never a 5xx, only the
statuses the OpenAPI document lists for the route, always the one error body, a request id that
is safe to log, and nothing behind a key without the key."""

import re
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.main import create_app
from service.settings import Settings

ROUTES = [
    ("POST", "/v1/classify", {"text": "楼上漏水把我家天花板泡坏了", "id": "a"}),
    ("POST", "/v1/classify/batch", {"items": [{"text": "包工头欠我们工资"}, {"text": "楼上漏水"}]}),
    ("POST", "/v1/feedback", {"text": "物业把我家车位卖了", "type": "other", "urgency": "low", "id": "fb"}),
    ("GET", "/v1/labels", None),
    ("GET", "/v1/model", None),
    ("POST", "/admin/reload", None),
    ("GET", "/healthz", None),
    ("GET", "/readyz", None),
    ("GET", "/metrics", None),
]
ADMIN_KEY, INTAKE_KEY = "admin-key-0001", "intake-key-0001"
FRAMING = {"host", "content-length", "transfer-encoding", "connection", "expect", "upgrade", "te", "trailer"}
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

names = st.one_of(
    st.sampled_from(["X-API-Key", "X-Request-ID", "X-Forwarded-For", "Forwarded", "X-Real-IP", "Via", "Content-Type"]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,30}", fullmatch=True),
).filter(lambda n: n.lower() not in FRAMING)
values = st.one_of(
    st.sampled_from([INTAKE_KEY, ADMIN_KEY, "127.0.0.1", "::1", "for=127.0.0.1", "13812345678", "application/json"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF, exclude_characters="\x7f"), max_size=300),
).map(str.strip)
header_sets = st.dictionaries(names, values, max_size=8)


def documented(app: FastAPI, method: str, path: str) -> set[int]:
    responses = app.openapi()["paths"][path][method.lower()]["responses"]
    return {int(code) for code in responses}


def check(app: FastAPI, client: TestClient, route: int, headers: dict[str, str], keyed: bool) -> None:
    method, path, body = ROUTES[route]
    raw = {k: v.encode("latin-1") for k, v in headers.items()}  # HTTP header values are bytes
    response = client.request(method, path, json=body, headers=raw)
    assert response.status_code < 500, (path, headers, response.text)
    assert response.status_code in documented(app, method, path), (path, headers, response.status_code)
    if response.status_code >= 400:
        error = response.json()["error"]
        assert set(error) <= {"code", "message", "details"} and error["message"]
    request_id = response.headers["X-Request-ID"]
    assert REQUEST_ID.fullmatch(request_id)
    given_id = next((v for k, v in headers.items() if k.lower() == "x-request-id"), "")
    if REQUEST_ID.fullmatch(given_id):
        assert request_id == given_id
    given_key = next((v for k, v in headers.items() if k.lower() == "x-api-key"), None)
    if keyed and response.status_code < 300 and path.startswith(("/v1", "/admin")):
        assert given_key == (ADMIN_KEY if path.startswith("/admin") else INTAKE_KEY)


@pytest.fixture(scope="module")
def apps(settings: Settings) -> Iterator[dict[str, tuple[FastAPI, TestClient]]]:
    keys = {"intake_keys": [INTAKE_KEY], "admin_keys": [ADMIN_KEY], "auth_failures_per_minute": 30}
    out = {}
    clients = []
    for name, changes in (("open", {}), ("keyed", keys)):
        app = create_app(settings.model_copy(update=changes))
        client = TestClient(app, client=("127.0.0.1", 5000), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        out[name] = (app, client)
    yield out
    for client in clients:
        client.__exit__(None, None, None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.integers(0, len(ROUTES) - 1), headers=header_sets)
def test_any_headers_on_an_open_service(apps: dict[str, tuple[FastAPI, TestClient]], route: int, headers: dict) -> None:
    app, client = apps["open"]
    check(app, client, route, headers, keyed=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.integers(0, len(ROUTES) - 1), headers=header_sets)
def test_any_headers_on_a_keyed_service(apps: dict[str, tuple[FastAPI, TestClient]], route: int, headers: dict) -> None:
    app, client = apps["keyed"]
    check(app, client, route, headers, keyed=True)
