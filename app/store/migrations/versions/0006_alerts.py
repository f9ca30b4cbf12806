"""alerts: email alerts for a search (double opt-in), their send ledger, the alert job's lease
and its record of first publications, a stored signing key, and extra headers on outbox mail

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0006"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("headers", sa.JSON(), nullable=True))
    op.create_table(
        "alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", String(length=254), nullable=False),
        sa.Column("address_key", String(length=64), nullable=False),
        sa.Column("search", sa.JSON(), nullable=False),
        sa.Column("frequency", String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_change_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_address_key"), ["address_key"], unique=False)
    op.create_table(
        "alert_sending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("up_to_change_id", sa.Integer(), nullable=False),
        sa.Column("case_studies", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["alert_id"], ["alert.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alert_sending", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_sending_alert_id"), ["alert_id"], unique=False)
    op.create_table(
        "alert_publication",
        sa.Column("slug", String(length=120), nullable=False),
        sa.Column("change_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("slug"),
    )
    with op.batch_alter_table("alert_publication", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alert_publication_change_id"), ["change_id"], unique=False
        )
    op.create_table(
        "job_lease",
        sa.Column("name", String(length=40), nullable=False),
        sa.Column("holder", String(length=100), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "stored_secret",
        sa.Column("name", String(length=40), nullable=False),
        sa.Column("value", String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("stored_secret")
    op.drop_table("job_lease")
    with op.batch_alter_table("alert_publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_publication_change_id"))
    op.drop_table("alert_publication")
    with op.batch_alter_table("alert_sending", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_sending_alert_id"))
    op.drop_table("alert_sending")
    with op.batch_alter_table("alert", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alert_address_key"))
    op.drop_table("alert")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("headers")
