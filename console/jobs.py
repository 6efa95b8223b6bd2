"""Training jobs: each runs `training.train.train` in its own process (console/training_job.py) and
writes its progress to `<state>/jobs/<id>.json`, so the page shows it after a reload, and even after
a console restart; a job whose process is gone without finishing is reported failed."""

import json
import os
import re
import secrets
import subprocess
import sys
import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nlp.files import atomic_write

_ID = re.compile(r"^\d{8}-\d{6}-[a-f0-9]{6}$")


@dataclass
class Job:
    id: str
    analyst: str
    state: str = "queued"  # queued, running, done, failed
    percent: int = 0
    message: str = "等待开始"
    version: str | None = None
    error: str | None = None
    pid: int | None = None
    started_at: str = ""
    finished_at: str | None = None

    @property
    def finished(self) -> bool:
        return self.state in ("done", "failed")


def write_job(path: Path, job: Job) -> None:
    atomic_write(path, json.dumps(asdict(job), ensure_ascii=False))


def read_job(path: Path) -> Job:
    return Job(**json.loads(path.read_text(encoding="utf-8")))


def _alive(pid: int | None) -> bool:
    if pid is None:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobRefused(Exception):
    """Another training job is still running: two on two cores would only slow both."""


class Jobs:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._lock = threading.Lock()

    def _path(self, job_id: str) -> Path:
        return self.directory / f"{job_id}.json"

    def get(self, job_id: str) -> Job | None:
        if not _ID.match(job_id) or not self._path(job_id).is_file():
            return None
        job = read_job(self._path(job_id))
        if not job.finished and job.pid is not None and not _alive(job.pid):
            # Re-read first: the process may have finished between the two reads.
            job = read_job(self._path(job_id))
            if not job.finished:
                job.state, job.error = "failed", "训练进程意外结束（控制台重启或进程被终止）。"
                write_job(self._path(job_id), job)
        return job

    def recent(self, limit: int = 10) -> list[Job]:
        if not self.directory.is_dir():
            return []
        ids = sorted((p.stem for p in self.directory.glob("*.json") if _ID.match(p.stem)), reverse=True)
        return [job for job in (self.get(i) for i in ids[:limit]) if job is not None]

    def running(self) -> Job | None:
        return next((job for job in self.recent() if not job.finished), None)

    def start(self, analyst: str, config: dict[str, Any]) -> Job:
        """Start `python -m console.training_job` on `config`; refused while another job runs."""
        with self._lock:
            if (busy := self.running()) is not None:
                raise JobRefused(busy.id)
            self.directory.mkdir(parents=True, exist_ok=True)
            now = datetime.now(UTC)
            job = Job(
                id=f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}",
                analyst=analyst,
                started_at=now.isoformat(timespec="seconds"),
            )
            path = self._path(job.id)
            write_job(path, job)
            atomic_write(path.with_suffix(".config"), json.dumps(config, ensure_ascii=False))
            with path.with_suffix(".log").open("w", encoding="utf-8") as log:
                process = subprocess.Popen(
                    [sys.executable, "-m", "console.training_job", str(path)],
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    stdin=subprocess.DEVNULL,
                    start_new_session=True,  # a console restart or Ctrl-C does not kill the training
                )
            job.pid = process.pid
            if read_job(path).state == "queued":  # the child has not written yet
                write_job(path, job)
            threading.Thread(target=process.wait, daemon=True).start()  # reaped, never a zombie
            return job
