"""What runs on Spark's executors: the model loaded once per Python worker process, from the
copy the driver shipped with the job, its sha256 checked there; then one Arrow batch at a time
through the same normalise -> cues -> features -> model path as the service (`Triage.predict`)."""

from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa

from batch.arrow import output_arrays
from batch.columns import score
from batch.model import ModelRef, Rules, load_triage
from nlp.predictor import Triage

# Spark reuses its Python workers across tasks (spark.python.worker.reuse), so a model loaded
# here serves every partition the process is given.
_loaded: dict[tuple[ModelRef, str], Triage] = {}


def triage_for(ref: ModelRef, rules: Rules) -> Triage:
    key = (ref, repr(rules))
    if key not in _loaded:
        from pyspark import SparkFiles

        _loaded[key] = load_triage(ref, rules, Path(SparkFiles.get(ref.directory.name)))
    return _loaded[key]


def score_batches(
    batches: Iterator[pa.RecordBatch], *, ref: ModelRef, rules: Rules, column: str, names: Sequence[str]
) -> Iterator[pa.RecordBatch]:
    """mapInArrow's function: each batch back with the output columns after its own."""
    triage = triage_for(ref, rules)
    for batch in batches:
        values = score(
            triage, batch.column(column).to_pylist(), max_chars=rules.max_text_chars, deadlines=rules.deadlines
        )
        yield pa.RecordBatch.from_arrays([*batch.columns, *output_arrays(values)], names=[*batch.schema.names, *names])
