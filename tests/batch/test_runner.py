"""The runner reads only a few chunks ahead of what it has written, whatever the file's length."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from batch.model import Rules, resolve
from batch.readers import Chunk, CsvSource
from batch.runner import classify_file
from service.settings import Settings
from tests.corpus import RECORDS


@pytest.mark.parametrize("workers", [1, 2])
def test_chunks_in_flight_stay_bounded(tmp_path: Path, models_root: Path, workers: int) -> None:
    path = tmp_path / "in.csv"
    path.write_text("text\n" + "".join(f"{RECORDS[i % 30]['text']}\n" for i in range(600)), encoding="utf-8")
    source = CsvSource(path)
    pulled = 0
    real_chunks = source.chunks

    def counting(size: int) -> Iterator[Chunk]:
        nonlocal pulled
        for chunk in real_chunks(size):
            pulled += 1
            yield chunk

    source.chunks = counting  # type: ignore[method-assign]
    ahead: list[int] = []
    written = 0

    def progress(n: int) -> None:
        nonlocal written
        written += 1
        ahead.append(pulled - written)

    summary = classify_file(
        source,
        tmp_path / "out.csv",
        ref=resolve(models_root, None),
        rules=Rules.from_settings(Settings()),
        workers=workers,
        chunk_rows=10,
        progress=progress,
    )
    assert summary.rows == 600 and written == 60
    assert max(ahead) <= 2 * workers if workers > 1 else max(ahead) == 0


def test_the_output_must_not_be_the_input(tmp_path: Path, models_root: Path) -> None:
    from batch.errors import BatchError

    path = tmp_path / "in.csv"
    path.write_text("text\n楼上漏水\n", encoding="utf-8")
    with pytest.raises(BatchError, match="must not be the input"):
        classify_file(CsvSource(path), path, ref=resolve(models_root, None), rules=Rules.from_settings(Settings()))
    assert path.read_text(encoding="utf-8") == "text\n楼上漏水\n"
