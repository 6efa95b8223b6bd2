"""Whole-file throughput: one input of N rows (default a million) resampled from the corpus, for
timing only (built in a temporary folder here, never kept), scored three ways in one run:
`classify --file` in one process, `classify --file` on every core, and the Spark job in local
mode (`local[*]`). Texts per second per core, end to end from the command's start (model loading,
JVM start and Parquet writing included); the target is Spark per core >= 0.7 x one process.

This machine is shared, so wall-clock rates per core move with whatever else runs. Beside them
each run's CPU time is summed over its whole process tree (sampled from /proc: the command, its
worker processes, Spark's JVM and Python workers), and texts per CPU-second are reported too: that
figure does not depend on what else is running.

    .venv/bin/python -m bench.batch [--rows 1000000] [--models models]
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "cli.main"]


def build_input(path: Path, rows: int) -> None:
    """`rows` texts drawn with replacement from data/labeled/, written in row groups of 100,000."""
    texts = [
        json.loads(line)["text"]
        for file in sorted((ROOT / "data" / "labeled").glob("*.jsonl"))
        for line in file.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    draw = random.Random(rows).choices(texts, k=rows)
    table = pa.table({"id": [f"r{i}" for i in range(rows)], "text": draw})
    pq.write_table(table, path, row_group_size=100_000)


def _stat(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()  # fields from the state on; the name may hold spaces


def _high_water_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def _tree(root: int) -> list[int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))):
            parents[int(entry.name)] = int(fields[1])
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def timed(command: list[str]) -> dict[str, float]:
    """Wall seconds, CPU seconds of the process tree, and the command's own peak resident MB.

    The peak is the kernel's VmHWM of the command's process, read while it runs: wait4's
    ru_maxrss would count the pages of this process it was forked from, which holds the input."""
    ticks = os.sysconf("SC_CLK_TCK")
    cpu: dict[int, float] = {}
    peak_kb = 0
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    while True:
        for pid in _tree(process.pid):
            if fields := _stat(pid):
                cpu[pid] = max(cpu.get(pid, 0.0), (int(fields[11]) + int(fields[12])) / ticks)
        peak_kb = max(peak_kb, _high_water_kb(process.pid))
        pid, status, _ = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read() if process.stderr else b""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr.decode()[-2000:]}")
    return {"seconds": seconds, "cpu_seconds": sum(cpu.values()), "peak_rss_mb": peak_kb / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    load = round(os.getloadavg()[0], 2)
    models = ["--models", str(args.models)]
    with tempfile.TemporaryDirectory(prefix="dt-bench-batch-") as folder:
        source = Path(folder) / "archive.parquet"
        build_input(source, args.rows)
        file_run = [*CLI, "classify", "--file", str(source), *models, "--out"]
        one = timed([*file_run, str(Path(folder) / "one.parquet"), "--workers", "1"])
        every = timed([*file_run, str(Path(folder) / "every.parquet"), "--workers", str(cores)])
        spark_run = [*CLI, "spark", "--input", str(source), "--output", str(Path(folder) / "spark"), *models]
        spark = timed([*spark_run, "--master", "local[*]"])
    n = args.rows
    one_rate, spark_rate = n / one["seconds"], n / spark["seconds"] / cores
    one_cpu, spark_cpu = n / one["cpu_seconds"], n / spark["cpu_seconds"]
    figures = {
        "rows": n,
        "cores": cores,
        "load_average_before": load,
        "one process: seconds": round(one["seconds"], 1),
        "one process: texts/s": round(one_rate),
        "one process: texts per CPU-second": round(one_cpu),
        "one process: peak_rss_mb": round(one["peak_rss_mb"]),
        "all cores: seconds": round(every["seconds"], 1),
        "all cores: texts/s per core": round(n / every["seconds"] / cores),
        "all cores: texts per CPU-second": round(n / every["cpu_seconds"]),
        "spark local: seconds": round(spark["seconds"], 1),
        "spark local: texts/s per core": round(spark_rate),
        "spark local: texts per CPU-second": round(spark_cpu),
        "spark per core / one process": round(spark_rate / one_rate, 3),
        "spark per CPU-second / one process": round(spark_cpu / one_cpu, 3),
    }
    print(json.dumps(figures, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
