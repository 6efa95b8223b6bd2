"""Where the store lives and how long it may keep a request waiting, read from `DT_*` variables.

The service's settings inherit these fields, so a value such as DT_DATABASE_URL means the same
thing to the service, the CLI and the console.
"""

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class StoreSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="DT_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///feedback.db",
        description="Where corrections (and, if enabled, low-confidence predictions) are stored: SQLite by "
        "default, or PostgreSQL as postgresql+psycopg://user:password@host/dbname where replicas share it.",
    )
    database_timeout_seconds: float = Field(
        5.0,
        gt=0,
        description="Longest a store operation may wait for a lock, a connection or the server before it is "
        "refused (SQLite busy timeout; PostgreSQL connect, lock and statement timeouts). The service requires it "
        "below the request timeout, so a write answered as refused never commits later.",
    )
    database_migrate: bool = Field(
        True,
        description="Bring the schema up to date (Alembic) when a process opens the store. Off: run "
        "`dispute-triage db upgrade` yourself; until then the service reports the store unavailable.",
    )


@lru_cache
def get_store_settings() -> StoreSettings:
    return StoreSettings()
