"""serve, classify: the model at work."""

import json
import signal
import sys
from dataclasses import asdict
from typing import Annotated

import typer

from cli.common import ModelsOpt, fail
from nlp.errors import ArtifactError

app = typer.Typer()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address [DT_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [DT_PORT].")] = None,
) -> None:
    """Start the HTTP service; exits 1 with one line if there is no loadable model."""
    # A serving replica needs no pandas, but scikit-learn imports it whenever it is installed
    # (about 50 MB resident). Mark it absent before scikit-learn loads; scikit-learn treats
    # pandas as optional, and nothing on the serving path uses it.
    sys.modules.setdefault("pandas", None)  # type: ignore[arg-type]
    import uvicorn

    from service import logs, server
    from service.main import create_app
    from service.settings import get_settings
    from service.state import ModelHolder

    settings = get_settings()
    logs.configure(settings.log_level)
    holder = ModelHolder()
    try:
        holder.reload(settings)
    except ArtifactError as exc:
        fail(f"cannot start without a model: {exc}")
    # uvicorn shuts down gracefully on SIGTERM (stops accepting, lets requests in flight finish) and
    # then re-raises the signal to the handler that was there before it: make that one a no-op so
    # the process ends with exit code 0, not killed by the signal.
    signal.signal(signal.SIGTERM, lambda *_: None)
    config = server.config(
        create_app(settings, holder),
        settings,
        host=host or settings.host,
        port=port or settings.port,
        access_log=False,  # the app writes its own JSON access log, without texts
        timeout_graceful_shutdown=30,
    )
    running = uvicorn.Server(config)
    running.run()
    if not running.started:  # e.g. the port is taken: uvicorn has said why
        raise typer.Exit(code=3)


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
