"""A throwaway PostgreSQL server for the tests: a cluster in a temporary folder on a free loopback
port, made with Debian's postgresql package (`make test` installs it when missing).

The server refuses to run as root, so under root (as in CI) the cluster belongs to the package's
`postgres` user (created here if the package did not) and every server command runs as that user.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

from tests.service.live_server import free_port

USER = "postgres"


def bin_dir() -> Path:
    """The newest installed server's bin folder (15 on Debian 12)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: int(p.parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make test`, which installs Debian's postgresql package")
    return found[-1].parent


class PostgresServer:
    """One cluster; `stop("immediate")` kills it as a crash would, `start()` brings it back."""

    def __init__(self) -> None:
        self.bin = bin_dir()
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="dt-pg-"))
        self.data = self.root / "data"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            _ensure_user()
            shutil.chown(self.root, USER, USER)
            self.as_user = ["runuser", "-u", USER, "--"]
        # --no-sync: a throwaway cluster need not be on disk before it starts; the server itself syncs.
        self._run("initdb", "--no-sync", "-D", str(self.data), "-U", "dt", "--auth=trust", "-E", "UTF8", "--locale=C")
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.root}'",
            "max_connections": "200",
            "shared_buffers": "32MB",
            "fsync": "on",  # a kill -9 of the server must lose nothing acknowledged, as in production
        }
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{k} = {v}\n" for k, v in settings.items())
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        done = subprocess.run([*self.as_user, str(self.bin / tool), *args], capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise RuntimeError(f"{tool} failed: {done.stdout}{done.stderr}")

    def start(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://dt@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A new empty database; its SQLAlchemy URL."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        execute(self.url(), f"CREATE DATABASE {name}")
        return self.url(name)

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except RuntimeError:
            pass  # already stopped
        shutil.rmtree(self.root, ignore_errors=True)


def _ensure_user() -> None:
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER], check=True, timeout=60
        )


def libpq_url(url: str) -> str:
    """psycopg's form of a SQLAlchemy URL."""
    return url.replace("postgresql+psycopg://", "postgresql://")


def execute(url: str, statement: str) -> None:
    """Run one statement as the superuser, outside any transaction."""
    with psycopg.connect(libpq_url(url), autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]
