"""Runs every benchmark and writes bench/results.md: the machine, the figures, the commands.

.venv/bin/python -m bench.run               # all (about half an hour with the million-row batch run)
.venv/bin/python -m bench.run --only 'batch files and Spark'   # only the named sections; the others are kept
"""

import argparse
import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHES = [
    ("in-process", ["bench.inprocess"]),
    ("cold start", ["bench.coldstart"]),
    ("HTTP", ["bench.http"]),
    ("HTTP budget inside the app", ["bench.overhead"]),
    ("load", ["bench.load"]),
    ("training", ["bench.training_time"]),
    ("batch files and Spark", ["bench.batch"]),
]
TARGETS = {
    "single_p50_ms": ("≤", 1.0),
    "single_p99_ms": ("≤", 3.0),
    "batch_texts_per_second": ("≥", 5000),
    "cold_start_seconds": ("≤", 3.0),
    "rss_after_start_mb": ("≤", 300),
    "classify/bare throughput": ("≥", 0.5),
    "service_layers_beyond_bare_ms": ("≤", 0.03),
    "errors": ("=", 0),
    "rss_growth_pct": ("<", 10),
    "fit_seconds": ("≤", 120),  # for 100k records only
    "spark per core / one process": ("≥", 0.7),
}


def run(module: list[str]) -> list[dict[str, object]]:
    out = subprocess.run(
        [sys.executable, "-m", *module], cwd=ROOT, capture_output=True, text=True, check=True, timeout=3600
    ).stdout
    text = out.strip()
    if text.startswith("{") and text.endswith("}") and "\n{" not in text:
        return [json.loads(text)]
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def _load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg()) + " (1 / 5 / 15 min)"


def verdict(key: str, value: object) -> str:
    if key not in TARGETS or not isinstance(value, int | float):
        return ""
    op, target = TARGETS[key]
    ok = {"≤": value <= target, "≥": value >= target, "=": value == target, "<": value < target}[op]
    return f" (target {op} {target}: {'met' if ok else 'NOT met'})"


def section(title: str, module: list[str]) -> list[str]:
    lines = [f"## {title}", "", f"`.venv/bin/python -m {' '.join(module)}`", ""]
    for result in run(module):
        for key, value in result.items():
            if isinstance(value, dict):
                inner = ", ".join(f"{k} {v}{verdict(k, v)}" for k, v in value.items())
                lines.append(f"- {key}: {inner}")
            elif key == "fit_seconds" and result.get("records") != 100_000:
                lines.append(f"- {key}: {value}")
            else:
                lines.append(f"- {key}: {value}{verdict(key, value)}")
        lines.append("")
    return lines


def previous_sections(path: Path) -> dict[str, str]:
    """The sections of an earlier results.md by title, to keep those not run again."""
    if not path.exists():
        return {}
    parts = path.read_text(encoding="utf-8").split("\n## ")[1:]
    return {part.split("\n", 1)[0]: "## " + part.split("\nLoad average at the end")[0].rstrip() for part in parts}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", nargs="+", metavar="TITLE", help="run only these sections; the others are kept from results.md"
    )
    args = parser.parse_args()
    path = ROOT / "bench" / "results.md"
    kept = previous_sections(path) if args.only else {}
    when = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    command = "bench.run" + (" --only " + " ".join(repr(t) for t in args.only) if args.only else "")
    partial = f" (sections {', '.join(args.only)} in this run; the rest kept from the run before)" if args.only else ""
    lines = [
        "# Benchmark results",
        "",
        f"Run {when} on {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"produced by `.venv/bin/python -m {command}`{partial}.",
        "Load goes to loopback only; every run is bounded in requests and time.",
        f"Load average of the machine (shared with other work) at the start: {_load()}.",
    ]
    for title, module in BENCHES:
        lines.append("")
        if args.only and title not in args.only:
            lines += [kept.get(title, f"## {title}\n\n(not run)"), ""]
            continue
        lines += section(title, module)
    lines += ["", f"Load average at the end: {_load()}."]
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(path.read_text())


if __name__ == "__main__":
    main()
