"""serve: the model at work behind HTTP."""

import signal
import sys
from typing import Annotated

import typer

from cli.common import fail
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

    from service import logs
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
    uvicorn.run(
        create_app(settings, holder),
        host=host or settings.host,
        port=port or settings.port,
        access_log=False,  # the app writes its own JSON access log, without texts
        timeout_graceful_shutdown=30,
    )
