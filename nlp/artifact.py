"""Writes and reads a model directory: `model.joblib` (the fitted Pipeline) and `manifest.json`
beside it (version, checksums, label sets, metrics, library versions).

A joblib file is a pickle, which runs code when loaded: the checksum in the manifest is verified
before joblib ever opens the file, and scikit-learn's version-mismatch warning is made an error.
"""

import hashlib
import json
import platform
import warnings
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import Any

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


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def load(directory: Path) -> tuple[Pipeline, dict[str, Any]]:
    """Verify and load a model directory, or raise ArtifactError saying what is wrong."""
    manifest = read_manifest(directory)
    path = directory / manifest.get("artifact", ARTIFACT)
    if not path.is_file():
        raise ArtifactError(f"{path}: model file not found")
    actual = sha256_of(path)
    if actual != manifest["artifact_sha256"]:
        raise ArtifactError(
            f"{path}: sha256 {actual[:12]}… does not match the manifest's {manifest['artifact_sha256'][:12]}…"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", InconsistentVersionWarning)
            pipeline = joblib.load(path)
    except InconsistentVersionWarning as exc:
        raise ArtifactError(f"{path}: built with another scikit-learn version ({exc})") from None
    except Exception as exc:  # a damaged pickle can raise almost anything
        raise ArtifactError(f"{path}: cannot be loaded ({type(exc).__name__}: {exc})") from None
    if not isinstance(pipeline, Pipeline):
        raise ArtifactError(f"{path}: holds a {type(pipeline).__name__}, not a Pipeline")
    _check_labels(pipeline, manifest, path)
    return pipeline, manifest
