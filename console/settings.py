"""The console's one settings object: the training settings (data, test split, registry, gate
tolerance) and the store's (database), plus who may sign in, where the console keeps its state and
which service to notify."""

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import NoDecode

from store.settings import StoreSettings
from training.settings import TrainingSettings


class ConsoleSettings(TrainingSettings, StoreSettings):
    console_host: str = Field("127.0.0.1", description="Address `dispute-triage console` binds to.")
    console_port: int = Field(8001, description="Port `dispute-triage console` listens on.")
    analyst_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Analysts' sign-in keys as comma-separated `name:key` pairs; the name goes into the audit "
        "log. Several at once so keys can be rotated; removing a key ends its sessions.",
    )
    analyst_keys_file: Path | None = Field(None, description="A file of further `name:key` pairs, one a line.")
    session_secret: str = Field(
        default_factory=lambda: secrets.token_urlsafe(32),
        description="Signs the session cookie. Unset: a random one per start, so a restart signs everyone out.",
    )
    session_hours: float = Field(8.0, gt=0, description="A session ends this many hours after sign-in.")
    secure_cookies: bool = Field(False, description="Send the session cookie over HTTPS only (behind a TLS proxy).")
    state_dir: Path = Field(
        Path("console-state"), description="The console's own files: the audit log and the training jobs."
    )
    service_url: str = Field(
        "http://127.0.0.1:8000",
        description="The running service, told to load the new live model after a promote or rollback "
        "(POST /admin/reload); empty: none to tell.",
    )
    service_admin_key: str | None = Field(None, description="An admin key of that service (X-API-Key).")
    train_folds: int = Field(5, ge=2, le=10, description="Cross-validation folds of a training job.")
    max_upload_bytes: int = Field(20_000_000, ge=1, description="Largest spreadsheet accepted for import.")

    stats_timezone: str = Field("Asia/Shanghai", description="Time zone of the statistics' days (as the service's).")
    stats_days: int = Field(28, ge=1, description="Days the statistics page shows when no range is chosen.")
    drift_threshold: float = Field(
        0.2,
        gt=0,
        le=1,
        description="A week whose type or urgency mix is further than this from the training mix, as total "
        "variation distance (half the sum of absolute share differences), is flagged.",
    )
    drift_min_cases: int = Field(30, ge=1, description="Weeks with fewer cases than this are not judged for drift.")

    @field_validator("analyst_keys", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @property
    def audit_log(self) -> Path:
        return self.state_dir / "audit.jsonl"

    @property
    def reviewed_log(self) -> Path:
        return self.state_dir / "reviewed.jsonl"

    @property
    def jobs_dir(self) -> Path:
        return self.state_dir / "jobs"


@lru_cache
def get_console_settings() -> ConsoleSettings:
    return ConsoleSettings()
