"""Who may call: API keys per scope (intake for /v1, admin for /admin), compared in constant time,
a loopback-only fallback when a scope has no key, a per-key rate limit, and a throttle on failed
authentication per client, so keys cannot be guessed at speed."""

import hashlib
import hmac
import math
from typing import Annotated

from fastapi import Depends, FastAPI, Header, Request

from service import clients
from service.deps import SettingsDep
from service.errors import Forbidden, RateLimited, Unauthorized
from service.settings import Settings
from service.throttle import TokenBucket


def matches(candidate: str, keys: list[str]) -> bool:
    """Constant-time comparison against every key, so timing says nothing about which one is close."""
    found = False
    for key in keys:
        found |= hmac.compare_digest(candidate.encode(), key.encode())
    return found


def _bucket(app: FastAPI, name: str, per_minute: int) -> TokenBucket:
    bucket: TokenBucket | None = getattr(app.state, name, None)
    if bucket is None:
        bucket = TokenBucket(per_minute)
        setattr(app.state, name, bucket)
    return bucket


def _authorise(request: Request, settings: Settings, scope: str, given: str | None) -> str:
    """The identity the rate limit counts: the whole key, hashed, or the loopback client."""
    keys = settings.keys(scope)
    if not keys:
        if clients.is_local(request, settings.trusted_proxies):
            return f"client:{request.client.host if request.client else None}"
        raise Forbidden(
            f"no {scope} API key is configured, so only loopback clients are accepted "
            "(a forwarded request counts as loopback only through a proxy in DT_TRUSTED_PROXIES)"
        )
    if not given:
        raise Unauthorized("missing X-API-Key header")
    failures = None
    if settings.auth_failures_per_minute > 0:
        failures = _bucket(request.app, "auth_failures", settings.auth_failures_per_minute)
        client = f"client:{clients.address(request, settings.trusted_proxies)}"
        if (wait := failures.wait(client)) > 0:
            raise RateLimited(
                f"too many invalid API keys from this client; the limit is {settings.auth_failures_per_minute} "
                "a minute",
                math.ceil(wait),
            )
    if matches(given, keys):
        return "key:" + hashlib.sha256(given.encode()).hexdigest()
    other = "admin" if scope == "intake" else "intake"
    if matches(given, settings.keys(other)):
        raise Forbidden(f"this API key is for {other} routes, not {scope} routes")
    if failures is not None:
        failures.take(client)
    raise Unauthorized("invalid API key")


def _limit(request: Request, settings: Settings, identity: str) -> None:
    if settings.rate_limit_per_minute <= 0:
        return
    wait = _bucket(request.app, "rate_limiter", settings.rate_limit_per_minute).take(identity)
    if wait > 0:
        raise RateLimited(f"rate limit of {settings.rate_limit_per_minute} requests a minute reached", math.ceil(wait))


# Declared so that /docs and clients (and schemathesis) know them; the request id is handled by
# service.middleware.RequestContext before any route runs.
ApiKey = Annotated[str | None, Header(alias="X-API-Key", description="An API key of the route's scope.")]
RequestId = Annotated[
    str | None,
    Header(
        alias="X-Request-ID",
        description="Your id for this request (letters, digits, '.', '_', '-'; up to 64), sent back in the "
        "response; one is made when it is missing or not of that form.",
    ),
]


async def require_intake(request: Request, settings: SettingsDep, api_key: ApiKey = None, _: RequestId = None) -> None:
    _limit(request, settings, _authorise(request, settings, "intake", api_key))


async def require_admin(request: Request, settings: SettingsDep, api_key: ApiKey = None, _: RequestId = None) -> None:
    _authorise(request, settings, "admin", api_key)


IntakeAccess = Depends(require_intake)
AdminAccess = Depends(require_admin)
