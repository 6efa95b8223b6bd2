"""Corrections from the desk (and, if enabled, predictions that need review), in SQLite by default
or any database SQLAlchemy reaches. Texts are masked before they are written."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    insert,
    select,
)
from sqlalchemy.dialects import postgresql, sqlite

from nlp.privacy import mask

metadata = MetaData()

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(200)),
    Column("text", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("urgency", String(16), nullable=False),
    Column("note", Text),
    Column("model_version", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

review_queue = Table(
    "review_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(200)),
    Column("text", Text, nullable=False),
    Column("predicted_type", String(16), nullable=False),
    Column("type_confidence", Float, nullable=False),
    Column("predicted_urgency", String(16), nullable=False),
    Column("urgency_confidence", Float, nullable=False),
    Column("reasons", Text),
    Column("model_version", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


# Aggregate counts of classified cases for the console's statistics: one row per local day, type,
# urgency and channel, never a text. The service adds to them in batches (service/counters.py).
classify_counts = Table(
    "classify_counts",
    metadata,
    Column("day", Date, primary_key=True),
    Column("type", String(16), primary_key=True),
    Column("urgency", String(16), primary_key=True),
    Column("source", String(64), primary_key=True),  # the caller's channel, "" when not sent
    Column("cases", Integer, nullable=False),
    Column("needs_review", Integer, nullable=False),
    Column("danger", Integer, nullable=False),
)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers and one writer work at once; the busy timeout makes concurrent writers wait
    # for the lock instead of failing with "database is locked".
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine with the tables created; SQLite gets WAL mode and a generous busy timeout."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    metadata.create_all(engine)
    return engine


def _insert(engine: Engine, table: Table, row: dict[str, Any]) -> int:
    with engine.begin() as conn:
        key = conn.execute(insert(table).values(row)).inserted_primary_key
    assert key is not None
    return int(key[0])


def _now() -> datetime:
    return datetime.now(UTC)


def add_feedback(
    *, engine: Engine, text: str, type_: str, urgency: str, case_id: str | None, note: str | None, model_version: str
) -> int:
    row = {
        "case_id": mask(case_id) if case_id else None,
        "text": mask(text),
        "type": type_,
        "urgency": urgency,
        "note": mask(note) if note else None,
        "model_version": model_version,
        "created_at": _now(),
    }
    return _insert(engine, feedback, row)


def add_review(
    *,
    engine: Engine,
    text: str,
    case_id: str | None,
    predicted_type: str,
    type_confidence: float,
    predicted_urgency: str,
    urgency_confidence: float,
    reasons: list[str],
    model_version: str,
) -> int:
    row = {
        "case_id": mask(case_id) if case_id else None,
        "text": mask(text),
        "predicted_type": predicted_type,
        "type_confidence": type_confidence,
        "predicted_urgency": predicted_urgency,
        "urgency_confidence": urgency_confidence,
        "reasons": "; ".join(reasons),
        "model_version": model_version,
        "created_at": _now(),
    }
    return _insert(engine, review_queue, row)


def _rows(engine: Engine, table: Table) -> Iterator[dict[str, Any]]:
    with engine.connect() as conn:
        for row in conn.execute(select(table).order_by(table.c.id)):
            yield dict(row._mapping)


def feedback_rows(*, engine: Engine) -> Iterator[dict[str, Any]]:
    return _rows(engine, feedback)


def review_rows(*, engine: Engine) -> Iterator[dict[str, Any]]:
    return _rows(engine, review_queue)


def add_counts(*, engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Add each row's cases, needs_review and danger to its (day, type, urgency, source) counter,
    creating the counter if new: one upsert per row, all in one transaction."""
    if not rows:
        return
    upsert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(engine.dialect.name)
    if upsert is None:
        raise ValueError(f"counters need SQLite or PostgreSQL, not {engine.dialect.name}")
    stmt: Any = upsert(classify_counts)
    stmt = stmt.on_conflict_do_update(
        index_elements=["day", "type", "urgency", "source"],
        set_={c: classify_counts.c[c] + stmt.excluded[c] for c in ("cases", "needs_review", "danger")},
    )
    with engine.begin() as conn:
        conn.execute(stmt, rows)


def count_rows(*, engine: Engine, start: date, end: date) -> list[dict[str, Any]]:
    """The counters of the days from `start` to `end`, both included."""
    query = (
        select(classify_counts)
        .where(classify_counts.c.day >= start, classify_counts.c.day <= end)
        .order_by(classify_counts.c.day)
    )
    with engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
