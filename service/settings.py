"""All service configuration in one object, read from `DT_*` environment variables or `.env`."""

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import NoDecode

from nlp.config import CommonSettings
from store.settings import StoreSettings


class Settings(CommonSettings, StoreSettings):
    host: str = Field("127.0.0.1", description="Address `dispute-triage serve` binds to.")
    port: int = Field(8000, description="Port `dispute-triage serve` listens on.")
    workers: int = Field(
        1, ge=1, description="Worker processes `dispute-triage serve` runs on its one port, each with its own model."
    )
    reload_poll_seconds: float = Field(
        1.0,
        gt=0,
        description="How often each process reads the registry's live pointer, and loads (beside the old one) a "
        "model that was promoted or rolled back.",
    )
    review_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Below this type or urgency confidence a person must look (needs_review). Unset: the "
        "threshold chosen for the live model on the test split, stored in its manifest.",
    )
    min_han_chars: int = Field(4, ge=0, description="Texts with fewer Han characters are sent to review.")
    max_batch_items: int = Field(500, ge=1, description="Most items accepted in one batch request.")
    explain_top: int = Field(3, ge=0, description="How many driving phrases to list per label axis.")
    deadline_high_hours: int = Field(4, ge=1, description="Handling deadline for urgency high.")
    deadline_medium_hours: int = Field(48, ge=1, description="Handling deadline for urgency medium.")
    deadline_low_hours: int = Field(168, ge=1, description="Handling deadline for urgency low.")
    level_grid_hours: int = Field(24, ge=1, description="四级七天: hours the grid worker (网格员) has.")
    level_community_hours: int = Field(48, ge=1, description="四级七天: hours the community (社区) has next.")
    level_centre_hours: int = Field(48, ge=1, description="四级七天: hours the governance centre (综治中心) has next.")
    level_township_hours: int = Field(48, ge=1, description="四级七天: hours the township (乡镇) has last.")

    keep_low_confidence: bool = Field(
        False,
        description="Store predictions that need review (masked text, labels, confidences) for analysts to label. "
        "Off by default: dispute texts are personal.",
    )

    stats_timezone: str = Field(
        "Asia/Shanghai", description="Time zone whose calendar days the statistics counters are kept by."
    )
    stats_flush_seconds: float = Field(
        10.0, gt=0, description="How often the statistics counters counted in memory are added to the database."
    )

    intake_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="API keys accepted on /v1/* in the X-API-Key header, comma-separated; several at once so "
        "keys can be rotated. None configured (here or in intake_keys_file): only loopback clients may call.",
    )
    admin_keys: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="API keys accepted on /admin/*, comma-separated; same loopback rule."
    )
    intake_keys_file: Path | None = Field(None, description="A file of further intake keys, one a line.")
    admin_keys_file: Path | None = Field(None, description="A file of further admin keys, one a line.")
    max_body_bytes: int = Field(1_000_000, ge=1, description="Largest request body accepted (413 beyond).")
    max_header_bytes: int = Field(
        16_384, ge=1024, description="Largest request line and headers together, in bytes (431 beyond)."
    )
    max_headers: int = Field(100, ge=10, description="Most request headers accepted (431 beyond).")
    request_timeout_seconds: float = Field(10.0, gt=0, description="A request still running after this is a 408.")
    rate_limit_per_minute: int = Field(
        0, ge=0, description="Requests per minute allowed per API key (or per client without one); 0 is no limit."
    )
    auth_failures_per_minute: int = Field(
        10, ge=0, description="Invalid API keys a client may send per minute before it gets 429; 0 is no limit."
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Addresses or networks (comma-separated) of proxies whose X-Forwarded-For, Forwarded or "
        "X-Real-IP is believed; forwarding headers from anyone else are ignored.",
    )
    require_model: bool = Field(
        True, description="Refuse to start without a loadable live model (exit 1) rather than wait unready."
    )
    log_level: str = Field("INFO", description="Level of the JSON logs written to standard error.")

    @field_validator("intake_keys", "admin_keys", "trusted_proxies", mode="before")
    @classmethod
    def _split_keys(cls, value: object) -> object:
        if isinstance(value, str):
            return [k.strip() for k in value.split(",") if k.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for proxy in value:
            ipaddress.ip_network(proxy, strict=False)  # a ValueError names the bad entry
        return value

    @model_validator(mode="after")
    def _store_answers_in_time(self) -> "Settings":
        # A write still waiting on the database when the request times out could commit after
        # the caller was told it failed; bounding the wait below the request's rules that out.
        if self.database_timeout_seconds >= self.request_timeout_seconds:
            raise ValueError(
                f"database_timeout_seconds ({self.database_timeout_seconds:g}) must be below "
                f"request_timeout_seconds ({self.request_timeout_seconds:g})"
            )
        return self

    def keys(self, scope: str) -> list[str]:
        """Keys of `intake` or `admin` from the environment and the key file together."""
        keys = list(getattr(self, f"{scope}_keys"))
        path: Path | None = getattr(self, f"{scope}_keys_file")
        if path is not None:
            keys += _key_file(path, path.stat().st_mtime_ns)
        return keys

    def deadline_hours(self, urgency: str) -> int:
        return int(getattr(self, f"deadline_{urgency}_hours"))


@lru_cache(maxsize=8)
def _key_file(path: Path, mtime_ns: int) -> list[str]:
    """Keys in a file, read again only when the file changes: a rotation needs no restart, and a
    request costs one stat instead of a read."""
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()
