"""All service configuration in one object, read from `DT_*` environment variables or `.env`."""

from functools import lru_cache

from pydantic import Field

from nlp.config import CommonSettings


class Settings(CommonSettings):
    host: str = Field("127.0.0.1", description="Address `dispute-triage serve` binds to.")
    port: int = Field(8000, description="Port `dispute-triage serve` listens on.")
    review_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Below this type or urgency confidence a person must look (needs_review). Unset: the "
        "threshold chosen for the live model on the test split, stored in its manifest.",
    )
    min_han_chars: int = Field(4, ge=0, description="Texts with fewer Han characters are sent to review.")
    max_batch_items: int = Field(500, ge=1, description="Most items accepted in one batch request.")
    explain_top: int = Field(3, ge=0, description="How many driving phrases to list per label axis.")
    deadline_high_hours: int = Field(4, ge=1, description="Handling deadline for urgency high.")
    deadline_medium_hours: int = Field(48, ge=1, description="Handling deadline for urgency medium.")
    deadline_low_hours: int = Field(168, ge=1, description="Handling deadline for urgency low.")

    database_url: str = Field(
        "sqlite:///feedback.db",
        description="Where corrections (and, if enabled, low-confidence predictions) are stored; SQLite by "
        "default, any SQLAlchemy URL such as postgresql+psycopg://… in a deployment.",
    )
    keep_low_confidence: bool = Field(
        False,
        description="Store predictions that need review (masked text, labels, confidences) for analysts to label. "
        "Off by default: dispute texts are personal.",
    )

    def deadline_hours(self, urgency: str) -> int:
        return int(getattr(self, f"deadline_{urgency}_hours"))


@lru_cache
def get_settings() -> Settings:
    return Settings()
