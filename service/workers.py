"""`serve --workers N`: N processes answering on one port, each with its own model, under a small
supervisor (gunicorn's pre-fork model, without its configuration surface).

The caller binds the socket and loads and checks the live model once, so that a bad model ends
`serve` with exit 1 before any worker starts; the supervisor then forks the workers, which inherit
both and answer at once, sharing the model's memory until they load another. After that it only
passes signals on and replaces workers that die:

- SIGHUP goes to every worker: each looks at the registry now (`service.state.ModelHolder.follow`).
  A worker's POST /admin/reload sends SIGHUP to the supervisor, so it reaches every worker too.
- SIGTERM or SIGINT go to every worker, which stops accepting, finishes its requests in flight and
  exits; then the supervisor exits 0.
- A worker that dies is forked again (it loads the live model itself, being forked from a
  supervisor that has let its own copy go), a second later if it died young; after five young
  deaths in a row the supervisor stops the others and exits 1.

Each worker follows the registry's live pointer by itself, so no message is needed for a promote or
a rollback; signals only make it immediate.
"""

import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from contextlib import suppress
from types import FrameType

import uvicorn

log = logging.getLogger("dispute_triage")
YOUNG_SECONDS = 10.0
MAX_YOUNG_DEATHS = 5
STOP_SECONDS = 40.0  # beyond uvicorn's 30 s of graceful shutdown


def tell_siblings(supervisor: int | None) -> None:
    """Ask the supervisor (if this process is a worker) to pass SIGHUP on to every worker."""
    if supervisor:
        with suppress(ProcessLookupError, PermissionError):
            os.kill(supervisor, signal.SIGHUP)


def bind(host: str, port: int) -> socket.socket:
    """The listening socket every worker accepts on; the kernel hands each connection to one of them."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)  # uvicorn's own backlog
    sock.set_inheritable(True)
    return sock


def _exit_at_once(signum: int, frame: FrameType | None) -> None:
    os._exit(0)  # before uvicorn takes over a worker's signals there is no request to finish


class Supervisor:
    """Forks `workers` processes that each run `serve_one` (which returns an exit code)."""

    def __init__(self, serve_one: Callable[[], int], workers: int, after_fork: Callable[[], None]) -> None:
        self.serve_one = serve_one
        self.workers = workers
        self.after_fork = after_fork  # run in the supervisor once the first workers are forked
        self.children: dict[int, float] = {}  # pid -> when it started
        self.stopping = False

    def run(self) -> int:
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGHUP, signal.SIGTERM, signal.SIGINT)}
        try:
            for _ in range(self.workers):
                self._spawn()
            self.after_fork()
            log.info("workers started", extra={"workers": sorted(self.children), "pid": os.getpid()})
            return self._watch()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _spawn(self) -> None:
        pid = os.fork()
        if pid == 0:  # the worker
            code = 1
            try:
                signal.signal(signal.SIGHUP, signal.SIG_IGN)  # until its app listens for it
                signal.signal(signal.SIGTERM, _exit_at_once)
                signal.signal(signal.SIGINT, _exit_at_once)
                code = self.serve_one()
            except BaseException:
                log.exception("worker failed", extra={"pid": os.getpid()})
            finally:
                os._exit(code)
        self.children[pid] = time.monotonic()

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if signum != signal.SIGHUP:
            self.stopping = True
        forwarded = signal.SIGHUP if signum == signal.SIGHUP else signal.SIGTERM
        for pid in list(self.children):
            with suppress(ProcessLookupError):
                os.kill(pid, forwarded)

    def _reap(self) -> tuple[int, int] | None:
        """A worker that exited and its exit code, or None; waits a tenth of a second at most."""
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            time.sleep(0.1)
            return None
        return pid, os.waitstatus_to_exitcode(status)

    def _watch(self) -> int:
        young_deaths = 0
        stop_deadline: float | None = None
        while self.children:
            if self.stopping:
                stop_deadline = stop_deadline or time.monotonic() + STOP_SECONDS
                if time.monotonic() > stop_deadline:  # outlived the grace period
                    for child in self.children:
                        with suppress(ProcessLookupError):
                            os.kill(child, signal.SIGKILL)
            reaped = self._reap()
            if reaped is None:
                continue
            pid, code = reaped
            started = self.children.pop(pid, None)
            if started is None or self.stopping:
                continue
            young = time.monotonic() - started < YOUNG_SECONDS
            young_deaths = young_deaths + 1 if young else 0
            log.error("worker died", extra={"worker": pid, "exit_code": code, "pid": os.getpid()})
            if young_deaths >= MAX_YOUNG_DEATHS:
                log.error("workers keep dying at start; stopping", extra={"pid": os.getpid()})
                self._on_signal(signal.SIGTERM, None)
                while self.children:
                    if (reaped := self._reap()) is not None:
                        self.children.pop(reaped[0], None)
                return 1
            if young:
                time.sleep(1.0)
            self._spawn()
        return 0


def serve(config: uvicorn.Config, workers: int, let_go: Callable[[], None] = lambda: None) -> int:
    """Serve `config`'s app in this process (one worker) or in `workers` forked ones; the exit
    code. `let_go` runs in the supervisor once the workers are forked (to drop what they inherited)."""
    if workers == 1:
        server = uvicorn.Server(config)
        server.run()
        return 0 if server.started else 3  # not started: e.g. the port is taken, and uvicorn said why
    sock = bind(config.host, config.port)

    def serve_one() -> int:
        app = config.app
        app.state.supervisor = os.getppid()  # type: ignore[union-attr]
        worker = uvicorn.Server(config)
        worker.run(sockets=[sock])
        return 0 if worker.started else 3

    return Supervisor(serve_one, workers, let_go).run()
