"""best bets' positions without gaps: a store from before unpinning renumbered a query's pins
could hold positions 1 and 3, which GET /api/v1/best-bets listed until that query was pinned,
moved or unpinned. Each query's pins are numbered 1..n once, in the order search shows them
(position, then slug, as store/curation.py sorts them), and each query renumbered is recorded
in the change log, whose count every process polls to re-read the pins. Nothing to undo on the
way down: the positions stay 1..n.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 12:45:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from itertools import groupby

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PINS = sa.text('SELECT id, "query", position FROM best_bet ORDER BY "query", position, slug')
MOVE = sa.text("UPDATE best_bet SET position = :position WHERE id = :id")
RECORD = sa.text(
    "INSERT INTO curation_change (kind, subject, action, detail, actor, at) "
    "VALUES ('best_bet', :subject, 'renumbered', '', 'migration 0014', :at)"
).bindparams(sa.bindparam("at", type_=sa.DateTime(timezone=True)))  # as the tables write it


def upgrade() -> None:
    bind = op.get_bind()
    pins = bind.execute(PINS).all()
    for query, rows in groupby(pins, key=lambda row: row.query):
        moves = [
            {"id": row.id, "position": place}
            for place, row in enumerate(rows, start=1)
            if row.position != place
        ]
        if moves:
            bind.execute(MOVE, moves)
            bind.execute(RECORD, {"subject": query, "at": datetime.now(UTC)})


def downgrade() -> None:
    pass
