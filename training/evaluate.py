"""Scores a model on labelled files: one set per file or folder, named after it."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nlp.predictor import Prediction, Triage
from training.dataset import DatasetError, Record, data_files, read_records
from training.metrics import score


def load_set(path: Path) -> list[Record]:
    """A file, or every labelled file in a folder, as one evaluation set."""
    if path.is_dir():
        return read_records(data_files(path))
    if not path.is_file():
        raise DatasetError(f"{path}: no such file or folder")
    return read_records([path])


def set_name(path: Path) -> str:
    """What a report calls the set read from `path`: a file's stem, a folder's name."""
    return path.stem if path.is_file() else path.name


def predict(triage: Triage, records: Sequence[Record]) -> list[Prediction]:
    return triage.predict([r.text for r in records])


def score_sets(triage: Triage, paths: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """Metrics per set, named by the file or folder they came from."""
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        records = load_set(path)
        out[set_name(path)] = score(records, predict(triage, records))
    return out
