"""Settings of the batch and Spark runners, from the same `DT_*` variables as the service, so a
file scored overnight gets the review threshold and deadlines an intake desk would have seen."""

from functools import lru_cache

from pydantic import Field

from nlp.config import CommonSettings


class BatchSettings(CommonSettings):
    review_threshold: float | None = Field(
        None, ge=0.0, le=1.0, description="As the service's: unset means the threshold stored with the model."
    )
    min_han_chars: int = Field(4, ge=0, description="Texts with fewer Han characters are sent to review.")
    deadline_high_hours: int = Field(4, ge=1, description="Handling deadline for urgency high.")
    deadline_medium_hours: int = Field(48, ge=1, description="Handling deadline for urgency medium.")
    deadline_low_hours: int = Field(168, ge=1, description="Handling deadline for urgency low.")
    batch_workers: int = Field(0, ge=0, description="Processes predicting a file; 0 is one per core.")
    batch_chunk_rows: int = Field(2000, ge=1, description="Rows read, predicted and written at a time.")


@lru_cache
def get_batch_settings() -> BatchSettings:
    return BatchSettings()
