"""each history event says which version it left: the case study's, and for an event of an
amendment, which amendment and that amendment's version (the two counters differ)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN (nullable: events from before say nothing, and are counted as before).
    op.add_column("submission_event", sa.Column("version", sa.Integer(), nullable=True))
    op.add_column("submission_event", sa.Column("amendment_id", sa.Integer(), nullable=True))
    op.add_column("submission_event", sa.Column("amendment_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("submission_event", schema=None) as batch_op:
        batch_op.drop_column("amendment_version")
        batch_op.drop_column("amendment_id")
        batch_op.drop_column("version")
