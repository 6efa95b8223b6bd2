"""复核队列: the cases the service kept for review and the desks' corrections, read from the store,
with what the live model says of each now (labels, confidences, the phrases behind them), in the
order an analyst should see them: possible danger first, then the least sure.

What the console keeps of its own is only which queue entries are done (`<state>/reviewed.jsonl`,
entry keys and outcome, no text) and each analyst's pending decisions until they confirm.
"""

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from console import db
from nlp.cues import Cue
from nlp.files import atomic_write
from nlp.predictor import POSSIBLE_DANGER, Prediction, Triage


def is_danger(cue: Cue) -> bool:
    """Explicit danger cues carry a bare signal; the phrases behind a label carry `axis:label`."""
    return ":" not in cue.signal


@dataclass(frozen=True)
class Case:
    key: str  # "rq-<id>" (review queue) or "fb-<id>" (a desk's correction)
    source: str
    text: str  # as stored: masked by the store
    type: str  # what the service predicted, or what the desk says
    urgency: str
    type_confidence: float | None
    urgency_confidence: float | None
    reasons: str
    model_version: str | None
    created_at: Any
    now: Prediction | None = None  # the live model's reading today, for labels and highlights
    note: str = ""

    @property
    def danger(self) -> list[Cue]:
        return [c for c in self.now.cues if is_danger(c)] if self.now else []

    @property
    def possible_danger(self) -> bool:
        """A danger cue, or the predictor's possible-danger net, now or when the service kept it."""
        flagged = POSSIBLE_DANGER in self.reasons or (
            self.now is not None and POSSIBLE_DANGER in self.now.review_reasons
        )
        return bool(self.danger) or flagged

    @property
    def sureness(self) -> float:
        if self.type_confidence is not None and self.urgency_confidence is not None:
            return min(self.type_confidence, self.urgency_confidence)
        return min(self.now.type.confidence, self.now.urgency.confidence) if self.now else 1.0

    def segments(self) -> list[tuple[str, str]]:
        """The text cut into (piece, kind) with kind "danger", "cue" or "" for highlighting."""
        if self.now is None:
            return [(self.text, "")]
        marks = [""] * len(self.text)
        for cue in sorted(self.now.cues, key=is_danger):  # danger painted last, on top
            kind = "danger" if is_danger(cue) else "cue"
            start = self.text.find(cue.phrase)
            while cue.phrase and start >= 0:
                marks[start : start + len(cue.phrase)] = [kind] * len(cue.phrase)
                start = self.text.find(cue.phrase, start + 1)
        out: list[tuple[str, str]] = []
        for ch, kind in zip(self.text, marks, strict=True):
            if out and out[-1][1] == kind:
                out[-1] = (out[-1][0] + ch, kind)
            else:
                out.append((ch, kind))
        return out


@dataclass
class Decisions:
    """One analyst's labels not yet written, by queue key, kept until the confirm."""

    path: Path
    items: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, directory: Path, analyst: str) -> "Decisions":
        path = directory / f"decisions-{analyst.encode().hex()}.json"
        items = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        return cls(path, items)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(self.path, json.dumps(self.items, ensure_ascii=False))


def reviewed_keys(path: Path) -> set[str]:
    if not path.is_file():
        return set()
    keys = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            keys.add(json.loads(line)["key"])
        except (json.JSONDecodeError, KeyError, TypeError):
            continue
    return keys


def mark_reviewed(path: Path, entries: Iterable[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as fh:
        fh.writelines(json.dumps(e, ensure_ascii=False) + "\n" for e in entries)


def _cases(engine: Engine) -> list[Case]:
    cases = [
        Case(
            f"rq-{r['id']}",
            "review",
            r["text"],
            r["predicted_type"],
            r["predicted_urgency"],
            r["type_confidence"],
            r["urgency_confidence"],
            r.get("reasons") or "",
            r.get("model_version"),
            r.get("created_at"),
        )
        for r in db.review_rows(engine=engine)
    ]
    cases += [
        Case(
            f"fb-{r['id']}",
            "feedback",
            r["text"],
            r["type"],
            r["urgency"],
            None,
            None,
            "desk correction",
            r.get("model_version"),
            r.get("created_at"),
            note=r.get("note") or "",
        )
        for r in db.feedback_rows(engine=engine)
    ]
    return cases


def pending(engine: Engine, triage: Triage | None, done: set[str]) -> list[Case]:
    """Queue entries not yet reviewed, each read by the live model: explicit danger first, then the
    possible-danger net, then the least sure."""
    cases = [c for c in _cases(engine) if c.key not in done]
    if triage is not None and cases:
        readings = triage.predict([c.text for c in cases])
        cases = [replace(c, now=p) for c, p in zip(cases, readings, strict=True)]
    return sorted(cases, key=lambda c: (not c.danger, not c.possible_danger, c.sureness, c.key))
