"""Schema changes go through Alembic: from an empty database, and from the schema main had before
migrations (made by create_all), which is adopted and upgraded without losing a row, on SQLite and
on a real PostgreSQL server."""

import multiprocessing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import inspect, select, text
from typer.testing import CliRunner

from cli.main import app as cli
from service.main import create_app
from service.settings import Settings
from store import migrate, records
from store.engine import make_engine
from store.errors import StoreError
from store.migrations.versions.rev_0001_baseline import baseline
from store.schema import metadata
from tests.store import replica

# The tables exactly as main's service/store.py defined them before migrations (the baseline
# revision keeps that definition frozen), made with create_all as main made them.
legacy = baseline
NOW = datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
OLD_FEEDBACK: list[dict[str, Any]] = [
    {"case_id": "13812345678", "text": "老板欠薪138****5678", "type": "wages", "urgency": "medium", "note": "回访"},
    {"case_id": "case-2", "text": "邻居占了我家宅基地", "type": "land", "urgency": "low", "note": None},
    {"case_id": None, "text": "他喝了酒拿刀", "type": "family", "urgency": "high", "note": None},
]
OLD_REVIEW: dict[str, Any] = {
    "case_id": "110105199003071234",
    "text": "ok",
    "predicted_type": "other",
    "type_confidence": 0.41,
    "predicted_urgency": "low",
    "urgency_confidence": 0.52,
    "reasons": "too little Chinese text to judge",
}


def make_legacy(url: str) -> None:
    engine = make_engine(url)
    legacy.create_all(engine)
    with engine.begin() as conn:
        for row in OLD_FEEDBACK:
            conn.execute(legacy.tables["feedback"].insert().values(row | {"model_version": "v1", "created_at": NOW}))
        review = OLD_REVIEW | {"model_version": "v1", "created_at": NOW}
        conn.execute(legacy.tables["review_queue"].insert().values(review))
    engine.dispose()


def schema_differences(url: str) -> list:
    engine = make_engine(url)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
    engine.dispose()
    return differences


def test_an_empty_database_is_brought_to_the_latest_schema(database_url: str) -> None:
    engine = make_engine(database_url)
    assert migrate.upgrade(engine) == (None, migrate.head())
    assert migrate.upgrade(engine) == (migrate.head(), migrate.head())  # a second run changes nothing
    engine.dispose()
    assert schema_differences(database_url) == []  # the migrations build what store/schema.py declares


def test_a_database_made_before_migrations_is_adopted_without_data_loss(database_url: str, models_root: Path) -> None:
    make_legacy(database_url)
    runner = CliRunner()
    result = runner.invoke(cli, ["db", "upgrade", "--database", database_url])
    assert result.exit_code == 0, result.output
    assert f"schema at revision {migrate.head()} (was {migrate.BASELINE})" in result.output
    assert schema_differences(database_url) == []
    engine = make_engine(database_url)
    feedback = list(records.feedback_rows(engine=engine))
    assert [(r["text"], r["type"], r["urgency"], r["note"]) for r in feedback] == [
        (r["text"], r["type"], r["urgency"], r["note"]) for r in OLD_FEEDBACK
    ]
    # Ids stored raw before are masked now, like texts; other ids are untouched.
    assert [r["case_id"] for r in feedback] == ["138****5678", "case-2", None]
    (review,) = records.review_rows(engine=engine)
    assert {k: review[k] for k in OLD_REVIEW} == OLD_REVIEW | {"case_id": "110105********1234"}
    engine.dispose()
    current = runner.invoke(cli, ["db", "current", "--database", database_url])
    assert current.output.strip() == f"schema at revision {migrate.head()}; latest {migrate.head()}"
    with TestClient(create_app(Settings(models_dir=models_root, database_url=database_url))) as c:
        response = c.post("/v1/feedback", json={"text": "新的一条更正", "type": "other", "urgency": "low"})
        assert response.status_code == 201 and response.json()["stored_id"] == 4


def test_migrations_run_down_and_up_again_keeping_the_rows(database_url: str) -> None:
    make_legacy(database_url)
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    migrate.downgrade(engine, migrate.BASELINE)
    assert migrate.current(engine) == migrate.BASELINE
    assert "request_key" not in {c["name"] for c in inspect(engine).get_columns("feedback")}
    migrate.upgrade(engine)
    assert [r["text"] for r in records.feedback_rows(engine=engine)] == [r["text"] for r in OLD_FEEDBACK]
    migrate.downgrade(engine, "base")
    assert not inspect(engine).has_table("feedback")
    engine.dispose()


def test_replicas_starting_together_upgrade_once(database_url: str) -> None:
    make_legacy(database_url)
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(4)
    replicas = [spawn.Process(target=replica.start, args=(database_url, barrier)) for _ in range(4)]
    for p in replicas:
        p.start()
    for p in replicas:
        p.join(timeout=120)
    assert [p.exitcode for p in replicas] == [0, 0, 0, 0]
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [migrate.head()]
        assert len(conn.execute(select(legacy.tables["feedback"].c.id)).all()) == len(OLD_FEEDBACK)
    engine.dispose()


def test_a_table_not_made_by_dispute_triage_is_left_alone(database_url: str) -> None:
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE feedback (ticket INTEGER, body TEXT)"))
    with pytest.raises(StoreError, match="table feedback has columns \\['body', 'ticket'\\]"):
        migrate.upgrade(engine)
    assert migrate.current(engine) is None
    assert {c["name"] for c in inspect(engine).get_columns("feedback")} == {"ticket", "body"}
    engine.dispose()
    result = CliRunner().invoke(cli, ["db", "upgrade", "--database", database_url])
    assert result.exit_code == 1
    assert result.output.startswith("error: the store is unavailable: table feedback has columns")
    assert len(result.output.strip().splitlines()) == 1


def test_with_migrations_off_an_old_schema_is_reported_until_upgraded(models_root: Path, database_url: str) -> None:
    make_legacy(database_url)
    settings = Settings(models_dir=models_root, database_url=database_url, database_migrate=False)
    with TestClient(create_app(settings)) as c:
        store = c.get("/readyz").json()["store"]
        assert store["status"] == "unavailable"
        assert store["reason"] == (
            f"the schema is at revision None, not {migrate.head()}: run `dispute-triage db upgrade`"
        )
        assert c.post("/v1/feedback", json={"text": "更正一条", "type": "other", "urgency": "low"}).status_code == 503
        assert migrate.current(make_engine(database_url)) is None  # nothing was changed behind the operator's back
        result = CliRunner().invoke(cli, ["db", "upgrade", "--database", database_url])
        assert result.exit_code == 0, result.output
        assert c.get("/readyz").json()["store"] == {"status": "ok", "reason": None}
        assert c.post("/v1/feedback", json={"text": "更正一条", "type": "other", "urgency": "low"}).status_code == 201
