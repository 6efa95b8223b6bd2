"""Routers by concern: sign-in, import, models, training jobs, audit log."""
