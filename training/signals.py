"""Measures the danger lexicons and the urgency factors on labelled records: how often each fires,
and how often the records it fires on carry the label it stands for (precision), with the share
of those labels' records it finds (recall). Imagined and retold records are measured apart,
because the retold ones are how real intake reads."""

from collections.abc import Sequence
from typing import Any

from nlp import cues, factors
from nlp.normalize import normalize
from nlp.reading import Reading, read
from training.dataset import Record

# What each factor stands for: the raising ones for medium or high, the calm one for low.
_FACTOR_TARGET = dict.fromkeys(factors.RAISING, ("medium", "high")) | {"stable": ("low",)}


def _rate(hits: int, of: int) -> float | None:
    return hits / of if of else None


def measure(records: Sequence[Record], readings: Sequence[Reading] | None = None) -> dict[str, Any]:
    """Per danger signal and per factor: records it fires on, precision and recall."""
    readings = readings if readings is not None else [read(normalize(r.text)) for r in records]
    high = [r.urgency == "high" for r in records]
    out: dict[str, Any] = {"n": len(records), "high": sum(high), "signals": {}, "factors": {}}
    for signal in cues.signals():
        fires = [any(c.signal == signal for c in reading.cues) for reading in readings]
        hits = sum(f and h for f, h in zip(fires, high, strict=True))
        out["signals"][signal] = {
            "fires": sum(fires),
            "precision": _rate(hits, sum(fires)),
            "recall": _rate(hits, sum(high)),
        }
    any_cue = [bool(reading.cues) for reading in readings]
    hits = sum(f and h for f, h in zip(any_cue, high, strict=True))
    out["signals"]["any"] = {
        "fires": sum(any_cue),
        "precision": _rate(hits, sum(any_cue)),
        "recall": _rate(hits, sum(high)),
    }
    for name, targets in _FACTOR_TARGET.items():
        wanted = [r.urgency in targets for r in records]
        fires = [any(f.name == name for f in reading.factors) for reading in readings]
        hits = sum(f and w for f, w in zip(fires, wanted, strict=True))
        out["factors"][name] = {
            "stands_for": "/".join(targets),
            "fires": sum(fires),
            "precision": _rate(hits, sum(fires)),
            "recall": _rate(hits, sum(wanted)),
        }
    return out


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def table(sets: dict[str, dict[str, Any]]) -> str:
    """Markdown: one table for the danger signals, one for the factors, a column group per set."""
    names = list(sets)
    head = "| {} | " + " | ".join(f"{n}: fires | precision | recall" for n in names) + " |"
    rule = "|---|" + "---|---|---|" * len(names)
    lines = [head.format("danger signal (precision: labelled high)"), rule]
    for signal in [*cues.signals(), "any"]:
        cells = [
            f"{m['signals'][signal]['fires']} | {_cell(m['signals'][signal]['precision'])} | "
            f"{_cell(m['signals'][signal]['recall'])}"
            for m in sets.values()
        ]
        lines.append(f"| {signal} | " + " | ".join(cells) + " |")
    lines += ["", head.format("urgency factor (stands for)"), rule]
    for name, first in next(iter(sets.values()))["factors"].items():
        cells = [
            f"{m['factors'][name]['fires']} | {_cell(m['factors'][name]['precision'])} | "
            f"{_cell(m['factors'][name]['recall'])}"
            for m in sets.values()
        ]
        lines.append(f"| {name} ({first['stands_for']}) | " + " | ".join(cells) + " |")
    return "\n".join(lines)
