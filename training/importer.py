"""Brings analysts' spreadsheets (CSV, XLSX, JSONL) into `data/labeled/` without ever losing or
rewriting a record already there.

Columns are found by English or Chinese name, label spellings are mapped to codes, phone, ID and
bank numbers are masked, and every problem is reported with its row number. A clean file (or,
with skip_bad, its clean rows) is written as a new JSONL file next to the others: first to a
temporary file, then renamed, so a crash leaves the corpus as it was.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nlp.files import atomic_write
from nlp.labels import code_for, codes
from nlp.privacy import mask
from training.dataset import Record
from training.sheets import ERROR, ImportFileError, read_rows, write_csv

__all__ = ["ImportFileError", "ImportPlan", "Problem", "plan", "read_rows", "write", "write_rejected"]

COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "内容", "纠纷描述", "描述", "文本", "案情", "案情描述"),
    "type": ("type", "类型", "纠纷类型"),
    "urgency": ("urgency", "紧急程度", "紧急度", "紧急级别"),
    "id": ("id", "编号", "序号"),
    "source": ("source", "来源"),
    "note": ("note", "备注", "说明"),
}
REQUIRED = ("text", "type", "urgency")

Rows = Callable[[Iterable[tuple[int, dict[str, str]]]], Iterable[tuple[int, dict[str, str]]]]


@dataclass(frozen=True)
class Problem:
    row: int
    reason: str
    values: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportPlan:
    source: Path
    records: list[dict[str, str]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    duplicates: int = 0


def resolve_columns(header: Iterable[str], path: Path) -> dict[str, str]:
    """Our field name -> the file's column name."""
    by_name = {h.strip().lower(): h for h in header}
    found = {}
    for fld, names in COLUMNS.items():
        for name in names:
            if name.lower() in by_name:
                found[fld] = by_name[name.lower()]
                break
    missing = [f for f in REQUIRED if f not in found]
    if missing:
        wanted = "; ".join(f"{f}: {' / '.join(COLUMNS[f])}" for f in missing)
        raise ImportFileError(f"{path}: no column for {', '.join(missing)} (looked for {wanted})")
    return found


def plan(
    path: Path,
    existing: Iterable[Record],
    *,
    max_chars: int = 5000,
    rows: Rows = lambda r: r,
) -> ImportPlan:
    """Check every row against the label sets and the corpus; nothing is written here."""
    raw = read_rows(path)
    header = {k for _, row in raw for k in row if k != ERROR}
    columns = resolve_columns(header, path) if header else {}
    known = {r.text: r for r in existing}
    seen: dict[str, tuple[int, str, str]] = {}
    result = ImportPlan(source=path)
    for n, row in rows(raw):
        if ERROR in row:
            result.problems.append(Problem(n, row[ERROR]))
            continue
        values = {f: row.get(col, "").strip() for f, col in columns.items()}
        problem, record = _check(values, max_chars)
        if problem:
            result.problems.append(Problem(n, problem, values))
            continue
        assert record is not None
        labels = (record["type"], record["urgency"])
        if record["text"] in known:
            old = known[record["text"]]
            if (old.type, old.urgency) == labels:
                result.duplicates += 1
            else:
                result.problems.append(
                    Problem(n, f"same text already in {old.where} as {old.type}/{old.urgency}", values)
                )
            continue
        if record["text"] in seen:
            first, t, u = seen[record["text"]]
            if (t, u) == labels:
                result.duplicates += 1
            else:
                result.problems.append(Problem(n, f"same text as row {first} with other labels ({t}/{u})", values))
            continue
        seen[record["text"]] = (n, *labels)
        result.records.append(record | {"row": str(n)})
    return result


def _check(values: dict[str, str], max_chars: int) -> tuple[str | None, dict[str, str] | None]:
    text = mask(values.get("text", ""))
    if not text:
        return "empty text", None
    if len(text) > max_chars:
        return f"text has {len(text)} characters; the limit is {max_chars}", None
    out = {"text": text}
    for axis in ("type", "urgency"):
        spelling = values.get(axis, "")
        code = code_for(axis, spelling) if spelling else None
        if code is None:
            shown = f"{spelling!r}" if spelling else "empty"
            return f"unknown {axis} {shown}; use one of {', '.join(codes(axis))} or their Chinese names", None
        out[axis] = code
    for optional in ("id", "source", "note"):
        if values.get(optional):
            out[optional] = mask(values[optional])
    return None, out


def write(result: ImportPlan, data_dir: Path) -> Path | None:
    """Write the plan's clean records as a new file in `data_dir`; existing files are not touched."""
    if not result.records:
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = data_dir / f"import-{stamp}-{result.source.stem}.jsonl"
    n = 1
    while target.exists():
        n += 1
        target = data_dir / f"import-{stamp}-{n}-{result.source.stem}.jsonl"
    lines = []
    for record in result.records:
        row = record["row"]
        out = {
            "id": record.get("id") or f"imp-{stamp}-{row}",
            "text": record["text"],
            "type": record["type"],
            "urgency": record["urgency"],
            "source": record.get("source") or "import",
        }
        if record.get("note"):
            out["note"] = record["note"]
        lines.append(json.dumps(out, ensure_ascii=False) + "\n")
    atomic_write(target, "".join(lines))
    return target


def write_rejected(result: ImportPlan, path: Path) -> Path:
    """A CSV of the rejected rows with their row number and reason, for the analyst to fix; cells
    are masked and can never run as formulas."""
    columns = ("text", "type", "urgency")
    write_csv(
        path,
        ["row", "reason", *columns],
        ([p.row, mask(p.reason), *(mask(p.values.get(c, "")) for c in columns)] for p in result.problems),
    )
    return path
