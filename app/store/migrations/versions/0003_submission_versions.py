"""submission versions: a version per record for compare-and-set changes, the owner's name in
the one form comparisons use, and the version a safeguarding confirmation was given for

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

case_study = sa.table(
    "case_study",
    sa.column("id", sa.Integer),
    sa.column("owner_council", sa.String),
    sa.column("owner_name", sa.String),
    sa.column("safeguarding_checked_at", sa.DateTime),
    sa.column("safeguarding_checked_version", sa.Integer),
)


def upgrade() -> None:
    # Plain ADD COLUMN: rebuilding the table on SQLite would drop the rows that refer to it.
    op.add_column(
        "case_study", sa.Column("version", sa.Integer(), server_default="1", nullable=False)
    )
    op.add_column("case_study", sa.Column("owner_name", sa.String(length=300), nullable=True))
    op.add_column(
        "case_study", sa.Column("safeguarding_checked_version", sa.Integer(), nullable=True)
    )
    op.drop_index("ix_case_study_owner_council", table_name="case_study")
    op.create_index("ix_case_study_owner_name", "case_study", ["owner_name"], unique=False)
    bind = op.get_bind()
    owned = bind.execute(
        sa.select(case_study.c.id, case_study.c.owner_council).where(
            case_study.c.owner_council.is_not(None)
        )
    )
    for record_id, owner in list(owned):
        bind.execute(
            case_study.update()
            .where(case_study.c.id == record_id)
            .values(owner_name=" ".join(owner.casefold().split()))  # app.core.names.normal_name
        )
    # Every record starts at version 1, so a confirmation given before holds for version 1.
    bind.execute(
        case_study.update()
        .where(case_study.c.safeguarding_checked_at.is_not(None))
        .values(safeguarding_checked_version=1)
    )


def downgrade() -> None:
    op.drop_index("ix_case_study_owner_name", table_name="case_study")
    op.create_index("ix_case_study_owner_council", "case_study", ["owner_council"], unique=False)
    # ALTER TABLE … DROP COLUMN (SQLite 3.35+), again without rebuilding the table.
    for column in ("safeguarding_checked_version", "owner_name", "version"):
        op.drop_column("case_study", column)
