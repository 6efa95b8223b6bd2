"""Errors of the text path, importable without loading scikit-learn."""


class ArtifactError(Exception):
    """A model directory that must not be served; the message names the file and the fault."""
