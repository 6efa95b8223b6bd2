"""What the rule-based readers find in one normalised text: danger cues and urgency factors.

Found once per text and shared by the feature rows, the clause reading and the explanations,
so that the detectors, the slowest part of a prediction after segmentation, run once.
"""

from dataclasses import dataclass

from nlp import cues, factors
from nlp.cues import Cue
from nlp.factors import Factor


@dataclass(frozen=True)
class Reading:
    cues: tuple[Cue, ...]
    factors: tuple[Factor, ...]

    def within(self, start: int, end: int) -> "Reading":
        """The part of the reading that lies inside text[start:end] (a sentence of the text)."""
        return Reading(
            tuple(c for c in self.cues if start <= c.start and c.end <= end),
            tuple(f for f in self.factors if start <= f.start and f.end <= end),
        )


def read(text: str) -> Reading:
    return Reading(tuple(cues.detect(text)), tuple(factors.detect(text)))
