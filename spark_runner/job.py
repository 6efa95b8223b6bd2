"""The driver's side of a Spark run: start the session, ship the model folder, read the input,
score it with mapInArrow (whole Arrow batches per call, no per-row Python UDF), write Parquet,
and sum the result up.

Spark writes the output folder through its commit protocol: a failed job leaves no `_SUCCESS`
file and no complete output; an existing output is refused unless `overwrite`.
"""

import os
import sys
import time
import warnings
from functools import partial
from pathlib import Path
from typing import Any

import pyarrow as pa

from batch.arrow import output_fields
from batch.columns import output_names, text_column
from batch.model import ModelRef, Rules
from batch.readers import detect_encoding
from batch.summary import Summary
from spark_runner.executor import score_batches

LOCAL_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

# pyspark warns about pandas 3 on every Arrow call; this job hands Spark Arrow batches, not pandas.
warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)


def session(master: str, conf: dict[str, str]) -> Any:
    from pyspark.sql import SparkSession

    settings = {"spark.ui.showConsoleProgress": "false"}
    if master.startswith("local"):
        # Local Python workers must be this interpreter (the one with nlp/ installed), not `python3`.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        # The JVM only moves Arrow batches and Parquet pages here; the client compiler and a serial
        # collector spare the cores the Python workers predict on (about 10 CPU-seconds a run).
        settings["spark.driver.extraJavaOptions"] = LOCAL_JVM_OPTIONS
    builder = SparkSession.builder.appName("dispute-triage").master(master)
    for key, value in (settings | conf).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    if "spark.sql.files.minPartitionNum" not in conf:
        # Several input splits per core (as row groups allow), so no core idles through the last wave.
        spark.conf.set("spark.sql.files.minPartitionNum", str(4 * spark.sparkContext.defaultParallelism))
    return spark


def read(spark: Any, path: str, encoding: str | None) -> Any:
    """Parquet (a file or a folder of parts), or CSV with a header row, every column a string."""
    if not path.lower().endswith(".csv"):
        return spark.read.parquet(path)
    if encoding is None:
        encoding = detect_encoding(Path(path)) if Path(path).is_file() else "utf-8"
    if encoding.lower().replace("-", "") not in {"utf8", "utf8sig"}:
        spark.conf.set("spark.sql.legacy.javaCharsets", "true")  # Spark 4 allows only UTFs and Latin-1 without it
    return (
        spark.read.option("header", True)
        .option("multiLine", True)  # a dispute text may hold line breaks inside its quotes
        .option("escape", '"')  # quotes inside a field are doubled, as Excel writes them
        .option("encoding", "utf-8" if encoding == "utf-8-sig" else encoding)
        .csv(path)
    )


def summarize(frame: Any, names: list[str]) -> Summary:
    """Counts by type, urgency and review, from the written output (one pass over four columns)."""
    from pyspark.sql import functions as F

    type_, urgency, review, error = (names[i] for i in (0, 3, 6, -1))
    summary = Summary()
    groups = frame.groupBy(type_, urgency, review, F.col(error).isNotNull().alias("bad")).count().collect()
    for row in groups:
        if row["bad"]:
            summary.add_bad(row["count"])
        else:
            summary.add_scored(row[type_], row[urgency], row[review], row["count"])
    return summary


def run(
    *,
    input_path: str,
    output_path: str,
    ref: ModelRef,
    rules: Rules,
    master: str = "local[*]",
    column: str | None = None,
    encoding: str | None = None,
    partitions: int | None = None,
    overwrite: bool = False,
    conf: dict[str, str] | None = None,
) -> Summary:
    """Score `input_path` into the Parquet folder `output_path`; returns the summary."""
    from pyspark.sql.pandas.types import from_arrow_schema
    from pyspark.sql.types import StructType

    started = time.perf_counter()
    spark = session(master, conf or {})
    try:
        spark.sparkContext.addFile(str(ref.directory), recursive=True)
        frame = read(spark, input_path, encoding)
        text = text_column(frame.columns, column)
        names = output_names(frame.columns)
        schema = StructType([*frame.schema.fields, *from_arrow_schema(pa.schema(output_fields(names))).fields])
        # Every core needs a partition: a single Parquet row group or a multi-line CSV is one.
        wanted = partitions or spark.sparkContext.defaultParallelism
        if frame.rdd.getNumPartitions() < wanted:
            frame = frame.repartition(wanted)
        scored = frame.mapInArrow(partial(score_batches, ref=ref, rules=rules, column=text, names=names), schema)
        scored.write.mode("overwrite" if overwrite else "errorifexists").parquet(output_path)
        summary = summarize(spark.read.parquet(output_path), names)
    finally:
        spark.stop()
    summary.seconds = time.perf_counter() - started
    return summary
