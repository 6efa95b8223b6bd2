"""复核队列: queued cases in danger-first order, labels kept until the confirm, then written into
the corpus through the importer and taken off the queue."""

import json

from fastapi.testclient import TestClient

from console import audit
from console.settings import ConsoleSettings
from store import records
from tests.console.conftest import csrf_of, migrated

QUEUED = [
    ("隔壁的狗又叫了一晚上", "neighbour", 0.41, "low", 0.52),
    ("他说明天带人拿刀来我家算账，电话13912345678", "other", 0.38, "medium", 0.47),
    ("工头说工资年底一起结", "wages", 0.55, "low", 0.44),
]


def seed(settings: ConsoleSettings) -> None:
    engine = migrated(settings)
    for text, t, tc, u, uc in QUEUED:
        records.add_review(
            engine=engine,
            text=text,
            case_id=None,
            predicted_type=t,
            type_confidence=tc,
            predicted_urgency=u,
            urgency_confidence=uc,
            reasons=["type confidence below threshold"],
            model_version="old",
        )
    records.add_feedback(
        engine=engine,
        text="两家为宅基地边界吵了三年",
        type_="land",
        urgency="low",
        case_id="d-1",
        note=None,
        model_version="old",
    )
    engine.dispose()


def label(client: TestClient, key: str, type_: str, urgency: str, note: str = "") -> None:
    page = client.get("/review").text
    assert f'data-key="{key}"' in page, page
    response = client.post(
        f"/review/case/{key}",
        data={"csrf_token": csrf_of(page), "action": "label", "type": type_, "urgency": urgency, "note": note},
    )
    assert response.status_code == 200


def test_danger_comes_first_then_the_least_sure(signed_in: TestClient, console_settings: ConsoleSettings) -> None:
    seed(console_settings)
    page = signed_in.get("/review").text
    assert 'id="case" data-key="rq-2"' in page  # the knife threat, whatever its confidence
    assert '<mark class="danger">' in page and "139****5678" in page and "13912345678" not in page
    assert "待复核 <b>4</b> 条" in page


def test_label_skip_confirm_and_write(signed_in: TestClient, console_settings: ConsoleSettings) -> None:
    seed(console_settings)
    label(signed_in, "rq-2", "other", "high", note="对方电话13912345678")
    page = signed_in.get("/review").text
    key = page.split('id="case" data-key="')[1].split('"')[0]
    skipped = signed_in.post(f"/review/case/{key}", data={"csrf_token": csrf_of(page), "action": "skip"})
    assert f'data-key="{key}"' not in skipped.text.split('id="case"')[1][:40]
    label(signed_in, skipped.text.split('id="case" data-key="')[1].split('"')[0], "neighbour", "low")
    assert not list(console_settings.data_dir.glob("import-*"))  # nothing written before the confirm

    confirm = signed_in.get("/review/confirm").text
    assert "将加入 <b>2</b> 条" in confirm
    done = signed_in.post("/review/commit", data={"csrf_token": csrf_of(confirm)})
    assert "2 条标注已加入语料" in done.text
    (written,) = console_settings.data_dir.glob("import-*-review-wang.jsonl")
    records = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    assert {r["id"]: (r["type"], r["urgency"]) for r in records}["rq-2"] == ("other", "high")
    assert all(r["source"] in ("review", "feedback") for r in records)
    assert "13912345678" not in written.read_text(encoding="utf-8")

    after = signed_in.get("/review").text
    assert "待复核 <b>1</b> 条" in after  # two written, one skipped in this session
    (entry,) = audit.entries(console_settings.audit_log, actions=["label"])
    assert entry["added"] == 2 and "rq-2" in entry["cases"]
    assert "拿刀" not in console_settings.audit_log.read_text(encoding="utf-8")


def test_a_label_must_be_a_known_code(signed_in: TestClient, console_settings: ConsoleSettings) -> None:
    seed(console_settings)
    page = signed_in.get("/review").text
    response = signed_in.post(
        "/review/case/rq-1", data={"csrf_token": csrf_of(page), "action": "label", "type": "fight", "urgency": "low"}
    )
    assert response.status_code == 422
