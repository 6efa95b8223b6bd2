"""Corrections are stored masked, invalid labels refused, and nothing is lost under concurrency."""

import threading
from pathlib import Path

import httpx2 as httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app as cli
from service import store
from service.main import create_app
from service.settings import Settings
from tests.service.live_server import running

CORRECTION = {"id": "case-1", "text": "包工头跑了，电话13812345678打不通", "type": "wages", "urgency": "medium"}


def test_feedback_is_stored_masked_with_201(client: TestClient, settings: Settings) -> None:
    response = client.post("/v1/feedback", json=CORRECTION | {"note": "身份证110105199003071234"})
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["id"] == "case-1"
    engine = store.make_engine(settings.database_url)
    row = next(r for r in store.feedback_rows(engine=engine) if r["id"] == body["stored_id"])
    assert row["text"] == "包工头跑了，电话138****5678打不通"
    assert row["note"] == "身份证110105********1234"
    assert (row["type"], row["urgency"]) == ("wages", "medium")


def test_invalid_labels_are_422(client: TestClient) -> None:
    for bad in ({"type": "土地"}, {"urgency": "urgent"}, {"type": None}, {"text": " "}):
        response = client.post("/v1/feedback", json=CORRECTION | bad)
        assert response.status_code == 422, bad
        assert response.json()["error"]["message"]


def test_eight_threads_post_500_each_and_all_4000_are_stored(models_root: Path, tmp_path: Path) -> None:
    settings = Settings(models_dir=models_root, database_url=f"sqlite:///{tmp_path}/fb.db")
    statuses: list[int] = []
    lock = threading.Lock()

    def post_many(base: str, worker: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as c:
            for i in range(500):
                r = c.post("/v1/feedback", json=CORRECTION | {"id": f"{worker}-{i}", "text": f"第{worker}组第{i}条"})
                with lock:
                    statuses.append(r.status_code)

    with running(create_app(settings)) as base:
        threads = [threading.Thread(target=post_many, args=(base, w)) for w in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert statuses.count(201) == 4000
    engine = store.make_engine(settings.database_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(store.feedback)).scalar() == 4000
        ids = {r[0] for r in conn.execute(select(store.feedback.c.case_id))}
    assert len(ids) == 4000


def test_low_confidence_predictions_are_kept_only_when_enabled(models_root: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/rq.db"
    for keep, expected in ((False, 0), (True, 1)):
        settings = Settings(models_dir=models_root, database_url=url, keep_low_confidence=keep)
        with TestClient(create_app(settings)) as c:
            assert c.post("/v1/classify", json={"text": "ok 13812345678"}).json()["needs_review"] is True
        assert len(list(store.review_rows(engine=store.make_engine(url)))) == expected
    out = tmp_path / "queue.csv"
    result = CliRunner().invoke(cli, ["review", "export", "--database", url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    exported = out.read_text(encoding="utf-8-sig")
    assert "138****5678" in exported and "13812345678" not in exported


def test_feedback_export_round_trips_through_import(client: TestClient, settings: Settings, tmp_path: Path) -> None:
    client.post("/v1/feedback", json=CORRECTION | {"text": "物业把我家车位卖了", "type": "other", "urgency": "low"})
    out = tmp_path / "fb.jsonl"
    runner = CliRunner()
    result = runner.invoke(cli, ["feedback", "export", "--database", settings.database_url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    data = tmp_path / "labeled"
    imported = runner.invoke(cli, ["import", str(out), "--data", str(data)])
    assert imported.exit_code == 0, imported.output
    assert "物业把我家车位卖了" in "".join(p.read_text() for p in data.glob("*.jsonl"))
