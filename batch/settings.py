"""Settings of a file run that the service has no use for: how many processes, how many rows at a
time. The decision rules (review threshold, text limit, deadlines) are the service's own
settings, which the command line passes in as `batch.model.Rules`."""

from functools import lru_cache

from pydantic import Field

from nlp.config import CommonSettings


class BatchSettings(CommonSettings):
    batch_workers: int = Field(0, ge=0, description="Processes predicting a file; 0 is one per core.")
    batch_chunk_rows: int = Field(2000, ge=1, description="Rows read, predicted and written at a time.")


@lru_cache
def get_batch_settings() -> BatchSettings:
    return BatchSettings()
