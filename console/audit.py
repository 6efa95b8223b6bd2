"""The audit log: one JSON line per change made in the console (import, label, train, promote,
rollback), with the time, the analyst's key name and what changed. Never a dispute text: entries
carry counts, file names, record ids, versions and the analyst's own written reasons."""

import json
import os
import threading
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_LOCK = threading.Lock()


def record(path: Path, *, analyst: str, action: str, **details: Any) -> dict[str, Any]:
    """Append one entry and fsync it before the change is reported done."""
    entry = {"time": datetime.now(UTC).isoformat(timespec="seconds"), "analyst": analyst, "action": action, **details}
    line = json.dumps(entry, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with _LOCK, path.open("a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())
    return entry


def entries(path: Path, *, actions: Iterable[str] | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """The latest entries first, optionally only some actions; a torn last line is skipped."""
    if not path.is_file():
        return []
    wanted = set(actions) if actions is not None else None
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict) and (wanted is None or entry.get("action") in wanted):
            out.append(entry)
    return out[::-1][:limit]
