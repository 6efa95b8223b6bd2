"""Properties of the whole text path on arbitrary input."""

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nlp.artifact import load
from nlp.labels import TYPES, URGENCIES
from nlp.predictor import Triage


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(min_size=1, max_size=300))
def test_any_nonempty_text_gets_labels_from_the_label_sets(models_root: Path, text: str) -> None:
    version = json.loads((models_root / "live.json").read_text())["version"]
    pipeline, manifest = load(models_root / version)
    prediction = Triage(pipeline, manifest).predict([text])[0]
    assert prediction.type.label in TYPES
    assert prediction.urgency.label in URGENCIES
    assert 0 <= prediction.type.confidence <= 1 and 0 <= prediction.urgency.confidence <= 1
