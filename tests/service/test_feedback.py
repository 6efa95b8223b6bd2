"""Corrections are stored masked (text, note and the caller's id), invalid labels refused, a retry
with the same Idempotency-Key stored once, and nothing lost under concurrency, on SQLite and on a
real PostgreSQL server."""

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app as cli
from service.main import create_app
from service.settings import Settings
from store import records
from store.engine import make_engine
from store.schema import feedback
from tests.service.live_server import running

CORRECTION = {"id": "case-1", "text": "包工头跑了，电话13812345678打不通", "type": "wages", "urgency": "medium"}


@pytest.fixture
def settings_for(models_root: Path, database_url: str) -> Settings:
    return Settings(models_dir=models_root, database_url=database_url)


@pytest.fixture
def desk(settings_for: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings_for)) as c:
        yield c


def stored_feedback(url: str) -> list[dict]:
    engine = make_engine(url)
    try:
        return list(records.feedback_rows(engine=engine))
    finally:
        engine.dispose()


def test_feedback_is_stored_masked_with_201(desk: TestClient, database_url: str) -> None:
    response = desk.post("/v1/feedback", json=CORRECTION | {"id": "13912345678", "note": "身份证110105199003071234"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == "13912345678"  # echoed as sent: the response goes back to the desk that sent it
    (row,) = [r for r in stored_feedback(database_url) if r["id"] == body["stored_id"]]
    assert row["text"] == "包工头跑了，电话138****5678打不通"
    assert row["note"] == "身份证110105********1234"
    assert row["case_id"] == "139****5678"
    assert (row["type"], row["urgency"]) == ("wages", "medium")


def test_invalid_labels_are_422(desk: TestClient) -> None:
    for bad in ({"type": "土地"}, {"urgency": "urgent"}, {"type": None}, {"text": " "}):
        response = desk.post("/v1/feedback", json=CORRECTION | bad)
        assert response.status_code == 422, bad
        assert response.json()["error"]["message"]


def test_a_retry_with_the_same_idempotency_key_is_stored_once(desk: TestClient, database_url: str) -> None:
    headers = {"Idempotency-Key": "3f0c9a52-desk-7-retry"}
    first = desk.post("/v1/feedback", json=CORRECTION, headers=headers)
    again = desk.post("/v1/feedback", json=CORRECTION, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201), again.text
    assert again.json()["stored_id"] == first.json()["stored_id"]
    assert again.headers.get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first.headers
    other = desk.post("/v1/feedback", json=CORRECTION | {"urgency": "high"}, headers=headers)
    assert other.status_code == 409, other.text
    assert "Idempotency-Key" in other.json()["error"]["message"]
    fresh = desk.post("/v1/feedback", json=CORRECTION, headers={"Idempotency-Key": "another"})
    assert fresh.json()["stored_id"] != first.json()["stored_id"]
    assert len(stored_feedback(database_url)) == 2
    for bad in (b"", b"x" * 201, "有中文".encode()):
        assert desk.post("/v1/feedback", json=CORRECTION, headers={b"Idempotency-Key": bad}).status_code == 422


def test_eight_threads_post_500_each_and_all_4000_are_stored(settings_for: Settings) -> None:
    statuses: list[int] = []
    lock = threading.Lock()

    def post_many(base: str, worker: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            for i in range(500):
                r = c.post("/v1/feedback", json=CORRECTION | {"id": f"{worker}-{i}", "text": f"第{worker}组第{i}条"})
                with lock:
                    statuses.append(r.status_code)

    with running(create_app(settings_for)) as base:
        threads = [threading.Thread(target=post_many, args=(base, w)) for w in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert statuses.count(201) == 4000
    engine = make_engine(settings_for.database_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(feedback)).scalar() == 4000
        ids = {r[0] for r in conn.execute(select(feedback.c.case_id))}
    engine.dispose()
    assert len(ids) == 4000


def test_eight_threads_retrying_one_key_store_it_once(settings_for: Settings) -> None:
    stored_ids: list[int] = []

    def post(base: str) -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            r = c.post("/v1/feedback", json=CORRECTION, headers={"Idempotency-Key": "same-for-all"})
            assert r.status_code == 201, r.text
            stored_ids.append(r.json()["stored_id"])

    with running(create_app(settings_for)) as base:
        threads = [threading.Thread(target=post, args=(base,)) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(stored_ids) == 8 and len(set(stored_ids)) == 1
    assert len(stored_feedback(settings_for.database_url)) == 1


def test_low_confidence_predictions_are_kept_only_when_enabled(
    models_root: Path, database_url: str, tmp_path: Path
) -> None:
    for keep, expected in ((False, 0), (True, 1)):
        settings = Settings(models_dir=models_root, database_url=database_url, keep_low_confidence=keep)
        with TestClient(create_app(settings)) as c:
            answer = c.post("/v1/classify", json={"text": "ok 13812345678", "id": "13912345678"}).json()
            assert answer["needs_review"] is True
        engine = make_engine(database_url)
        kept = list(records.review_rows(engine=engine))
        engine.dispose()
        assert len(kept) == expected
    assert kept[0]["case_id"] == "139****5678"
    out = tmp_path / "queue.csv"
    result = CliRunner().invoke(cli, ["review", "export", "--database", database_url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    exported = out.read_text(encoding="utf-8-sig")
    assert "138****5678" in exported and "13812345678" not in exported


def test_feedback_export_round_trips_through_import(desk: TestClient, database_url: str, tmp_path: Path) -> None:
    desk.post("/v1/feedback", json=CORRECTION | {"text": "物业把我家车位卖了", "type": "other", "urgency": "low"})
    out = tmp_path / "fb.jsonl"
    runner = CliRunner()
    result = runner.invoke(cli, ["feedback", "export", "--database", database_url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 corrections written" in result.output
    data = tmp_path / "labeled"
    imported = runner.invoke(cli, ["import", str(out), "--data", str(data)])
    assert imported.exit_code == 0, imported.output
    assert "物业把我家车位卖了" in "".join(p.read_text() for p in data.glob("*.jsonl"))
