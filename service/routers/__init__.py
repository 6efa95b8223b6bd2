"""Routers by concern: classification, and metadata and probes."""
