"""An opened store: its engine and what this process last learned of its state, for readiness.

Opening never raises: a database that is down, read-only or full leaves the store `unavailable`
with the reason, so a service can start and keep classifying while writes are refused. Each write
and each check updates the state. A check writes one heartbeat row, but a full disk can still take
that row while it refuses a correction, so a write refused in the last `recent_seconds` keeps the
store unavailable until a write succeeds or that time has passed.
"""

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import Engine, update

from store import migrate
from store.engine import make_engine, writing
from store.errors import StoreError, refusals
from store.schema import heartbeat
from store.settings import StoreSettings


@dataclass(frozen=True)
class StoreState:
    status: Literal["ok", "unavailable"]
    reason: str | None = None  # why it is unavailable, in words safe to show


class Database:
    def __init__(self, engine: Engine, *, migrate_schema: bool = True, recent_seconds: float = 30.0) -> None:
        self.engine = engine
        self.migrate_schema = migrate_schema
        self.recent_seconds = recent_seconds
        self.schema_ready = False
        self.state = StoreState("unavailable", "not opened yet")
        self._refused: tuple[float, str] | None = None  # when and why the last write was refused
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: StoreSettings) -> "Database":
        engine = make_engine(settings.database_url, timeout_seconds=settings.database_timeout_seconds)
        return cls(engine, migrate_schema=settings.database_migrate)

    def open(self) -> StoreState:
        """Bring the schema to the latest revision (or, with migrations off, check it is there)."""
        try:
            if self.migrate_schema:
                migrate.upgrade(self.engine)
            else:
                found, latest = migrate.current(self.engine), migrate.head()
                if found != latest:
                    raise StoreError(
                        f"the schema is at revision {found}, not {latest}: run `dispute-triage db upgrade`"
                    )
        except StoreError as exc:
            return self.failed(exc.reason)
        self.schema_ready = True
        return self.succeeded()

    def check(self) -> StoreState:
        """Prove the database takes writes now: one single-row update (and the schema first, if
        opening failed), one check at a time."""
        with self._lock:
            if not self.schema_ready:
                return self.open()
            try:
                with refusals(), writing(self.engine) as conn:
                    conn.execute(update(heartbeat).values(checked_at=datetime.now(UTC)))
            except StoreError as exc:
                self.state = StoreState("unavailable", exc.reason)
                return self.state
            if self._refused is not None and (ago := time.monotonic() - self._refused[0]) < self.recent_seconds:
                self.state = StoreState("unavailable", f"{self._refused[1]} (a write was refused {ago:.0f} s ago)")
            else:
                self.state = StoreState("ok")
            return self.state

    def succeeded(self) -> StoreState:
        self._refused = None
        self.state = StoreState("ok")
        return self.state

    def failed(self, reason: str) -> StoreState:
        self._refused = (time.monotonic(), reason)
        self.state = StoreState("unavailable", reason)
        return self.state

    def close(self) -> None:
        self.engine.dispose()
