"""Builds models from `data/labeled/` with the same `nlp` code the service predicts with."""
