"""Writes the registry's live pointer (`models/live.json`): promote a candidate only when it is not
worse than the live model on the fixed test split, and roll back to the one before.

Versions are names inside the registry (nlp.registry.version_directory), never paths. Changes are
serialised by an exclusive lock on `models/.lock`, held from reading the pointer to writing it, so
two promotes at once (two analysts, a script and a browser) both land and the history keeps both.
"""

import fcntl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nlp.artifact import ArtifactError, load, read_manifest, write_json_atomic
from nlp.predictor import Triage
from nlp.registry import LIVE, live_pointer, load_version, version_directory, versions
from training.dataset import Record
from training.evaluate import predict
from training.metrics import score


class PromotionRefused(Exception):
    """The candidate is worse than the live model beyond the tolerance; the message gives the figures."""


@dataclass(frozen=True)
class Gate:
    """The two figures a candidate must not lose: type macro-F1 and recall of high urgency."""

    type_macro_f1: float
    high_recall: float

    @classmethod
    def measure(cls, directory: Path, test: Sequence[Record]) -> "Gate":
        """`directory` comes from version_directory: the registry's own folder of a version."""
        pipeline, manifest = load(directory)
        metrics = score(test, predict(Triage(pipeline, manifest, explain_top=0), test))
        return cls(metrics["type"]["macro_f1"], metrics["urgency"]["per_class"]["high"]["recall"])


def current(root: Path) -> dict[str, Any] | None:
    try:
        return live_pointer(root)
    except ArtifactError:
        return None


def listing(root: Path) -> list[dict[str, Any]]:
    """Every version with the figures of its own training report, newest first."""
    live = (current(root) or {}).get("version")
    rows = []
    for version in reversed(versions(root)):
        try:
            manifest = read_manifest(root / version)
        except ArtifactError as exc:
            rows.append({"version": version, "live": version == live, "error": str(exc)})
            continue
        test = manifest.get("metrics", {}).get("test", {})
        rows.append(
            {
                "version": version,
                "live": version == live,
                "created_at": manifest.get("created_at"),
                "n_records": manifest.get("n_records"),
                "type_macro_f1": test.get("type", {}).get("macro_f1"),
                "urgency_macro_f1": test.get("urgency", {}).get("macro_f1"),
                "high_recall": test.get("urgency", {}).get("per_class", {}).get("high", {}).get("recall"),
            }
        )
    return rows


LOCK = ".lock"


@contextmanager
def changing(root: Path) -> Iterator[None]:
    """Hold the registry's lock: one change at a time across processes. The kernel drops it when the
    process ends, so a killed promote never leaves the registry locked."""
    with (root / LOCK).open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def _write_pointer(root: Path, version: str, history: list[str], **extra: str) -> dict[str, Any]:
    pointer = {"version": version, "promoted_at": datetime.now(UTC).isoformat(timespec="seconds"), "history": history}
    write_json_atomic(root / LIVE, pointer | extra)
    return pointer | extra


def promote(
    root: Path,
    version: str,
    *,
    test: Sequence[Record] = (),
    tolerance: float = 0.01,
    force: bool = False,
) -> dict[str, Any]:
    """Point live.json at `version` once it loads and, unless forced, scores within `tolerance` of the
    live model on `test`. A candidate that cannot be loaded is refused even with force."""
    directory = version_directory(root, version)
    load(directory)
    with changing(root):
        return _promote_locked(root, version, directory, test=test, tolerance=tolerance, force=force)


def _promote_locked(
    root: Path, version: str, directory: Path, *, test: Sequence[Record], tolerance: float, force: bool
) -> dict[str, Any]:
    pointer = current(root)
    if pointer and pointer["version"] == version:
        raise PromotionRefused(f"{version} is already live")
    if pointer and test and not force:
        new = Gate.measure(directory, test)
        old = Gate.measure(version_directory(root, pointer["version"]), test)
        losses = [
            f"{name} {getattr(new, attr):.3f} vs live {getattr(old, attr):.3f}"
            for name, attr in (("type macro-F1", "type_macro_f1"), ("high-urgency recall", "high_recall"))
            if getattr(new, attr) < getattr(old, attr) - tolerance
        ]
        if losses:
            raise PromotionRefused(
                f"{version} is worse than live {pointer['version']} on the test split beyond the tolerance "
                f"{tolerance}: {'; '.join(losses)}. Use --force to promote it anyway."
            )
    history = ([pointer["version"], *pointer.get("history", [])]) if pointer else []
    return _write_pointer(root, version, history)


def rollback(root: Path) -> dict[str, Any]:
    """Return to the version that was live before the current one."""
    with changing(root):
        pointer = current(root)
        if not pointer or not pointer.get("history"):
            raise PromotionRefused("no earlier live version to roll back to")
        previous, *rest = pointer["history"]
        load_version(root, previous)
        return _write_pointer(root, previous, rest, rolled_back_from=pointer["version"])
