"""Where the HTTP budget goes: milliseconds per request inside the ASGI app, without the server or
the network, for the bare endpoint, for POST /v1/classify with the prediction replaced by a fixed
one (what the service's own layers cost), and for POST /v1/classify as served.

It explains bench/http.py's ratio: the server and the socket add the same time to each request of
both apps, so a ratio of 0.6 leaves (1 / 0.6 - 1) × the bare endpoint's whole request time for
everything the classify route does beyond it.

    .venv/bin/python -m bench.overhead [--requests 2000] [--rounds 5]
"""

import argparse
import asyncio
import json
import os
import statistics
import time
from typing import Any

from fastapi import FastAPI

from bench.http import BODY
from nlp.predictor import Prediction

PAYLOAD = json.dumps(BODY, ensure_ascii=False).encode()
SCOPE: dict[str, Any] = {
    "type": "http",
    "asgi": {"version": "3.0"},
    "http_version": "1.1",
    "method": "POST",
    "scheme": "http",
    "path": "/v1/classify",
    "raw_path": b"/v1/classify",
    "query_string": b"",
    "root_path": "",
    "headers": [
        (b"host", b"127.0.0.1"),
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(PAYLOAD)),
    ],
    "client": ("127.0.0.1", 50000),
    "server": ("127.0.0.1", 8000),
}


async def request(app: FastAPI) -> None:
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": PAYLOAD, "more_body": False}

    status: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(SCOPE | {"state": {}}, receive, send)
    if status != [200]:
        raise RuntimeError(f"request answered {status}")


async def per_request_ms(app: FastAPI, n: int) -> float:
    for _ in range(200):
        await request(app)
    started = time.perf_counter()
    for _ in range(n):
        await request(app)
    return (time.perf_counter() - started) / n * 1000


async def measure(n: int, rounds: int) -> dict[str, float]:
    """Medians over interleaved rounds, so a burst of other load on the machine hits all three."""
    os.environ["DT_LOG_LEVEL"] = "WARNING"  # as bench/server.py serves it: no per-request log line
    from bench.bare_app import app as bare
    from service.main import create_app

    app = create_app()
    samples: dict[str, list[float]] = {"bare": [], "stubbed": [], "classify": []}
    async with app.router.lifespan_context(app):
        triage = app.state.holder.triage
        predict = triage.predict
        fixed: list[Prediction] = predict([BODY["text"]])
        for _ in range(rounds):
            samples["bare"].append(await per_request_ms(bare, n))
            triage.predict = predict
            samples["classify"].append(await per_request_ms(app, n))
            triage.predict = lambda texts: fixed  # the service's layers alone
            samples["stubbed"].append(await per_request_ms(app, n))
    bare_ms, layers_ms, classify_ms = (statistics.median(samples[k]) for k in ("bare", "stubbed", "classify"))
    return {
        "rounds": rounds,
        "bare_ms": round(bare_ms, 4),
        "classify_prediction_stubbed_ms": round(layers_ms, 4),
        "classify_ms": round(classify_ms, 4),
        "service_layers_beyond_bare_ms": round(layers_ms - bare_ms, 4),
        "service_layers_per_bare_request": round((layers_ms - bare_ms) / bare_ms, 2),
        "prediction_ms": round(classify_ms - layers_ms, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests per case and round")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(asyncio.run(measure(args.requests, args.rounds)), indent=2))


if __name__ == "__main__":
    main()
