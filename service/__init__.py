"""The HTTP API intake systems call; loads a model built by `training` through `nlp` only."""
