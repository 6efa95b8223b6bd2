"""What every command shares: one-line failures, option types, the training settings."""

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

console = Console(stderr=True)

ModelsOpt = Annotated[Path | None, typer.Option("--models", help="Model registry folder [DT_MODELS_DIR].")]
TestOpt = Annotated[Path | None, typer.Option("--test", help="Fixed test split, file or folder [DT_TEST_DIR].")]
DataOpt = Annotated[Path | None, typer.Option("--data", help="Folder of labelled files [DT_DATA_DIR].")]


def fail(message: str) -> NoReturn:
    """A domain error in one line, exit code 1, no traceback."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=1)


def existing(path: Path | None) -> Path | None:
    return path if path is not None and path.exists() else None
