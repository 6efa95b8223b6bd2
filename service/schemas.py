"""Request and response models of the public API, with the examples shown at /docs."""

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr
from pydantic.config import JsonDict

EXAMPLE_TEXT = "包工头欠我们二十几个人三个月工资，马上过年了还不给"
# Every character that counts as blank in Python or in JSON Schema's (ECMAScript) regexes, spelt
# out so the schema's pattern and the route's check agree on what "only whitespace" means.
BLANK_CLASS = r" \t\n\r\f\v\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_BLANK = re.compile(f"[{BLANK_CLASS}]*")
# Declared in the schema so clients (and schemathesis) know them; enforced by the routes against
# the settings, so the refusal names the problem in our words.
TEXT_LIMITS: JsonDict = {"minLength": 1, "maxLength": 5000, "pattern": f"[^{BLANK_CLASS}]"}


def is_blank(text: str) -> bool:
    return _BLANK.fullmatch(text) is not None


BATCH_LIMITS: JsonDict = {"minItems": 1, "maxItems": 500}


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "case-0001", "text": EXAMPLE_TEXT}]})

    text: StrictStr = Field(
        description="The dispute description, simplified or traditional Chinese (1–5,000 characters).",
        json_schema_extra=TEXT_LIMITS,
    )
    id: StrictStr | None = Field(None, max_length=200, description="The caller's own id, echoed back.")
    source: StrictStr | None = Field(
        None,
        max_length=64,
        description="The channel the case came in by (hotline, grid-app, mini-program …): counted in the "
        "statistics by day, type and urgency; never stored with the text.",
    )


class BatchItem(ClassifyRequest):
    pass


class BatchRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"items": [{"id": "a", "text": EXAMPLE_TEXT}, {"id": "b", "text": "昨天楼上又漏水了"}]}]
        }
    )

    items: list[BatchItem] = Field(
        description="Up to 500 items, answered in the same order.", json_schema_extra=BATCH_LIMITS
    )


class AxisResult(BaseModel):
    label: str = Field(description="Label code, e.g. `wages` or `high`.")
    name: str = Field(description="Chinese name of the label, e.g. 欠薪及劳动报酬 or 紧急.")
    confidence: float = Field(ge=0, le=1, description="Calibrated probability of `label`.")
    scores: dict[str, float] = Field(description="Calibrated probability of every label of this axis.")


class CueResult(BaseModel):
    phrase: str = Field(description="The words in the (normalised) text.")
    signal: str = Field(
        description="A danger signal (weapon, self_harm, violence, threat, confinement, gathering, neglect, "
        "hazard), which lifts urgency to high, or `type:<label>` / `urgency:<label>` for a phrase that "
        "pushed the model towards that label."
    )


class DangerResult(BaseModel):
    clause: str = Field(description="The sentence of the (normalised) text that carried the danger: read it first.")
    signals: list[str] = Field(description="Danger signals found in that sentence (empty when only the model read it).")
    p_high: float = Field(ge=0, le=1, description="The text model's P(high) for that sentence read alone.")


class FactorResult(BaseModel):
    factor: str = Field(
        description="An urgency factor of labels.md: many_affected, irreversible_loss, property_damage, "
        "vague_threat, failed_mediation, escalating, money_needed, dependant; or when things happened "
        "(recent, long_ago); or stable (a calm case or a request for advice)."
    )
    name: str = Field(description="The factor in Chinese, for the clerk.")
    phrase: str = Field(description="The words in the (normalised) text.")


class Handling(BaseModel):
    deadline_hours: int = Field(description="Hours within which the case must be handled, from its urgency.")


class ClassifyResponse(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "case-0001",
                    "type": {
                        "label": "wages",
                        "name": "欠薪及劳动报酬",
                        "confidence": 0.97,
                        "scores": {"family": 0.005, "land": 0.006, "neighbour": 0.004, "other": 0.015, "wages": 0.97},
                    },
                    "urgency": {
                        "label": "medium",
                        "name": "较急",
                        "confidence": 0.9,
                        "scores": {"high": 0.04, "low": 0.06, "medium": 0.9},
                    },
                    "needs_review": False,
                    "review_reasons": [],
                    "cues": [{"phrase": "包工头", "signal": "type:wages"}],
                    "danger": None,
                    "urgency_factors": [
                        {"factor": "many_affected", "name": "涉及十人（户）以上", "phrase": "二十几个人"},
                        {"factor": "irreversible_loss", "name": "延误将造成无法挽回的损失", "phrase": "马上过年"},
                    ],
                    "handling": {"deadline_hours": 48},
                    "model_version": "20261124-080000",
                }
            ]
        }
    )

    id: str | None
    type: AxisResult
    urgency: AxisResult
    needs_review: bool = Field(
        description="True when a person must check: possible danger, low confidence or too little Chinese."
    )
    review_reasons: list[str] = Field(
        description="Why needs_review is true ('possible danger' first when a case not called high may be "
        "dangerous); empty otherwise."
    )
    cues: list[CueResult]
    danger: DangerResult | None = Field(
        None, description="Where the danger is, for a case called high or flagged 'possible danger'."
    )
    urgency_factors: list[FactorResult] = Field(
        default_factory=list, description="The facts behind the urgency that the text states (labels.md's factors)."
    )
    handling: Handling
    model_version: str


class BatchResponse(BaseModel):
    results: list[ClassifyResponse]


class LabelInfo(BaseModel):
    code: str
    name: str
    definition: str
    handling: str | None = None


class LabelsResponse(BaseModel):
    type: list[LabelInfo]
    urgency: list[LabelInfo]


class StoreHealth(BaseModel):
    status: Literal["ok", "unavailable"] = Field(description="`ok` when the last write or check succeeded.")
    reason: str | None = Field(None, description="Why the store is unavailable: read-only, disk full, down ...")


class Health(BaseModel):
    status: str
    model_version: str | None = None


class Readiness(Health):
    store: StoreHealth = Field(description="Whether corrections can be stored now; never makes /readyz fail.")


class ModelInfo(BaseModel):
    model_config = ConfigDict(extra="allow")

    version: str
    created_at: str | None = None
    manifest: dict[str, Any]


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


TypeCode = Literal["land", "wages", "family", "neighbour", "other"]
UrgencyCode = Literal["high", "medium", "low"]


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "case-0001",
                    "text": EXAMPLE_TEXT,
                    "type": "wages",
                    "urgency": "medium",
                    "note": "模型判为其他，实为农民工欠薪",
                }
            ]
        }
    )

    id: StrictStr | None = Field(None, max_length=200, description="The caller's id of the case corrected.")
    text: StrictStr = Field(
        description="The text that was classified (masked before it is stored).", json_schema_extra=TEXT_LIMITS
    )
    type: TypeCode = Field(description="The correct type.")
    urgency: UrgencyCode = Field(description="The correct urgency.")
    note: StrictStr | None = Field(None, max_length=2000, description="Why; helps analysts review the correction.")


# An Idempotency-Key header on /v1/feedback: printable ASCII, as in the IETF draft's examples (a UUID).
IDEMPOTENCY_KEY: dict[str, Any] = {
    "alias": "Idempotency-Key",
    "min_length": 1,
    "max_length": 200,
    "pattern": r"^[\x21-\x7e]+$",
    "description": "A key of your choosing (a UUID) for this correction: a retry with the same key and body "
    "stores nothing new and answers with the first stored_id (and `Idempotent-Replayed: true`); the same key "
    "with another body is a 409.",
}


class FeedbackResponse(BaseModel):
    stored_id: int = Field(description="Row id of the stored correction.")
    id: str | None = Field(description="The caller's id, echoed back.")


class ReloadResponse(BaseModel):
    previous_version: str | None
    model_version: str


def error_responses(*codes: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI entries for the refusals a route can give, all with the one error body."""
    meaning = {
        401: "Missing or invalid X-API-Key.",
        403: "The key is for another scope, or no key is configured and the client is not on loopback.",
        408: "The request took longer than the configured timeout.",
        409: "The model could not be loaded or checked; the old one keeps serving.",
        413: "The request body is over the configured size.",
        422: "A field is missing, empty, too long or of the wrong type; the message names it.",
        429: "Rate limit reached, or too many invalid API keys from this client; see Retry-After.",
        431: "Request line and headers over the configured size or count (refused by the server).",
        503: "No model is loaded yet.",
    }
    return {code: {"model": ErrorResponse, "description": meaning[code]} for code in codes}


PUBLIC_ERRORS = error_responses(401, 403, 408, 413, 422, 429, 431, 503)
ADMIN_ERRORS = error_responses(401, 403, 408, 409, 413, 429, 431)
