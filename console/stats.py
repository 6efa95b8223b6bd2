"""统计: the service's aggregate counters (day × type × urgency × channel; never texts) as periods,
channels, CSV, and a drift warning when a week's mix of types or urgencies departs from the mix
the live model was trained on.

Drift is measured as the total variation distance between the week's label shares p and the
training shares q: TVD = ½ Σ |p − q|, the largest difference in probability the two mixes give any
set of labels (0 the same mix, 1 nothing in common). It reads directly as "this share of the
week's cases would have to change label for the mixes to match", and needs no smoothing for a
label absent from a week, unlike Kullback–Leibler or Jensen–Shannon.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from nlp.labels import TYPES, URGENCIES
from training.sheets import neutralise

AXES = {"type": TYPES, "urgency": URGENCIES}
CSV_COLUMNS = ["day", "type", "urgency", "source", "cases", "needs_review", "danger"]


@dataclass
class Period:
    label: str
    start: date
    cases: int = 0
    needs_review: int = 0
    danger: int = 0
    by: dict[str, dict[str, int]] = field(default_factory=lambda: {axis: defaultdict(int) for axis in AXES})

    @property
    def review_rate(self) -> float | None:
        return self.needs_review / self.cases if self.cases else None

    @property
    def danger_rate(self) -> float | None:
        return self.danger / self.cases if self.cases else None

    def shares(self, axis: str) -> dict[str, float]:
        return {label: self.by[axis][label] / self.cases if self.cases else 0.0 for label in AXES[axis]}


def period_start(day: date, by: str) -> date:
    return day - timedelta(days=day.weekday()) if by == "week" else day


def period_label(start: date, by: str) -> str:
    if by == "week":
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}（{start:%m-%d} 起）"
    return start.isoformat()


def periods(rows: list[dict[str, Any]], start: date, end: date, by: str = "day") -> list[Period]:
    """Every day or ISO week from `start` to `end`, empty ones included, so a gap shows as a gap."""
    out: dict[date, Period] = {}
    day = period_start(start, by)
    while day <= end:
        out[day] = Period(period_label(day, by), day)
        day += timedelta(days=7 if by == "week" else 1)
    for row in rows:
        period = out[period_start(row["day"], by)]
        period.cases += row["cases"]
        period.needs_review += row["needs_review"]
        period.danger += row["danger"]
        period.by["type"][row["type"]] += row["cases"]
        period.by["urgency"][row["urgency"]] += row["cases"]
    return list(out.values())


def channels(rows: list[dict[str, Any]]) -> list[tuple[str, int, int, int]]:
    """(channel, cases, needing review, with danger), the busiest channel first."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        t = totals[row["source"]]
        t[0], t[1], t[2] = t[0] + row["cases"], t[1] + row["needs_review"], t[2] + row["danger"]
    return sorted(((s, *t) for s, t in totals.items()), key=lambda x: (-x[1], x[0]))  # type: ignore[misc]


def training_mix(manifest: dict[str, Any] | None) -> dict[str, dict[str, float]] | None:
    """Label shares of the corpus the model was trained on, from its cross-validation supports."""
    try:
        per_class = {axis: manifest["metrics"]["cross_validation"][axis]["per_class"] for axis in AXES}  # type: ignore[index]
        out = {}
        for axis, labels in AXES.items():
            supports = {label: float(per_class[axis][label]["support"]) for label in labels}
            total = sum(supports.values())
            out[axis] = {label: n / total for label, n in supports.items()}
        return out
    except (KeyError, TypeError, ZeroDivisionError):
        return None


def total_variation(p: dict[str, float], q: dict[str, float]) -> float:
    return 0.5 * sum(abs(p.get(k, 0.0) - q.get(k, 0.0)) for k in set(p) | set(q))


@dataclass(frozen=True)
class Drift:
    week: str
    axis: str
    distance: float
    cases: int
    moves: list[tuple[str, float, float]]  # (label, week share, training share), biggest move first


def drift(weeks: list[Period], mix: dict[str, dict[str, float]], threshold: float, min_cases: int) -> list[Drift]:
    """Weeks with at least `min_cases` whose type or urgency mix is further than `threshold` from training."""
    found = []
    for week in weeks:
        if week.cases < min_cases:
            continue
        for axis in AXES:
            shares = week.shares(axis)
            distance = total_variation(shares, mix[axis])
            if distance > threshold:
                moves = sorted(
                    ((label, shares[label], mix[axis][label]) for label in AXES[axis]),
                    key=lambda m: -abs(m[1] - m[2]),
                )
                found.append(Drift(week.label, axis, distance, week.cases, moves[:3]))
    return found


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """The counters as CSV (UTF-8 with BOM, so Excel on Chinese Windows opens it right); the channel
    is the caller's own string, so every cell is neutralised as the importer's spreadsheets are."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([neutralise(row["day"].isoformat() if c == "day" else row[c]) for c in CSV_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
