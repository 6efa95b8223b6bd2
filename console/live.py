"""The live model as the console reads queue cases with it: loaded once per live version."""

import threading
from pathlib import Path

from nlp.errors import ArtifactError
from nlp.predictor import Triage
from nlp.registry import live_directory, load_live

_LOCK = threading.Lock()
_CACHE: dict[str, Triage] = {}


def live_triage(models_dir: Path) -> Triage | None:
    """The registry's live model with explanations, or None when there is none to load."""
    try:
        key = str(live_directory(models_dir))
        with _LOCK:
            if key not in _CACHE:
                pipeline, manifest = load_live(models_dir)
                _CACHE.clear()  # one model at a time is enough for reading the queue
                _CACHE[key] = Triage(pipeline, manifest, explain_top=3)
            return _CACHE[key]
    except ArtifactError:
        return None
