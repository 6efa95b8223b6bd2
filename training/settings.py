"""Training-side settings: where the data, the test split and the extra evaluation sets are, and
how much worse than the live model a candidate may be before `promote` refuses it."""

from functools import lru_cache
from pathlib import Path

from pydantic import Field

from nlp.config import CommonSettings


class TrainingSettings(CommonSettings):
    data_dir: Path = Field(Path("data/labeled"), description="Labelled records the model is trained on.")
    test_dir: Path = Field(Path("data/test"), description="The fixed test split: never trained on.")
    eval_dirs: list[Path] = Field(
        default_factory=lambda: [Path("../shared/eval")],
        description="Further labelled sets scored in every candidate's report (if present); never trained on.",
    )
    train_jobs: int = Field(
        2,
        ge=1,
        description="Processes used to fit a model (vectorizers and label axes side by side); results "
        "do not depend on it.",
    )
    promote_tolerance: float = Field(
        0.01,
        ge=0.0,
        le=1.0,
        description="How far below the live model a candidate's type macro-F1 or high-urgency recall on the "
        "test split may be and still be promoted without --force.",
    )


@lru_cache
def get_training_settings() -> TrainingSettings:
    return TrainingSettings()
