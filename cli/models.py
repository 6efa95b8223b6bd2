"""models list / promote / rollback: what is live, and changing it safely."""

from typing import Annotated

import typer

from cli.common import ModelsOpt, TestOpt, existing, fail
from nlp.errors import ArtifactError
from training.dataset import DatasetError
from training.settings import get_training_settings

app = typer.Typer(no_args_is_help=True, help="The model registry: list, promote, roll back.")


def _fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "–" if value is None else str(value)


@app.command("list")
def list_(models: ModelsOpt = None) -> None:
    """Versions, newest first, with their test-split figures; * marks the live one."""
    from training import registry

    rows = registry.listing(models or get_training_settings().models_dir)
    if not rows:
        fail("no models yet: run `dispute-triage train`")
    typer.echo(f"  {'version':<20}{'records':>8}{'type F1':>9}{'urg. F1':>9}{'high rec.':>10}")
    for r in rows:
        if "error" in r:
            typer.echo(f"{'*' if r['live'] else ' '} {r['version']:<20} unreadable: {r['error']}")
            continue
        typer.echo(
            f"{'*' if r['live'] else ' '} {r['version']:<20}{_fmt(r['n_records']):>8}{_fmt(r['type_macro_f1']):>9}"
            f"{_fmt(r['urgency_macro_f1']):>9}{_fmt(r['high_recall']):>10}"
        )


@app.command()
def promote(
    version: Annotated[str, typer.Argument(help="The candidate to put live.")],
    models: ModelsOpt = None,
    test: TestOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Promote even if worse than the live model.")] = False,
) -> None:
    """Put a candidate live if it is not worse than the live model on the test split (within the tolerance)."""
    from training import registry
    from training.evaluate import load_set

    settings = get_training_settings()
    test_dir = test or existing(settings.test_dir)
    try:
        records = load_set(test_dir) if test_dir else []
        pointer = registry.promote(
            models or settings.models_dir, version, test=records, tolerance=settings.promote_tolerance, force=force
        )
    except (ArtifactError, DatasetError, registry.PromotionRefused) as exc:
        fail(str(exc))
    typer.echo(f"{pointer['version']} is live (previous: {pointer['history'][0] if pointer['history'] else 'none'})")
    typer.echo("running services pick it up within DT_RELOAD_POLL_SECONDS (at once on POST /admin/reload or SIGHUP)")


@app.command()
def rollback(models: ModelsOpt = None) -> None:
    """Return to the model that was live before the current one."""
    from training import registry

    try:
        pointer = registry.rollback(models or get_training_settings().models_dir)
    except (ArtifactError, registry.PromotionRefused) as exc:
        fail(str(exc))
    typer.echo(f"{pointer['version']} is live again (rolled back from {pointer['rolled_back_from']})")
