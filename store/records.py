"""Reading and writing corrections and the review queue. Every text, note and caller id is masked
(nlp.privacy.mask) before it is written: a desk may use a phone number as its case id."""

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, insert, select
from sqlalchemy.exc import IntegrityError

from nlp.privacy import mask
from store.engine import writing
from store.errors import KeyReused, StoreError, refusals
from store.schema import feedback, review_queue

# Neither SQLite nor PostgreSQL can store a lone surrogate (not UTF-8) or, in PostgreSQL's text, a
# NUL: such a character is kept as U+FFFD, so a broken character never loses the correction.
_UNSTORABLE = re.compile("[\ud800-\udfff\x00]")


def storable(value: str) -> str:
    """The form of a text or id that is written: masked, with unstorable characters replaced."""
    return mask(_UNSTORABLE.sub("\ufffd", value))


def _optional(value: str | None) -> str | None:
    return storable(value) if value else None


@dataclass(frozen=True)
class Stored:
    id: int
    replayed: bool = False  # an earlier request with the same Idempotency-Key stored it


def request_key(key: str) -> str:
    """What is kept of an Idempotency-Key: its sha256, since the key is the caller's to choose."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def add_feedback(
    *,
    engine: Engine,
    text: str,
    type_: str,
    urgency: str,
    case_id: str | None,
    note: str | None,
    model_version: str,
    idempotency_key: str | None = None,
) -> Stored:
    """Store a correction once per idempotency key: a retry gets the first one's id back, a
    different correction under a used key raises KeyReused. Refusals raise StoreError."""
    row = {
        "case_id": _optional(case_id),
        "text": storable(text),
        "type": type_,
        "urgency": urgency,
        "note": _optional(note),
        "model_version": model_version,
        "created_at": datetime.now(UTC),
        "request_key": request_key(idempotency_key) if idempotency_key is not None else None,
    }
    # Insert first and let the unique index settle a race between two retries; reading first
    # would leave a window in which both insert.
    with refusals():
        try:
            with writing(engine) as conn:
                key = conn.execute(insert(feedback).values(row)).inserted_primary_key
        except IntegrityError:
            if row["request_key"] is None:
                raise
            return _replay(engine, row)
    assert key is not None
    return Stored(int(key[0]))


def _replay(engine: Engine, row: dict[str, Any]) -> Stored:
    with engine.connect() as conn:
        first = conn.execute(select(feedback).where(feedback.c.request_key == row["request_key"])).one_or_none()
    if first is None:  # the conflict was not on the key
        raise StoreError("the database refused the row")
    same = ("case_id", "text", "type", "urgency", "note")
    if any(first._mapping[c] != row[c] for c in same):
        raise KeyReused("this Idempotency-Key already stored a different correction; use a new key for a new one")
    return Stored(int(first.id), replayed=True)


def add_review(
    *,
    engine: Engine,
    text: str,
    case_id: str | None,
    predicted_type: str,
    type_confidence: float,
    predicted_urgency: str,
    urgency_confidence: float,
    reasons: list[str],
    model_version: str,
) -> int:
    """Keep a prediction that needs review, for analysts to label. Refusals raise StoreError."""
    row = {
        "case_id": _optional(case_id),
        "text": storable(text),
        "predicted_type": predicted_type,
        "type_confidence": type_confidence,
        "predicted_urgency": predicted_urgency,
        "urgency_confidence": urgency_confidence,
        "reasons": "; ".join(reasons),
        "model_version": model_version,
        "created_at": datetime.now(UTC),
    }
    with refusals(), writing(engine) as conn:
        key = conn.execute(insert(review_queue).values(row)).inserted_primary_key
    assert key is not None
    return int(key[0])


def _rows(engine: Engine, table: Table) -> Iterator[dict[str, Any]]:
    with refusals(), engine.connect() as conn:
        for row in conn.execute(select(table).order_by(table.c.id)):
            yield dict(row._mapping)


def feedback_rows(*, engine: Engine) -> Iterator[dict[str, Any]]:
    return _rows(engine, feedback)


def review_rows(*, engine: Engine) -> Iterator[dict[str, Any]]:
    return _rows(engine, review_queue)
