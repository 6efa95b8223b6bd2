"""The store on its own: what is written (masked, storable), and refusals described by their kind,
with no statement parameters in any error, on SQLite and on a real PostgreSQL server."""

import traceback

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlalchemy.exc import DBAPIError

from store import migrate, records
from store.engine import make_engine, writing
from store.errors import StoreError, describe, refusals
from store.schema import feedback
from tests.postgres import execute


@given(st.text())
def test_storable_is_utf8_without_nul_and_idempotent(value: str) -> None:
    stored = records.storable(value)
    stored.encode("utf-8")  # a lone surrogate would raise here
    assert "\x00" not in stored
    assert records.storable(stored) == stored


def test_texts_notes_and_ids_are_masked_and_keys_kept_only_as_hashes(database_url: str) -> None:
    engine = make_engine(database_url)
    migrate.upgrade(engine)
    stored = records.add_feedback(
        engine=engine,
        text="打13812345678找我",
        type_="wages",
        urgency="low",
        case_id="13912345678",
        note="卡号6222021234567890123",
        model_version="v",
        idempotency_key="desk-13712345678",
    )
    (row,) = records.feedback_rows(engine=engine)
    assert row["id"] == stored.id and not stored.replayed
    assert (row["text"], row["case_id"]) == ("打138****5678找我", "139****5678")
    assert "1234567890" not in row["note"]
    assert row["request_key"] == records.request_key("desk-13712345678") and "137" not in row["request_key"]
    engine.dispose()


def failing_insert(url: str) -> DBAPIError:
    """The database's own error for an insert it refuses (a read-only database), as SQLAlchemy raises it."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    if url.startswith("sqlite"):
        url = f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    else:
        execute(url, f"ALTER DATABASE {url.rsplit('/', 1)[1]} SET default_transaction_read_only = on")
    engine = make_engine(url)
    row = {"text": "秘密文本甲乙", "case_id": "secret-id", "type": "land", "urgency": "low", "created_at": None}
    with pytest.raises(DBAPIError) as caught, writing(engine) as conn:
        conn.execute(insert(feedback).values(row))
    engine.dispose()
    return caught.value


def test_a_refused_write_names_its_kind_and_never_its_parameters(database_url: str) -> None:
    error = failing_insert(database_url)
    assert "秘密文本" not in str(error) and "secret-id" not in str(error)
    assert "parameters hidden" in str(error)
    assert describe(error) == "the database is read-only"


class _Sqlite(Exception):
    def __init__(self, name: str) -> None:
        self.sqlite_errorname = name


class _Postgres(Exception):
    def __init__(self, sqlstate: str | None) -> None:
        self.sqlstate = sqlstate


class OperationalError(Exception):
    """Named as psycopg's: a connection that never reached a server has no SQLSTATE."""


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (_Sqlite("SQLITE_FULL"), "the disk is full"),
        (_Sqlite("SQLITE_READONLY_DIRECTORY"), "the database is read-only"),
        (_Sqlite("SQLITE_BUSY"), "the database stayed locked by another writer past the timeout"),
        (_Sqlite("SQLITE_CANTOPEN"), "the database file cannot be opened or created"),
        (_Sqlite("SQLITE_MISMATCH"), "database error SQLITE_MISMATCH"),
        (_Postgres("53100"), "the database server's disk is full"),
        (_Postgres("25006"), "the database is read-only"),
        (_Postgres("57014"), "the database did not answer within the timeout"),
        (_Postgres("57P01"), "the database server is shutting down or restarting"),
        (_Postgres("08006"), "the connection to the database server failed"),
        (_Postgres("XX000"), "database error XX000"),
        (OperationalError("connection refused at 10.0.0.1 password=hunter2"), "the database server cannot be reached"),
    ],
)
def test_describe_says_the_kind_of_failure_from_its_code(error: Exception, words: str) -> None:
    assert describe(DBAPIError("INSERT ...", {"text": "x"}, error)) == words


def test_refusals_leave_the_original_error_out_of_the_traceback(database_url: str) -> None:
    original = failing_insert(database_url)
    with pytest.raises(StoreError) as caught, refusals():
        raise original
    assert caught.value.__suppress_context__
    shown = "".join(traceback.format_exception(caught.value))
    assert "INSERT" not in shown and "the database is read-only" in shown
