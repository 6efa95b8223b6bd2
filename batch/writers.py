"""Writes scored rows as CSV, XLSX, JSONL or Parquet (chosen by the output's suffix), a chunk at a
time: the input's columns as they were, then the output columns.

CSV is written UTF-8 with a byte-order mark, which Excel opens correctly whatever the input's
encoding was. XLSX goes through openpyxl's write-only mode (rows are spooled, not kept) and stops
at Excel's 1,048,576 rows. Parquet keeps a Parquet input's schema; columns from other formats are
written as strings, since CSV and spreadsheet cells carry no reliable type.
"""

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from batch.columns import Values
from batch.errors import BatchError

XLSX_MAX_ROWS = 1_048_576
_PARQUET_GROUP_ROWS = 65_536


class SinkError(BatchError):
    """The output cannot take these rows; the message says why."""


def _cell(value: Any) -> Any:
    """A value for a CSV or XLSX cell: lists joined, None empty, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=str)
    return value


class _TextSink:
    """A sink writing one text file; on a failed run it is only closed (the file is then removed)."""

    _fh: TextIO

    def close(self) -> None:
        self._fh.close()

    abort = close


class CsvSink(_TextSink):
    def __init__(self, path: Path, columns: Sequence[str], names: Sequence[str]) -> None:
        self.columns = list(columns)
        self._fh: TextIO = path.open("w", encoding="utf-8-sig", newline="")
        self._writer = csv.writer(self._fh)
        self._writer.writerow([*self.columns, *names])

    def write(self, rows: Sequence[dict[str, Any]], values: Sequence[Values]) -> None:
        self._writer.writerows(
            [_cell(row.get(c)) for c in self.columns] + [_cell(v) for v in out]
            for row, out in zip(rows, values, strict=True)
        )


class XlsxSink:
    def __init__(self, path: Path, columns: Sequence[str], names: Sequence[str]) -> None:
        from openpyxl import Workbook

        self.path = path
        self.columns = list(columns)
        self._book = Workbook(write_only=True)
        self._sheet = self._book.create_sheet()
        self._sheet.append([*self.columns, *names])
        self._rows = 1

    def write(self, rows: Sequence[dict[str, Any]], values: Sequence[Values]) -> None:
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        self._rows += len(rows)
        if self._rows > XLSX_MAX_ROWS:
            raise SinkError(f"more than {XLSX_MAX_ROWS:,} rows do not fit in an XLSX sheet; write .csv or .parquet")
        for row, out in zip(rows, values, strict=True):
            cells = [_cell(row.get(c)) for c in self.columns] + [_cell(v) for v in out]
            # Control characters a CSV may carry are not allowed in the XML of a sheet.
            self._sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in cells])

    def close(self) -> None:
        self._book.save(self.path)

    def abort(self) -> None:
        """Nothing is on disk until close: the spooled rows go with the workbook."""


class JsonlSink(_TextSink):
    def __init__(self, path: Path, columns: Sequence[str], names: Sequence[str]) -> None:
        self.names = list(names)
        self._fh: TextIO = path.open("w", encoding="utf-8")

    def write(self, rows: Sequence[dict[str, Any]], values: Sequence[Values]) -> None:
        self._fh.writelines(
            json.dumps(row | dict(zip(self.names, out, strict=True)), ensure_ascii=False, default=str) + "\n"
            for row, out in zip(rows, values, strict=True)
        )


def _as_string(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return str(value)


class ParquetSink:
    def __init__(self, path: Path, columns: Sequence[str], names: Sequence[str], schema: Any = None) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        from batch.arrow import output_fields

        self._typed = schema is not None
        inputs = [schema.field(c) if self._typed else pa.field(c, pa.string()) for c in columns]
        self.schema = pa.schema(inputs + output_fields(names))
        self.columns = list(columns)
        self._writer = pq.ParquetWriter(path, self.schema)
        self._pending: list[Any] = []
        self._pending_rows = 0

    def write(self, rows: Sequence[dict[str, Any]], values: Sequence[Values]) -> None:
        import pyarrow as pa

        from batch.arrow import output_arrays

        inputs = []
        for i, name in enumerate(self.columns):
            cells = [row.get(name) for row in rows] if self._typed else [_as_string(row.get(name)) for row in rows]
            inputs.append(pa.array(cells, type=self.schema.field(i).type))
        self._pending.append(pa.Table.from_arrays(inputs + output_arrays(values), schema=self.schema))
        self._pending_rows += len(rows)
        if self._pending_rows >= _PARQUET_GROUP_ROWS:
            self._flush()

    def _flush(self) -> None:
        import pyarrow as pa

        if self._pending:
            self._writer.write_table(pa.concat_tables(self._pending))
        self._pending, self._pending_rows = [], 0

    def close(self) -> None:
        self._flush()
        self._writer.close()

    def abort(self) -> None:
        self._writer.close()


Sink = CsvSink | XlsxSink | JsonlSink | ParquetSink


def open_sink(path: Path, kind: str, columns: Sequence[str], names: Sequence[str], schema: Any = None) -> Sink:
    """A writer of `kind` (csv, xlsx, jsonl, parquet) on `path`; `schema` is a Parquet input's."""
    if kind == "csv":
        return CsvSink(path, columns, names)
    if kind == "xlsx":
        return XlsxSink(path, columns, names)
    if kind == "jsonl":
        return JsonlSink(path, columns, names)
    return ParquetSink(path, columns, names, schema)
