"""Spreadsheets in and out (issue 13): no exported cell runs as a formula, a damaged or hostile
file is one line naming it and the fault, and a row with more fields than the header is refused,
never shifted into other columns."""

import csv
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from click.testing import Result
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from service.main import create_app
from service.settings import Settings
from tests.conftest import write_jsonl
from training.dataset import load_corpus
from training.sheets import FORMULA_STARTS, neutralise, restore

runner = CliRunner()
FORMULAS = ["=1+1 ok", "+1 ok", "-1 ok", "@SUM(A1) ok", "\t=1 ok", "\r=1 ok", "＝1+1 ok", '=HYPERLINK("http://x","y")']


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return write_jsonl(
        tmp_path / "labeled" / "base.jsonl",
        [{"id": "x-1", "text": "楼上漏水把我家天花板泡坏了", "type": "neighbour", "urgency": "medium"}],
    ).parent


def run_import(path: Path, data_dir: Path, *extra: str) -> Result:
    return runner.invoke(app, ["import", str(path), "--data", str(data_dir), *extra])


def csv_cells(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


def assert_formula_free(cells: list[list[str]]) -> None:
    for row in cells:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), cell


# --- formulas -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_cell_is_made_text_and_read_back_unchanged(value: str) -> None:
    assert neutralise(value) == "'" + value
    assert restore(neutralise(value)) == value


@pytest.mark.parametrize("value", ["楼上漏水", "'quoted", "1-2", "a=b", "", 0.42, None])
def test_other_cells_are_left_as_they_are(value: object) -> None:
    expected = "" if value is None else str(value)
    assert neutralise(value) == expected
    assert restore(expected) == expected


def test_review_export_neutralises_formulas_and_round_trips(models_root: Path, tmp_path: Path, data_dir: Path) -> None:
    url = f"sqlite:///{tmp_path}/rq.db"
    settings = Settings(models_dir=models_root, database_url=url, keep_low_confidence=True)
    with TestClient(create_app(settings)) as c:
        for text in FORMULAS:
            assert c.post("/v1/classify", json={"text": text}).json()["needs_review"] is True
    out = tmp_path / "queue.csv"
    result = runner.invoke(app, ["review", "export", "--database", url, "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = csv_cells(out)
    assert_formula_free(cells)
    assert sorted(row[1] for row in cells[1:]) == sorted("'" + t for t in FORMULAS)

    # The analyst fills in the labels and imports the sheet: the texts come back as they were sent
    # (less the surrounding whitespace the importer always strips).
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([cells[0], *(row[:-2] + ["other", "low"] for row in cells[1:])])
    imported = run_import(out, data_dir)
    assert imported.exit_code == 0, imported.output
    assert {r.text for r in load_corpus(data_dir) if r.id.startswith("rq-")} == {t.strip() for t in FORMULAS}


def test_rejected_rows_file_neutralises_formulas(data_dir: Path, tmp_path: Path) -> None:
    source = tmp_path / "desk.csv"
    rows = [("=1+1 楼上漏水", "=cmd|' /C calc'!A0", "-2"), ("@SUM(A1) 工资", "+land", "\tlow")]
    pd.DataFrame(rows, columns=["text", "type", "urgency"]).to_csv(source, index=False)
    result = run_import(source, data_dir, "--skip-bad")
    assert result.exit_code == 0, result.output
    cells = csv_cells(tmp_path / "desk.rejected.csv")
    assert len(cells) == 3
    assert_formula_free(cells)
    assert cells[1][2:] == ["'=1+1 楼上漏水", "'=cmd|' /C calc'!A0", "'-2"]


# --- damaged and hostile files ------------------------------------------------------------------


def assert_one_line_error(result: Result, path: Path, problem: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith(f"error: {path}: ") and problem in lines[0], lines[0]


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "desk.xlsx"
    texts = [f"第{i}户为地界吵了三年，村里调解没用" for i in range(200)]
    pd.DataFrame({"内容": texts, "类型": "土地", "紧急程度": "一般"}).to_excel(path, index=False)
    return path


def test_a_zip_that_is_not_a_workbook(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff" + bytes(1000))
    assert_one_line_error(run_import(path, data_dir), path, "not a readable XLSX workbook")


def test_a_file_that_is_not_a_zip_at_all(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "renamed.xlsx"
    path.write_text("text,type,urgency\n楼上漏水,neighbour,low\n", encoding="utf-8")
    assert_one_line_error(run_import(path, data_dir), path, "not an XLSX workbook")


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.99])
def test_a_truncated_workbook(data_dir: Path, workbook: Path, keep: float) -> None:
    data = workbook.read_bytes()
    workbook.write_bytes(data[: int(len(data) * keep)])
    assert_one_line_error(run_import(workbook, data_dir), workbook, "XLSX workbook")


def test_bit_flips_anywhere_in_a_workbook_never_give_a_traceback(data_dir: Path, workbook: Path) -> None:
    data = workbook.read_bytes()
    outcomes = set()
    for position in range(0, len(data), max(1, len(data) // 60)):
        flipped = bytearray(data)
        flipped[position] ^= 0x55
        workbook.write_bytes(bytes(flipped))
        result = run_import(workbook, data_dir)
        assert result.exception is None or isinstance(result.exception, SystemExit), (position, result.exception)
        assert "Traceback" not in result.output
        if result.exit_code:
            last = result.output.strip().splitlines()[-1]
            assert last.startswith("error: ") and str(workbook.name) in last, (position, result.output)
        outcomes.add(result.exit_code)
    assert 1 in outcomes  # most flips damage the file; some land in parts nobody reads


def test_a_workbook_that_inflates_beyond_the_limit(
    data_dir: Path, workbook: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("training.sheets.MAX_XLSX_UNCOMPRESSED", 1000)
    assert_one_line_error(run_import(workbook, data_dir), workbook, "inflates to")


def jsonl_problem(result: Result, path: Path, row: int, problem: str) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 1 and "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith(f"{path.name} row {row}: ") and problem in lines[0], result.output
    assert lines[-1] == f"error: 1 bad rows in {path}; nothing written (fix them, or use --skip-bad)"


def test_jsonl_with_a_lone_surrogate(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "fb.jsonl"
    good = json.dumps({"text": "邻居占了我家过道", "type": "neighbour", "urgency": "low"}, ensure_ascii=False)
    path.write_text(good + '\n{"text": "楼上\\ud800漏水", "type": "neighbour", "urgency": "low"}\n', encoding="utf-8")
    before = sorted(p.name for p in data_dir.iterdir())
    jsonl_problem(run_import(path, data_dir), path, 2, "lone surrogate")
    assert sorted(p.name for p in data_dir.iterdir()) == before
    skipped = run_import(path, data_dir, "--skip-bad")
    assert skipped.exit_code == 0, skipped.output
    assert "1 records added" in skipped.output


@pytest.mark.parametrize(
    "line",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"text": ' + "[" * 100_000 + "]" * 100_000 + ', "type": "land", "urgency": "low"}',
        '{"text": "a", "type": "land", "urgency": "low", "note": ' + '{"a":' * 100_000 + "1" + "}" * 100_000 + "}",
    ],
)
def test_jsonl_nested_100000_deep(data_dir: Path, tmp_path: Path, line: str) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    jsonl_problem(run_import(path, data_dir), path, 1, "nested too deeply")


def test_jsonl_field_that_is_a_list_is_refused(data_dir: Path, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "list.jsonl", [{"text": ["楼上漏水"], "type": "neighbour", "urgency": "low"}])
    jsonl_problem(run_import(path, data_dir), path, 1, "field 'text' is a JSON list")


def test_jsonl_that_is_not_utf8(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "gbk.jsonl"
    path.write_bytes('{"text": "楼上漏水", "type": "neighbour", "urgency": "low"}\n'.encode("gbk"))
    assert_one_line_error(run_import(path, data_dir), path, "not text in utf-8-sig")


def test_jsonl_line_separator_inside_a_string_is_not_a_new_row(data_dir: Path, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "ls.jsonl", [{"text": "楼上漏水\u2028天花板泡坏了", "type": "neighbour", "urgency": "low"}]
    )
    result = run_import(path, data_dir)
    assert result.exit_code == 0, result.output
    assert "楼上漏水\u2028天花板泡坏了" in {r.text for r in load_corpus(data_dir)}


# --- columns never shift ------------------------------------------------------------------------


def test_a_row_with_an_unquoted_comma_is_refused_not_shifted(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "desk.csv"
    path.write_text(
        "text,type,urgency\n两家为地界吵架,还动了手,land,high\n包工头欠我们三个月工资,wages,medium\n", encoding="utf-8"
    )
    result = run_import(path, data_dir)
    assert result.exit_code == 1
    assert "desk.csv row 2: 4 fields but the header has 3" in result.output
    skipped = run_import(path, data_dir, "--skip-bad")
    assert skipped.exit_code == 0, skipped.output
    texts = {r.text for r in load_corpus(data_dir)}
    assert "包工头欠我们三个月工资" in texts
    assert not any("两家" in t or "还动了手" in t for t in texts)


def test_trailing_empty_fields_are_not_a_shift(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "trailing.csv"
    path.write_text("text,type,urgency\n两家为地界吵架,land,high,,\n", encoding="utf-8")
    result = run_import(path, data_dir)
    assert result.exit_code == 0, result.output
    assert ("两家为地界吵架", "land", "high") in {(r.text, r.type, r.urgency) for r in load_corpus(data_dir)}


def test_a_number_cell_in_a_workbook_keeps_its_digits_and_is_masked(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "numbers.xlsx"
    frame = pd.DataFrame(
        {"编号": [13812345678], "内容": ["地界纠纷 电话13812345678"], "类型": ["土地"], "紧急程度": ["一般"]}
    )
    frame.to_excel(path, index=False)
    result = run_import(path, data_dir)
    assert result.exit_code == 0, result.output
    record = next(r for r in load_corpus(data_dir) if r.type == "land")
    assert record.id == "138****5678" and record.text == "地界纠纷 电话138****5678"


def test_a_workbook_with_an_xml_bomb_is_refused_unexpanded(data_dir: Path, workbook: Path, tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10))
        + ']><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>'
    )
    hostile = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = bomb.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    assert_one_line_error(run_import(hostile, data_dir), hostile, "EntitiesForbidden")


def test_a_csv_that_is_not_text(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "binary.csv"
    path.write_bytes(bytes(range(256)) * 20)
    assert_one_line_error(run_import(path, data_dir), path, "not text in utf-8-sig or gb18030")


def test_a_csv_cell_over_the_field_limit(data_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "huge.csv"
    path.write_text('text,type,urgency\n"' + "长" * 200_000 + '",land,low\n', encoding="utf-8")
    assert_one_line_error(run_import(path, data_dir), path, "not a readable CSV file (line 2: field larger")
