"""Store writes from request handlers: off the event loop, always to their end, refusals as 503.

A write is never abandoned half-way by the request timeout. If the timeout fires while the write
is still with the database, the handler waits for the write's outcome and answers that (late, but
true): answering 408 for a write that then commits would make the caller's retry a duplicate. The
wait is bounded by DT_DATABASE_TIMEOUT_SECONDS, which the settings keep below the request timeout.
"""

import asyncio
import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from anyio import to_thread

from service.errors import StoreUnavailable
from store.database import Database
from store.errors import StoreError

T = TypeVar("T")
log = logging.getLogger("dispute_triage")


async def write(database: Database, func: Callable[..., T], /, **kwargs: Any) -> T:
    """`func(engine=..., **kwargs)` in the thread pool; StoreUnavailable if the database refused it."""
    task = asyncio.ensure_future(to_thread.run_sync(partial(func, engine=database.engine, **kwargs)))
    while True:
        try:
            result = await asyncio.shield(task)
            break
        except asyncio.CancelledError:
            if task.cancelled():
                raise
            # The request timed out (or the server is stopping) during the write: wait for it.
        except StoreError as exc:
            database.failed(exc.reason)
            # The reason only: the database's own error names the statement and its values.
            log.warning("store refused a write", extra={"reason": exc.reason})
            raise StoreUnavailable(
                f"the store is unavailable ({exc.reason}); this was not acknowledged: retry later, with the "
                "same Idempotency-Key so that it is stored once"
            ) from None
    database.succeeded()
    return result
