"""Token buckets per identity (an API key's hash, a client address): the per-key rate limit and the
throttle on failed authentication. Small and in-process, like the service; bounded in size, so a
flood of new identities cannot grow it without end."""

import threading
import time


class TokenBucket:
    """Buckets of `per_minute` tokens, refilled continuously, one per identity."""

    def __init__(self, per_minute: int, max_identities: int = 10_000) -> None:
        self.rate = per_minute / 60.0
        self.capacity = float(per_minute)
        self.max_identities = max_identities
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def _tokens(self, identity: str, now: float) -> float:
        tokens, last = self._buckets.get(identity, (self.capacity, now))
        return min(self.capacity, tokens + (now - last) * self.rate)

    def wait(self, identity: str) -> float:
        """Seconds until `identity` has a token again (0 if it has one now); takes nothing."""
        with self._lock:
            tokens = self._tokens(identity, time.monotonic())
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, identity: str) -> float:
        """Take a token: 0 if there was one, else the seconds until there is."""
        now = time.monotonic()
        with self._lock:
            tokens = self._tokens(identity, now)
            if tokens >= 1:
                self._buckets[identity] = (tokens - 1, now)
                self._bound(now)
                return 0.0
            self._buckets[identity] = (tokens, now)
            return (1 - tokens) / self.rate

    def _bound(self, now: float) -> None:
        if len(self._buckets) <= self.max_identities:
            return
        # Full buckets hold nothing worth keeping; if that is not enough, the longest idle go.
        self._buckets = {k: v for k, v in self._buckets.items() if self._tokens(k, now) < self.capacity}
        if len(self._buckets) > self.max_identities:
            recent = sorted(self._buckets.items(), key=lambda kv: kv[1][1])[-self.max_identities // 2 :]
            self._buckets = dict(recent)

    def __len__(self) -> int:
        return len(self._buckets)
