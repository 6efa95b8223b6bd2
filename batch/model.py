"""Which model a run uses, and loading it where the predictions are made.

The driver (or the main process) only resolves a version to its registry folder and the sha256
its manifest declares; every process that predicts loads the folder itself through
`nlp.artifact.load`, which checks the file against that checksum before unpickling it, and then
against the checksum the run started with, so a model swapped or damaged in between is refused.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from nlp.artifact import ArtifactError, load, read_manifest
from nlp.labels import URGENCIES
from nlp.predictor import Triage
from nlp.registry import live_pointer, version_directory, versions


@dataclass(frozen=True)
class ModelRef:
    directory: Path
    version: str
    sha256: str


class RuleSettings(Protocol):
    """What a settings object must offer to make Rules: the service's Settings does."""

    review_threshold: float | None
    min_han_chars: int
    max_text_chars: int

    def deadline_hours(self, urgency: str) -> int: ...


@dataclass(frozen=True)
class Rules:
    """The decision settings sent to every worker (picklable, unlike the settings object)."""

    review_threshold: float | None
    min_han_chars: int
    max_text_chars: int
    deadlines: dict[str, int]

    @classmethod
    def from_settings(cls, settings: RuleSettings) -> "Rules":
        return cls(
            review_threshold=settings.review_threshold,
            min_han_chars=settings.min_han_chars,
            max_text_chars=settings.max_text_chars,
            deadlines={u: settings.deadline_hours(u) for u in URGENCIES},
        )


def resolve(models_dir: Path, version: str | None) -> ModelRef:
    """The registry folder of `version` (the live one if None) and its declared sha256."""
    if version is None:
        version = str(live_pointer(models_dir)["version"])
    try:
        directory = version_directory(models_dir, version)
    except ArtifactError as exc:
        raise ArtifactError(f"{exc} (versions there: {', '.join(versions(models_dir)) or 'none'})") from None
    return ModelRef(directory=directory, version=version, sha256=str(read_manifest(directory)["artifact_sha256"]))


def load_triage(ref: ModelRef, rules: Rules, directory: Path | None = None) -> Triage:
    """Load and verify the model of `ref` (from `directory` if it was shipped elsewhere). Explanations
    are off: a file gets the danger cues, not the phrases behind each label, and is faster for it."""
    pipeline, manifest = load(directory or ref.directory)
    if manifest["artifact_sha256"] != ref.sha256:
        raise ArtifactError(
            f"model {ref.version} changed since the run started: sha256 {manifest['artifact_sha256'][:12]}… "
            f"instead of {ref.sha256[:12]}…"
        )
    return Triage(
        pipeline, manifest, review_threshold=rules.review_threshold, min_han_chars=rules.min_han_chars, explain_top=0
    )
