"""Counts classified cases by local day, type, urgency and channel for the console's statistics,
never keeping a text: predictions are tallied in memory and added to the database in one batch
every few seconds (a write per request would cost more than the prediction), and once more at
shutdown. A batch the database refuses stays in memory and is added with the next one."""

import asyncio
import logging
import threading
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from nlp.predictor import POSSIBLE_DANGER, Prediction
from nlp.privacy import mask
from store.counts import add_counts
from store.errors import StoreError

log = logging.getLogger("dispute_triage")
Key = tuple[date, str, str, str]


def channel(source: str | None) -> str:
    """The channel as counted: trimmed, at most 64 characters, any personal number masked."""
    return mask((source or "").strip())[:64]


def is_danger(prediction: Prediction) -> bool:
    """An explicit danger cue (a bare signal; the phrases behind a label carry `axis:label`), or
    the predictor's possible-danger net."""
    return POSSIBLE_DANGER in prediction.review_reasons or any(":" not in cue.signal for cue in prediction.cues)


class Counters:
    def __init__(self, engine: Engine, timezone: str = "Asia/Shanghai") -> None:
        self.engine = engine
        try:
            self.zone: ZoneInfo | None = ZoneInfo(timezone)
        except ZoneInfoNotFoundError:
            log.warning("unknown time zone for the statistics; counting by UTC day", extra={"zone": timezone})
            self.zone = None
        self._pending: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0])
        self._lock = threading.Lock()

    def today(self) -> date:
        return datetime.now(self.zone or UTC).date()

    def add(self, predictions: Sequence[Prediction], sources: Sequence[str | None]) -> None:
        day = self.today()
        with self._lock:
            for p, source in zip(predictions, sources, strict=True):
                counts = self._pending[(day, p.type.label, p.urgency.label, channel(source))]
                counts[0] += 1
                counts[1] += p.needs_review
                counts[2] += is_danger(p)

    def flush(self) -> int:
        """Add what was counted since the last flush; returns the number of counter rows written."""
        with self._lock:
            batch, self._pending = self._pending, defaultdict(lambda: [0, 0, 0])
        rows = [
            {"day": d, "type": t, "urgency": u, "source": s, "cases": n, "needs_review": r, "danger": x}
            for (d, t, u, s), (n, r, x) in batch.items()
        ]
        try:
            add_counts(engine=self.engine, rows=rows)
        except StoreError as exc:
            with self._lock:
                for key, (n, r, x) in batch.items():
                    counts = self._pending[key]
                    counts[0], counts[1], counts[2] = counts[0] + n, counts[1] + r, counts[2] + x
            log.error("statistics counters not written; kept for the next try", extra={"reason": exc.reason})
            return 0
        return len(rows)

    async def run(self, every_seconds: float) -> None:
        """Flush every `every_seconds` until cancelled."""
        while True:
            await asyncio.sleep(every_seconds)
            await run_in_threadpool(self.flush)
