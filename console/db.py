"""The database the service writes, as the console reads it: the store package's functions, so the
console never defines a table of its own. The store is opened (and its schema migrated, unless
DT_DATABASE_MIGRATE is off) on first use, and a store that is down is a 503 page, not a crash."""

import threading

from sqlalchemy import Engine

from console.errors import Unavailable
from store.counts import count_rows
from store.database import Database
from store.records import feedback_rows, review_rows
from store.settings import StoreSettings

__all__ = ["Store", "count_rows", "feedback_rows", "review_rows"]


class Store:
    def __init__(self, settings: StoreSettings) -> None:
        self.settings = settings
        self._database: Database | None = None
        self._lock = threading.Lock()

    def engine(self) -> Engine:
        """The open store's engine; Unavailable naming the reason while it cannot be opened."""
        with self._lock:
            if self._database is None:
                database = Database.from_settings(self.settings)
                state = database.open()
                if state.reason:
                    database.close()
                    raise Unavailable(f"数据库暂时不可用（{state.reason}），请稍后再试。")
                self._database = database
            return self._database.engine

    def close(self) -> None:
        if self._database is not None:
            self._database.close()
