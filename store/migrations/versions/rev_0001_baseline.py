"""The schema as it was before migrations: corrections and the review queue, as create_all made them.

A database made then is stamped at this revision (store.migrate adopts it, checking its tables
against `baseline` here) and upgraded from there. `baseline` is frozen: later changes are later
revisions.
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

baseline = sa.MetaData()
sa.Table(
    "feedback",
    baseline,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(200)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("type", sa.String(16), nullable=False),
    sa.Column("urgency", sa.String(16), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("model_version", sa.String(64)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)
sa.Table(
    "review_queue",
    baseline,
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


def upgrade() -> None:
    baseline.create_all(op.get_bind())


def downgrade() -> None:
    baseline.drop_all(op.get_bind())
