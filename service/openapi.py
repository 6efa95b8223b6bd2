"""/openapi.json with this process's own limits and headers: the longest text and the largest
batch are settings (DT_MAX_TEXT_CHARS, DT_MAX_BATCH_ITEMS), so the schema clients read is made from
them, not from numbers written into the models; and the key and request-id headers, which the
gateway middleware reads rather than a dependency of each route, are declared on every keyed route."""

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI

from service.middleware import SCOPES
from service.security import KEY_HEADERS
from service.settings import Settings

KEYED = tuple(prefix.rstrip("/") for prefix, _ in SCOPES)
TEXT_FIELDS = (("ClassifyRequest", "text"), ("BatchItem", "text"), ("FeedbackRequest", "text"))


def with_limits(app: FastAPI, settings: Settings) -> Callable[[], dict[str, Any]]:
    """A replacement for `app.openapi` that writes the settings' limits into the schema it makes."""
    make = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = make()
            models = schema["components"]["schemas"]
            for model, field in TEXT_FIELDS:
                models[model]["properties"][field]["maxLength"] = settings.max_text_chars
            models["BatchRequest"]["properties"]["items"]["maxItems"] = settings.max_batch_items
            for path, operations in schema["paths"].items():
                if path.startswith(KEYED):
                    for operation in operations.values():
                        operation.setdefault("parameters", []).extend(KEY_HEADERS)
        return app.openapi_schema  # type: ignore[return-value]

    return openapi
