"""feedback export, review export, db upgrade: hand the desk's corrections and the review queue to
analysts, and bring the store's schema up to date."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine

from cli.common import fail
from nlp.privacy import mask
from store import migrate, records
from store.engine import make_engine
from store.errors import StoreError
from store.settings import get_store_settings
from training.sheets import write_csv

feedback_app = typer.Typer(no_args_is_help=True, help="Corrections posted by intake desks.")
review_app = typer.Typer(no_args_is_help=True, help="Low-confidence predictions kept for labelling.")
db_app = typer.Typer(no_args_is_help=True, help="The store's schema (Alembic migrations).")

DbOpt = Annotated[str | None, typer.Option("--database", help="Database URL [DT_DATABASE_URL].")]


@contextmanager
def opened(database: str | None, *, upgrade: bool | None = None) -> Iterator[Engine]:
    """The store's engine, its schema brought up to date first unless `upgrade` (by default
    DT_DATABASE_MIGRATE) is off; a refusal ends the command with one line."""
    settings = get_store_settings()
    engine = make_engine(database or settings.database_url, timeout_seconds=settings.database_timeout_seconds)
    try:
        if settings.database_migrate if upgrade is None else upgrade:
            migrate.upgrade(engine)
        yield engine
    except StoreError as exc:
        fail(f"the store is unavailable: {exc.reason}")
    finally:
        engine.dispose()


@feedback_app.command("export")
def export_feedback(
    out: Annotated[Path, typer.Option(help="JSONL file to write.")] = Path("feedback-export.jsonl"),
    database: DbOpt = None,
) -> None:
    """Write the corrections as labelled JSONL; review it, then `dispute-triage import` it."""
    n = 0
    with opened(database) as engine, out.open("w", encoding="utf-8") as fh:
        for row in records.feedback_rows(engine=engine):
            # Masked again on the way out: rows stored by an older version may hold what it missed.
            record = {
                "id": f"fb-{row['id']}",
                "text": mask(row["text"]),
                "type": row["type"],
                "urgency": row["urgency"],
            }
            record |= {"source": "feedback", "note": mask(row["note"])} if row["note"] else {"source": "feedback"}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    typer.echo(f"{n} corrections written to {out}")


@review_app.command("export")
def export_review(
    out: Annotated[Path, typer.Option(help="CSV file to write (opens in Excel).")] = Path("review-queue.csv"),
    database: DbOpt = None,
) -> None:
    """Write kept predictions as a spreadsheet: fill in `type` and `urgency`, then import it."""
    columns = ["text", "predicted_type", "type_confidence", "predicted_urgency", "urgency_confidence", "reasons"]
    with opened(database) as engine:
        n = write_csv(
            out,
            ["id", *columns, "type", "urgency"],
            (
                [f"rq-{r['id']}", mask(r["text"]), *(r[c] for c in columns[1:]), "", ""]
                for r in records.review_rows(engine=engine)
            ),
        )
    typer.echo(f"{n} predictions written to {out}; fill in type and urgency, then `dispute-triage import {out}`")


@db_app.command("upgrade")
def upgrade(database: DbOpt = None) -> None:
    """Bring the schema to the latest revision; a database made before migrations is adopted as is."""
    with opened(database, upgrade=False) as engine:
        before, after = migrate.upgrade(engine)
    typer.echo(f"schema at revision {after} (was {before or 'empty'})")


@db_app.command("current")
def current(database: DbOpt = None) -> None:
    """Print the schema's revision and whether it is the latest."""
    with opened(database, upgrade=False) as engine:
        found = migrate.current(engine)
    latest = migrate.head()
    advice = "" if found == latest else ": run `dispute-triage db upgrade`"
    typer.echo(f"schema at revision {found or 'none'}; latest {latest}{advice}")
