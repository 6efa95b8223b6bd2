"""The framework's ceiling: a bare FastAPI endpoint that validates the same request body as
POST /v1/classify and returns a constant, for bench/http.py to serve the same way.

It is `async def`, like the classify route: a plain `def` would pay a thread-pool hop per request
(about 0.2 ms) and set the ceiling lower than the framework's own.
"""

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
