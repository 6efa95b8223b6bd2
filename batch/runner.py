"""Scores a whole file: chunks are read in this process, predicted by a pool of worker processes
(each loads and verifies the model once), and written back in input order to a temporary file
that replaces OUT only at the end.

At most two chunks per worker are in flight, so memory stays flat however long the file is (a
multiprocessing.Pool.imap would read the whole input ahead). Worker processes are spawned, not
forked: this process runs a progress-bar thread, and a fork copies its locks in whatever state.
"""

import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from batch.atomic import atomic_output
from batch.columns import Values, output_names, score, text_column
from batch.errors import BatchError
from batch.model import ModelRef, Rules, load_triage
from batch.readers import Chunk, Source, format_of
from batch.summary import Summary
from batch.writers import open_sink
from nlp.artifact import ArtifactError
from nlp.predictor import Triage

# One worker process's model, set by _start_worker.
_worker: dict[str, Any] = {}


def _start_worker(ref: ModelRef, rules: Rules) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group; the main process handles it
    try:
        _worker["triage"] = load_triage(ref, rules)
    except ArtifactError as exc:  # reported with the first chunk, not as an opaque broken pool
        _worker["error"] = str(exc)
    _worker["rules"] = rules


def _score(triage: Triage, rules: Rules, chunk: Chunk, column: str) -> list[Values]:
    texts = [row.get(column) for row in chunk.rows]
    return score(triage, texts, max_chars=rules.max_text_chars, deadlines=rules.deadlines, problems=chunk.problems)


def _score_in_worker(chunk: Chunk, column: str) -> list[Values]:
    if "error" in _worker:
        raise ArtifactError(_worker["error"])
    return _score(_worker["triage"], _worker["rules"], chunk, column)


def _ordered(
    pool: ProcessPoolExecutor, chunks: Iterator[Chunk], column: str, ahead: int
) -> Iterator[tuple[Chunk, list[Values]]]:
    pending: deque[tuple[Chunk, Future[list[Values]]]] = deque()
    for chunk in chunks:
        # Only the text cells travel to the worker, not the rows.
        cells = Chunk(rows=[{column: row.get(column)} for row in chunk.rows], problems=chunk.problems)
        pending.append((chunk, pool.submit(_score_in_worker, cells, column)))
        if len(pending) >= ahead:
            done, future = pending.popleft()
            yield done, _result(future)
    while pending:
        done, future = pending.popleft()
        yield done, _result(future)


def _result(future: Future[list[Values]]) -> list[Values]:
    try:
        return future.result()
    except BrokenProcessPool:
        raise BatchError("a worker process died (killed, or out of memory: try fewer --workers)") from None


@contextmanager
def scored(
    chunks: Iterator[Chunk], column: str, ref: ModelRef, rules: Rules, workers: int
) -> Iterator[Iterator[tuple[Chunk, list[Values]]]]:
    """Each chunk with its output values, in order: in this process when `workers` is 1."""
    if workers == 1:
        triage = load_triage(ref, rules)
        yield ((chunk, _score(triage, rules, chunk, column)) for chunk in chunks)
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start_worker, initargs=(ref, rules))
    try:
        yield _ordered(pool, chunks, column, ahead=2 * workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def classify_file(
    source: Source,
    out: Path,
    *,
    ref: ModelRef,
    rules: Rules,
    column: str | None = None,
    workers: int = 0,
    chunk_rows: int = 2000,
    progress: Callable[[int], None] = lambda n: None,
) -> Summary:
    """Score every row of `source` into `out` (format by its suffix); OUT appears only if all went well."""
    kind = format_of(out)
    text = text_column(source.columns, column)
    names = output_names(source.columns)
    if out.resolve() == source.path.resolve():
        raise BatchError(f"{out}: the output must not be the input file")
    workers = workers or os.cpu_count() or 1
    summary = Summary()
    started = time.perf_counter()
    with atomic_output(out) as tmp:
        sink = open_sink(tmp, kind, source.columns, names, source.schema)
        try:
            with scored(source.chunks(chunk_rows), text, ref, rules, workers) as results:
                for chunk, values in results:
                    sink.write(chunk.rows, values)
                    summary.add(chunk.numbers, values)
                    progress(len(values))
        except BaseException:
            sink.abort()
            raise
        sink.close()
    summary.seconds = time.perf_counter() - started
    return summary
