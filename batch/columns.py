"""What a scored row gains: the output columns, their types, and the one mapping from a
Prediction (or a refused row) to their values, shared by the file runner and the Spark job.

Lists (review reasons, danger cues) stay lists in JSONL and Parquet and are joined with "; " in
CSV and XLSX. A danger cue is written `signal:phrase`, e.g. `weapon:拿着菜刀`.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from batch.errors import BatchError
from nlp.labels import AXES, codes, name_of
from nlp.predictor import Prediction, Triage

# (name, Arrow type name): the Parquet writer and the Spark schema are built from this list.
OUTPUT: tuple[tuple[str, str], ...] = (
    ("type", "string"),
    ("type_name", "string"),
    ("type_confidence", "double"),
    ("urgency", "string"),
    ("urgency_name", "string"),
    ("urgency_confidence", "double"),
    ("needs_review", "bool"),
    ("review_reasons", "list<string>"),
    ("danger_cues", "list<string>"),
    ("deadline_hours", "int32"),
    ("model_version", "string"),
    ("row_error", "string"),
)
PREFIX = "predicted_"
# The text column is found by these names (case-insensitive) unless one is named.
TEXT_NAMES = ("text", "内容", "纠纷描述", "描述", "文本", "案情", "案情描述")

Values = tuple[Any, ...]
_NAMES = {(axis, code): name_of(axis, code) for axis in AXES for code in codes(axis)}


class ColumnError(BatchError):
    """The file's columns do not allow a run: no text column, or output names already taken."""


def output_names(columns: Sequence[str]) -> list[str]:
    """The output column names for a file with `columns`: plain, or all prefixed `predicted_`
    when the file already has one of them (a labelled file has `type` and `urgency`)."""
    plain = [name for name, _ in OUTPUT]
    if not set(plain) & set(columns):
        return plain
    prefixed = [PREFIX + name for name in plain]
    if taken := sorted(set(prefixed) & set(columns)):
        raise ColumnError(f"the input already has columns {', '.join(taken)}; rename them to score this file")
    return prefixed


def text_column(columns: Sequence[str], wanted: str | None) -> str:
    if wanted is not None:
        if wanted not in columns:
            raise ColumnError(f"no column {wanted!r}; the columns are {', '.join(map(str, columns))}")
        return wanted
    by_name = {str(c).strip().lower(): c for c in columns}
    for name in TEXT_NAMES:
        if name in by_name:
            return by_name[name]
    raise ColumnError(
        f"no text column (looked for {' / '.join(TEXT_NAMES)}; the columns are {', '.join(map(str, columns))}); "
        "name it with --text-column"
    )


def problem(value: Any, max_chars: int) -> str | None:
    """Why a text cannot be scored, or None."""
    if value is None or (isinstance(value, float) and value != value) or not str(value).strip():
        return "empty text"
    if len(text := str(value)) > max_chars:
        return f"text has {len(text)} characters; the limit is {max_chars}"
    return None


def prediction_values(prediction: Prediction, version: str, deadlines: dict[str, int]) -> Values:
    """The output columns of one prediction, in OUTPUT's order."""
    t, u = prediction.type, prediction.urgency
    return (
        t.label,
        _NAMES["type", t.label],
        round(t.confidence, 4),
        u.label,
        _NAMES["urgency", u.label],
        round(u.confidence, 4),
        prediction.needs_review,
        list(prediction.review_reasons),
        [f"{c.signal}:{c.phrase}" for c in prediction.cues],
        deadlines[u.label],
        version,
        None,
    )


def error_values(reason: str) -> Values:
    return (None,) * (len(OUTPUT) - 1) + (reason,)


def score(
    triage: Triage,
    texts: Iterable[Any],
    *,
    max_chars: int,
    deadlines: dict[str, int],
    problems: Iterable[str | None] | None = None,
) -> list[Values]:
    """Output values for each raw cell of the text column, in order; a refused cell (or one whose
    row the reader already refused, in `problems`) gets only its row_error."""
    cells = list(texts)
    reasons = [p or problem(v, max_chars) for v, p in zip(cells, problems or [None] * len(cells), strict=True)]
    good = [str(v) for v, r in zip(cells, reasons, strict=True) if r is None]
    predictions = iter(triage.predict(good)) if good else iter(())
    return [
        error_values(r) if r is not None else prediction_values(next(predictions), triage.version, deadlines)
        for r in reasons
    ]
