"""What the service answers when its store fails (issue 13, "Store failures"; issue 15): a write the
database refused is a 503 naming why, never a 201; classification goes on; /readyz says what state
the store is in; no text or id reaches a log; a write is answered with what the database did, even
when the request timed out meanwhile; an acknowledged write survives the server being killed."""

import logging
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from service.main import create_app
from service.settings import Settings
from store import records
from tests.postgres import PostgresServer, execute, libpq_url
from tests.service.live_server import free_port, running
from tests.service.test_feedback import stored_feedback as rows
from tests.service.test_process import CLI, env_for

CORRECTION = {"id": "case-7", "text": "工地老板拖欠工资三个月，电话13812345678", "type": "wages", "urgency": "medium"}
CLASSIFY = {"text": "邻居家装修把我家墙震裂了"}


@contextmanager
def client(models_root: Path, database_url: str, **settings: object) -> Iterator[TestClient]:
    app = create_app(Settings(models_dir=models_root, database_url=database_url, **settings))  # type: ignore[arg-type]
    with TestClient(app) as c:
        yield c


def store_state(c: TestClient) -> dict:
    response = c.get("/readyz")
    assert response.status_code == 200, response.text  # classifying does not need the store
    return response.json()["store"]


def refused(response: httpx.Response, words: str) -> None:
    assert response.status_code == 503, response.text
    error = response.json()["error"]
    assert error["code"] == "store_unavailable"
    assert words in error["message"], error["message"]


def test_database_in_a_read_only_folder_starts_and_reports_the_store_unavailable(
    models_root: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    command = [*CLI, "serve", "--port", str(port := free_port())]
    if os.geteuid() == 0:  # root writes anywhere; without these capabilities it obeys the folder's mode
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--", *command]
    env = env_for(models_root, tmp_path, DT_DATABASE_URL=f"sqlite:///{folder}/feedback.db")
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert server.poll() is None, server.communicate()[1]
            try:
                ready = httpx.get(f"{base}/readyz", timeout=5)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the service did not start"
                time.sleep(0.2)
        assert ready.status_code == 200, ready.text
        unavailable = {"status": "unavailable", "reason": "the database file cannot be opened or created"}
        assert ready.json()["store"] == unavailable
        refused(httpx.post(f"{base}/v1/feedback", json=CORRECTION, timeout=10), "cannot be opened")
        assert httpx.post(f"{base}/v1/classify", json=CLASSIFY, timeout=10).status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert server.returncode == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert '"message": "store unavailable"' in stderr
    assert not list(folder.iterdir())


def fill_sqlite_disk(engine_owner: TestClient) -> None:
    """Cap the SQLite file at its present size: inserts needing a new page then fail with
    SQLITE_FULL, exactly as on a full disk."""
    engine = engine_owner.app.state.store.engine  # type: ignore[attr-defined]

    def cap(dbapi_connection: sqlite3.Connection, _record: object) -> None:
        pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(engine, "connect", cap)
    engine.dispose()


def test_full_disk_is_503_and_classifying_goes_on(models_root: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/full.db"
    with client(models_root, url) as c:
        assert c.post("/v1/feedback", json=CORRECTION).status_code == 201
        fill_sqlite_disk(c)
        refused(c.post("/v1/feedback", json=CORRECTION | {"text": "工资" * 2000}), "the disk is full")
        assert c.post("/v1/classify", json=CLASSIFY).status_code == 200
        state = store_state(c)
        assert state["status"] == "unavailable" and state["reason"].startswith("the disk is full"), state
    assert len(rows(url)) == 1


def test_server_down_is_503_and_a_restart_is_picked_up(models_root: Path, postgres: PostgresServer) -> None:
    url = postgres.create_database()
    with client(models_root, url) as c:
        assert store_state(c) == {"status": "ok", "reason": None}
        postgres.stop()
        try:
            refused(c.post("/v1/feedback", json=CORRECTION), "cannot be reached")
            assert c.post("/v1/classify", json=CLASSIFY).status_code == 200
            assert store_state(c)["status"] == "unavailable"
        finally:
            postgres.start()
        assert c.post("/v1/feedback", json=CORRECTION).status_code == 201
        assert store_state(c) == {"status": "ok", "reason": None}
    assert len(rows(url)) == 1


def make_read_only(c: TestClient, url: str) -> None:
    execute(url, f"ALTER DATABASE {url.rsplit('/', 1)[1]} SET default_transaction_read_only = on")
    c.app.state.store.engine.dispose()  # type: ignore[attr-defined]  # the setting holds for new sessions


def test_read_only_database_is_503(models_root: Path, postgres: PostgresServer) -> None:
    url = postgres.create_database()
    with client(models_root, url) as c:
        make_read_only(c, url)
        refused(c.post("/v1/feedback", json=CORRECTION), "read-only")
        assert store_state(c) == {"status": "unavailable", "reason": "the database is read-only"}
        assert c.post("/v1/classify", json=CLASSIFY).status_code == 200
    assert rows(url) == []


@contextmanager
def write_lock(url: str) -> Iterator[None]:
    """Another process's transaction holding the table's write lock until the block ends."""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
    else:
        conn = psycopg.connect(libpq_url(url))  # type: ignore[assignment]
        conn.execute("LOCK TABLE feedback IN EXCLUSIVE MODE")
    try:
        yield
    finally:
        conn.rollback()
        conn.close()


def test_a_write_locked_out_past_the_timeout_is_503_and_never_commits_later(
    models_root: Path, database_url: str
) -> None:
    with client(models_root, database_url, database_timeout_seconds=1, request_timeout_seconds=5) as c:
        with write_lock(database_url):
            started = time.monotonic()
            refused(c.post("/v1/feedback", json=CORRECTION), "timeout")
            assert time.monotonic() - started < 4
            time.sleep(1.5)  # the lock holder is still there
        time.sleep(0.5)
        assert rows(database_url) == []
        # A lock released within the timeout only delays the write.
        answer: list[httpx.Response] = []
        with write_lock(database_url):
            writer = threading.Thread(target=lambda: answer.append(c.post("/v1/feedback", json=CORRECTION)))
            writer.start()
            time.sleep(0.4)
        writer.join(timeout=10)
        assert answer[0].status_code == 201, answer[0].text
    assert len(rows(database_url)) == 1


def test_a_write_outliving_the_request_timeout_is_answered_with_its_outcome(
    models_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = records.add_feedback

    def slow(**kwargs: object) -> records.Stored:
        time.sleep(1.5)  # as a write stuck behind a slow disk, past the 0.5 s request timeout
        return real(**kwargs)  # type: ignore[arg-type]

    url = f"sqlite:///{tmp_path}/slow.db"
    with client(models_root, url, database_timeout_seconds=0.2, request_timeout_seconds=0.5) as c:
        monkeypatch.setattr(records, "add_feedback", slow)
        response = c.post("/v1/feedback", json=CORRECTION, headers={"Idempotency-Key": "slow-1"})
        assert response.status_code == 201, response.text  # not 408: the correction is stored
        monkeypatch.setattr(records, "add_feedback", real)
        again = c.post("/v1/feedback", json=CORRECTION, headers={"Idempotency-Key": "slow-1"})
        assert again.json()["stored_id"] == response.json()["stored_id"]
        assert c.post("/v1/classify/batch", json={"items": [CLASSIFY]}).status_code == 200
    assert len(rows(url)) == 1


def test_a_lone_surrogate_or_nul_is_stored_as_a_replacement_never_a_500(
    models_root: Path, database_url: str
) -> None:
    raw = b'{"text": "\\u5de5\\u8d44\\ud800\\u6ca1\\u7ed9\\u0000", "type": "wages", "urgency": "low", "id": "x"}'
    headers = {"Content-Type": "application/json"}
    with client(models_root, database_url, keep_low_confidence=True) as c:
        assert c.post("/v1/feedback", content=raw, headers=headers).status_code == 201
        bad_id = raw.replace(b'"id": "x"', b'"id": "\\udfff"')
        assert c.post("/v1/feedback", content=bad_id, headers=headers).status_code == 422
        kept = c.post("/v1/classify", content=b'{"text": "ok\\ud800"}', headers=headers)
        assert kept.status_code == 200 and kept.json()["needs_review"] is True
        engine = c.app.state.store.engine  # type: ignore[attr-defined]
        assert [r["text"] for r in records.review_rows(engine=engine)] == ["ok\ufffd"]
    assert [r["text"] for r in rows(database_url)] == ["工资\ufffd没给\ufffd"]


SECRET_TEXT = "机密纠纷甲乙丙丁，联系人电话13998765432"
SECRET_ID = "desk-secret-id-9f3a"


def test_no_text_or_id_reaches_a_log_when_the_store_fails(
    models_root: Path, database_url: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    # DEBUG everywhere, SQLAlchemy's statement log included: its own warnings, every statement
    # and any traceback are captured.
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    correction = CORRECTION | {"text": SECRET_TEXT, "id": SECRET_ID, "note": SECRET_ID}
    with client(models_root, database_url) as c:
        if database_url.startswith("sqlite"):
            fill_sqlite_disk(c)
            correction["text"] = SECRET_TEXT * 150
        else:
            make_read_only(c, database_url)
        response = c.post("/v1/feedback", json=correction)
        assert response.status_code == 503
    assert any(r.getMessage() == "store refused a write" for r in caplog.records)
    logged = caplog.text + "".join(capfd.readouterr())
    for secret in ("机密纠纷", "13998765432", "9876", SECRET_ID, "desk-secret"):
        assert secret not in logged, secret
        assert secret not in response.text


def test_killing_the_server_during_a_burst_of_writes_loses_no_acknowledged_write(
    models_root: Path, postgres: PostgresServer
) -> None:
    url = postgres.create_database()
    settings = Settings(models_dir=models_root, database_url=url, database_timeout_seconds=2)
    acknowledged: dict[str, int] = {}
    refusals = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + 120

    def desk(base: str, worker: int) -> None:
        nonlocal refusals
        with httpx.Client(base_url=base, timeout=30) as c:
            for i in range(150):
                case = f"w{worker}-{i}"
                body = CORRECTION | {"id": case, "text": f"第{worker}台第{i}条更正"}
                # A desk retries what was not acknowledged, with the same key, until it is.
                while time.monotonic() < stop_at:
                    r = c.post("/v1/feedback", json=body, headers={"Idempotency-Key": case})
                    if r.status_code == 201:
                        with lock:
                            acknowledged[case] = r.json()["stored_id"]
                        break
                    assert r.status_code == 503, r.text
                    with lock:
                        refusals += 1
                    time.sleep(0.05)

    with running(create_app(settings)) as base:
        threads = [threading.Thread(target=desk, args=(base, w)) for w in range(6)]
        for t in threads:
            t.start()
        while len(acknowledged) < 200:
            time.sleep(0.01)
        postgres.stop("immediate")  # as kill -9: no checkpoint, no goodbye to clients
        killed_after = len(acknowledged)
        time.sleep(1)
        postgres.start()
        for t in threads:
            t.join()
    print(f"killed after {killed_after} acknowledged writes; {refusals} refusals while it was down")
    assert killed_after < 900 and refusals > 0  # the kill fell in the middle of the burst
    stored = {r["case_id"]: r["id"] for r in rows(url)}
    assert len(acknowledged) == 900
    assert {case: stored.get(case) for case in acknowledged} == acknowledged  # none lost
    assert len(rows(url)) == 900  # and none stored twice
