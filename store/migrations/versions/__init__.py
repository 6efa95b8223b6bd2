"""One file per schema change, oldest first; Alembic skips this file."""
