"""The statistics counters on SQLite and a real PostgreSQL: upserts add up, ranges select by day."""

from datetime import date

from store import migrate
from store.counts import add_counts, count_rows
from store.engine import make_engine

DAY = date(2026, 12, 1)


def row(day: date, source: str, cases: int, review: int = 0, danger: int = 0) -> dict[str, object]:
    return {"day": day, "type": "wages", "urgency": "high", "source": source, "cases": cases,
            "needs_review": review, "danger": danger}  # fmt: skip


def test_counters_add_up_per_day_type_urgency_and_channel(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    add_counts(engine=engine, rows=[row(DAY, "hotline", 3, 1, 1), row(DAY, "", 1)])
    add_counts(engine=engine, rows=[row(DAY, "hotline", 2, 2, 0), row(date(2026, 12, 3), "hotline", 5)])
    found = count_rows(engine=engine, start=DAY, end=date(2026, 12, 2))
    assert [(r["source"], r["cases"], r["needs_review"], r["danger"]) for r in found] == [
        ("", 1, 0, 0),
        ("hotline", 5, 3, 1),
    ]
    assert len(count_rows(engine=engine, start=DAY, end=date(2026, 12, 31))) == 3
    engine.dispose()
