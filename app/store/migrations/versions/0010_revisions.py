"""amendments to published case studies: the proposed content beside the live row, with its
own state and version, at most one open per case study; a council officer's draft of a
change to an open amendment

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ADD COLUMN: rebuilding the table on SQLite would drop the rows that refer to it.
    op.add_column("draft", sa.Column("amends_revision", sa.Integer(), nullable=True))
    op.create_table(
        "case_study_revision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_study_id", sa.Integer(), nullable=False),
        sa.Column("open_for", sa.Integer(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("proposed_by", sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
        sa.Column("moderation_message", sa.Text(), nullable=True),
        sa.Column("safeguarding_findings", sa.JSON(), nullable=False),
        sa.Column(
            "safeguarding_checked_by", sqlmodel.sql.sqltypes.AutoString(length=250), nullable=True
        ),
        sa.Column("safeguarding_checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("safeguarding_checked_version", sa.Integer(), nullable=True),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("modified_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_study_id"], ["case_study.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("open_for"),
    )
    with op.batch_alter_table("case_study_revision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_case_study_revision_case_study_id"), ["case_study_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("case_study_revision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_study_revision_case_study_id"))
    op.drop_table("case_study_revision")
    op.drop_column("draft", "amends_revision")
