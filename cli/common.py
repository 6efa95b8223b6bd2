"""What every command shares: one-line failures, option types, the training settings."""

from importlib.util import find_spec
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


TRAIN_EXTRA = ("pandas", "matplotlib", "openpyxl")


def needs_train_extra() -> None:
    """Commands that train, draw figures or read spreadsheets need the `train` extra, which a
    serving replica does not install: say so in one line rather than with an ImportError."""
    missing = [name for name in TRAIN_EXTRA if find_spec(name) is None]
    if missing:
        fail(
            f"this command needs the train extra ({', '.join(missing)} not installed): "
            "pip install 'dispute-triage[train]'"
        )
