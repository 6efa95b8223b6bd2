"""Runs every benchmark and writes bench/results.md: the machine, the figures, the commands.

.venv/bin/python -m bench.run               # all (about half an hour with the million-row batch run)
.venv/bin/python -m bench.run bench.batch   # only the named ones; the other sections are kept as they were
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
    "classify/bare throughput": ("≥", 0.6),
    "errors": ("=", 0),
    "rss_growth_pct": ("<", 10),
    "fit_seconds": ("≤", 120),  # for 100k records only
    "spark per core / one process": ("≥", 0.7),
}


def run(module: list[str]) -> list[dict[str, object]]:
    out = subprocess.run(
        [sys.executable, "-m", *module], cwd=ROOT, capture_output=True, text=True, check=True, timeout=1800
    ).stdout
    text = out.strip()
    if text.startswith("{") and text.endswith("}") and "\n{" not in text:
        return [json.loads(text)]
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def verdict(key: str, value: object) -> str:
    if key not in TARGETS or not isinstance(value, int | float):
        return ""
    op, target = TARGETS[key]
    ok = {"≤": value <= target, "≥": value >= target, "=": value == target, "<": value < target}[op]
    return f" (target {op} {target}: {'met' if ok else 'NOT met'})"


def section(title: str, module: list[str]) -> list[str]:
    lines = ["", f"## {title}", "", f"`.venv/bin/python -m {' '.join(module)}`", ""]
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


def previous(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The header and the sections (by title) of an earlier results file."""
    header: list[str] = []
    sections: dict[str, list[str]] = {}
    current = header
    for line in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        if line.startswith("## "):
            if current and current[-1] == "":
                current.pop()  # the blank line before a heading is the new section's own
            current = sections.setdefault(line[3:], [""])
        current.append(line)
    return header, sections


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("only", nargs="*", help="Benchmark modules to run (e.g. bench.batch); default all.")
    args = parser.parse_args()
    path = ROOT / "bench" / "results.md"
    now = f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, {os.cpu_count()} cores"
    lines = [
        "# Benchmark results",
        "",
        f"Last run {now}, Python {platform.python_version()}; produced by `.venv/bin/python -m bench.run`.",
        "Load goes to loopback only; every run is bounded in requests and time.",
    ]
    kept: dict[str, list[str]] = {}
    if args.only:
        header, kept = previous(path)
        lines = header or lines
    for title, module in BENCHES:
        if not args.only or module[0] in args.only:
            lines += section(title, module)
            if args.only:
                lines += [f"Run alone on {now} (`.venv/bin/python -m bench.run {module[0]}`).", ""]
        elif title in kept:
            lines += kept[title] + ([""] if kept[title][-1] else [])
    path.write_text("\n".join(lines).rstrip() + "\n", encoding="utf-8")
    print(path.read_text())


if __name__ == "__main__":
    main()
