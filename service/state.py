"""The model in service, held so that it can be replaced in one assignment."""

from dataclasses import dataclass

from nlp.predictor import Triage


@dataclass
class ModelHolder:
    triage: Triage | None = None
    error: str | None = None
