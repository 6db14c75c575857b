"""Alembic environment: runs on the connection `datawalk.store.migrate.upgrade` passes in.

There is no alembic.ini and no URL here on purpose: the store opens the database (with its SQLite
pragmas) and hands the connection over in `config.attributes`, inside its own transaction.
"""

from __future__ import annotations

from alembic import context

from datawalk.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through datawalk.store.migrate.upgrade, not alembic's CLI.")

# The tables module is the target for autogenerate only (`alembic check` in the tests): the
# migrations themselves never read it, so each revision keeps the schema it had.
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
