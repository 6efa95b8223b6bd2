"""The model in service, and how it is replaced: load and check the new one beside the old, then
swap in one assignment. A request holds the Triage it started with, so requests in flight finish
on the old model while new ones get the new."""

import ctypes
import ctypes.util
import gc
import threading
import time
from dataclasses import dataclass, field

from nlp.artifact import ArtifactError
from nlp.labels import TYPES, URGENCIES
from nlp.predictor import Triage
from nlp.registry import load_live
from service.settings import Settings

CANARY = ["楼上漏水把我家天花板泡坏了", "包工头欠我们工资不给"]


def load_checked(settings: Settings) -> Triage:
    """The live model from the registry, verified and answering sensibly, or ArtifactError."""
    pipeline, manifest = load_live(settings.models_dir)
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
    libc = ctypes.util.find_library("c")
    if libc:
        try:
            ctypes.CDLL(libc).malloc_trim(0)
        except (OSError, AttributeError):  # not glibc: nothing to trim
            pass


@dataclass
class ModelHolder:
    triage: Triage | None = None
    error: str | None = None
    load_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def reload(self, settings: Settings) -> tuple[str | None, str]:
        """Swap in the registry's live model; on failure raise ArtifactError and keep the old one."""
        with self._lock:
            started = time.perf_counter()
            new = load_checked(settings)
            old = self.triage
            self.triage = new
            self.error = None
            self.load_seconds = time.perf_counter() - started
            previous = old.version if old else None
        del old  # requests in flight still hold it; the trim returns what is truly free
        release_memory()
        return previous, new.version
