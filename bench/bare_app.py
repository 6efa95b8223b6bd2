"""The framework's ceiling: a bare FastAPI endpoint that validates the same request body as
POST /v1/classify and returns a constant, for bench/http.py to serve the same way."""

from fastapi import FastAPI

from service.schemas import ClassifyRequest

app = FastAPI()
CONSTANT = {"id": None, "type": {"label": "other"}, "urgency": {"label": "low"}}


@app.post("/v1/classify")
def classify(body: ClassifyRequest) -> dict[str, object]:
    return CONSTANT | {"id": body.id}


@app.get("/readyz")
def readyz() -> dict[str, str]:
    return {"status": "ready"}
