"""serve: the model at work behind HTTP."""

import signal
from typing import Annotated

import typer

from cli.common import fail
from nlp.errors import ArtifactError

app = typer.Typer()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Bind address [DT_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [DT_PORT].")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes on the one port [DT_WORKERS].")] = None,
) -> None:
    """Start the HTTP service; exits 1 with one line if there is no loadable model."""

    from service import logs, server
    from service.main import create_app
    from service.settings import get_settings
    from service.state import ModelHolder, release_memory
    from service.workers import serve as serve_workers

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
    app = create_app(settings, holder)
    config = server.config(
        app,
        settings,
        host=host or settings.host,
        port=port or settings.port,
        access_log=False,  # the app writes its own JSON access log, without texts
        timeout_graceful_shutdown=30,
    )
    count = workers or settings.workers  # the store's migrations lock against each other (store/migrate.py)

    def let_go() -> None:  # the workers hold the model now; a worker forked later loads its own
        holder.triage = None
        holder.loaded = None
        release_memory()

    try:
        code = serve_workers(config, count, let_go)
    except OSError as exc:
        fail(f"cannot listen on {config.host}:{config.port}: {exc}")
    if code:
        raise typer.Exit(code=code)

