"""Spreadsheets between preview and write, held in the console's memory only.

An upload holds personal texts before they are masked, so it never touches the disk except for
the moment the importer reads it (a private temporary folder, removed at once). It is dropped
after its write, and any upload older than an hour is swept; a console restart forgets them all.
"""

import re
import secrets
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

MAX_AGE_SECONDS = 3600
MAX_PENDING = 20
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def safe_name(filename: str) -> str:
    """The file's base name with anything but letters, digits, `-` and `_` in its stem replaced, so
    it can name a file in the corpus folder and nothing else."""
    base = Path(filename.replace("\\", "/")).name
    stem, suffix = Path(base).stem, Path(base).suffix.lower()
    stem = re.sub(r"[^\w-]", "_", stem)[:80].strip("_") or "upload"
    return f"{stem}{suffix}"


@dataclass
class Upload:
    token: str
    filename: str
    analyst: str
    data: bytes | None
    created: float = field(default_factory=time.monotonic)
    written: str | None = None
    rejects_csv: bytes | None = None


class Uploads:
    def __init__(self) -> None:
        self._items: dict[str, Upload] = {}
        self._lock = threading.Lock()

    def add(self, filename: str, data: bytes, analyst: str) -> Upload:
        upload = Upload(secrets.token_urlsafe(18), safe_name(filename), analyst, data)
        with self._lock:
            self._sweep()
            while len(self._items) >= MAX_PENDING:
                self._items.pop(next(iter(self._items)))
            self._items[upload.token] = upload
        return upload

    def get(self, token: str, analyst: str) -> Upload | None:
        """An upload of this analyst's (another analyst's tokens are not theirs to write)."""
        if not _TOKEN.match(token):
            return None
        with self._lock:
            self._sweep()
            upload = self._items.get(token)
        return upload if upload is not None and upload.analyst == analyst else None

    def _sweep(self) -> None:
        now = time.monotonic()
        for token in [t for t, u in self._items.items() if now - u.created > MAX_AGE_SECONDS]:
            del self._items[token]


@contextmanager
def as_file(upload: Upload) -> Iterator[Path]:
    """The upload as a file named like the original, in a private folder removed afterwards."""
    if upload.data is None:
        raise ValueError("this upload was already written")
    with tempfile.TemporaryDirectory(prefix="dt-console-upload-") as folder:
        path = Path(folder) / upload.filename
        path.write_bytes(upload.data)
        yield path
