"""The spreadsheets analysts exchange with the project (CSV, XLSX, JSONL): read so that no cell is
ever shifted into another column and a damaged file is one error naming it, written so that no
cell is run as a formula when Excel or WPS opens it.

Rows come back as (row number as the analyst sees it, {column: text}); a row that cannot be read
comes back as {"__error__": reason}, so the importer can name it among the other bad rows.
"""

import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import openpyxl

ERROR = "__error__"
SUFFIXES = (".csv", ".xlsx", ".jsonl")
# A cell starting with one of these is a formula (or, after a tab or line break, may become one) in
# Excel, WPS or LibreOffice; full-width forms are included because WPS reads some of them too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# A workbook is a zip: refuse one that would inflate beyond this before openpyxl reads it.
MAX_XLSX_UNCOMPRESSED = 512 * 1024 * 1024

Row = tuple[int, dict[str, str]]


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong format, damaged, missing column, unreadable encoding."""


def neutralise(value: object) -> str:
    """The cell as text that a spreadsheet shows and never runs: formulas get a leading apostrophe,
    the usual rule (OWASP's CSV injection advice)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    """Undo neutralise on a cell read back in, so an exported text re-imported is the same text."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    """A CSV that opens in Excel (UTF-8 with BOM) with every cell neutralised; returns the row count."""
    n = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([neutralise(h) for h in header])
        for row in rows:
            writer.writerow([neutralise(cell) for cell in row])
            n += 1
    return n


def one_line(exc: BaseException, limit: int = 200) -> str:
    """An exception as one short line: damaged files produce long, multi-line messages."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def read_rows(path: Path) -> list[Row]:
    """Every data row of a CSV, XLSX or JSONL file, or ImportFileError naming the file and the fault."""
    if path.suffix not in SUFFIXES:
        raise ImportFileError(f"{path}: unsupported file type {path.suffix!r}; use {', '.join(SUFFIXES)}")
    if not path.is_file():
        raise ImportFileError(f"{path}: no such file")
    try:
        if path.suffix == ".jsonl":
            return list(_jsonl_rows(path))
        if path.suffix == ".xlsx":
            return _xlsx_rows(path)
        return list(_csv_rows(path))
    except OSError as exc:
        raise ImportFileError(f"{path}: cannot be read ({one_line(exc)})") from None


def _decode(path: Path, encodings: Sequence[str]) -> str:
    data = path.read_bytes()
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as exc:
            error = exc
    raise ImportFileError(f"{path}: not text in {' or '.join(encodings)} ({one_line(error)})")


def _unique(header: Sequence[str]) -> list[str]:
    """Column names as pandas gives them: a repeated name becomes `name.1`, `name.2`…"""
    seen: dict[str, int] = {}
    out = []
    for name in header:
        n = seen.get(name, 0)
        seen[name] = n + 1
        out.append(f"{name}.{n}" if n else name)
    return out


def _csv_rows(path: Path) -> Iterator[Row]:
    # Excel on Chinese Windows saves CSV as GB18030; anything else is UTF-8.
    text = _decode(path, ("utf-8-sig", "gb18030"))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _unique([h.strip() for h in next(reader, [])])
        # Row 1 is the header, so the first data row is row 2, as in the spreadsheet.
        for n, cells in enumerate(reader, 2):
            if not any(c.strip() for c in cells):
                continue
            if any(c.strip() for c in cells[len(header) :]):
                yield (
                    n,
                    {
                        ERROR: f"{len(cells)} fields but the header has {len(header)} "
                        "(a comma inside a cell that is not quoted?); nothing in it was read"
                    },
                )
                continue
            yield n, {h: restore(c) for h, c in zip(header, cells, strict=False)}
    except csv.Error as exc:
        raise ImportFileError(f"{path}: not a readable CSV file (line {reader.line_num}: {one_line(exc)})") from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a phone number or id typed into a number cell
    return restore(str(value))


def _xlsx_rows(path: Path) -> list[Row]:
    try:
        with zipfile.ZipFile(path) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
        if inflated > MAX_XLSX_UNCOMPRESSED:
            raise ImportFileError(f"{path}: inflates to {inflated} bytes; the limit is {MAX_XLSX_UNCOMPRESSED}")
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            rows = book.worksheets[0].iter_rows(values_only=True)
            header = _unique([_cell(h).strip() for h in next(rows, ())])
            out = []
            for n, cells in enumerate(rows, 2):
                values = [_cell(c) for c in cells]
                if any(v.strip() for v in values):
                    out.append((n, {h: v for h, v in zip(header, values, strict=False) if h}))
            return out
        finally:
            book.close()
    except ImportFileError:
        raise
    except zipfile.BadZipFile as exc:
        raise ImportFileError(f"{path}: not an XLSX workbook ({one_line(exc)})") from None
    except Exception as exc:  # a damaged workbook can fail anywhere inside openpyxl, zlib or the XML parser
        cause = _root_cause(exc)
        raise ImportFileError(
            f"{path}: not a readable XLSX workbook ({type(cause).__name__}: {one_line(cause)})"
        ) from None


def _root_cause(exc: BaseException) -> BaseException:
    """openpyxl wraps what went wrong in a generic ValueError; the first failure says more."""
    seen = {id(exc)}
    while (inner := exc.__cause__ or exc.__context__) is not None and id(inner) not in seen:
        seen.add(id(inner))
        exc = inner
    return exc


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _jsonl_row(line: str) -> dict[str, str]:
    try:
        value = json.loads(line)
    except json.JSONDecodeError as exc:
        return {ERROR: f"invalid JSON ({exc.msg} at column {exc.colno})"}
    except RecursionError:
        return {ERROR: "invalid JSON (nested too deeply)"}
    if not isinstance(value, dict):
        return {ERROR: "a line must be a JSON object"}
    row = {}
    for key, v in value.items():
        if isinstance(v, dict | list):
            return {ERROR: f"field {key!r} is a JSON {type(v).__name__}, not a text or a number"}
        text = "" if v is None else str(v)
        if _has_surrogate(key) or _has_surrogate(text):
            return {ERROR: f"field {key!r} holds a lone surrogate (\\ud800-\\udfff), which is not a character"}
        row[key] = text
    return row


def _jsonl_rows(path: Path) -> Iterator[Row]:
    # Split on newlines only: str.splitlines also breaks at U+2028 and others, which JSON allows in strings.
    for n, line in enumerate(_decode(path, ("utf-8-sig",)).split("\n"), 1):
        if line.strip():
            yield n, _jsonl_row(line)
