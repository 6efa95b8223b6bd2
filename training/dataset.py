"""Reads labelled records from JSONL and CSV files and refuses the first bad one with `file:line`.

A record needs a non-empty `text` and labels from the sets of shared/labels.md; `id`, `source`,
`note` and `source_url` (the public page a record was retold from) are optional. The same text
twice is refused too: with one label it would weigh double, with two it would teach the model
nothing but noise.
"""

import csv
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp.labels import TYPES, URGENCIES

SUFFIXES = (".jsonl", ".csv")
MAX_TEXT_CHARS = 5000


class DatasetError(Exception):
    """A labelled file that cannot be used; the message starts with `file:line:`."""


@dataclass(frozen=True)
class Record:
    text: str
    type: str
    urgency: str
    id: str = ""
    source: str = ""
    note: str = ""
    source_url: str = ""
    where: str = ""

    @property
    def group(self) -> str:
        """Records retold from one page share its story, so cross-validation keeps them together."""
        return f"page:{self.source_url}" if self.source_url else f"record:{self.where or self.id or self.text}"


def data_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        raise DatasetError(f"{directory}: not a directory")
    files = sorted(p for p in directory.rglob("*") if p.suffix in SUFFIXES and p.is_file())
    if not files:
        raise DatasetError(f"{directory}: no .jsonl or .csv files")
    return files


def _raw_rows(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        if path.suffix == ".jsonl":
            with path.open(encoding="utf-8") as fh:
                for n, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        yield n, json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise DatasetError(f"{path}:{n}: invalid JSON ({exc.msg})") from None
        else:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                yield from enumerate(csv.DictReader(fh), 2)
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None


def validate(row: Any, where: str) -> Record:
    """One record, or a DatasetError naming the place and the problem."""
    if not isinstance(row, dict):
        raise DatasetError(f"{where}: a record must be a JSON object, got {type(row).__name__}")
    text = row.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DatasetError(f"{where}: text is missing or empty")
    if len(text) > MAX_TEXT_CHARS:
        raise DatasetError(f"{where}: text has {len(text)} characters; the limit is {MAX_TEXT_CHARS}")
    for axis, allowed in (("type", TYPES), ("urgency", URGENCIES)):
        value = row.get(axis)
        if value not in allowed:
            raise DatasetError(f"{where}: {axis} {value!r} is not one of {', '.join(allowed)}")
    return Record(
        text=text.strip(),
        type=row["type"],
        urgency=row["urgency"],
        id=str(row.get("id") or ""),
        source=str(row.get("source") or ""),
        note=str(row.get("note") or ""),
        source_url=str(row.get("source_url") or ""),
        where=where,
    )


def read_records(paths: Iterable[Path]) -> list[Record]:
    records: list[Record] = []
    first_seen: dict[str, str] = {}
    for path in paths:
        for n, row in _raw_rows(path):
            record = validate(row, f"{path}:{n}")
            if record.text in first_seen:
                raise DatasetError(f"{record.where}: same text as {first_seen[record.text]}")
            first_seen[record.text] = record.where
            records.append(record)
    return records


def load_corpus(directory: Path) -> list[Record]:
    """Every record of every labelled file below `directory`, validated."""
    return read_records(data_files(directory))


def files_sha256(paths: Iterable[Path]) -> str:
    """One digest over the files' names and bytes, so a manifest pins the exact training data."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
