"""Errors of a batch run that end it with one line: the message names the file and the fault."""


class BatchError(ValueError):
    """A file, its columns or the output cannot take part in a run."""
