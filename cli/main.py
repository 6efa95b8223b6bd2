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
DEFAULT_TEST = Path("data/test")


def fail(message: str) -> None:
    """A domain error in one line, exit code 1, no traceback."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code=1)


TestOpt = Annotated[
    Path | None, typer.Option("--test", help="Fixed test split (file or folder); never trained on.")
]
FamilyOpt = Annotated[str, typer.Option(help=f"Model family: {', '.join(FAMILIES)}.")]
WordsOpt = Annotated[bool, typer.Option(help="Use word n-grams beside character n-grams.")]
CalibrationOpt = Annotated[str, typer.Option(help="Calibration: isotonic or sigmoid.")]
DataOpt = Annotated[Path, typer.Option(help="Folder of labelled .jsonl/.csv files.")]


def default_test(test: Path | None) -> Path | None:
    return test if test is not None else (DEFAULT_TEST if DEFAULT_TEST.is_dir() else None)


@app.command()
def train(
    data: DataOpt = Path("data/labeled"),
    models: ModelsOpt = Path("models"),
    test: TestOpt = None,
    family: FamilyOpt = "svm",
    words: WordsOpt = True,
    calibration: CalibrationOpt = "isotonic",
    folds: Annotated[int, typer.Option(min=2, max=10, help="Cross-validation folds.")] = 5,
    promote: Annotated[bool, typer.Option(help="Put the new model live at once.")] = False,
) -> None:
    """Train a model from labelled data, print cross-validated scores, save it to the registry."""
    from training import registry
    from training.dataset import DatasetError
    from training.metrics import per_class_table
    from training.train import ModelSpec
    from training.train import train as run_training

    try:
        with console.status("training") as status:
            result = run_training(
                data,
                models,
                ModelSpec(family, words, calibration),
                test_dir=default_test(test),
                folds=folds,
                progress=lambda m: status.update(m),
            )
    except DatasetError as exc:
        fail(str(exc))
        return
    typer.echo(f"model {result.version} written to {result.directory}")
    typer.echo("cross-validated scores:")
    typer.echo(per_class_table(result.manifest["metrics"]["cross_validation"]))
    if "test" in result.manifest["metrics"]:
        review = result.manifest["review"]
        typer.echo(
            f"test split: review threshold {review['threshold']:.2f} keeps {1 - review['review_rate']:.1%} "
            f"of predictions, {review['accuracy_kept']:.1%} of them right on both labels"
        )
    if promote:
        try:
            registry.promote(models, result.version)
        except ArtifactError as exc:
            fail(str(exc))
        typer.echo(f"{result.version} is live")


@app.command()
def evaluate(
    files: Annotated[list[Path], typer.Argument(help="Labelled files or folders; each one is a set.")],
    models: ModelsOpt = Path("models"),
    out: Annotated[Path, typer.Option(help="Folder for report.md and its figures.")] = Path("docs/evaluation"),
) -> None:
    """Score the live model on labelled files; write a Markdown report with figures."""
    from nlp.predictor import Triage
    from nlp.registry import load_live
    from training import report
    from training.dataset import DatasetError
    from training.evaluate import score_sets

    try:
        pipeline, manifest = load_live(models)
        sets = score_sets(Triage(pipeline, manifest, explain_top=0), files)
    except (ArtifactError, DatasetError) as exc:
        fail(str(exc))
        return
    path = report.write(
        out,
        f"Evaluation of model {manifest['version']}",
        sets,
        [f"Review threshold {manifest.get('review_threshold')}; sets: {', '.join(str(f) for f in files)}."],
    )
    typer.echo("\n".join(report.SUMMARY_HEADER + [report.summary_rows(n, m) for n, m in sets.items()]))
    typer.echo(f"report written to {path}")


@app.command()
def compare(
    data: DataOpt = Path("data/labeled"),
    test: TestOpt = None,
    also: Annotated[list[Path] | None, typer.Option(help="Further sets to report (not to choose by).")] = None,
    folds: Annotated[int, typer.Option(min=2, max=10, help="Cross-validation folds.")] = 5,
) -> None:
    """Compare model families and feature sets; print a Markdown table, best on the test split first."""
    from training.compare import compare as run_compare
    from training.compare import table
    from training.dataset import DatasetError, load_corpus
    from training.evaluate import load_set

    test_dir = default_test(test)
    if test_dir is None:
        fail("no test split: pass --test")
        return
    try:
        records, test_records = load_corpus(data), load_set(test_dir)
        extra = {p.stem if p.is_file() else p.name: load_set(p) for p in also or []}
        with console.status("comparing") as status:
            rows = run_compare(records, test_records, extra, folds=folds, progress=lambda m: status.update(m))
    except DatasetError as exc:
        fail(str(exc))
        return
    typer.echo(table(rows))


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
