"""Structured JSON logs on standard error. Callers pass only fields that carry no dispute text."""

import json
import logging
import sys
import traceback
from datetime import UTC, datetime

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry |= {k: v for k, v in record.__dict__.items() if k not in _RESERVED}
        if record.exc_info and record.exc_info[1] is not None:
            entry["exception"] = without_messages(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False, default=str)


def without_messages(exc: BaseException) -> str:
    """The traceback of `exc` and the exceptions chained to it, types and frames only: a message
    can quote the request (a database error quotes the statement's parameters, texts included)."""
    parts = []
    seen: set[int] = set()
    te: traceback.TracebackException | None = traceback.TracebackException.from_exception(exc)
    while te is not None and id(te) not in seen:
        seen.add(id(te))
        name = f"{te.exc_type.__module__}.{te.exc_type.__qualname__}" if te.exc_type else "exception"
        parts.append("".join(te.stack.format()) + f"{name} (message not logged)\n")
        te = te.__cause__ or te.__context__
    return "Traceback (most recent call last):\n" + "\n".join(reversed(parts))


def configure(level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("dispute_triage")
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False
    # The text path logs under its module names (nlp.predictor, nlp.tokenize: a fall back from a
    # fast path, a model trained on other lexicons): the same JSON lines.
    text_path = logging.getLogger("nlp")
    text_path.handlers[:] = [handler]
    text_path.setLevel(level.upper())
