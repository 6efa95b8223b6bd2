"""Brings a database's schema to the latest revision with Alembic, adopting one made before
migrations existed (the tables create_all made then are stamped as revision 0001, then upgraded).

The whole upgrade is one transaction that holds the database's write lock (SQLite) or an advisory
lock (PostgreSQL), so replicas starting together upgrade once and a failed upgrade leaves the schema
as it was. Within one process, Alembic keeps the running migration in module globals
(`alembic.context`), so migrations there run one at a time.
"""

import threading

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, inspect, text

from store.engine import writing
from store.errors import StoreError, refusals
from store.migrations.versions.rev_0001_baseline import baseline

BASELINE = "0001"
_LOCK_ID = 0x64745F7374  # any constant shared by every process upgrading this database
_IN_PROCESS = threading.Lock()


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "store:migrations")
    config.attributes["connection"] = connection
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(_config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    """The database's revision; None for an empty database or one made before migrations."""
    with refusals(), engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade to `revision`; the revisions before and after."""
    with _IN_PROCESS, refusals(), writing(engine) as conn:
        config = _locked(conn)
        before = MigrationContext.configure(conn).get_current_revision()
        if before is None and inspect(conn).has_table("feedback"):
            _check_baseline(conn)
            command.stamp(config, BASELINE)
            before = BASELINE
        command.upgrade(config, revision)
        return before, MigrationContext.configure(conn).get_current_revision()


def downgrade(engine: Engine, revision: str) -> None:
    """Undo migrations down to `revision` ("base": none at all)."""
    with _IN_PROCESS, refusals(), writing(engine) as conn:
        command.downgrade(_locked(conn), revision)


def _locked(conn: Connection) -> Config:
    """Alembic's configuration for this connection, once no other process is migrating (SQLite's
    write lock is already held by the write transaction)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
    return _config(conn)


def _check_baseline(conn: Connection) -> None:
    found = inspect(conn)
    for table in baseline.tables.values():
        have = {c["name"] for c in found.get_columns(table.name)} if found.has_table(table.name) else set()
        if have != set(table.columns.keys()):
            raise StoreError(
                f"table {table.name} has columns {sorted(have)}, not those of the schema before migrations; "
                "it was not made by dispute-triage and is left as it is"
            )
