"""Readers: encodings told apart, rows numbered as the analyst sees them, chunks of bounded size."""

import codecs
import json
import random
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from openpyxl import Workbook

from batch.readers import CsvSource, ParquetSource, SourceError, XlsxSource, detect_encoding, header, open_source

LABELED = Path(__file__).resolve().parents[2] / "data" / "labeled"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("内容\n楼上漏水\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "内容\n楼上漏水\n".encode(), "utf-8-sig"),
        ("内容\n楼上漏水\n".encode("gbk"), "gb18030"),
        (b"text\nplain ascii\n", "utf-8"),
    ],
)
def test_encoding_is_detected(tmp_path: Path, data: bytes, encoding: str) -> None:
    (tmp_path / "in.csv").write_bytes(data)
    assert detect_encoding(tmp_path / "in.csv") == encoding


def test_a_character_cut_at_the_end_of_the_sample_is_still_utf8(tmp_path: Path) -> None:
    data = b"x" * ((1 << 20) - 1) + "楼".encode()  # the sample ends inside a three-byte character
    (tmp_path / "in.csv").write_bytes(data)
    assert detect_encoding(tmp_path / "in.csv") == "utf-8"


def test_csv_rows_are_numbered_by_record_with_line_breaks_inside_quotes(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text('id,text\n1,"第一行\n第二行"\n\n2,楼上漏水\n3,a,extra\n4\n', encoding="utf-8")
    source = CsvSource(path)
    rows = [(n, r, p) for c in source.chunks(10) for n, r, p in zip(c.numbers, c.rows, c.problems, strict=True)]
    assert [n for n, _, _ in rows] == [2, 4, 5, 6]
    assert rows[0][1] == {"id": "1", "text": "第一行\n第二行"}
    assert rows[2][2] == "3 fields where the header has 2"
    assert rows[3][1] == {"id": "4", "text": ""}


def test_a_csv_that_turns_out_not_to_be_utf8_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"text\n" + b"ok\n" * 600_000 + "楼上漏水\n".encode("gbk"))
    source = open_source(path)
    with pytest.raises(SourceError, match="not utf-8 text after row"):
        for _ in source.chunks(1000):
            pass


def test_header_names_blank_and_repeated_columns() -> None:
    assert header(["text", None, "text", " ", "text"]) == ["text", "column2", "text.1", "column4", "text.2"]


def test_xlsx_skips_empty_rows_but_keeps_their_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["text", "n"], ["楼上漏水", 1], [None, None], ["隔壁装修", 2.5]):
        sheet.append(row)
    book.save(tmp_path / "in.xlsx")
    source = XlsxSource(tmp_path / "in.xlsx")
    chunks = list(source.chunks(1))
    assert [c.numbers for c in chunks] == [[2], [4]]
    assert chunks[1].rows == [{"text": "隔壁装修", "n": 2.5}]


def test_parquet_is_read_in_batches_of_the_chunk_size(tmp_path: Path) -> None:
    pq.write_table(pa.table({"text": [f"第{i}条" for i in range(25)]}), tmp_path / "in.parquet")
    source = ParquetSource(tmp_path / "in.parquet")
    chunks = list(source.chunks(10))
    assert [len(c.rows) for c in chunks] == [10, 10, 5]
    assert chunks[2].numbers == [21, 22, 23, 24, 25] and source.total == 25


def test_parquet_memory_is_bounded_by_a_row_group_not_the_file(tmp_path: Path) -> None:
    # Corpus texts resampled into large row groups, as the benchmark's archive: one pyarrow reader
    # over the whole file kept about 17 MB more allocated with every row group it finished.
    texts = [json.loads(line)["text"] for file in sorted(LABELED.glob("*.jsonl")) for line in file.open()]
    draw = random.Random(0).choices(texts, k=300_000)
    pq.write_table(pa.table({"text": draw}), tmp_path / "in.parquet", row_group_size=100_000)
    del draw
    base = pa.total_allocated_bytes()
    held = [pa.total_allocated_bytes() - base for _ in ParquetSource(tmp_path / "in.parquet").chunks(2000)]
    per_group = [max(held[g * 50 : (g + 1) * 50]) for g in range(3)]
    assert per_group[2] < 1.3 * per_group[0], per_group


def test_encoding_is_for_csv_only(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text("{}\n", encoding="utf-8")
    with pytest.raises(SourceError, match="CSV files only"):
        open_source(tmp_path / "in.jsonl", "gbk")
