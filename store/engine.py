"""One SQLAlchemy engine for SQLite or PostgreSQL, with every wait bounded and no statement
parameters in any error message.

Statement parameters are dispute texts and caller ids, and SQLAlchemy puts them in the text of its
exceptions (`[parameters: ...]`); `hide_parameters=True` keeps them out, so no error path can log
them.
"""

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url

_WRITE = "store_write"


def make_engine(url: str, *, timeout_seconds: float = 5.0) -> Engine:
    """An engine whose lock, connection and statement waits all end within `timeout_seconds`.
    Nothing is connected yet: opening a store that is down or read-only fails later, on use."""
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        engine = create_engine(
            url,
            hide_parameters=True,
            pool_timeout=timeout_seconds,
            connect_args={"check_same_thread": False, "timeout": timeout_seconds},
        )
        event.listen(engine, "connect", _sqlite_connect(timeout_seconds))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    connect_args: dict[str, Any] = {}
    if backend == "postgresql":
        ms = int(timeout_seconds * 1000)
        connect_args = {
            "connect_timeout": max(2, math.ceil(timeout_seconds)),  # libpq's least
            "options": f"-c lock_timeout={ms} -c statement_timeout={ms}",
        }
    return create_engine(
        url, hide_parameters=True, pool_pre_ping=True, pool_timeout=timeout_seconds, connect_args=connect_args
    )


def _sqlite_connect(timeout_seconds: float) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling is off (SQLAlchemy's recipe for SQLite): the "begin"
        # listener below opens every transaction, so DDL in a migration is transactional too.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        # WAL lets readers and one writer work at once. FULL syncs every commit: an acknowledged
        # correction survives a power cut, not only a crash of the process.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(timeout_seconds * 1000)}")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    return on_connect


def _sqlite_begin(conn: Connection) -> None:
    # A write takes SQLite's write lock at BEGIN, so it waits its turn for the busy timeout; a
    # deferred transaction that reads first could instead fail at once on a stale snapshot.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction, committed on leaving the block, rolled back on an exception."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE: True})
        with conn.begin():
            yield conn
