"""Cold start: seconds from launching `dispute-triage serve` to /readyz answering 200, and the
server's resident memory then (median of several starts).

    .venv/bin/python -m bench.coldstart [--runs 5]
"""

import argparse
import json
import os
import statistics
import subprocess
import time

from bench.server import ROOT, free_port, rss_mb, service_command, wait_ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    starts, memory = [], []
    for _ in range(args.runs):
        port = free_port()
        started = time.perf_counter()
        proc = subprocess.Popen(
            service_command(port),
            cwd=ROOT,
            env=os.environ | {"DT_LOG_LEVEL": "WARNING"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_ready(f"http://127.0.0.1:{port}/readyz", proc=proc)
            starts.append(time.perf_counter() - started)
            memory.append(rss_mb(proc.pid))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(
        json.dumps(
            {
                "runs": args.runs,
                "cold_start_seconds": round(statistics.median(starts), 2),
                "cold_start_max_seconds": round(max(starts), 2),
                "rss_after_start_mb": round(statistics.median(memory)),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
