"""an amendment to a published case study keeps its council's word on why it should stand
beside the published case study it closely matches, for the moderators (as 0016 for a
submission)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: rebuilding the table on SQLite would drop the rows that refer to it.
    op.add_column("case_study_revision", sa.Column("duplicate_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_study_revision", schema=None) as batch_op:
        batch_op.drop_column("duplicate_reason")
