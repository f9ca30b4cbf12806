"""Alembic's environment: the tables are SQLModel's; the connection comes from app.store.migrate."""

from alembic import context
from sqlmodel import SQLModel

from app.store import alert_tables, curation_tables, models, review_tables, revision_tables  # noqa: F401  (registers the tables)
from app.store.migrate import compare_type

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # `alembic` from the command line: connect by URL
    from app.config import Settings
    from app.store.db import make_engine

    connection = make_engine(Settings().database_url).connect()

context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying
    compare_type=compare_type,
)
with context.begin_transaction():
    context.run_migrations()
