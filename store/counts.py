"""The statistics counters: classified cases per local day, type, urgency and channel, with how many
needed review and how many carried danger. Only counts: the texts are never here."""

from datetime import date
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.dialects import postgresql, sqlite

from store.engine import writing
from store.errors import refusals
from store.schema import classify_counts

COUNTS = ("cases", "needs_review", "danger")


def add_counts(*, engine: Engine, rows: list[dict[str, Any]]) -> None:
    """Add each row's counts to its (day, type, urgency, source) counter, creating it if new: one
    upsert per row, all in one transaction. Refusals raise StoreError."""
    if not rows:
        return
    upsert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}.get(engine.dialect.name)
    if upsert is None:
        raise ValueError(f"counters need SQLite or PostgreSQL, not {engine.dialect.name}")
    stmt: Any = upsert(classify_counts)
    stmt = stmt.on_conflict_do_update(
        index_elements=["day", "type", "urgency", "source"],
        set_={c: classify_counts.c[c] + stmt.excluded[c] for c in COUNTS},
    )
    with refusals(), writing(engine) as conn:
        conn.execute(stmt, rows)


def count_rows(*, engine: Engine, start: date, end: date) -> list[dict[str, Any]]:
    """The counters of the days from `start` to `end`, both included."""
    query = (
        select(classify_counts)
        .where(classify_counts.c.day >= start, classify_counts.c.day <= end)
        .order_by(classify_counts.c.day, classify_counts.c.type, classify_counts.c.urgency, classify_counts.c.source)
    )
    with refusals(), engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(query)]
