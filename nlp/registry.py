"""Reads the model registry: `models/<version>/` directories and `models/live.json`, the pointer
to the version in service. Writing the pointer (promote, rollback) belongs to training.

A model file is a pickle, which runs code when loaded, so a version is only ever a plain name
looked up inside the registry: never a path, never `..`, and never a folder that a symlink takes
outside the registry. Every way of loading a model goes through `version_directory`.
"""

import re
from pathlib import Path
from typing import Any, TypeGuard

from nlp.artifact import ArtifactError, load
from nlp.files import read_json_object

LIVE = "live.json"
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def is_version_name(name: object) -> TypeGuard[str]:
    return isinstance(name, str) and _VERSION.fullmatch(name) is not None


def version_directory(root: Path, version: object) -> Path:
    """The folder of `version` inside the registry `root` (symlinks resolved), or ArtifactError."""
    if not is_version_name(version):
        raise ArtifactError(
            f"{version!r} is not a version name: letters, digits, '.', '_' and '-' only, as listed by "
            "`dispute-triage models list`; a model is only ever loaded from inside the registry"
        )
    base = root.resolve()
    directory = (base / version).resolve()
    if directory.parent != base:
        raise ArtifactError(f"{root / version}: resolves to {directory}, outside the registry {base}")
    if not directory.is_dir():
        raise ArtifactError(f"{root / version}: no such version in the registry")
    return directory


def versions(root: Path) -> list[str]:
    """Folders of the registry that could be promoted: version names with a manifest, inside it."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if _inside(root, p.name) and (p / "manifest.json").is_file())


def _inside(root: Path, name: str) -> bool:
    try:
        version_directory(root, name)
    except ArtifactError:
        return False
    return True


def load_version(root: Path, version: object) -> tuple[Any, dict[str, Any]]:
    """A registry version verified and loaded (checksum before unpickling), or ArtifactError."""
    return load(version_directory(root, version))


def live_pointer(root: Path) -> dict[str, Any]:
    path = root / LIVE
    pointer = read_json_object(path, "no live model; train one with `dispute-triage train --promote`")
    if not isinstance(pointer.get("version"), str):
        raise ArtifactError(f"{path}: has no version")
    return pointer


def live_directory(root: Path) -> Path:
    try:
        return version_directory(root, live_pointer(root)["version"])
    except ArtifactError as exc:
        raise ArtifactError(f"{root / LIVE} points at a version that cannot be served: {exc}") from None


def load_live(root: Path) -> tuple[Any, dict[str, Any]]:
    return load(live_directory(root))
