"""Alembic environment: runs on the connection `datawalk.store.engine.upgrade` passes in.

There is no alembic.ini and no URL here on purpose: the store opens the database (with its SQLite
pragmas) and hands the connection over in `config.attributes`, inside its own transaction.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through datawalk.store.engine.upgrade, not the alembic CLI.")

context.configure(connection=connection)
with context.begin_transaction():
    context.run_migrations()
