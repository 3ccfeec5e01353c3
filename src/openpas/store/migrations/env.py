"""Alembic environment: migrations run on the connection openpas hands over."""

from __future__ import annotations

from alembic import context

from openpas.store import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - openpas always passes its connection
    raise RuntimeError("openpas runs its migrations through openpas.store.database.migrate")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
