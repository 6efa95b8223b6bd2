"""The framework's ceiling: a bare FastAPI endpoint that validates the same request body as
POST /v1/classify and returns a constant, served exactly as `dispute-triage serve` serves the
service (the same uvicorn configuration and, with --workers N, the same supervisor), so that
bench/http.py compares the two under the same server settings.

    .venv/bin/python -m bench.bare_app --port 8001 [--workers 2]

It is `async def`, like the classify route: a plain `def` would pay a thread-pool hop per request
(about 0.2 ms) and set the ceiling lower than the framework's own.
"""

import argparse
import sys

from fastapi import FastAPI

from service.schemas import ClassifyRequest

app = FastAPI()
CONSTANT = {"id": None, "type": {"label": "other"}, "urgency": {"label": "low"}}


@app.post("/v1/classify")
async def classify(body: ClassifyRequest) -> dict[str, object]:
    return CONSTANT | {"id": body.id}


@app.get("/readyz")
async def readyz() -> dict[str, str]:
    return {"status": "ready"}


def main() -> None:
    from service import server, workers
    from service.settings import Settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    app.state.supervisor = None
    config = server.config(app, Settings(), host=args.host, port=args.port, access_log=False, log_level="warning")
    sys.exit(workers.serve(config, args.workers))


if __name__ == "__main__":
    main()
