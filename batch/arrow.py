"""The output columns as Arrow: the Parquet writer's schema and the Spark job's batches."""

from collections.abc import Sequence

import pyarrow as pa

from batch.columns import OUTPUT, Values

_TYPES = {
    "string": pa.string(),
    "double": pa.float64(),
    "bool": pa.bool_(),
    "int32": pa.int32(),
    "list<string>": pa.list_(pa.string()),
}


def output_fields(names: Sequence[str]) -> list[pa.Field]:
    return [pa.field(name, _TYPES[kind]) for name, (_, kind) in zip(names, OUTPUT, strict=True)]


def output_arrays(values: Sequence[Values]) -> list[pa.Array]:
    """One array per output column from rows of output values."""
    columns = list(zip(*values, strict=True)) if values else [()] * len(OUTPUT)
    return [pa.array(list(col), type=_TYPES[kind]) for col, (_, kind) in zip(columns, OUTPUT, strict=True)]
