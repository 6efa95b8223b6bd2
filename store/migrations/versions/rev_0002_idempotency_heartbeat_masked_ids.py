"""Idempotency keys on corrections, the readiness heartbeat, and caller ids masked like texts.

Ids stored before this revision were kept as sent; a desk may use a phone number as its id, so
they are masked here with the same function that masks texts (nlp.privacy.mask).
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from nlp.privacy import mask

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("feedback", sa.Column("request_key", sa.String(64)))
    op.create_index("ix_feedback_request_key", "feedback", ["request_key"], unique=True)
    heartbeat = op.create_table(
        "store_heartbeat",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.bulk_insert(heartbeat, [{"id": 1, "checked_at": datetime.now(UTC)}])
    conn = op.get_bind()
    for name in ("feedback", "review_queue"):
        table = sa.table(name, sa.column("id", sa.Integer), sa.column("case_id", sa.String))
        rows = conn.execute(sa.select(table.c.id, table.c.case_id).where(table.c.case_id.is_not(None))).all()
        for row_id, case_id in rows:
            if mask(case_id) != case_id:
                conn.execute(sa.update(table).where(table.c.id == row_id).values(case_id=mask(case_id)))


def downgrade() -> None:
    # Masked ids stay masked: what was hidden cannot be recovered, and should not be.
    op.drop_table("store_heartbeat")
    op.drop_index("ix_feedback_request_key", table_name="feedback")
    op.drop_column("feedback", "request_key")
