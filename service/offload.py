"""Where predictions run, so that no request can hold the event loop or outlive its timeout.

One short text is predicted inline on the event loop: under a couple of milliseconds of CPU, less
than a hop to a thread and back costs under load. Anything longer, and every batch, goes to worker
threads, at most WORKERS at once, so the loop keeps answering (health probes included) while long
texts are read. A batch goes in chunks of bounded size: when the request timeout cancels the
request, the chunk in hand finishes and no further chunk starts, so the work stops with the 408.
"""

from collections.abc import Iterator, Sequence

import anyio
from anyio import to_thread
from fastapi import FastAPI

from nlp.predictor import Prediction, Triage

INLINE_MAX_CHARS = 1_000  # about 2 ms of CPU
CHUNK_CHARS = 20_000  # tens of milliseconds of CPU per chunk at most
CHUNK_ITEMS = 100
WORKERS = 2  # the GIL is held for most of a prediction: more threads would only slow the loop


def _limiter(app: FastAPI) -> anyio.CapacityLimiter:
    limiter: anyio.CapacityLimiter | None = getattr(app.state, "predict_limiter", None)
    if limiter is None:  # made on first use, inside the event loop, like anyio's own default limiter
        limiter = app.state.predict_limiter = anyio.CapacityLimiter(WORKERS)
    return limiter


def chunks(sizes: Sequence[int]) -> Iterator[slice]:
    """Consecutive slices of at most CHUNK_ITEMS items and CHUNK_CHARS characters (one item at least)."""
    start, chars = 0, 0
    for i, size in enumerate(sizes):
        if i > start and (i - start >= CHUNK_ITEMS or chars + size > CHUNK_CHARS):
            yield slice(start, i)
            start, chars = i, 0
        chars += size
    if start < len(sizes):
        yield slice(start, len(sizes))


async def predict(app: FastAPI, triage: Triage, texts: list[str], sizes: Sequence[int]) -> list[Prediction]:
    """Predictions for `texts`, whose lengths after normalisation are `sizes`."""
    if len(texts) == 1 and sizes[0] <= INLINE_MAX_CHARS:
        return triage.predict(texts)
    limiter = _limiter(app)
    predictions: list[Prediction] = []
    for part in chunks(sizes):
        predictions += await to_thread.run_sync(triage.predict, texts[part], limiter=limiter)
    return predictions
