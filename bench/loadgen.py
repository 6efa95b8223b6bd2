"""A small asyncio load generator (httpx2): a fixed number of requests at a fixed concurrency,
with an overall time limit, so a run always ends by itself."""

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies: list[float] = field(repr=False)
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    def summary(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.pct(0.50), 2),
            "p90_ms": round(self.pct(0.90), 2),
            "p99_ms": round(self.pct(0.99), 2),
            "max_ms": round(max(self.latencies) * 1000, 2),
            "mean_ms": round(statistics.fmean(self.latencies) * 1000, 2),
        }


async def _run(
    url: str, body: Callable[[int], dict[str, Any]], total: int, concurrency: int, limit: float
) -> LoadResult:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    counter = iter(range(total))
    deadline = time.perf_counter() + limit
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(timeout=30, limits=limits) as client:

        async def worker() -> None:
            nonlocal errors
            for i in counter:
                if time.perf_counter() > deadline:
                    return
                started = time.perf_counter()
                try:
                    response = await client.post(url, json=body(i))
                    statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
                    if response.status_code != 200:
                        errors += 1
                except httpx.HTTPError:
                    errors += 1
                    statuses[0] = statuses.get(0, 0) + 1
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.perf_counter() - started
    return LoadResult(len(latencies), errors, seconds, latencies, statuses)


def run(
    url: str, body: Callable[[int], dict[str, Any]], *, total: int, concurrency: int, limit: float = 900
) -> LoadResult:
    return asyncio.run(_run(url, body, total, concurrency, limit))
