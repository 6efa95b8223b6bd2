"""Request and response models of the public API, with the examples shown at /docs."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, ValidationInfo, field_validator
from pydantic.config import JsonDict

from nlp.labels import TYPES, URGENCIES, codes
from nlp.limits import BLANK_CLASS

EXAMPLE_TEXT = "包工头欠我们二十几个人三个月工资，马上过年了还不给"
# Declared in the schema so clients (and schemathesis) know them; maxLength and maxItems are the
# settings' own, put into /openapi.json by service.openapi. The routes enforce them (nlp.limits),
# so the refusal names the problem in our words.
TEXT_LIMITS: JsonDict = {"minLength": 1, "pattern": f"[^{BLANK_CLASS}]"}


BATCH_LIMITS: JsonDict = {"minItems": 1}


class ClassifyRequest(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"id": "case-0001", "text": EXAMPLE_TEXT}]})

    text: StrictStr = Field(
        description="The dispute description, simplified or traditional Chinese (at most maxLength characters).",
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
        description="At most maxItems items, answered in the same order.", json_schema_extra=BATCH_LIMITS
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


class HandlingLevel(BaseModel):
    level: Literal["grid", "community", "centre", "township"] = Field(description="A level of the 四级七天 ladder.")
    name: str = Field(description="The level in Chinese: 网格员, 社区, 综治中心, 乡镇.")
    hours: int = Field(ge=0, description="Hours this level has, after the levels before it.")
    due_hours: int = Field(ge=0, description="Hours from intake by which this level must have settled or passed it on.")


class Handling(BaseModel):
    deadline_hours: int = Field(description="Hours within which the case must be handled, from its urgency.")
    same_day: bool = Field(False, description="True when every level must act the same day (urgency high by default).")
    levels: list[HandlingLevel] = Field(
        default_factory=list,
        description="The 四级七天 ladder for this case, bottom first: each level's own hours and when it is due, "
        "never later than deadline_hours.",
    )


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
                    "handling": {
                        "deadline_hours": 48,
                        "same_day": False,
                        "levels": [
                            {"level": "grid", "name": "网格员", "hours": 24, "due_hours": 24},
                            {"level": "community", "name": "社区", "hours": 24, "due_hours": 48},
                            {"level": "centre", "name": "综治中心", "hours": 0, "due_hours": 48},
                            {"level": "township", "name": "乡镇", "hours": 0, "due_hours": 48},
                        ],
                    },
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
    serving_path: Literal["compiled", "pipeline"] | None = Field(
        None, description="How this process predicts: the compiled fast path, or the scikit-learn pipeline itself."
    )
    pid: int = Field(description="The process that answered (one of the workers of `serve --workers N`).")
    refused: str | None = Field(
        None, description="The last live model this process refused to load, and why; it keeps serving the old one."
    )
    store: StoreHealth = Field(description="Whether corrections can be stored now; never makes /readyz fail.")


class ModelInfo(BaseModel):
    model_config = ConfigDict(extra="allow")

    version: str
    created_at: str | None = None
    serving_path: Literal["compiled", "pipeline"] = Field(
        description="How this process predicts: `compiled` (nlp/compiled.py) or `pipeline` (scikit-learn's own "
        "steps, when the compiler cannot reproduce the model)."
    )
    fallback_reason: str | None = Field(None, description="Why the pipeline serves instead of the compiled path.")
    pid: int = Field(description="The process that answered.")
    manifest: dict[str, Any]


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorResponse(BaseModel):
    error: ErrorDetail


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
    type: StrictStr = Field(
        description="The correct type (a code of /v1/labels).", json_schema_extra={"enum": list(TYPES)}
    )
    urgency: StrictStr = Field(
        description="The correct urgency (a code of /v1/labels).", json_schema_extra={"enum": list(URGENCIES)}
    )
    note: StrictStr | None = Field(None, max_length=2000, description="Why; helps analysts review the correction.")

    @field_validator("type", "urgency")
    @classmethod
    def _known_label(cls, value: str, info: ValidationInfo) -> str:
        allowed = codes(str(info.field_name))
        if value not in allowed:
            raise ValueError(f"{value!r} is not one of {', '.join(allowed)}")
        return value


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
