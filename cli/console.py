"""console: the analysts' web console, a separate process beside the service."""

import secrets
from typing import Annotated

import typer

from cli.common import CONSOLE_EXTRA, fail, needs_extra, needs_train_extra

app = typer.Typer()


@app.command()
def console(
    host: Annotated[str | None, typer.Option(help="Bind address [DT_CONSOLE_HOST].")] = None,
    port: Annotated[int | None, typer.Option(help="Port [DT_CONSOLE_PORT].")] = None,
) -> None:
    """Start the analysts' console (review, import, train, compare, promote, statistics) on 127.0.0.1:8001."""
    needs_train_extra()
    needs_extra("console", CONSOLE_EXTRA)
    import uvicorn

    from console.app import create_app
    from console.settings import get_console_settings

    settings = get_console_settings()
    if not settings.analyst_keys and settings.analyst_keys_file is None:
        # Nobody could sign in: make a key for this run only and say so, as Jupyter does with its token.
        key = secrets.token_urlsafe(18)
        settings = settings.model_copy(update={"analyst_keys": [f"local:{key}"]})
        typer.echo(f"no DT_ANALYST_KEYS set: sign in with this key, valid until the console stops: {key}")
    try:
        application = create_app(settings)
    except (ValueError, OSError) as exc:
        fail(f"cannot start the console: {exc}")
    uvicorn.run(application, host=host or settings.console_host, port=port or settings.console_port)
