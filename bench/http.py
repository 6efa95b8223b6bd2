"""HTTP throughput of POST /v1/classify beside a bare FastAPI endpoint that validates the same body
and returns a constant, both served the same way (`service.workers.serve`: the same uvicorn
configuration and supervisor) with the same number of workers, 1 and then 2, on loopback, loaded by
the same tool (wrk if installed, else bench/loadgen.py) in the same run.

    .venv/bin/python -m bench.http [--seconds 10] [--connections 64] [--workers 1 2]
"""

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.loadgen import run
from bench.server import free_port, service_command, serving

TEXT = "我和隔壁老李家为了宅基地的地界吵了好几年，最近他家盖房又往我家这边占了半米，村里调解了两次都没用。"
BODY = {"text": TEXT}


def bare_command(port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "bench.bare_app", "--port", str(port), "--workers", str(workers)]


def classify_command(port: int, workers: int) -> list[str]:
    return [*service_command(port), "--workers", str(workers)]


def wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    # A Lua long string keeps the UTF-8 body as it is (Lua reads no \\u escapes).
    body = json.dumps(BODY, ensure_ascii=False)
    script = f'wrk.method = "POST"\nwrk.body = [[{body}]]\nwrk.headers["Content-Type"] = "application/json"\n'
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False, encoding="utf-8") as fh:
        fh.write(script)
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", fh.name, url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    Path(fh.name).unlink()

    def ms(label: str) -> float:
        m = re.search(rf"{label}\s+([\d.]+)(us|ms|s)", out)
        if not m:
            return float("nan")
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": ms("50%"),
        "p99_ms": ms("99%"),
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
    }


def python_load(url: str, seconds: int, connections: int) -> dict[str, float]:
    result = run(url, lambda i: BODY, total=10**9, concurrency=connections, limit=seconds)
    s = result.summary()
    return {"rps": s["rps"], "p50_ms": s["p50_ms"], "p99_ms": s["p99_ms"], "errors": s["errors"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    tool = "wrk" if shutil.which("wrk") else "bench/loadgen.py"
    load = wrk if tool == "wrk" else python_load
    report: dict[str, object] = {"tool": tool, "connections": args.connections, "seconds": args.seconds}
    for workers in args.workers:
        results = {}
        for name, command in (("bare endpoint", bare_command), ("classify", classify_command)):
            port = free_port()
            with serving(command(port, workers), port):
                url = f"http://127.0.0.1:{port}/v1/classify"
                load(url, 2, args.connections)  # warm-up
                results[name] = load(url, args.seconds, args.connections)
        ratio = results["classify"]["rps"] / results["bare endpoint"]["rps"]
        report[f"{workers} worker{'s' if workers > 1 else ''}"] = {
            "bare rps": round(results["bare endpoint"]["rps"]),
            "classify rps": round(results["classify"]["rps"]),
            "classify p50_ms": results["classify"]["p50_ms"],
            "classify p99_ms": results["classify"]["p99_ms"],
            "errors": results["classify"]["errors"] + results["bare endpoint"]["errors"],
            "classify/bare throughput": round(ratio, 3),
        }
    print(json.dumps(report, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
