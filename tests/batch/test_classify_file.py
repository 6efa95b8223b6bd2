"""`dispute-triage classify --file IN --out OUT` on every format, bad rows included."""

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from batch.columns import OUTPUT
from cli.main import app
from tests.batch.conftest import COLUMNS, FORMATS, ROWS, row_number, write_input

runner = CliRunner()
NAMES = [name for name, _ in OUTPUT]


def read_output(path: Path) -> pd.DataFrame:
    if path.suffix == ".csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if path.suffix == ".xlsx":
        return pd.read_excel(path, dtype=str, keep_default_na=False)
    if path.suffix == ".jsonl":
        return pd.DataFrame([json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()])
    return pq.read_table(path).to_pandas()


def classify(*args: str) -> Any:
    return runner.invoke(app, ["classify", *args])


def scored(source: Path, out: Path, models: Path, *options: str) -> Any:
    """A file run that must succeed (one process unless `options` say otherwise)."""
    result = classify(
        "--file", str(source), "--out", str(out), "--models", str(models), *(options or ("--workers", "1"))
    )
    assert result.exit_code == 0, result.output
    return result


def blank(value: Any) -> bool:
    return value is None or value == "" or (isinstance(value, float) and math.isnan(value))


def check_scored(frame: pd.DataFrame, expected: dict[str, Any], input_columns: list[str]) -> None:
    """Input columns first and unchanged, then the output columns; labels as Triage gives them."""
    assert list(frame.columns) == input_columns + NAMES
    assert list(frame["编号"]) == [row[0] for row in ROWS]
    assert list(frame["来源"]) == [row[2] for row in ROWS]
    for _, row in frame.iterrows():
        if row["编号"].startswith("bad"):
            assert all(blank(row[c]) for c in NAMES[:-1])
            continue
        p = expected[row["编号"]]
        assert (row["type"], row["urgency"]) == (p.type.label, p.urgency.label)
        assert float(row["type_confidence"]) == round(p.type.confidence, 4)
        assert float(row["urgency_confidence"]) == round(p.urgency.confidence, 4)
        assert str(row["needs_review"]).lower() == str(p.needs_review).lower()
        assert int(row["deadline_hours"]) == {"high": 4, "medium": 48, "low": 168}[p.urgency.label]
        assert blank(row["row_error"])
    errors = dict(zip(frame["编号"], frame["row_error"], strict=True))
    assert errors["bad-empty"] == "empty text"
    assert errors["bad-long"] == "text has 5002 characters; the limit is 5000"


@pytest.mark.parametrize("kind", FORMATS)
def test_each_format_comes_back_scored_with_bad_rows_marked(
    tmp_path: Path, models_root: Path, kind: str, expected: dict
) -> None:
    source = write_input(tmp_path / "in", kind)
    out = tmp_path / f"out{source.suffix}"
    result = scored(source, out, models_root)
    check_scored(read_output(out), expected, COLUMNS)
    # Bad rows are named by the number the analyst sees in the file.
    empty, long = (row_number(kind, [r[0] for r in ROWS].index(i)) for i in ("bad-empty", "bad-long"))
    assert f"row {empty}: empty text" in result.stderr
    assert f"row {long}: text has 5002 characters" in result.stderr
    assert f"{len(ROWS)} rows" in result.stdout and f"{len(expected)} scored, 2 bad" in result.stdout
    wages = sum(p.type.label == "wages" for p in expected.values())
    assert f"wages 欠薪及劳动报酬 {wages}," in result.stdout


def test_gbk_csv_is_detected_and_read_as_chinese(tmp_path: Path, models_root: Path, expected: dict) -> None:
    source = write_input(tmp_path / "in", "csv-gbk")
    with pytest.raises(UnicodeDecodeError):
        source.read_text(encoding="utf-8")
    out = tmp_path / "out.jsonl"
    scored(source, out, models_root)
    frame = read_output(out)
    assert list(frame["内容"])[:3] == [row[1] for row in ROWS[:3]]


@pytest.mark.parametrize(("kind", "suffix"), [("xlsx", ".parquet"), ("jsonl", ".csv"), ("parquet", ".xlsx")])
def test_output_format_follows_the_out_suffix(
    tmp_path: Path, models_root: Path, kind: str, suffix: str, expected: dict
) -> None:
    source = write_input(tmp_path / "in", kind)
    out = tmp_path / f"out{suffix}"
    scored(source, out, models_root)
    check_scored(read_output(out), expected, COLUMNS)


def test_several_workers_give_the_same_file_as_one(tmp_path: Path, models_root: Path) -> None:
    source = write_input(tmp_path / "in", "jsonl")
    outs = []
    for workers in ("1", "2"):
        out = tmp_path / f"out-{workers}.jsonl"
        scored(source, out, models_root, "--workers", workers)
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1]


def test_a_labelled_file_gets_prefixed_output_columns(tmp_path: Path, models_root: Path) -> None:
    source = tmp_path / "labelled.csv"
    source.write_text("text,type,urgency\n楼上每天半夜跳绳，吵得睡不着,neighbour,low\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    scored(source, out, models_root)
    frame = read_output(out)
    assert list(frame.columns) == ["text", "type", "urgency"] + [f"predicted_{n}" for n in NAMES]
    assert frame.loc[0, "type"] == "neighbour" and frame.loc[0, "predicted_type"] in {"neighbour", "other"}


def test_text_column_by_name(tmp_path: Path, models_root: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text("case,body\n1,包工头欠我们三个月工资不给\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    refused = classify("--file", str(source), "--out", str(out), "--models", str(models_root))
    assert refused.exit_code == 1
    assert "no text column" in refused.stderr and "--text-column" in refused.stderr
    assert not out.exists()
    scored(source, out, models_root, "--text-column", "body")
    assert read_output(out).loc[0, "type"] == "wages"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("in.txt", "text\n", "unsupported file type '.txt'"),
        ("in.xlsx", "not a zip", "cannot be read as XLSX"),
        ("in.parquet", "not parquet", "cannot be read as Parquet"),
    ],
)
def test_unreadable_files_end_in_one_line(
    tmp_path: Path, models_root: Path, name: str, content: str, message: str
) -> None:
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    result = classify("--file", str(source), "--out", str(tmp_path / "out.csv"), "--models", str(models_root))
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "out.csv").exists()


def test_jsonl_lines_that_are_not_objects_are_bad_rows(tmp_path: Path, models_root: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(
        '{"text": "楼上漏水把我家泡了"}\n{"text": \n[1, 2]\n\n{"text": "隔壁装修太吵"}\n', encoding="utf-8"
    )
    out = tmp_path / "out.jsonl"
    result = scored(source, out, models_root)
    assert "row 2: invalid JSON" in result.stderr and "row 3: a line must be a JSON object" in result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["row_error"] is None for r in rows] == [True, False, False, True]


def test_a_tampered_model_is_refused_by_the_workers(tmp_path: Path, tampered_registry: Path) -> None:
    source = write_input(tmp_path / "in", "csv")
    out = tmp_path / "out.csv"
    result = classify("--file", str(source), "--out", str(out), "--models", str(tampered_registry), "--workers", "2")
    assert result.exit_code == 1
    assert "does not match the manifest" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.csv.*"))


def test_a_missing_version_names_the_ones_there(tmp_path: Path, models_root: Path) -> None:
    source = write_input(tmp_path / "in", "csv")
    result = classify(
        "--file", str(source), "--out", str(tmp_path / "o.csv"), "--models", str(models_root), "--version", "nope"
    )
    assert result.exit_code == 1
    assert (
        "nope: no such version" in result.stderr
        and json.loads((models_root / "live.json").read_text())["version"] in result.stderr
    )
