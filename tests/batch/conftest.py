"""Input files of every format with good and bad rows, and the predictions they must get."""

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from batch.model import Rules, load_triage, resolve
from batch.settings import get_batch_settings
from service.settings import Settings
from tests.corpus import RECORDS

LONG = "邻居" * 2501  # 5,002 characters: over the 5,000 limit
# Rows as (id, text, source); the two bad ones sit between good ones.
ROWS: list[tuple[str, Any, str]] = [
    *((f"c{i}", r["text"], "hotline") for i, r in enumerate(RECORDS[:10])),
    ("bad-empty", "", "app"),
    *((f"c{i}", r["text"], "grid") for i, r in enumerate(RECORDS[10:20], 10)),
    ("bad-long", LONG, "app"),
    *((f"c{i}", r["text"], "desk") for i, r in enumerate(RECORDS[20:], 20)),
]
COLUMNS = ["编号", "内容", "来源"]
FORMATS = ["csv", "csv-gbk", "xlsx", "jsonl", "parquet"]


def write_input(path: Path, kind: str, rows: list[tuple[str, Any, str]] = ROWS) -> Path:
    """`rows` in `kind`; returns the file (suffix from the kind)."""
    if kind.startswith("csv"):
        path = path.with_suffix(".csv")
        with path.open("w", encoding="gb18030" if kind == "csv-gbk" else "utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(COLUMNS)
            writer.writerows(rows)
    elif kind == "xlsx":
        path = path.with_suffix(".xlsx")
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.append(COLUMNS)
        for row in rows:
            sheet.append(list(row))
        book.save(path)
    elif kind == "jsonl":
        path = path.with_suffix(".jsonl")
        lines = (json.dumps(dict(zip(COLUMNS, row, strict=True)), ensure_ascii=False) for row in rows)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        path = path.with_suffix(".parquet")
        pq.write_table(pa.table({c: [row[i] for row in rows] for i, c in enumerate(COLUMNS)}), path)
    return path


def row_number(kind: str, index: int) -> int:
    """The number a reader gives the `index`-th data row (0-based) of a file `write_input` made."""
    return index + 2 if kind in {"csv", "csv-gbk", "xlsx"} else index + 1


@pytest.fixture(autouse=True)
def fresh_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Settings are cached per process; each test reads its own environment."""
    monkeypatch.setenv("DT_BATCH_CHUNK_ROWS", "7")  # several chunks even for a small file
    get_batch_settings.cache_clear()
    yield
    get_batch_settings.cache_clear()


@pytest.fixture(scope="session")
def expected(models_root: Path) -> dict[str, Any]:
    """id -> the prediction Triage gives the row's text directly."""
    triage = load_triage(resolve(models_root, None), Rules.from_settings(Settings()))
    good = [(i, t) for i, t, _ in ROWS if not i.startswith("bad")]
    return dict(zip([i for i, _ in good], triage.predict([t for _, t in good]), strict=True))
