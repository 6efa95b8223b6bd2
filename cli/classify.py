"""classify: one text printed as JSON, or a whole file scored into another (`--file IN --out OUT`)."""

import json
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from cli.common import ModelsOpt, TextColumnOpt, VersionOpt, console, fail
from nlp.errors import ArtifactError

app = typer.Typer()
SHOWN_BAD_ROWS = 50


class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed or (task.completed / task.elapsed if task.elapsed else None)
        return Text(f"{speed:,.0f} rows/s" if speed else "… rows/s", style="progress.data.speed")


@contextmanager
def progress_bar(total: int | None) -> Iterator[Callable[[int], None]]:
    """A bar on standard error with rows done, rate and time left; yields the function that advances it."""
    columns = (TextColumn("scoring"), BarColumn(), MofNCompleteColumn(), _Rate(), TimeElapsedColumn())
    with Progress(*columns, TextColumn("left"), TimeRemainingColumn(), console=console) as bar:
        task = bar.add_task("scoring", total=total)
        yield lambda n: bar.advance(task, n)
        bar.update(task, total=bar.tasks[0].completed)


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """`kill` (SIGTERM) unwinds like Ctrl-C, so the temporary output is removed on either."""

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def report_bad_rows(bad: int, rows: list[tuple[int, str]]) -> None:
    for number, reason in rows[:SHOWN_BAD_ROWS]:
        typer.echo(f"row {number}: {reason}", err=True)
    if bad > SHOWN_BAD_ROWS:
        typer.echo(f"… and {bad - SHOWN_BAD_ROWS:,} more bad rows", err=True)


def _classify_file(
    file: Path,
    out: Path,
    *,
    column: str | None,
    version: str | None,
    models: Path | None,
    workers: int | None,
    encoding: str | None,
) -> None:
    from batch.errors import BatchError
    from batch.model import Rules, resolve
    from batch.readers import open_source
    from batch.runner import classify_file
    from batch.settings import get_batch_settings
    from service.settings import get_settings

    settings, batch = get_settings(), get_batch_settings()
    existed = out.exists()
    try:
        ref = resolve(models or settings.models_dir, version)
        source = open_source(file, encoding)
        with terminate_as_interrupt(), progress_bar(source.total) as advance:
            summary = classify_file(
                source,
                out,
                ref=ref,
                rules=Rules.from_settings(settings),
                column=column,
                workers=batch.batch_workers if workers is None else workers,
                chunk_rows=batch.batch_chunk_rows,
                progress=advance,
            )
    except (ArtifactError, BatchError, OSError) as exc:
        fail(f"{exc}; {out} was not written" + (" (the earlier file is as it was)" if existed else ""))
    except KeyboardInterrupt:
        fail(f"interrupted; {out} was not written" + (" (the earlier file is as it was)" if existed else ""), 130)
    report_bad_rows(summary.bad, summary.bad_rows)
    for line in summary.lines():
        typer.echo(line)
    typer.echo(
        f"model {ref.version}; written to {out}"
        + (" (bad rows marked in its row_error column)" if summary.bad else "")
    )


@app.command()
def classify(
    text: Annotated[str | None, typer.Argument(help="A dispute description (or use --file).")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="A .csv (UTF-8 or GBK), .xlsx, .jsonl or .parquet file to score.")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Where --file's scored rows go; its suffix picks the format.")
    ] = None,
    text_column: TextColumnOpt = None,
    version: VersionOpt = None,
    models: ModelsOpt = None,
    workers: Annotated[
        int | None, typer.Option(min=0, help="Processes predicting --file; 0 is one per core [DT_BATCH_WORKERS].")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="A CSV's encoding, if not UTF-8 or GBK/GB18030 (which are detected).")
    ] = None,
) -> None:
    """Classify one text and print it as JSON, or score every row of --file into --out."""
    if file is not None or out is not None:
        if file is None or out is None or text is not None:
            fail("a file run takes --file IN and --out OUT, and no text")
        _classify_file(
            file, out, column=text_column, version=version, models=models, workers=workers, encoding=encoding
        )
        return
    if text is None:
        fail("give a text to classify, or --file IN --out OUT")
    from batch.model import resolve
    from nlp.artifact import load
    from nlp.predictor import Triage
    from service.settings import get_settings

    try:
        pipeline, manifest = load(resolve(models or get_settings().models_dir, version).directory)
    except ArtifactError as exc:
        fail(str(exc))
    prediction = Triage(pipeline, manifest).predict([text])[0]
    typer.echo(json.dumps(asdict(prediction), ensure_ascii=False, indent=2))
