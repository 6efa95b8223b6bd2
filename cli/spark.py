"""spark: score an archive on Apache Spark, on this machine (`local[*]`) or a cluster."""

import re
from typing import Annotated

import typer

from cli.common import ModelsOpt, TextColumnOpt, VersionOpt, fail
from nlp.errors import ArtifactError

app = typer.Typer()


def failure(exc: BaseException) -> str:
    """One line from a Spark failure: the model's own refusal if an executor raised one."""
    message = str(exc)
    if found := re.search(r"ArtifactError: (.+)", message):
        return found.group(1).strip()
    return next((line.strip() for line in message.splitlines() if line.strip()), type(exc).__name__)


@app.command()
def spark(
    input_path: Annotated[
        str, typer.Option("--input", help="Parquet (file or folder) or .csv: a path or any URL Spark reads.")
    ],
    output_path: Annotated[str, typer.Option("--output", help="Parquet folder to write.")],
    version: VersionOpt = None,
    models: ModelsOpt = None,
    master: Annotated[str, typer.Option(help="Spark master: local[*], spark://host:7077, yarn, k8s://…")] = "local[*]",
    text_column: TextColumnOpt = None,
    encoding: Annotated[str | None, typer.Option(help="A CSV's encoding (a local file's is detected).")] = None,
    partitions: Annotated[
        int | None, typer.Option(min=1, help="Spread the input over at least this many partitions.")
    ] = None,
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing output folder.")] = False,
    conf: Annotated[
        list[str] | None, typer.Option("--conf", help="Further Spark settings, KEY=VALUE; repeatable.")
    ] = None,
) -> None:
    """Score an archive as a Spark job: same model and rules as the service, Parquet out."""
    try:
        from py4j.protocol import Py4JError
        from pyspark.errors import PySparkException

        from spark_runner.job import run
    except ImportError:
        fail("Spark runs need the spark extra: .venv/bin/pip install -e '.[spark]' (and a Java 17+ runtime)")
    from batch.errors import BatchError
    from batch.model import Rules, resolve
    from service.settings import get_settings

    settings = get_settings()  # the service's rules: a row gets what the API would have answered
    pairs = [item.partition("=") for item in conf or []]
    if bad := [key for key, eq, _ in pairs if not eq]:
        fail(f"--conf takes KEY=VALUE, not {bad[0]!r}")
    try:
        ref = resolve(models or settings.models_dir, version)
        summary = run(
            input_path=input_path,
            output_path=output_path,
            ref=ref,
            rules=Rules.from_settings(settings),
            master=master,
            column=text_column,
            encoding=encoding,
            partitions=partitions,
            overwrite=overwrite,
            conf={key: value for key, _, value in pairs},
        )
    except (ArtifactError, BatchError) as exc:
        fail(str(exc))
    except (PySparkException, Py4JError) as exc:
        fail(f"the Spark job failed: {failure(exc)}")
    for line in summary.lines():
        typer.echo(line)
    marked = " (bad rows marked in its row_error column)" if summary.bad else ""
    typer.echo(f"model {ref.version}; written to {output_path}{marked}")
