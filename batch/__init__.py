"""Whole files through the model on one machine: read in chunks, predict on every core, write atomically.

Sits on top of `nlp/` only; the service never imports it."""
