"""Writes and reads a model directory: `model.joblib` (the fitted Pipeline) and `manifest.json`
beside it (version, checksums, label sets, metrics, library versions).

A joblib file is a pickle, which runs code when loaded: the artifact must be a plain file inside
its model directory (no path in the manifest, no symlink leading out), its checksum in the manifest
is verified on the very file handle joblib then reads (so the file cannot be swapped in between),
and scikit-learn's version-mismatch warning is made an error.
"""

import hashlib
import json
import platform
import warnings
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any, BinaryIO

import joblib
from sklearn.exceptions import InconsistentVersionWarning
from sklearn.pipeline import Pipeline

from nlp.errors import ArtifactError
from nlp.files import atomic_write, read_json_object
from nlp.labels import TYPES, URGENCIES

__all__ = ["ArtifactError", "load", "read_manifest", "save", "sha256_of", "write_json_atomic"]

ARTIFACT = "model.joblib"
MANIFEST = "manifest.json"
_LIBRARIES = ("scikit-learn", "numpy", "scipy", "jieba", "opencc", "joblib")


def _sha256_of_handle(fh: BinaryIO) -> str:
    digest = hashlib.sha256()
    for block in iter(lambda: fh.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def sha256_of(path: Path) -> str:
    with path.open("rb") as fh:
        return _sha256_of_handle(fh)


def library_versions() -> dict[str, str]:
    return {"python": platform.python_version()} | {lib: dist_version(lib) for lib in _LIBRARIES}


def write_json_atomic(path: Path, payload: Any) -> None:
    atomic_write(path, json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


def save(pipeline: Pipeline, directory: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Dump the pipeline and write its manifest with the artifact's checksum; returns the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    joblib.dump(pipeline, directory / ARTIFACT, compress=3)
    full = manifest | {
        "artifact": ARTIFACT,
        "artifact_sha256": sha256_of(directory / ARTIFACT),
        "labels": {"type": list(TYPES), "urgency": list(URGENCIES)},
        "libraries": library_versions(),
    }
    write_json_atomic(directory / MANIFEST, full)
    return full


def read_manifest(directory: Path) -> dict[str, Any]:
    path = directory / MANIFEST
    manifest = read_json_object(path, "manifest not found")
    if "artifact_sha256" not in manifest:
        raise ArtifactError(f"{path}: manifest has no artifact_sha256")
    return manifest


def _check_labels(pipeline: Pipeline, manifest: dict[str, Any], where: Path) -> None:
    expected = {"type": sorted(TYPES), "urgency": sorted(URGENCIES)}
    declared = {axis: sorted(manifest.get("labels", {}).get(axis, [])) for axis in expected}
    if declared != expected:
        raise ArtifactError(f"{where}: label sets {declared} differ from the service's {expected}")
    try:
        estimators = pipeline.named_steps["classify"].estimators_
        fitted = {axis: sorted(map(str, est.classes_)) for axis, est in zip(expected, estimators, strict=True)}
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"{where}: not a fitted dispute-triage pipeline ({exc})") from None
    if fitted != expected:
        raise ArtifactError(f"{where}: the model predicts {fitted}, not the label sets {expected}")


def artifact_path(directory: Path, manifest: dict[str, Any]) -> Path:
    """The manifest's artifact as a file directly inside `directory`, or ArtifactError: a manifest
    naming `../x` or `/tmp/x`, or a symlink leading elsewhere, would make us unpickle a stranger."""
    name = manifest.get("artifact", ARTIFACT)
    if not isinstance(name, str) or name in ("", ".", "..") or Path(name).name != name or "\\" in name:
        raise ArtifactError(f"{directory / MANIFEST}: artifact {name!r} is not a file name inside the model folder")
    path = (directory / name).resolve()
    if path.parent != directory.resolve():
        raise ArtifactError(f"{directory / name}: resolves to {path}, outside its model folder")
    if not path.is_file():
        raise ArtifactError(f"{directory / name}: model file not found")
    return path


def load(directory: Path) -> tuple[Pipeline, dict[str, Any]]:
    """Verify and load a model directory, or raise ArtifactError saying what is wrong."""
    manifest = read_manifest(directory)
    path = artifact_path(directory, manifest)
    with path.open("rb") as fh:
        actual = _sha256_of_handle(fh)
        if actual != manifest["artifact_sha256"]:
            raise ArtifactError(
                f"{path}: sha256 {actual[:12]}… does not match the manifest's {str(manifest['artifact_sha256'])[:12]}…"
            )
        fh.seek(0)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", InconsistentVersionWarning)
                pipeline = joblib.load(fh)
        except InconsistentVersionWarning as exc:
            raise ArtifactError(f"{path}: built with another scikit-learn version ({exc})") from None
        except Exception as exc:  # a damaged pickle can raise almost anything
            raise ArtifactError(f"{path}: cannot be loaded ({type(exc).__name__}: {exc})") from None
    if not isinstance(pipeline, Pipeline):
        raise ArtifactError(f"{path}: holds a {type(pipeline).__name__}, not a Pipeline")
    _check_labels(pipeline, manifest, path)
    return pipeline, manifest
