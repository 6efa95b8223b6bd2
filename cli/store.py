"""feedback export, review export: hand the desk's corrections and the review queue to analysts."""

import json
from pathlib import Path
from typing import Annotated

import typer

from nlp.privacy import mask
from service import store
from service.settings import get_settings
from training.sheets import write_csv

feedback_app = typer.Typer(no_args_is_help=True, help="Corrections posted by intake desks.")
review_app = typer.Typer(no_args_is_help=True, help="Low-confidence predictions kept for labelling.")

DbOpt = Annotated[str | None, typer.Option("--database", help="Database URL [DT_DATABASE_URL].")]


@feedback_app.command("export")
def export_feedback(
    out: Annotated[Path, typer.Option(help="JSONL file to write.")] = Path("feedback-export.jsonl"),
    database: DbOpt = None,
) -> None:
    """Write the corrections as labelled JSONL; review it, then `dispute-triage import` it."""
    engine = store.make_engine(database or get_settings().database_url)
    n = 0
    with out.open("w", encoding="utf-8") as fh:
        for row in store.feedback_rows(engine=engine):
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
    engine = store.make_engine(database or get_settings().database_url)
    columns = ["text", "predicted_type", "type_confidence", "predicted_urgency", "urgency_confidence", "reasons"]
    rows = store.review_rows(engine=engine)
    n = write_csv(
        out,
        ["id", *columns, "type", "urgency"],
        ([f"rq-{r['id']}", mask(r["text"]), *(r[c] for c in columns[1:]), "", ""] for r in rows),
    )
    typer.echo(f"{n} predictions written to {out}; fill in type and urgency, then `dispute-triage import {out}`")
