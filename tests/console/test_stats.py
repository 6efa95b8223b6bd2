"""统计: counters by day and week, channels, CSV, and the drift warning against the training mix."""

import csv
import io
from datetime import date, timedelta

from fastapi.testclient import TestClient

from console.settings import ConsoleSettings
from console.stats import Period, drift, total_variation
from store.counts import add_counts
from tests.console.conftest import migrated

MONDAY = date(2026, 11, 2)


def seed(settings: ConsoleSettings) -> None:
    rows = []
    # Week 1: the training corpus's even mix; week 2: almost all wages, mostly high.
    for i, t in enumerate(["land", "wages", "family", "neighbour", "other"]):
        for u in ("high", "medium", "low"):
            rows.append(
                {
                    "day": MONDAY + timedelta(days=i),
                    "type": t,
                    "urgency": u,
                    "source": "hotline",
                    "cases": 4,
                    "needs_review": 1,
                    "danger": 0,
                }
            )
    rows.append(
        {
            "day": MONDAY + timedelta(days=7),
            "type": "wages",
            "urgency": "high",
            "source": "=cmd|x",
            "cases": 50,
            "needs_review": 10,
            "danger": 20,
        }
    )
    rows.append(
        {
            "day": MONDAY + timedelta(days=8),
            "type": "land",
            "urgency": "low",
            "source": "",
            "cases": 2,
            "needs_review": 0,
            "danger": 0,
        }
    )
    add_counts(engine=migrated(settings), rows=rows)


def test_days_weeks_and_channels(signed_in: TestClient, console_settings: ConsoleSettings) -> None:
    seed(console_settings)
    page = signed_in.get("/stats", params={"start": "2026-11-02", "end": "2026-11-15"}).text
    assert 'id="total-cases">112<' in page
    assert '<tr data-period="2026-11-09"><td>2026-11-09</td><td>50</td>' in page
    assert '<tr class="empty" data-period="2026-11-13">' in page  # a day without cases is shown empty
    weekly = signed_in.get("/stats", params={"start": "2026-11-02", "end": "2026-11-15", "by": "week"}).text
    assert "<td>2026-W45（11-02 起）</td><td>60</td>" in weekly and "<td>2026-W46（11-09 起）</td><td>52</td>" in weekly
    assert "<td>未注明</td><td>2</td>" in weekly and "<td>hotline</td><td>60</td>" in weekly
    assert weekly.count("<rect ") > 10  # the two charts have bars
    warnings = [line for line in weekly.splitlines() if 'class="flash warn drift"' in line]
    assert len(warnings) == 2 and all("2026-W46" in w for w in warnings)  # types and urgencies both moved
    assert "的类型构成" in warnings[0] and "的紧急程度构成" in warnings[1]


def test_csv_of_the_range_with_caller_values_kept_as_text(
    signed_in: TestClient, console_settings: ConsoleSettings
) -> None:
    seed(console_settings)
    response = signed_in.get("/stats.csv", params={"start": "2026-11-09", "end": "2026-11-10"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["day"], r["type"], r["cases"]) for r in rows] == [
        ("2026-11-09", "wages", "50"),
        ("2026-11-10", "land", "2"),
    ]
    assert rows[0]["source"] == "'=cmd|x"


def test_a_bad_range_is_a_clear_422(signed_in: TestClient) -> None:
    assert signed_in.get("/stats", params={"start": "11/02/2026"}).status_code == 422
    assert signed_in.get("/stats", params={"start": "2026-11-10", "end": "2026-11-01"}).status_code == 422


def test_drift_flags_only_the_week_that_moved() -> None:
    mix = {
        "type": dict.fromkeys(["land", "wages", "family", "neighbour", "other"], 0.2),
        "urgency": {"high": 0.3, "medium": 0.3, "low": 0.4},
    }
    even, skewed = Period("w1", MONDAY), Period("w2", MONDAY + timedelta(days=7))
    for label in mix["type"]:
        even.by["type"][label] = 10
    even.by["urgency"].update(high=15, medium=15, low=20)
    even.cases = 50
    skewed.by["type"].update(wages=45, land=5)
    skewed.by["urgency"].update(high=15, medium=15, low=20)
    skewed.cases = 50
    found = drift([even, skewed], mix, threshold=0.2, min_cases=30)
    assert [(d.week, d.axis) for d in found] == [("w2", "type")]
    assert abs(found[0].distance - 0.7) < 1e-9 and found[0].moves[0][0] == "wages"
    assert drift([skewed], mix, threshold=0.2, min_cases=51) == []  # too few cases to judge
    assert total_variation({"a": 1.0}, {"b": 1.0}) == 1.0
