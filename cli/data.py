"""import: analysts' labelled spreadsheets into data/labeled/."""

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import track

from cli.common import DataOpt, console, fail
from nlp.privacy import mask
from training.settings import get_training_settings

app = typer.Typer()


@app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="A .csv, .xlsx or .jsonl file of labelled texts.")],
    data: DataOpt = None,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="Write the clean rows and a file of the rejected ones.")
    ] = False,
) -> None:
    """Add labelled records; nothing is written unless every row is clean (or --skip-bad)."""
    from training.dataset import DatasetError, load_corpus
    from training.importer import ImportFileError, plan, write, write_rejected

    settings = get_training_settings()
    data_dir = data or settings.data_dir
    try:
        existing = load_corpus(data_dir) if data_dir.is_dir() and any(data_dir.iterdir()) else []
        result = plan(
            file,
            existing,
            max_chars=settings.max_text_chars,
            rows=lambda rows: track(rows, description="checking rows", console=console, transient=True),
        )
    except (ImportFileError, DatasetError) as exc:
        fail(str(exc))
    for problem in result.problems[:50]:
        typer.echo(f"{file.name} row {problem.row}: {mask(problem.reason)}", err=True)
    if len(result.problems) > 50:
        typer.echo(f"… and {len(result.problems) - 50} more problems", err=True)
    if result.problems and not skip_bad:
        fail(f"{len(result.problems)} bad rows in {file}; nothing written (fix them, or use --skip-bad)")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        target = write(result, data_dir)
    except OSError as exc:
        fail(f"writing to {data_dir} failed ({exc}); nothing was added")
    summary = f"{len(result.records)} records added" + (f" to {target}" if target else "")
    summary += f", {result.duplicates} duplicates skipped, {len(result.problems)} rows rejected"
    if result.problems:
        rejected = file.with_name(f"{file.stem}.rejected.csv")
        try:
            summary += f" (see {write_rejected(result, rejected)})"
        except OSError as exc:
            summary += f" (the list of them could not be written to {rejected}: {exc.strerror or exc})"
    typer.echo(summary)
