"""The real `dispute-triage serve` process: refuses to start without a sound model, and on SIGTERM
finishes the request in flight before exiting 0."""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from nlp.registry import live_directory
from tests.service.live_server import free_port, wait_ready

CLI = [sys.executable, "-m", "cli.main"]
ROOT = Path(__file__).resolve().parents[2]


def env_for(models: Path, tmp_path: Path, **extra: str) -> dict[str, str]:
    return os.environ | {
        "DT_MODELS_DIR": str(models),
        "DT_DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


@pytest.fixture
def corrupt_registry(models_root: Path, tmp_path: Path) -> Path:
    root = tmp_path / "models"
    version = live_directory(models_root).name
    shutil.copytree(models_root / version, root / version)
    (root / "live.json").write_text(f'{{"version": "{version}", "history": []}}')
    model = root / version / "model.joblib"
    model.write_bytes(model.read_bytes()[:-100])
    return root


def test_corrupt_model_at_start_exits_1_with_one_clear_line(corrupt_registry: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        [*CLI, "serve", "--port", str(free_port())],
        env=env_for(corrupt_registry, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: cannot start without a model:")
    assert "model.joblib: sha256" in lines[0]
    assert "Traceback" not in done.stderr


def test_missing_model_at_start_exits_1(tmp_path: Path) -> None:
    done = subprocess.run(
        [*CLI, "serve", "--port", str(free_port())],
        env=env_for(tmp_path / "empty", tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "no live model" in done.stderr


def test_sigterm_finishes_the_request_in_flight_then_exits_0(models_root: Path, tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [*CLI, "serve", "--port", str(port)],
        env=env_for(models_root, tmp_path, DT_MAX_BODY_BYTES="20000000", DT_REQUEST_TIMEOUT_SECONDS="120"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server)
        # A batch slow enough (long texts) to still be running when SIGTERM arrives.
        items = [{"id": str(i), "text": "楼上漏水把天花板泡坏了，我找了物业好几次都没人管。" * 150} for i in range(500)]
        result: dict[str, object] = {}

        def call() -> None:
            r = httpx.post(f"{base}/v1/classify/batch", json={"items": items}, timeout=120)
            result["status"] = r.status_code
            result["n"] = len(r.json().get("results", [])) if r.status_code == 200 else r.text[:300]

        caller = threading.Thread(target=call)
        caller.start()
        time.sleep(1.0)
        assert caller.is_alive(), "the request finished before SIGTERM; make it slower"
        server.send_signal(signal.SIGTERM)
        caller.join(timeout=120)
        assert result == {"status": 200, "n": 500}
        assert server.wait(timeout=60) == 0
    finally:
        if server.poll() is None:
            server.kill()
