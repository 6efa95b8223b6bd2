"""Schemathesis drives every endpoint from the service's own OpenAPI schema: no 5xx, and no
response that breaks the schema, whatever it sends (a bounded number of examples per endpoint),
headers included (X-API-Key and X-Request-ID are declared), on an open service and on one with
keys, where a case carries the right key or whatever schemathesis made up.

The strategies are driven directly with hypothesis rather than through schemathesis' pytest
plugin, which does not yet work with pytest 9.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.main import create_app
from service.settings import Settings

EXAMPLES_PER_OPERATION = 30
KEYS = {"intake_keys": ["intake-key-0001"], "admin_keys": ["admin-key-0001"], "auth_failures_per_minute": 0}


@pytest.fixture(scope="module")
def served_app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    with TestClient(app):  # runs the lifespan: model and database ready
        yield app


@pytest.fixture(scope="module")
def keyed_app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings.model_copy(update=KEYS))
    with TestClient(app):
        yield app


def operations(app: FastAPI) -> list[schemathesis.APIOperation]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    found = [result.ok() for result in schema.get_all_operations()]
    labels = {op.label for op in found}
    assert {"POST /v1/classify", "POST /v1/classify/batch", "POST /v1/feedback", "POST /admin/reload"} <= labels
    return found


def test_keyed_routes_declare_their_headers(served_app: FastAPI) -> None:
    own = {"/v1/feedback": {"Idempotency-Key"}}  # headers a route reads beyond the shared ones
    for path, methods in served_app.openapi()["paths"].items():
        for operation in methods.values():
            headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
            shared = {"X-API-Key", "X-Request-ID"} if path.startswith(("/v1", "/admin")) else set()
            assert headers == shared | own.get(path, set()), path


def test_every_endpoint_conforms_to_its_schema(served_app: FastAPI) -> None:
    for operation in operations(served_app):
        check_operation(operation)


def test_every_endpoint_conforms_with_keys_and_any_headers(keyed_app: FastAPI) -> None:
    for operation in operations(keyed_app):
        key = "admin-key-0001" if operation.path.startswith("/admin") else "intake-key-0001"
        check_operation(operation, key)


def check_operation(operation: schemathesis.APIOperation, key: str | None = None) -> None:
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(), use_key=st.booleans())
    def run(case: schemathesis.Case, use_key: bool) -> None:
        if key is not None and use_key:
            case.headers = {**(case.headers or {}), "X-API-Key": key}
        case.call_and_validate()

    run()
