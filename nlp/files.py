"""Small file primitives the registry and the importer share: whole-or-nothing writes, and JSON
reads whose failures name the file."""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from nlp.errors import ArtifactError


def atomic_write(path: Path, text: str) -> None:
    """Temp file in the same directory, fsync, rename: readers see the old or the new file, whole,
    and a crash before the rename leaves only a dot-named .tmp file that no loader reads."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_json_object(path: Path, missing: str) -> dict[str, Any]:
    """A JSON object from `path`, or ArtifactError saying `missing` or what is wrong with it."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"{path}: {missing}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ArtifactError(f"{path}: not a JSON object")
    return value
