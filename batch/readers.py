"""Streams an input file's rows a chunk at a time, so a million rows are never in memory at once.

CSV is read as UTF-8 or GB18030 (a superset of GBK, what Excel on Chinese Windows saves), told
apart on the first megabyte; XLSX through openpyxl's read-only mode (the first sheet); JSONL a
line at a time; Parquet a record batch at a time through pyarrow (what it holds is bounded by
one row group, not the file). Rows come back as {column: value} with the number an analyst
would look for: the spreadsheet row for CSV and XLSX (the header is row 1), the line for JSONL,
the record (from 1) for Parquet. Rows with nothing in them are skipped; a row the reader cannot
use keeps its number and a problem instead.
"""

import codecs
import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from batch.errors import BatchError

FORMATS = {".csv": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".parquet": "parquet"}
_SAMPLE = 1 << 20
_KEY_SCAN = 1000  # JSONL lines read for the column list


class SourceError(BatchError):
    """The file as a whole cannot be read; the message names it and the fault."""


@dataclass
class Chunk:
    rows: list[dict[str, Any]] = field(default_factory=list)
    numbers: list[int] = field(default_factory=list)
    problems: list[str | None] = field(default_factory=list)

    def add(self, number: int, row: dict[str, Any], problem: str | None = None) -> None:
        self.rows.append(row)
        self.numbers.append(number)
        self.problems.append(problem)


def format_of(path: Path) -> str:
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise SourceError(f"{path}: unsupported file type {path.suffix!r}; use {', '.join(FORMATS)}") from None


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030, from the first megabyte (a character cut at its end is fine)."""
    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8"


def count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(block.count(b"\n") for block in iter(lambda: fh.read(_SAMPLE), b""))


def header(values: Sequence[Any]) -> list[str]:
    """Column names from a header row: blanks named by position, repeats numbered (as pandas does)."""
    names: list[str] = []
    for i, value in enumerate(values):
        name = str(value).strip() if value is not None and str(value).strip() else f"column{i + 1}"
        base, k = name, 1
        while name in names:
            name, k = f"{base}.{k}", k + 1
        names.append(name)
    return names


def _chunked(items: Iterator[tuple[int, dict[str, Any], str | None]], size: int) -> Iterator[Chunk]:
    while batch := list(islice(items, size)):
        chunk = Chunk()
        for number, row, problem in batch:
            chunk.add(number, row, problem)
        yield chunk


class _RowSource:
    """A source read row by row in Python, chunked here."""

    def _rows(self) -> Iterator[tuple[int, dict[str, Any], str | None]]:
        raise NotImplementedError

    def chunks(self, size: int) -> Iterator[Chunk]:
        return _chunked(self._rows(), size)


class CsvSource(_RowSource):
    def __init__(self, path: Path, encoding: str | None = None) -> None:
        self.path = path
        self.encoding = encoding or detect_encoding(path)
        self.schema = None
        try:
            with path.open(encoding=self.encoding, newline="") as fh:
                self.columns = header(next(csv.reader(fh), []))
        except (UnicodeDecodeError, LookupError) as exc:
            raise SourceError(f"{path}: cannot be read as {self.encoding} ({exc})") from None
        self.total: int | None = max(count_lines(path) - 1, 0)

    def _rows(self) -> Iterator[tuple[int, dict[str, Any], str | None]]:
        width = len(self.columns)
        number = 1
        with self.path.open(encoding=self.encoding, newline="") as fh:
            reader = csv.reader(fh)
            next(reader, None)
            try:
                for number, values in enumerate(reader, start=2):
                    if not any(v.strip() for v in values):
                        continue
                    row = dict(zip(self.columns, values + [""] * (width - len(values)), strict=False))
                    extra = f"{len(values)} fields where the header has {width}" if len(values) > width else None
                    yield number, row, extra
            except UnicodeDecodeError:
                raise SourceError(
                    f"{self.path}: not {self.encoding} text after row {number}; name the encoding with --encoding"
                ) from None


class XlsxSource(_RowSource):
    def __init__(self, path: Path) -> None:
        import openpyxl

        self.path = path
        self.schema = None
        try:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises zipfile, XML and key errors for a damaged file
            raise SourceError(f"{path}: cannot be read as XLSX ({type(exc).__name__}: {exc})") from None
        try:
            sheet = book.active
            self.columns = header(next(sheet.iter_rows(max_row=1, values_only=True), ()))  # type: ignore[union-attr]
            self.total = max(sheet.max_row - 1, 0) if sheet.max_row else None  # type: ignore[union-attr]
        finally:
            book.close()

    def _rows(self) -> Iterator[tuple[int, dict[str, Any], str | None]]:
        import openpyxl

        book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        try:
            rows = book.active.iter_rows(min_row=2, values_only=True)  # type: ignore[union-attr]
            for number, values in enumerate(rows, start=2):
                if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                    continue
                yield number, dict(zip(self.columns, values, strict=False)), None
        finally:
            book.close()


class JsonlSource(_RowSource):
    def __init__(self, path: Path) -> None:
        self.path = path
        self.schema = None
        self.columns = list(dict.fromkeys(k for _, row, _ in islice(self._rows(), _KEY_SCAN) for k in row))
        self.total: int | None = count_lines(path)

    def _rows(self) -> Iterator[tuple[int, dict[str, Any], str | None]]:
        with self.path.open(encoding="utf-8-sig") as fh:
            for number, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield number, {}, f"invalid JSON ({exc.msg})"
                    continue
                if isinstance(row, dict):
                    yield number, row, None
                else:
                    yield number, {}, "a line must be a JSON object"


class ParquetSource:
    def __init__(self, path: Path) -> None:
        import pyarrow.parquet as pq

        self.path = path
        try:
            self._file = pq.ParquetFile(path)
        except Exception as exc:  # pyarrow's ArrowInvalid and OSError for a damaged file
            raise SourceError(f"{path}: cannot be read as Parquet ({exc})") from None
        self.schema = self._file.schema_arrow
        self.columns = list(self.schema.names)
        self.total: int | None = self._file.metadata.num_rows

    def chunks(self, size: int) -> Iterator[Chunk]:
        # A reader per row group: one reader over the whole file keeps every row group it has
        # decoded allocated until it ends (pyarrow 26), so memory would grow with the file.
        batches = (b for g in range(self._file.num_row_groups) for b in self._file.iter_batches(size, row_groups=[g]))
        number = 0
        for batch in batches:
            chunk = Chunk()
            for row in batch.to_pylist():
                number += 1
                chunk.add(number, row)
            yield chunk


Source = CsvSource | XlsxSource | JsonlSource | ParquetSource


def open_source(path: Path, encoding: str | None = None) -> Source:
    """A reader for `path`, chosen by its suffix; only the header (or schema) is read here."""
    kind = format_of(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file")
    if encoding is not None and kind != "csv":
        raise SourceError(f"{path}: --encoding applies to CSV files only")
    if kind == "csv":
        return CsvSource(path, encoding)
    if kind == "xlsx":
        return XlsxSource(path)
    if kind == "jsonl":
        return JsonlSource(path)
    return ParquetSource(path)
