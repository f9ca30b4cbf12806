"""case studies that stay current: when each was last checked (at first, when it was
published), and the "Is this still current?" reminders with each recipient's link

Revision ID: 0009
Revises: 0005
Create Date: 2026-11-29 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

case_study = sa.table(
    "case_study",
    sa.column("published", sa.String),
    sa.column("last_reviewed", sa.String),
)


def upgrade() -> None:
    # Plain ADD COLUMN: rebuilding the table on SQLite would drop the rows that refer to it.
    op.add_column("case_study", sa.Column("last_reviewed", sa.String(length=10), nullable=True))
    # Until someone says otherwise, a case study was last checked when it was published.
    op.get_bind().execute(case_study.update().values(last_reviewed=case_study.c.published))

    op.create_table(
        "review_reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_study_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_study_id"], ["case_study.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("case_study_id", "due_on"),
    )
    with op.batch_alter_table("review_reminder", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_reminder_case_study_id"), ["case_study_id"], unique=False
        )

    op.create_table(
        "review_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reminder_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["reminder_id"], ["review_reminder.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_link_reminder_id"), ["reminder_id"])
        batch_op.create_index(batch_op.f("ix_review_link_token_hash"), ["token_hash"], unique=True)
        batch_op.create_index(batch_op.f("ix_review_link_user_id"), ["user_id"])


def downgrade() -> None:
    with op.batch_alter_table("review_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_link_user_id"))
        batch_op.drop_index(batch_op.f("ix_review_link_token_hash"))
        batch_op.drop_index(batch_op.f("ix_review_link_reminder_id"))
    op.drop_table("review_link")
    with op.batch_alter_table("review_reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_reminder_case_study_id"))
    op.drop_table("review_reminder")
    op.drop_column("case_study", "last_reviewed")
