"""Reads the model registry: `models/<version>/` directories and `models/live.json`, the pointer
to the version in service. Writing the pointer (promote, rollback) belongs to training.
"""

from pathlib import Path
from typing import Any

from nlp.artifact import ArtifactError, load
from nlp.files import read_json_object

LIVE = "live.json"


def live_pointer(root: Path) -> dict[str, Any]:
    path = root / LIVE
    pointer = read_json_object(path, "no live model; train one with `dispute-triage train --promote`")
    if not isinstance(pointer.get("version"), str):
        raise ArtifactError(f"{path}: has no version")
    return pointer


def live_directory(root: Path) -> Path:
    return root / live_pointer(root)["version"]


def load_live(root: Path) -> tuple[Any, dict[str, Any]]:
    return load(live_directory(root))
