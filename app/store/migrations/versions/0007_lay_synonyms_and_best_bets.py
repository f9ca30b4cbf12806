"""lay-language synonyms accepted or dismissed by moderators, best bets (case studies pinned to
a query), and the record of every change to them

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-29 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "lay_synonym",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phrase", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("decided_by", sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("lay_synonym", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lay_synonym_phrase"), ["phrase"], unique=True)

    op.create_table(
        "best_bet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("query", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("match", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("slug", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("query", "slug", name="uq_best_bet_query_slug"),
    )
    with op.batch_alter_table("best_bet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_best_bet_query"), ["query"], unique=False)

    op.create_table(
        "curation_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("detail", sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("curation_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_curation_change_subject"), ["subject"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("curation_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_curation_change_subject"))
    op.drop_table("curation_change")
    with op.batch_alter_table("best_bet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_best_bet_query"))
    op.drop_table("best_bet")
    with op.batch_alter_table("lay_synonym", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lay_synonym_phrase"))
    op.drop_table("lay_synonym")
