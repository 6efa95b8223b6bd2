"""Aggregate counters of classified cases for the console's statistics: one row per local day, type,
urgency and channel, with the cases that needed review and those with danger; never a text."""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "classify_counts",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("type", sa.String(16), primary_key=True),
        sa.Column("urgency", sa.String(16), primary_key=True),
        sa.Column("source", sa.String(64), primary_key=True),
        sa.Column("cases", sa.Integer, nullable=False),
        sa.Column("needs_review", sa.Integer, nullable=False),
        sa.Column("danger", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("classify_counts")
