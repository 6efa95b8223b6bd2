import json
import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import write_jsonl
from training.dataset import load_corpus

runner = CliRunner()
EXISTING = [
    {"id": "x-1", "text": "楼上漏水把我家天花板泡坏了", "type": "neighbour", "urgency": "medium"},
    {"id": "x-2", "text": "包工头欠我们三个月工资", "type": "wages", "urgency": "medium"},
]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    write_jsonl(tmp_path / "labeled" / "base.jsonl", EXISTING)
    return tmp_path / "labeled"


def snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def run_import(path: Path, data_dir: Path, *extra: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["import", str(path), "--data", str(data_dir), *extra])


def test_csv_with_chinese_headers_and_label_names(data_dir: Path, tmp_path: Path) -> None:
    csv = tmp_path / "desk.csv"
    pd.DataFrame(
        {
            "纠纷描述": ["两家为地界吵了三年，联系电话13812345678", "婆婆天天骂儿媳"],
            "类型": ["土地", "婚姻家庭"],
            "紧急程度": ["一般", "较急"],
        }
    ).to_csv(csv, index=False, encoding="utf-8-sig")
    result = run_import(csv, data_dir)
    assert result.exit_code == 0, result.output
    assert "2 records added" in result.output
    added = [r for r in load_corpus(data_dir) if r.id.startswith("imp-")]
    assert [(r.type, r.urgency) for r in added] == [("land", "low"), ("family", "medium")]
    assert "138****5678" in added[0].text and "13812345678" not in added[0].text


def test_xlsx_with_chinese_headers(data_dir: Path, tmp_path: Path) -> None:
    xlsx = tmp_path / "desk.xlsx"
    pd.DataFrame({"内容": ["隔壁的狗半夜叫"], "类型": ["邻里纠纷"], "紧急程度": ["低"]}).to_excel(xlsx, index=False)
    result = run_import(xlsx, data_dir)
    assert result.exit_code == 0, result.output
    assert ("neighbour", "low") in [(r.type, r.urgency) for r in load_corpus(data_dir)]


def test_jsonl_with_english_fields(data_dir: Path, tmp_path: Path) -> None:
    src = write_jsonl(
        tmp_path / "fb.jsonl", [{"text": "商家不退押金", "type": "other", "urgency": "low", "note": "复核"}]
    )
    result = run_import(src, data_dir)
    assert result.exit_code == 0, result.output
    assert any(r.note == "复核" for r in load_corpus(data_dir))


def test_every_bad_row_is_named_and_nothing_is_written(data_dir: Path, tmp_path: Path) -> None:
    csv = tmp_path / "bad.csv"
    rows = [
        ("村里征地补偿款没发", "土地", "一般"),  # row 2: fine
        ("", "土地", "一般"),  # row 3: empty text
        ("工资拖了半年", "工钱", "一般"),  # row 4: unknown type
        ("孩子抚养费不给", "婚姻家庭", "马上"),  # row 5: unknown urgency
        ("长" * 5001, "其他", "一般"),  # row 6: too long
        ("楼上漏水把我家天花板泡坏了", "邻里", "紧急"),  # row 7: conflicts with the corpus
        ("村里征地补偿款没发", "土地", "较急"),  # row 8: conflicts with row 2
    ]
    pd.DataFrame(rows, columns=["text", "type", "urgency"]).to_csv(csv, index=False)
    before = snapshot(data_dir)
    result = run_import(csv, data_dir)
    assert result.exit_code == 1
    for expected in (
        "row 3: empty text",
        "row 4: unknown type '工钱'",
        "row 5: unknown urgency '马上'",
        "row 6: text has 5001 characters; the limit is 5000",
        "row 7: same text already in",
        "row 8: same text as row 2 with other labels",
    ):
        assert expected in result.output
    assert "row 2:" not in result.output
    assert "nothing written" in result.output
    assert snapshot(data_dir) == before


def test_skip_bad_writes_clean_rows_and_a_rejects_file(data_dir: Path, tmp_path: Path) -> None:
    csv = tmp_path / "mixed.csv"
    pd.DataFrame(
        [("村里征地补偿款没发", "land", "low"), ("", "land", "low"), ("包工头欠我们三个月工资", "wages", "medium")],
        columns=["text", "type", "urgency"],
    ).to_csv(csv, index=False)
    result = run_import(csv, data_dir, "--skip-bad")
    assert result.exit_code == 0, result.output
    assert "1 records added" in result.output and "1 duplicates skipped" in result.output
    assert "1 rows rejected" in result.output
    rejected = pd.read_csv(tmp_path / "mixed.rejected.csv", encoding="utf-8-sig")
    assert rejected[["row", "reason"]].values.tolist() == [[3, "empty text"]]
    assert len(load_corpus(data_dir)) == 3


def test_missing_column_is_named(data_dir: Path, tmp_path: Path) -> None:
    csv = tmp_path / "nolabel.csv"
    pd.DataFrame({"内容": ["楼上吵"], "类型": ["邻里"]}).to_csv(csv, index=False)
    result = run_import(csv, data_dir)
    assert result.exit_code == 1
    assert "no column for urgency" in result.output


def test_crash_between_write_and_rename_loses_nothing(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = write_jsonl(tmp_path / "new.jsonl", [{"text": "邻居占了我家过道", "type": "neighbour", "urgency": "low"}])
    before = snapshot(data_dir)

    def crash(*_: object) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(os, "replace", crash)
    result = run_import(src, data_dir)
    assert result.exit_code == 1
    assert "power cut" in result.output and "nothing was added" in result.output
    assert snapshot(data_dir) == before  # no half-written file, no temp file left behind
    monkeypatch.undo()
    assert run_import(src, data_dir).exit_code == 0
    assert len(load_corpus(data_dir)) == 3


def test_stray_temp_file_from_a_killed_import_is_not_read(data_dir: Path) -> None:
    (data_dir / ".import-x.abc.tmp").write_text(json.dumps({"text": "半", "type": "land"}) + "\n")
    assert len(load_corpus(data_dir)) == 2
