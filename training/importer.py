"""Brings analysts' spreadsheets (CSV, XLSX, JSONL) into `data/labeled/` without ever losing or
rewriting a record already there.

Columns are found by English or Chinese name, label spellings are mapped to codes, phone, ID and
bank numbers are masked, and every problem is reported with its row number. A clean file (or,
with skip_bad, its clean rows) is written as a new JSONL file next to the others: first to a
temporary file, then renamed, so a crash leaves the corpus as it was.
"""

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from nlp.files import atomic_write
from nlp.labels import code_for, codes
from nlp.privacy import mask
from training.dataset import Record

COLUMNS: dict[str, tuple[str, ...]] = {
    "text": ("text", "内容", "纠纷描述", "描述", "文本", "案情", "案情描述"),
    "type": ("type", "类型", "纠纷类型"),
    "urgency": ("urgency", "紧急程度", "紧急度", "紧急级别"),
    "id": ("id", "编号", "序号"),
    "source": ("source", "来源"),
    "note": ("note", "备注", "说明"),
}
REQUIRED = ("text", "type", "urgency")
SUFFIXES = (".csv", ".xlsx", ".jsonl")

Rows = Callable[[Iterable[tuple[int, dict[str, str]]]], Iterable[tuple[int, dict[str, str]]]]


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong format, missing column, unreadable encoding."""


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


def _read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    for n, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            row = {"__error__": f"invalid JSON ({exc.msg})"}
        yield n, row if isinstance(row, dict) else {"__error__": "a line must be a JSON object"}


def _read_frame(path: Path) -> pd.DataFrame:
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:  # Excel on Chinese Windows saves CSV as GB18030
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="gb18030")


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(row number as the analyst sees it, {column: value}) for every data row."""
    if path.suffix not in SUFFIXES:
        raise ImportFileError(f"{path}: unsupported file type {path.suffix!r}; use {', '.join(SUFFIXES)}")
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    try:
        if path.suffix == ".jsonl":
            raw = [(n, {str(k): "" if v is None else str(v) for k, v in row.items()}) for n, row in _read_jsonl(path)]
        else:
            frame = _read_frame(path)
            # Row 1 is the header, so the first data row is row 2, as in the spreadsheet.
            raw = [(i + 2, {str(k): str(v) for k, v in row.items()}) for i, row in enumerate(frame.to_dict("records"))]
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc})") from None
    return raw


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
    header = {k for _, row in raw for k in row if k != "__error__"}
    columns = resolve_columns(header, path) if raw else {}
    known = {r.text: r for r in existing}
    seen: dict[str, tuple[int, str, str]] = {}
    result = ImportPlan(source=path)
    for n, row in rows(raw):
        if "__error__" in row:
            result.problems.append(Problem(n, row["__error__"]))
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
            out[optional] = values[optional]
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
    """A CSV of the rejected rows with their row number and reason, for the analyst to fix."""
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["row", "reason", "text", "type", "urgency"])
        for p in result.problems:
            writer.writerow(
                [p.row, p.reason, mask(p.values.get("text", "")), p.values.get("type", ""), p.values.get("urgency", "")]
            )
    return path
