"""Store failures in words that are safe to log and to answer with: which kind of refusal, never
the statement, its parameters or the database URL."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout


class StoreError(Exception):
    """The database refused an operation, or did not confirm it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class KeyReused(Exception):
    """An Idempotency-Key already stored a different correction."""


# sqlite3 error names (Python 3.11+ `sqlite_errorname`), by prefix.
_SQLITE = [
    ("SQLITE_READONLY", "the database is read-only"),
    ("SQLITE_FULL", "the disk is full"),
    ("SQLITE_BUSY", "the database stayed locked by another writer past the timeout"),
    ("SQLITE_LOCKED", "the database stayed locked by another writer past the timeout"),
    ("SQLITE_CANTOPEN", "the database file cannot be opened or created"),
    ("SQLITE_PERM", "the database file cannot be opened or created"),
    ("SQLITE_IOERR", "the disk reported an I/O error"),
    ("SQLITE_CORRUPT", "the database file is corrupt"),
    ("SQLITE_NOTADB", "the database file is corrupt"),
]
# PostgreSQL SQLSTATE codes, by prefix (Appendix A of its manual).
_POSTGRES = [
    ("53100", "the database server's disk is full"),
    ("53", "the database server is out of resources"),
    ("25006", "the database is read-only"),
    ("55P03", "the database stayed locked by another writer past the timeout"),
    ("57014", "the database did not answer within the timeout"),
    ("57P", "the database server is shutting down or restarting"),
    ("08", "the connection to the database server failed"),
    ("3D", "the database does not exist"),
    ("28", "the database refused the credentials"),
    ("42", "the database schema is not the one expected"),
]


def describe(exc: BaseException) -> str:
    """What went wrong, from the error's code alone."""
    if isinstance(exc, PoolTimeout):
        return "no database connection came free within the timeout"
    orig = getattr(exc, "orig", None) or exc
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str):
        return next((words for prefix, words in _SQLITE if name.startswith(prefix)), f"database error {name}")
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return next((words for prefix, words in _POSTGRES if sqlstate.startswith(prefix)), f"database error {sqlstate}")
    if type(orig).__name__ in {"OperationalError", "InterfaceError"}:  # psycopg: no server at all
        return "the database server cannot be reached"
    return f"database error ({type(orig).__name__})"


@contextmanager
def refusals() -> Iterator[None]:
    """Turns any database error into a StoreError. `from None` leaves the original, whose message
    names the statement, out of every traceback."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise StoreError(describe(exc)) from None
