"""What a run did, in figures: rows by type and urgency, how many need review, which rows were bad."""

from collections import Counter
from dataclasses import dataclass, field

from batch.columns import OUTPUT, Values
from nlp.labels import TYPES, URGENCIES, name_of

KEPT_PROBLEMS = 1000  # bad rows listed by number; all are counted and marked in the output
_AT = {name: i for i, (name, _) in enumerate(OUTPUT)}


@dataclass
class Summary:
    rows: int = 0
    types: Counter[str] = field(default_factory=Counter)
    urgencies: Counter[str] = field(default_factory=Counter)
    review: int = 0
    bad: int = 0
    bad_rows: list[tuple[int, str]] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, numbers: list[int], values: list[Values]) -> None:
        for number, row in zip(numbers, values, strict=True):
            if (error := row[_AT["row_error"]]) is not None:
                self.add_bad(1)
                if len(self.bad_rows) < KEPT_PROBLEMS:
                    self.bad_rows.append((number, error))
            else:
                self.add_scored(row[_AT["type"]], row[_AT["urgency"]], row[_AT["needs_review"]])

    def add_scored(self, type_: str, urgency: str, review: bool, n: int = 1) -> None:
        self.rows += n
        self.types[type_] += n
        self.urgencies[urgency] += n
        self.review += n if review else 0

    def add_bad(self, n: int) -> None:
        self.rows += n
        self.bad += n

    def lines(self) -> list[str]:
        """The summary printed at the end of a run (no text from the file)."""
        scored = self.rows - self.bad
        rate = self.rows / self.seconds if self.seconds else 0.0
        return [
            f"{self.rows:,} rows in {self.seconds:.1f} s ({rate:,.0f} rows/s): {scored:,} scored, {self.bad:,} bad",
            "type:    " + ", ".join(f"{c} {name_of('type', c)} {self.types[c]:,}" for c in TYPES),
            "urgency: " + ", ".join(f"{c} {name_of('urgency', c)} {self.urgencies[c]:,}" for c in URGENCIES),
            f"needs review: {self.review:,} ({self.review / scored:.1%} of scored)" if scored else "needs review: 0",
        ]
