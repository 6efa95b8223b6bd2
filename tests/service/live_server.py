"""Runs the real app under uvicorn, configured as `dispute-triage serve` runs it, on a free loopback
port, for tests that need real concurrency or the real HTTP server."""

import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2 as httpx
import uvicorn
from fastapi import FastAPI

from service.server import config as server_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(app: FastAPI, *, plain: bool = False) -> Iterator[str]:
    """The service as `serve` configures it; `plain`: uvicorn's defaults, for another app (the console)."""
    port = free_port()
    if plain:
        config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    else:
        config = server_config(app, app.state.settings, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def wait_ready(base: str, server: "subprocess.Popen[str]", timeout: float = 90) -> None:
    """Until `base`/readyz answers 200; fails with the server's error output if it exits first."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline and server.poll() is None, server.stderr and server.stderr.read()
        time.sleep(0.1)


@contextmanager
def serve_process(
    command: list[str], env: dict[str, str], cwd: Path | None = None
) -> Iterator[tuple[str, "subprocess.Popen[str]"]]:
    """`command` (a `serve` without --port) on a free port until ready; stopped with SIGTERM at the
    end, which must end it with exit code 0 (a graceful shutdown)."""
    port = free_port()
    server = subprocess.Popen(
        [*command, "--port", str(port)], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, server)
        yield base, server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            assert server.wait(timeout=60) == 0
        finally:
            if server.poll() is None:
                server.kill()
