"""An interrupted or failed run leaves no half-written output: OUT is absent, or the earlier
complete file, and no temporary file is left behind (except after SIGKILL, which nothing can catch)."""

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from batch import writers
from cli.main import app
from tests.batch.conftest import write_input
from tests.corpus import RECORDS

ROOT = Path(__file__).resolve().parents[2]
OLD = "the earlier run's complete output\n"


def big_csv(path: Path, rows: int) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "text"])
        writer.writerows((i, RECORDS[i % len(RECORDS)]["text"]) for i in range(rows))
    return path


def temporaries(folder: Path, out: Path) -> list[Path]:
    return list(folder.glob(f".{out.name}.*.tmp"))


def start_run(source: Path, out: Path, models: Path, workers: str) -> subprocess.Popen[bytes]:
    env = os.environ | {"DT_BATCH_CHUNK_ROWS": "200", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "cli.main", "classify", "--file", str(source), "--out", str(out)]
    return subprocess.Popen(
        [*command, "--models", str(models), "--workers", workers],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal gives a command
    )


def wait_for_partial_output(process: subprocess.Popen[bytes], folder: Path, out: Path) -> None:
    """Until the run has written part of its output (to the temporary file)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if any(p.stat().st_size > 64 * 1024 for p in temporaries(folder, out)):
            return
        assert process.poll() is None, process.communicate()
        time.sleep(0.05)
    pytest.fail("the run never started writing")


@pytest.mark.parametrize(
    ("sig", "workers", "code"),
    [(signal.SIGINT, "1", 130), (signal.SIGTERM, "1", 130), (signal.SIGINT, "2", 130), (signal.SIGKILL, "1", -9)],
)
def test_killed_mid_run_leaves_the_old_output(
    tmp_path: Path, models_root: Path, sig: int, workers: str, code: int
) -> None:
    source = big_csv(tmp_path / "big.csv", 200_000)
    out = tmp_path / "out.csv"
    out.write_text(OLD, encoding="utf-8")
    process = start_run(source, out, models_root, workers)
    wait_for_partial_output(process, tmp_path, out)
    # Ctrl-C in a terminal goes to the whole process group; a kill goes to the process named.
    if sig == signal.SIGINT:
        os.killpg(process.pid, sig)
    else:
        process.send_signal(sig)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == code, stderr.decode()
    assert out.read_text(encoding="utf-8") == OLD
    if sig != signal.SIGKILL:
        assert "interrupted" in stderr.decode() and "Traceback" not in stderr.decode()
        assert temporaries(tmp_path, out) == []


def test_a_worker_killed_mid_run_ends_the_run_in_one_line(tmp_path: Path, models_root: Path) -> None:
    source = big_csv(tmp_path / "big.csv", 200_000)
    out = tmp_path / "out.csv"
    out.write_text(OLD, encoding="utf-8")
    process = start_run(source, out, models_root, "2")
    wait_for_partial_output(process, tmp_path, out)
    workers = [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _parent(p) == process.pid and b"spawn_main" in (p / "cmdline").read_bytes()
    ]
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGKILL)  # as the kernel's out-of-memory killer would
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr.decode()
    assert "a worker process died" in stderr.decode() and "Traceback" not in stderr.decode()
    assert out.read_text(encoding="utf-8") == OLD and temporaries(tmp_path, out) == []


def _parent(proc: Path) -> int | None:
    try:
        stat = (proc / "stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2 :].split()[1])


def test_a_writer_failing_mid_run_leaves_no_output(
    tmp_path: Path, models_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real_write = writers.CsvSink.write

    def failing_write(self: writers.CsvSink, rows: list, values: list) -> None:
        calls.append(len(rows))
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        real_write(self, rows, values)

    monkeypatch.setattr(writers.CsvSink, "write", failing_write)
    source = write_input(tmp_path / "in", "jsonl")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        app, ["classify", "--file", str(source), "--out", str(out), "--models", str(models_root), "--workers", "1"]
    )
    assert result.exit_code == 1
    assert "No space left on device" in result.stderr and "out.csv was not written" in result.stderr
    assert len(calls) == 3
    assert not out.exists() and temporaries(tmp_path, out) == []
