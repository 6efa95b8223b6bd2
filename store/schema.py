"""The tables as the latest migration leaves them. Migrations (store/migrations/versions) are the
history; this is what the code reads and writes. A test checks the two agree."""

from sqlalchemy import Column, Date, DateTime, Float, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(200)),
    Column("text", Text, nullable=False),
    Column("type", String(16), nullable=False),
    Column("urgency", String(16), nullable=False),
    Column("note", Text),
    Column("model_version", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
    # sha256 of the caller's Idempotency-Key: the key may be anything the desk chose, so only its hash is kept.
    Column("request_key", String(64)),
    Index("ix_feedback_request_key", "request_key", unique=True),
)

review_queue = Table(
    "review_queue",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(200)),
    Column("text", Text, nullable=False),
    Column("predicted_type", String(16), nullable=False),
    Column("type_confidence", Float, nullable=False),
    Column("predicted_urgency", String(16), nullable=False),
    Column("urgency_confidence", Float, nullable=False),
    Column("reasons", Text),
    Column("model_version", String(64)),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# One row, rewritten by the readiness check: a write that proves the database still takes writes.
heartbeat = Table(
    "store_heartbeat",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("checked_at", DateTime(timezone=True), nullable=False),
)

# Aggregate counts of classified cases for the console's statistics: one row per local day, type,
# urgency and channel, never a text. The service adds to them in batches (service/counters.py).
classify_counts = Table(
    "classify_counts",
    metadata,
    Column("day", Date, primary_key=True),
    Column("type", String(16), primary_key=True),
    Column("urgency", String(16), primary_key=True),
    Column("source", String(64), primary_key=True),  # the caller's channel, "" when not sent
    Column("cases", Integer, nullable=False),
    Column("needs_review", Integer, nullable=False),
    Column("danger", Integer, nullable=False),
)
