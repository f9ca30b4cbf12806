"""a submission keeps its council's word on why it should stand beside the published case
study it closely matches, for the moderators

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("case_study", sa.Column("duplicate_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("case_study", schema=None) as batch_op:
        batch_op.drop_column("duplicate_reason")
