"""`import` can never accept a text that `train` refuses: both read the one rule (nlp.limits) at
the one limit of the settings (DT_MAX_TEXT_CHARS)."""

from pathlib import Path

import pytest

from tests.conftest import write_jsonl
from training import settings as training_settings
from training.dataset import DatasetError, validate
from training.importer import plan

TEXTS = {
    "blank": " \u3000\t",
    "too long": "漏" * 61,
    "long once normalised": "楼上漏水" + "\ufdfa" * 4,  # each U+FDFA becomes 18 characters under NFKC
    "at the limit": "漏" * 60,
}


@pytest.fixture
def limit_60(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DT_MAX_TEXT_CHARS", "60")
    training_settings.get_training_settings.cache_clear()
    yield
    training_settings.get_training_settings.cache_clear()


def test_import_and_training_refuse_the_same_texts(limit_60: None, tmp_path: Path) -> None:
    rows = [{"text": t, "type": "neighbour", "urgency": "low"} for t in TEXTS.values()]
    result = plan(write_jsonl(tmp_path / "sheet.jsonl", rows), [])
    imported = {r["text"] for r in result.records}
    for name, text in TEXTS.items():
        try:
            validate({"text": text, "type": "neighbour", "urgency": "low"}, "x")
            trained = True
        except DatasetError:
            trained = False
        assert (text in imported) == trained, name
    assert [p.reason for p in result.problems] == [
        "empty text",
        "text has 61 characters; the limit is 60",
        "text has 76 characters after Unicode normalisation (NFKC); the limit is 60",
    ]
