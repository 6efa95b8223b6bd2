"""Writes the registry's live pointer: which `models/<version>/` the service loads."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nlp.artifact import ArtifactError, load, write_json_atomic
from nlp.registry import LIVE, live_pointer


def versions(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if (p / "manifest.json").is_file())


def current(root: Path) -> dict[str, Any] | None:
    try:
        return live_pointer(root)
    except ArtifactError:
        return None


def promote(root: Path, version: str) -> dict[str, Any]:
    """Verify the candidate loads, then point live.json at it, remembering the version it replaces."""
    load(root / version)  # raises ArtifactError with the reason if it cannot be served
    pointer = current(root)
    history = ([pointer["version"]] + list(pointer.get("history", []))) if pointer else []
    new = {"version": version, "promoted_at": datetime.now(UTC).isoformat(timespec="seconds"), "history": history}
    write_json_atomic(root / LIVE, new)
    return new
