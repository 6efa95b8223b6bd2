"""Schemathesis drives every endpoint from the service's own OpenAPI schema: no 5xx, and no
response that breaks the schema, whatever it sends (a bounded number of examples per endpoint).

The strategies are driven directly with hypothesis rather than through schemathesis' pytest
plugin, which does not yet work with pytest 9.
"""

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings

from service.main import create_app
from service.settings import Settings

EXAMPLES_PER_OPERATION = 30


@pytest.fixture(scope="module")
def served_app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    with TestClient(app):  # runs the lifespan: model and database ready
        yield app


def test_every_endpoint_conforms_to_its_schema(served_app: FastAPI) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", served_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert {"POST /v1/classify", "POST /v1/classify/batch", "POST /v1/feedback", "POST /admin/reload"} <= labels
    for operation in operations:
        check_operation(operation)


def check_operation(operation: schemathesis.APIOperation) -> None:
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate()

    run()
