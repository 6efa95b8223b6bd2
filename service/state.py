"""The model in service, and how it is replaced: load and check the new one beside the old, then
swap in one assignment. A request holds the Triage it started with, so requests in flight finish
on the old model while new ones get the new.

Every serving process follows the registry by itself (`follow`): it reads the live pointer every
few seconds and loads a version other than its own, so the workers of one `serve` and replicas on
other machines sharing the registry folder all change model after `promote` or `rollback`, with
no message passed between them. A model that fails to load or check is refused once per state of
the registry (the pointer and the model's files), logged, and the old one keeps serving.
"""

import ctypes
import gc
import logging
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from nlp.artifact import ARTIFACT, MANIFEST, ArtifactError
from nlp.labels import TYPES, URGENCIES
from nlp.predictor import Triage
from nlp.registry import LIVE, is_version_name, live_pointer, load_version
from service.settings import Settings

log = logging.getLogger("dispute_triage")
CANARY = ["楼上漏水把我家天花板泡坏了", "包工头欠我们工资不给"]


RegistryState = tuple[object, ...]


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size


def registry_state(root: Path) -> tuple[str, RegistryState]:
    """The live version and what identifies its state on disk: the pointer's own content, and the
    times and sizes of the model's files, so a model rewritten in place is seen as new too. Three
    stats and one small read: cheap enough for every process to do every second."""
    version = str(live_pointer(root)["version"])
    if not is_version_name(version):  # load_version refuses it, naming the fault
        return version, (version, _stat(root / LIVE))
    folder = root / version
    return version, (version, _stat(root / LIVE), _stat(folder / MANIFEST), _stat(folder / ARTIFACT))


def load_checked(settings: Settings, version: str) -> Triage:
    """A version of the registry, verified and answering sensibly, or ArtifactError."""
    try:
        pipeline, manifest = load_version(settings.models_dir, version)
    except ArtifactError as exc:
        raise ArtifactError(f"{settings.models_dir / LIVE} points at a version that cannot be served: {exc}") from None
    triage = Triage(
        pipeline,
        manifest,
        review_threshold=settings.review_threshold,
        min_han_chars=settings.min_han_chars,
        explain_top=settings.explain_top,
    )
    try:
        predictions = triage.predict(CANARY)
    except Exception as exc:  # a model that loads but cannot predict is as bad as a corrupt file
        raise ArtifactError(
            f"model {triage.version} fails on a test prediction ({type(exc).__name__}: {exc})"
        ) from None
    for p in predictions:
        if p.type.label not in TYPES or p.urgency.label not in URGENCIES or abs(sum(p.type.scores.values()) - 1) > 1e-3:
            raise ArtifactError(f"model {triage.version} gives an invalid prediction: {p.type.label}/{p.urgency.label}")
    return triage


def release_memory() -> None:
    """Hand freed heap back to the OS. Loading a model builds the whole scikit-learn pipeline,
    which is dropped once compiled; without this its pages stay in the process's resident set."""
    gc.collect()
    # dlopen(NULL): the symbols already in this process, libc's among them. Not ctypes.util.find_library,
    # which runs `ldconfig -p` as a child process: in `serve --workers N`'s supervisor that child sat
    # beside the workers.
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


@dataclass
class ModelHolder:
    triage: Triage | None = None
    error: str | None = None
    load_seconds: float = 0.0
    loaded: RegistryState | None = None  # the registry state `triage` was loaded from
    refused: RegistryState | None = None  # the last state that failed, not tried again by `follow`
    refusal: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reload(self, settings: Settings) -> tuple[str | None, str]:
        """Swap in the registry's live model; on failure raise ArtifactError and keep the old one."""
        with self._lock:
            return self._reload(settings, *registry_state(settings.models_dir))

    def follow(self, settings: Settings, *, retry_refused: bool = False) -> bool:
        """Load the live model if the registry changed since this process last loaded one; True if
        it did. A state already refused is left alone unless `retry_refused` (SIGHUP, /admin/reload)."""
        with self._lock:
            try:
                version, state = registry_state(settings.models_dir)
            except ArtifactError as exc:  # no pointer, or not JSON: a state of its own, refused once
                state = ("unreadable", str(exc), _stat(settings.models_dir / LIVE))
                if state == self.refused and not retry_refused:
                    return False
                self.refused, self.refusal = state, str(exc)
                raise
            if state == self.loaded or (state == self.refused and not retry_refused):
                return False
            self._reload(settings, version, state)
            return True

    def _reload(self, settings: Settings, version: str, state: RegistryState) -> tuple[str | None, str]:
        started = time.perf_counter()
        try:
            new = load_checked(settings, version)
        except ArtifactError as exc:
            self.refused, self.refusal = state, f"{version}: {exc}"
            raise
        old = self.triage
        self.triage = new
        self.error = None
        self.loaded, self.refused, self.refusal = state, None, None
        self.load_seconds = time.perf_counter() - started
        previous = old.version if old else None
        del old  # requests in flight still hold it; the trim returns what is truly free
        release_memory()
        return previous, new.version


def follow_quietly(holder: ModelHolder, settings: Settings, *, retry_refused: bool = False) -> None:
    """`follow` for the background poll and SIGHUP: each change or refusal is logged once, nothing raised."""
    previous = holder.triage.version if holder.triage else None
    try:
        if holder.follow(settings, retry_refused=retry_refused):
            current = holder.triage.version if holder.triage else None
            changed = {"previous_version": previous, "model_version": current, "pid": os.getpid()}
            log.info("model reloaded", extra=changed)
    except ArtifactError as exc:
        log.error("model reload refused", extra={"reason": str(exc), "pid": os.getpid(), "model_version": previous})
