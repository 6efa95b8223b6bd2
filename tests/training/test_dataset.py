from pathlib import Path

import pytest

from tests.conftest import write_jsonl
from training.dataset import DatasetError, load_corpus

GOOD = {"text": "楼上漏水", "type": "neighbour", "urgency": "medium"}


def test_jsonl_and_csv_are_both_read(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", [GOOD])
    (tmp_path / "b.csv").write_text("text,type,urgency\n包工头跑了,wages,medium\n", encoding="utf-8")
    records = load_corpus(tmp_path)
    assert [(r.type, r.where.rsplit("/", 1)[-1]) for r in records] == [
        ("neighbour", "a.jsonl:1"),
        ("wages", "b.csv:2"),
    ]


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('{"text": "x", "type": "land"', "invalid JSON"),
        ('["not", "an", "object"]', "must be a JSON object"),
        ('{"text": "   ", "type": "land", "urgency": "low"}', "text is missing or empty"),
        ('{"type": "land", "urgency": "low"}', "text is missing or empty"),
        ('{"text": "地界", "type": "土地", "urgency": "low"}', "type '土地' is not one of land, wages"),
        ('{"text": "地界", "type": "land", "urgency": "urgent"}', "urgency 'urgent' is not one of high"),
    ],
)
def test_first_bad_record_is_named_with_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "好的", "type": "other", "urgency": "low"}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(DatasetError) as info:
        load_corpus(tmp_path)
    assert str(info.value).startswith(f"{path}:3: ")
    assert problem in str(info.value)


def test_duplicate_text_names_both_places(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", [GOOD, GOOD | {"urgency": "low"}])
    with pytest.raises(DatasetError, match=r"a\.jsonl:2: same text as .*a\.jsonl:1"):
        load_corpus(tmp_path)


def test_empty_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no .jsonl or .csv files"):
        load_corpus(tmp_path)
