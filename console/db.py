"""The database the service writes, as the console reads it: the store's own functions, so the
console never defines a table of its own."""

from service.store import count_rows, feedback_rows, make_engine, review_rows

__all__ = ["count_rows", "feedback_rows", "make_engine", "review_rows"]
