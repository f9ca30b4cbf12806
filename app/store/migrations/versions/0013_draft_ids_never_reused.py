"""draft numbers are never given twice: on SQLite the draft table is rebuilt with AUTOINCREMENT
(without it a new row took the highest id left, so the number of a draft just sent, being the
highest, went to the next draft, and an old bookmark opened another draft). PostgreSQL's
sequence never gives a number twice already: nothing to do there.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 20:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    # Batch mode copies the rows into a new table made with (or without) the keyword; SQLite
    # then counts on from the highest id copied.
    with op.batch_alter_table(
        "draft", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
