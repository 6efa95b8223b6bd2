"""Whole-or-nothing output: a run writes to a temporary file beside OUT and renames it over OUT
only once everything is written and synced, so an interrupted or failed run leaves OUT as it was
(absent, or the previous run's complete file). After a hard kill (SIGKILL, power loss) the only
trace is a dot-named `.OUT.*.tmp` file in the same folder, never a half-written OUT."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """A temporary path to write to; on a clean exit it becomes `path`, on any exception it goes."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o666 & ~umask)  # as an ordinary new file, not mkstemp's owner-only mode
    try:
        yield tmp
        with tmp.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
