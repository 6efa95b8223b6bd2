"""Statistics counters: classified cases counted by day, type, urgency and channel, never a text;
a batch the database refuses is kept and added later."""

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from service.counters import Counters, channel
from service.main import create_app
from service.settings import Settings
from store import migrate
from store.counts import count_rows
from store.engine import make_engine

TEXTS = ["楼上漏水把我家天花板泡坏了", "包工头欠我们工资不给", "我老公喝了酒拿着菜刀说要砍死我"]


def database_bytes(url: str) -> bytes:
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in (path, path.with_name(path.name + "-wal")) if p.exists())


def test_cases_are_counted_by_day_type_urgency_and_channel_without_text(settings: Settings, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/counts.db"
    with TestClient(create_app(settings.model_copy(update={"database_url": url}))) as client:
        answers = [client.post("/v1/classify", json={"text": t, "source": "hotline"}).json() for t in TEXTS]
        batch = client.post(
            "/v1/classify/batch", json={"items": [{"text": TEXTS[0], "source": "grid-app"}, {"text": TEXTS[1]}]}
        )
        assert batch.status_code == 200
        counters: Counters = client.app.state.counters  # type: ignore[attr-defined]
        day = counters.today()
    # Leaving the app flushed what was counted.
    rows = count_rows(engine=make_engine(url), start=day, end=day)
    by_channel: dict[str, int] = {}
    for row in rows:
        by_channel[row["source"]] = by_channel.get(row["source"], 0) + row["cases"]
    assert by_channel == {"hotline": 3, "grid-app": 1, "": 1}
    hotline = [r for r in rows if r["source"] == "hotline"]
    expected = {(a["type"]["label"], a["urgency"]["label"]) for a in answers}
    assert {(r["type"], r["urgency"]) for r in hotline} == expected
    danger = sum(
        any(":" not in c["signal"] for c in a["cues"]) or "possible danger" in a["review_reasons"] for a in answers
    )
    assert sum(r["danger"] for r in hotline) == danger >= 1  # the kitchen knife
    assert sum(r["needs_review"] for r in hotline) == sum(a["needs_review"] for a in answers)
    stored = database_bytes(url)
    assert stored and not any(t.encode() in stored for t in TEXTS)


def test_counts_add_up_across_flushes_and_survive_a_refused_write(settings: Settings, tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/counts.db")
    migrate.upgrade(engine)
    counters = Counters(engine)
    with TestClient(create_app(settings)) as client:
        prediction = client.app.state.holder.triage.predict([TEXTS[0]])  # type: ignore[attr-defined]
    counters.add(prediction, ["desk"])
    assert counters.flush() == 1
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE classify_counts RENAME TO parked"))
    counters.add(prediction * 2, ["desk", "desk"])
    assert counters.flush() == 0  # refused: kept in memory
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE parked RENAME TO classify_counts"))
    assert counters.flush() == 1
    (row,) = count_rows(engine=engine, start=counters.today(), end=counters.today())
    assert row["cases"] == 3 and row["source"] == "desk"


def test_a_channel_is_trimmed_capped_and_masked() -> None:
    assert channel(None) == "" and channel("  hotline ") == "hotline"
    assert channel("x" * 100) == "x" * 64
    assert channel("13812345678") == "138****5678"
