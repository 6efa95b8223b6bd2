"""Many processes, one live model: `serve --workers 2` and a second replica on another port share
one registry under continuous load; promote, rollback and a corrupt candidate reach every process
with no failed request."""

import os
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import pytest

from tests.service.live_server import serve_process
from tests.service.test_process import CLI, env_for
from training import registry
from training.train import train

SWITCH_SECONDS = 5.0
TEXT = {"text": "楼上漏水把我家天花板泡坏了"}


@pytest.fixture(scope="module")
def shared_registry(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    root = tmp_path_factory.mktemp("shared-models")
    first = train(corpus_dir, root, folds=2).version
    second = train(corpus_dir, root, folds=2).version
    registry.promote(root, first)
    return root, first, second


@contextmanager
def serving(
    root: Path, tmp_path: Path, workers: int, poll: float = 1.0
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    tmp_path.mkdir(exist_ok=True)
    env = env_for(root, tmp_path, DT_RELOAD_POLL_SECONDS=str(poll), DT_LOG_LEVEL="WARNING")
    with serve_process([*CLI, "serve", "--workers", str(workers)], env) as (base, server):
        yield base, server


def worker_pids(server: subprocess.Popen[str]) -> set[int]:
    """The workers of a `serve --workers N` process, from /proc: its children forked from it, so
    with its command line (any other child, a helper program it ran, is not a worker)."""
    supervisor = Path(f"/proc/{server.pid}/cmdline").read_bytes()
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    workers = set()
    for pid in children:
        try:
            if Path(f"/proc/{pid}/cmdline").read_bytes() == supervisor:
                workers.add(int(pid))
        except FileNotFoundError:  # ended while we looked
            pass
    return workers


class Observer:
    """Continuous load on every base URL from several threads, plus readiness samples on fresh
    connections (so they land on every worker): what each process answered, and when."""

    def __init__(self, bases: list[str]) -> None:
        self.bases = bases
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.failures: list[str] = []
        self.answers: list[tuple[float, str]] = []  # (time, model_version) of classify answers
        self.samples: list[tuple[float, int, str, str | None]] = []  # (time, pid, version, refused)
        self.threads = [threading.Thread(target=self._load, args=(b,)) for b in bases for _ in range(2)]
        self.threads += [threading.Thread(target=self._probe, args=(b,)) for b in bases]

    def _load(self, base: str) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not self.stop.is_set():
                sent = time.monotonic()
                try:
                    r = client.post("/v1/classify", json=TEXT)
                    ok = r.status_code == 200
                    outcome = r.json()["model_version"] if ok else f"{r.status_code} {r.text[:200]}"
                except httpx.HTTPError as exc:
                    ok, outcome = False, repr(exc)
                with self.lock:
                    (self.answers.append((sent, outcome)) if ok else self.failures.append(outcome))

    def _probe(self, base: str) -> None:
        while not self.stop.is_set():
            try:
                r = httpx.get(f"{base}/readyz", timeout=10)  # a new connection each time
                body = r.json()
                if r.status_code != 200:
                    raise RuntimeError(f"readyz {r.status_code}: {body}")
                with self.lock:
                    self.samples.append((time.monotonic(), body["pid"], body["model_version"], body["refused"]))
            except (httpx.HTTPError, RuntimeError) as exc:
                with self.lock:
                    self.failures.append(repr(exc))
            time.sleep(0.02)

    def __enter__(self) -> "Observer":
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join()

    def wait_until(self, pids: set[int], version: str, since: float) -> dict[int, float]:
        """Seconds after `since` at which each process was first seen serving `version`; waits for all."""
        deadline = time.monotonic() + SWITCH_SECONDS + 5
        seen: dict[int, float] = {}
        while time.monotonic() < deadline:
            with self.lock:
                seen = {}
                for t, pid, v, _ in self.samples:
                    if t >= since and v == version and pid not in seen:
                        seen[pid] = t - since
            if pids <= set(seen):
                return seen
            time.sleep(0.1)
        raise AssertionError(f"not every process serves {version}: seen {seen}, expected {sorted(pids)}")

    def after(self, since: float) -> list[tuple[int, str, str | None]]:
        with self.lock:
            return [(pid, v, refused) for t, pid, v, refused in self.samples if t >= since]


def test_every_process_follows_promote_rollback_and_refuses_a_corrupt_candidate(
    shared_registry: tuple[Path, str, str], tmp_path: Path
) -> None:
    root, first, second = shared_registry
    with (
        serving(root, tmp_path / "a", workers=2) as (base_a, server_a),
        serving(root, tmp_path / "b", workers=1) as (base_b, server_b),
    ):
        workers = worker_pids(server_a)
        assert len(workers) == 2, workers
        everyone = workers | {server_b.pid}
        assert len(everyone) == 3, (workers, server_b.pid)
        with Observer([base_a, base_b]) as seen:
            time.sleep(1.0)
            seen.wait_until(everyone, first, 0.0)

            promoted = time.monotonic()
            registry.promote(root, second, force=True)
            switched = seen.wait_until(everyone, second, promoted)
            print(f"promote: every process on {second} after {max(switched.values()):.2f} s")  # shown with -s
            assert max(switched.values()) <= SWITCH_SECONDS, switched

            rolled_back = time.monotonic()
            registry.rollback(root)
            switched = seen.wait_until(everyone, first, rolled_back)
            print(f"rollback: every process on {first} after {max(switched.values()):.2f} s")
            assert max(switched.values()) <= SWITCH_SECONDS, switched
            time.sleep(0.5)

            # A botched deploy: live.json pointed straight at a damaged copy of the other model.
            broken = root / "broken"
            shutil.copytree(root / second, broken)
            (broken / "model.joblib").write_bytes((root / second / "model.joblib").read_bytes()[:1000])
            pointed = time.monotonic()
            (root / "live.json").write_text(f'{{"version": "broken", "history": ["{first}"]}}')
            refused = {}
            while set(refused) != everyone and time.monotonic() < pointed + SWITCH_SECONDS + 5:
                refused |= {pid: r for pid, v, r in seen.after(pointed) if r and "broken" in r}
                time.sleep(0.1)
            assert set(refused) == everyone, refused
            assert all("sha256" in reason for reason in refused.values()), refused
            time.sleep(1.0)
            last = time.monotonic()
            time.sleep(1.0)
            assert {v for _, v, _ in seen.after(pointed)} == {first}
            late_answers = [v for t, v in seen.answers if t >= last]
            assert late_answers and set(late_answers) == {first}
            registry.promote(root, first, force=True)

        assert seen.failures == []
        assert len(seen.answers) > 100
        # The new model reached the load itself, not only the probes.
        assert {v for _, v in seen.answers} == {first, second}
        assert worker_pids(server_a) == workers  # no worker died on the way


def test_sighup_and_admin_reload_reach_every_worker(shared_registry: tuple[Path, str, str], tmp_path: Path) -> None:
    root, first, second = shared_registry
    if (registry.current(root) or {}).get("version") != first:
        registry.promote(root, first, force=True)
    # A poll slower than the test: only the signals can make the workers change model in time.
    with serving(root, tmp_path, workers=2, poll=600) as (base, server):
        workers = worker_pids(server)
        assert len(workers) == 2, workers
        with Observer([base]) as seen:
            time.sleep(0.5)
            registry.promote(root, second, force=True)
            signalled = time.monotonic()
            os.kill(server.pid, signal.SIGHUP)
            switched = seen.wait_until(workers, second, signalled)
            assert max(switched.values()) <= SWITCH_SECONDS
            registry.promote(root, first, force=True)
            reloaded = time.monotonic()
            response = httpx.post(f"{base}/admin/reload", timeout=60)
            assert response.status_code == 200 and response.json()["model_version"] == first
            switched = seen.wait_until(workers, first, reloaded)
            assert max(switched.values()) <= SWITCH_SECONDS
        assert seen.failures == []
