"""longer council names: a joint programme names every council taking part

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("case_study", "council", False), ("case_study", "owner_council", True))


def upgrade() -> None:
    # SQLite does not enforce a VARCHAR's length, and rebuilding the table there would drop
    # the rows that refer to it; PostgreSQL does, so only it needs the change.
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, nullable in COLUMNS:
        op.alter_column(
            table,
            column,
            existing_type=sa.String(150),
            type_=sa.String(300),
            existing_nullable=nullable,
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, nullable in COLUMNS:
        op.alter_column(
            table,
            column,
            existing_type=sa.String(300),
            type_=sa.String(150),
            existing_nullable=nullable,
        )
