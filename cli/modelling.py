"""train, evaluate, compare: building models and measuring them."""

from pathlib import Path
from typing import Annotated

import typer

from cli.common import DataOpt, ModelsOpt, TestOpt, console, existing, fail
from nlp.errors import ArtifactError
from nlp.model import FAMILIES
from training.dataset import DatasetError
from training.settings import get_training_settings

app = typer.Typer()


@app.command()
def train(
    data: DataOpt = None,
    models: ModelsOpt = None,
    test: TestOpt = None,
    family: Annotated[str, typer.Option(help=f"Model family: {', '.join(FAMILIES)}.")] = "svm",
    words: Annotated[bool, typer.Option(help="Use word n-grams beside character n-grams.")] = True,
    calibration: Annotated[str, typer.Option(help="Calibration: isotonic or sigmoid.")] = "isotonic",
    folds: Annotated[int, typer.Option(min=2, max=10, help="Cross-validation folds.")] = 5,
    promote: Annotated[bool, typer.Option(help="Put the new model live at once, without comparing.")] = False,
) -> None:
    """Train a candidate from labelled data: cross-validate, score the test split, write models/<version>/."""
    from training import registry
    from training.metrics import per_class_table
    from training.train import ModelSpec
    from training.train import train as run_training

    settings = get_training_settings()
    models = models or settings.models_dir
    try:
        with console.status("training") as status:
            result = run_training(
                data or settings.data_dir,
                models,
                ModelSpec(family, words, calibration),
                test_dir=test or existing(settings.test_dir),
                eval_dirs=settings.eval_dirs,
                folds=folds,
                n_jobs=settings.train_jobs,
                progress=lambda m: status.update(m),
            )
    except DatasetError as exc:
        fail(str(exc))
    typer.echo(f"candidate {result.version} written to {result.directory}")
    typer.echo("cross-validated scores:")
    typer.echo(per_class_table(result.manifest["metrics"]["cross_validation"]))
    for name, metrics in result.manifest["metrics"].items():
        if name != "cross_validation":
            typer.echo(f"{name}:")
            typer.echo(per_class_table(metrics))
    rules = result.manifest["decision_choices"]
    typer.echo(
        f"rules chosen on cross-validation: high at P(high) >= {result.manifest['high_threshold']:.2f}, "
        f"low only under P(high) {result.manifest['low_guard']:.2f}, possible danger from P(high) "
        f"{result.manifest['danger_net']:.2f} or a piece's {result.manifest['clause_net']:.2f} "
        f"(catches {rules['danger_net']['caught']:.1%} of high cases), "
        f"review under confidence {result.manifest['review_threshold']:.2f}"
    )
    typer.echo(f"report: {result.directory / 'report.md'}")
    if promote:
        try:
            registry.promote(models, result.version, force=True)
        except (ArtifactError, registry.PromotionRefused) as exc:
            fail(str(exc))
        typer.echo(f"{result.version} is live")
    else:
        typer.echo(f"to put it live: dispute-triage models promote {result.version}")


@app.command()
def evaluate(
    files: Annotated[list[Path], typer.Argument(help="Labelled files or folders; each one is a set.")],
    models: ModelsOpt = None,
    out: Annotated[Path, typer.Option(help="Folder for report.md and its figures.")] = Path("docs/evaluation"),
) -> None:
    """Score the live model on labelled files; write a Markdown report with figures."""
    from nlp.predictor import Triage
    from nlp.registry import load_live
    from training import report
    from training.evaluate import score_sets

    try:
        pipeline, manifest = load_live(models or get_training_settings().models_dir)
        sets = score_sets(Triage(pipeline, manifest, explain_top=0), files)
    except (ArtifactError, DatasetError) as exc:
        fail(str(exc))
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
    data: DataOpt = None,
    test: TestOpt = None,
    also: Annotated[list[Path] | None, typer.Option(help="Further sets to report (not to choose by).")] = None,
    folds: Annotated[int, typer.Option(min=2, max=10, help="Cross-validation folds.")] = 5,
) -> None:
    """Compare model variants and the plain baseline: grouped cross-validation decides; each test
    file and each --also set is reported beside it. Prints Markdown tables."""
    from training.compare import compare as run_compare
    from training.compare import table
    from training.dataset import data_files, load_corpus
    from training.evaluate import load_set, set_name

    settings = get_training_settings()
    test_dir = test or existing(settings.test_dir)
    try:
        records = load_corpus(data or settings.data_dir)
        sets = {set_name(f): load_set(f) for f in data_files(test_dir)} if test_dir else {}
        sets |= {set_name(p): load_set(p) for p in also or []}
        with console.status("comparing") as status:
            rows = run_compare(
                records, sets, folds=folds, n_jobs=settings.train_jobs, progress=lambda m: status.update(m)
            )
    except DatasetError as exc:
        fail(str(exc))
    typer.echo(table(rows))


@app.command()
def signals(
    data: DataOpt = None,
    also: Annotated[list[Path] | None, typer.Option(help="Further labelled sets to measure.")] = None,
) -> None:
    """Measure each danger signal and urgency factor: how often it fires, its precision and recall,
    on imagined and on retold training records apart (and on any --also set). Prints Markdown."""
    from training.dataset import load_corpus
    from training.evaluate import load_set, set_name
    from training.signals import measure, table

    settings = get_training_settings()
    try:
        records = load_corpus(data or settings.data_dir)
        sets = {
            "imagined": measure([r for r in records if not r.source_url]),
            "retold": measure([r for r in records if r.source_url]),
        }
        sets |= {set_name(p): measure(load_set(p)) for p in also or []}
    except DatasetError as exc:
        fail(str(exc))
    typer.echo(table(sets))
