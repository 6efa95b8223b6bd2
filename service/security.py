"""Who may call: API keys per scope (intake for /v1, admin for /admin), compared in constant time,
a loopback-only fallback when a scope has no key, and an optional per-key rate limit."""

import hmac
import ipaddress
import math
import threading
import time
from functools import lru_cache

from fastapi import Depends, Request

from service.deps import SettingsDep
from service.errors import Forbidden, RateLimited, Unauthorized
from service.settings import Settings


@lru_cache(maxsize=4096)
def is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "testclient"  # Starlette's in-process test client has no address


def matches(candidate: str, keys: list[str]) -> bool:
    """Constant-time comparison against every key, so timing says nothing about which one is close."""
    found = False
    for key in keys:
        found |= hmac.compare_digest(candidate.encode(), key.encode())
    return found


class TokenBucket:
    """Per-identity buckets refilled at `per_minute`; small and in-process, like the service."""

    def __init__(self, per_minute: int) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, identity: str) -> float:
        """0 if a request may pass now, else the seconds until one may."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(identity, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._buckets[identity] = (tokens - 1, now)
                return 0.0
            self._buckets[identity] = (tokens, now)
            return (1 - tokens) / self.rate


def _authorise(request: Request, settings: Settings, scope: str) -> str:
    keys = settings.keys(scope)
    given = request.headers.get("x-api-key")
    client = request.client.host if request.client else None
    if not keys:
        if is_loopback(client):
            return f"loopback:{client}"
        raise Forbidden(f"no {scope} API key is configured, so only loopback clients are accepted")
    if not given:
        raise Unauthorized("missing X-API-Key header")
    if matches(given, keys):
        return f"key:{given[-6:]}"
    other = "admin" if scope == "intake" else "intake"
    if matches(given, settings.keys(other)):
        raise Forbidden(f"this API key is for {other} routes, not {scope} routes")
    raise Unauthorized("invalid API key")


def _limit(request: Request, settings: Settings, identity: str) -> None:
    if settings.rate_limit_per_minute <= 0:
        return
    bucket: TokenBucket | None = getattr(request.app.state, "rate_limiter", None)
    if bucket is None:
        bucket = request.app.state.rate_limiter = TokenBucket(settings.rate_limit_per_minute)
    wait = bucket.take(identity)
    if wait > 0:
        raise RateLimited(f"rate limit of {settings.rate_limit_per_minute} requests a minute reached", math.ceil(wait))


async def require_intake(request: Request, settings: SettingsDep) -> None:
    _limit(request, settings, _authorise(request, settings, "intake"))


async def require_admin(request: Request, settings: SettingsDep) -> None:
    _authorise(request, settings, "admin")


IntakeAccess = Depends(require_intake)
AdminAccess = Depends(require_admin)
