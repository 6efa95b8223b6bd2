"""serve, classify: the model at work."""

import json
from dataclasses import asdict
from typing import Annotated

import typer

from cli.common import ModelsOpt, fail
from nlp.artifact import ArtifactError

app = typer.Typer()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address [DT_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [DT_PORT].")] = None,
) -> None:
    """Start the HTTP service."""
    import uvicorn

    from service.settings import get_settings

    settings = get_settings()
    uvicorn.run("service.main:create_app", factory=True, host=host or settings.host, port=port or settings.port)


@app.command()
def classify(
    text: Annotated[str, typer.Argument(help="A dispute description.")],
    models: ModelsOpt = None,
) -> None:
    """Classify one text with the live model and print the result as JSON."""
    from nlp.predictor import Triage
    from nlp.registry import load_live
    from service.settings import get_settings

    try:
        pipeline, manifest = load_live(models or get_settings().models_dir)
    except ArtifactError as exc:
        fail(str(exc))
    prediction = Triage(pipeline, manifest).predict([text])[0]
    typer.echo(json.dumps(asdict(prediction), ensure_ascii=False, indent=2))
