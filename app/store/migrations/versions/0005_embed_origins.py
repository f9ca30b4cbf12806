"""embed origins: the websites allowed to embed the service, kept in the store and managed by
moderators through the API (EMBED_ORIGINS and CORS_ORIGINS only seed the list)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "embed_origin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True),
        sa.Column("added_by", sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("embed_origin", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_embed_origin_origin"), ["origin"], unique=True)

    op.create_table(
        "embed_origin_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("origin", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=250), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("embed_origin_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_embed_origin_change_origin"), ["origin"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("embed_origin_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_embed_origin_change_origin"))
    op.drop_table("embed_origin_change")
    with op.batch_alter_table("embed_origin", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_embed_origin_origin"))
    op.drop_table("embed_origin")
