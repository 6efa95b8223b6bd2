"""The schema as it was before migrations: corrections and the review queue, as create_all made them.

A database made then is stamped at this revision (store.migrate adopts it) and upgraded from here.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(200)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("urgency", sa.String(16), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("model_version", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "review_queue",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(200)),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("predicted_type", sa.String(16), nullable=False),
        sa.Column("type_confidence", sa.Float, nullable=False),
        sa.Column("predicted_urgency", sa.String(16), nullable=False),
        sa.Column("urgency_confidence", sa.Float, nullable=False),
        sa.Column("reasons", sa.Text),
        sa.Column("model_version", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("review_queue")
    op.drop_table("feedback")
