"""Alembic's entry point: runs the migrations on the connection store.migrate hands it, inside the
transaction (and lock) store.migrate already holds."""

from alembic import context

from store.schema import metadata

context.configure(connection=context.config.attributes["connection"], target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
