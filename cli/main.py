"""`dispute-triage`: train, serve and classify from the shell."""

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from nlp.artifact import ArtifactError
from nlp.model import FAMILIES

app = typer.Typer(no_args_is_help=True, add_completion=False, help="Triage Chinese dispute descriptions.")
console = Console(stderr=True)

ModelsOpt = Annotated[Path, typer.Option("--models", help="Model registry folder.")]


def fail(message: str) -> None:
    """A domain error in one line, exit code 1, no traceback."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=1)


@app.command()
def train(
    data: Annotated[Path, typer.Option(help="Folder of labelled .jsonl/.csv files.")] = Path("data/labeled"),
    models: ModelsOpt = Path("models"),
    family: Annotated[str, typer.Option(help=f"Model family: {', '.join(FAMILIES)}.")] = "svm",
    words: Annotated[bool, typer.Option(help="Use word n-grams beside character n-grams.")] = True,
    folds: Annotated[int, typer.Option(min=2, max=10, help="Cross-validation folds.")] = 5,
    promote: Annotated[bool, typer.Option(help="Put the new model live at once.")] = False,
) -> None:
    """Train a model from labelled data, print cross-validated scores, save it to the registry."""
    from training import registry
    from training.dataset import DatasetError
    from training.metrics import per_class_table
    from training.train import train as run_training

    try:
        with console.status("training") as status:
            result = run_training(
                data, models, family=family, words=words, folds=folds, progress=lambda m: status.update(m)
            )
    except DatasetError as exc:
        fail(str(exc))
        return
    typer.echo(f"model {result.version} written to {result.directory}")
    typer.echo("cross-validated scores:")
    typer.echo(per_class_table(result.manifest["metrics"]["cross_validation"]))
    if promote:
        try:
            registry.promote(models, result.version)
        except ArtifactError as exc:
            fail(str(exc))
        typer.echo(f"{result.version} is live")


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default from DT_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default from DT_PORT).")] = None,
) -> None:
    """Start the HTTP service."""
    import uvicorn

    from service.settings import get_settings

    settings = get_settings()
    uvicorn.run("service.main:create_app", factory=True, host=host or settings.host, port=port or settings.port)


@app.command()
def classify(
    text: Annotated[str, typer.Argument(help="A dispute description.")],
    models: ModelsOpt = Path("models"),
) -> None:
    """Classify one text with the live model and print the result as JSON."""
    from dataclasses import asdict

    from nlp.predictor import Triage
    from nlp.registry import load_live

    try:
        pipeline, manifest = load_live(models)
    except ArtifactError as exc:
        fail(str(exc))
        return
    prediction = Triage(pipeline, manifest).predict([text])[0]
    typer.echo(json.dumps(asdict(prediction), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    app()
