from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings

WAGES = "包工头欠我们二十几个人三个月工资，马上过年了还不给"


def test_classify_returns_the_documented_contract(client: TestClient) -> None:
    response = client.post("/v1/classify", json={"text": WAGES, "id": "case-7"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["id"] == "case-7"
    assert body["type"]["label"] in {"land", "wages", "family", "neighbour", "other"}
    assert set(body["type"]["scores"]) == {"land", "wages", "family", "neighbour", "other"}
    assert set(body["urgency"]["scores"]) == {"high", "medium", "low"}
    for axis in ("type", "urgency"):
        assert body[axis]["confidence"] == max(body[axis]["scores"].values())
        assert abs(sum(body[axis]["scores"].values()) - 1) < 1e-3
    assert (
        body["type"]["name"]
        == {
            "land": "土地纠纷",
            "wages": "欠薪及劳动报酬",
            "family": "婚姻家庭",
            "neighbour": "邻里纠纷",
            "other": "其他",
        }[body["type"]["label"]]
    )
    assert isinstance(body["needs_review"], bool)
    assert all(set(c) == {"phrase", "signal"} for c in body["cues"])
    assert body["model_version"]


def test_danger_cue_gives_high_and_the_short_deadline(client: TestClient) -> None:
    body = client.post("/v1/classify", json={"text": "我老公喝了酒拿着菜刀说要砍死我"}).json()
    assert body["urgency"]["label"] == "high"
    assert body["urgency"]["name"] == "紧急"
    assert body["handling"]["deadline_hours"] == 4
    assert {"phrase": "拿着菜刀", "signal": "weapon"} in body["cues"]


def test_deadlines_come_from_settings(models_root: Path) -> None:
    settings = Settings(models_dir=models_root, deadline_high_hours=2)
    with TestClient(create_app(settings)) as c:
        body = c.post("/v1/classify", json={"text": "他拿着刀追着我砍"}).json()
    assert body["handling"]["deadline_hours"] == 2


def test_too_little_chinese_needs_review(client: TestClient) -> None:
    body = client.post("/v1/classify", json={"text": "ok 123"}).json()
    assert body["needs_review"] is True
    assert "too little Chinese text to judge" in body["review_reasons"]


def test_batch_answers_in_order(client: TestClient) -> None:
    items = [{"id": str(i), "text": t} for i, t in enumerate([WAGES, "楼上漏水", "他拿刀砍人", "彩礼要不回来"])]
    response = client.post("/v1/classify/batch", json={"items": items})
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["id"] for r in results] == ["0", "1", "2", "3"]
    single = client.post("/v1/classify", json=items[2]).json()
    assert results[2]["type"] == single["type"]


def test_labels_lists_codes_names_and_definitions(client: TestClient) -> None:
    body = client.get("/v1/labels").json()
    assert [x["code"] for x in body["type"]] == ["land", "wages", "family", "neighbour", "other"]
    assert [x["name"] for x in body["urgency"]] == ["紧急", "较急", "一般"]
    assert all(x["definition"] for x in body["type"] + body["urgency"])


def test_model_endpoint_serves_the_manifest(client: TestClient) -> None:
    body = client.get("/v1/model").json()
    assert body["version"] == body["manifest"]["version"]
    assert "cross_validation" in body["manifest"]["metrics"]


def test_probes(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "model_version": None}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json()["status"] == "ready"
    assert ready.json()["store"] == {"status": "ok", "reason": None}


def test_not_ready_without_a_model_when_allowed_to_wait(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(models_dir=tmp_path, require_model=False))) as c:
        assert c.get("/healthz").status_code == 200
        assert c.get("/readyz").status_code == 503
        response = c.post("/v1/classify", json={"text": WAGES})
        assert response.status_code == 503
        assert "live.json" in response.json()["error"]["message"]


def test_openapi_docs_carry_examples(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    schema = client.get("/openapi.json").json()
    assert schema["components"]["schemas"]["ClassifyRequest"]["examples"][0]["text"] == WAGES


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"text": ""}, "text is empty or only whitespace"),
        ({"text": " \n\t　"}, "text is empty or only whitespace"),
        ({"text": "漏" * 5001}, "text has 5001 characters; the limit is 5000"),
        ({"text": 42}, "text: Input should be a valid string"),
        ({"text": ["楼上漏水"]}, "text: Input should be a valid string"),
        ({"text": "楼上漏水", "id": 7}, "id: Input should be a valid string"),
        ({}, "text is required"),
        ([], "Input should be a valid dictionary"),
    ],
)
def test_bad_single_input_is_a_422_naming_the_problem(client: TestClient, payload: object, message: str) -> None:
    response = client.post("/v1/classify", json=payload)
    assert response.status_code == 422
    assert message in response.json()["error"]["message"]


def test_text_at_the_limit_is_accepted(client: TestClient) -> None:
    assert client.post("/v1/classify", json={"text": "漏" * 5000}).status_code == 200


def test_invalid_json_is_a_422(client: TestClient) -> None:
    response = client.post("/v1/classify", content=b'{"text": ', headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == "request body is not valid JSON"


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"items": [{"text": "楼上漏水"}] * 501}, "items has 501 entries; the limit is 500"),
        ({"items": []}, "items is empty"),
        ({"items": [{"text": "楼上漏水"}, {"text": "  "}]}, "items[1].text is empty or only whitespace"),
        ({"items": [{"text": "楼上漏水"}, {"text": 3}]}, "items.1.text: Input should be a valid string"),
        ({"items": "楼上漏水"}, "items: Input should be a valid list"),
    ],
)
def test_bad_batch_is_a_422_naming_the_problem(client: TestClient, payload: object, message: str) -> None:
    response = client.post("/v1/classify/batch", json=payload)
    assert response.status_code == 422
    assert message in response.json()["error"]["message"]


def test_batch_at_the_limit_is_accepted(client: TestClient) -> None:
    response = client.post("/v1/classify/batch", json={"items": [{"text": "楼上漏水"}] * 500})
    assert response.status_code == 200
    assert len(response.json()["results"]) == 500


def test_unknown_route_uses_the_error_body(client: TestClient) -> None:
    response = client.get("/v1/nothing")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
