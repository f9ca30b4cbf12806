"""the numbers of pins, everyday-word decisions and allowed websites are never given twice: on
SQLite their tables are rebuilt with AUTOINCREMENT, as the draft table was (0013). Without it a
new row took the highest id left, so an Unpin, Forget or Remove pressed again, or from a page
opened before, acted on the next pin, decision or website instead of finding nothing. No table
refers to these, so rebuilding them deletes nothing. PostgreSQL's sequences never give a
number twice already: nothing to do there.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 12:50:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("best_bet", "lay_synonym", "embed_origin")


def _rebuild(autoincrement: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:  # batch mode copies the rows; SQLite counts on from the highest id
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
        ):
            pass


def upgrade() -> None:
    _rebuild(True)


def downgrade() -> None:
    _rebuild(False)
