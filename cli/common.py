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
VersionOpt = Annotated[
    str | None, typer.Option("--version", help="Model version in the registry; default the live one.")
]
TextColumnOpt = Annotated[
    str | None,
    typer.Option("--text-column", help="Column holding the text; default text, 内容, 纠纷描述 … found by name."),
]


def fail(message: str, code: int = 1) -> NoReturn:
    """A domain error in one line, exit code 1 (or `code`), no traceback."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=code)


def existing(path: Path | None) -> Path | None:
    return path if path is not None and path.exists() else None


TRAIN_EXTRA = ("pandas", "matplotlib", "openpyxl")
CONSOLE_EXTRA = ("jinja2", "multipart", "itsdangerous", "markdown")


def needs_extra(extra: str, modules: tuple[str, ...]) -> None:
    """Commands that train, draw figures, read spreadsheets or serve the console need an extra
    that a serving replica does not install: say so in one line rather than with an ImportError."""
    missing = [name for name in modules if find_spec(name) is None]
    if missing:
        fail(
            f"this command needs the {extra} extra ({', '.join(missing)} not installed): "
            f"pip install 'dispute-triage[{extra}]'"
        )


def needs_train_extra() -> None:
    needs_extra("train", TRAIN_EXTRA)
