"""Each limit refuses with its own 4xx and the one error body; unexpected errors are a bare 500."""

import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings

TEXT = {"text": "楼上漏水把我家天花板泡坏了"}


def client_with(settings: Settings, **changes: object) -> TestClient:
    return TestClient(create_app(settings.model_copy(update=changes)))


def test_body_over_the_cap_is_413_before_parsing(settings: Settings) -> None:
    with client_with(settings, max_body_bytes=2000) as c:
        response = c.post("/v1/classify", json={"text": "漏" * 1000})
        assert response.status_code == 413
        assert response.json()["error"] == {
            "code": "body_too_large",
            "message": "request body is over the limit of 2000 bytes",
        }
        # Without Content-Length (chunked), the cap still holds while reading.
        chunks = iter([b'{"text": "', "漏".encode() * 800, b'"}'])
        chunked = c.post("/v1/classify", content=chunks, headers={"Content-Type": "application/json"})
        assert chunked.status_code == 413
        assert c.post("/v1/classify", json=TEXT).status_code == 200


def test_slow_request_is_408(settings: Settings) -> None:
    with client_with(settings, request_timeout_seconds=0.000001) as c:
        response = c.post("/v1/classify/batch", json={"items": [TEXT] * 200})
        assert response.status_code == 408
        assert response.json()["error"]["code"] == "timeout"


def test_rate_limit_is_429_with_retry_after(settings: Settings) -> None:
    with client_with(settings, rate_limit_per_minute=3) as c:
        codes = [c.post("/v1/classify", json=TEXT).status_code for _ in range(5)]
        assert codes == [200, 200, 200, 429, 429]
        refused = c.post("/v1/classify", json=TEXT)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 20
        assert "3 requests a minute" in refused.json()["error"]["message"]


@pytest.fixture
def broken_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False) as c:
        triage = app.state.holder.triage

        def explode(texts: list[str]) -> list[object]:
            raise RuntimeError(f"boom on {texts[0]}")

        original = triage.predict
        triage.predict = explode
        try:
            yield c
        finally:
            triage.predict = original


def test_unexpected_error_is_500_with_request_id_and_nothing_else(
    broken_client: TestClient, capfd: pytest.CaptureFixture[str]
) -> None:
    from service import logs

    logs.configure()
    response = broken_client.post("/v1/classify", json={"text": "我的电话13812345678，楼上漏水"})
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    assert response.json() == {
        "error": {"code": "internal_error", "message": f"internal error; quote request id {request_id}"}
    }
    lines = [json.loads(line) for line in capfd.readouterr().err.splitlines() if line.startswith("{")]
    errors = [line for line in lines if line.get("request_id") == request_id and line["level"] == "error"]
    assert errors and "RuntimeError" in errors[0]["exception"]
    access = [line for line in lines if line.get("request_id") == request_id and line["message"] == "request"]
    assert access[0]["status"] == 500


def test_access_log_has_labels_and_never_the_text(client: TestClient, capfd: pytest.CaptureFixture[str]) -> None:
    from service import logs

    logs.configure()
    secret = "我叫张三电话13812345678楼上漏水泡坏了天花板"
    response = client.post("/v1/classify", json={"text": secret}, headers={"X-Request-ID": "req-42"})
    assert response.headers["X-Request-ID"] == "req-42"
    err = capfd.readouterr().err
    line = next(json.loads(x) for x in err.splitlines() if '"req-42"' in x)
    assert line["route"] == "/v1/classify" and line["status"] == 200
    assert line["types"] == [response.json()["type"]["label"]]
    assert line["model_version"] == response.json()["model_version"]
    assert "latency_ms" in line
    assert "张三" not in err and "13812345678" not in err and "漏水" not in err
    logging.getLogger("dispute_triage").handlers.clear()


def test_metrics_count_requests_predictions_and_model(client: TestClient) -> None:
    client.post("/v1/classify", json=TEXT)
    client.post("/v1/classify", json={"text": ""})
    text = client.get("/metrics").text
    assert 'dt_requests_total{method="POST",route="/v1/classify",status="200"}' in text
    assert 'dt_requests_total{method="POST",route="/v1/classify",status="422"}' in text
    assert "dt_request_latency_seconds_bucket" in text
    assert "dt_predictions_total{" in text and "dt_needs_review_total" in text
    version = client.get("/readyz").json()["model_version"]
    assert f'dt_model_info{{version="{version}"}} 1.0' in text
    assert "dt_model_load_seconds" in text
