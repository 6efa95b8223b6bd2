"""The console's way into the corpus: plan an upload against `data/labeled/`, and write it through
training/importer.py, the same atomic, de-duplicating path as `dispute-triage import`."""

from pathlib import Path

from console.errors import Conflict, Invalid
from console.uploads import Upload, as_file
from training.dataset import DatasetError, Record, load_corpus
from training.importer import ImportFileError, ImportPlan, plan, write


def existing_records(data_dir: Path) -> list[Record]:
    """The corpus as it is now; an empty or missing folder is an empty corpus."""
    if not data_dir.is_dir() or not any(data_dir.iterdir()):
        return []
    try:
        return load_corpus(data_dir)
    except DatasetError as exc:
        raise Conflict(f"语料文件有问题，先修好再导入：{exc}") from None


def plan_upload(upload: Upload, data_dir: Path, max_chars: int) -> ImportPlan:
    """Every row checked against the label sets and the corpus as it is now; nothing written."""
    existing = existing_records(data_dir)
    with as_file(upload) as path:
        try:
            return plan(path, existing, max_chars=max_chars)
        except ImportFileError as exc:
            raise Invalid(f"无法读取文件：{str(exc).replace(str(path), upload.filename)}") from None


def write_plan(result: ImportPlan, data_dir: Path) -> Path | None:
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        return write(result, data_dir)
    except OSError as exc:
        raise Conflict(f"写入 {data_dir} 失败（{exc.strerror}），没有添加任何记录。") from None
