"""Prometheus metrics of one app instance (its own registry, so several apps in one process, as in
tests, do not collide)."""

from collections.abc import Iterator
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from nlp.predictor import Prediction
from service.state import ModelHolder


class ModelCollector(Collector):
    """Reads the model in service at scrape time, so a reload shows without any bookkeeping."""

    def __init__(self, holder: ModelHolder) -> None:
        self.holder = holder

    def collect(self) -> Iterator[GaugeMetricFamily]:
        info = GaugeMetricFamily("dt_model_info", "The model in service (value 1).", labels=["version"])
        if self.holder.triage is not None:
            info.add_metric([self.holder.triage.version], 1)
        yield info
        yield GaugeMetricFamily(
            "dt_model_load_seconds", "Seconds the last model load and check took.", value=self.holder.load_seconds
        )


class Metrics:
    def __init__(self, holder: ModelHolder) -> None:
        self.registry = CollectorRegistry()
        self.registry.register(ModelCollector(holder))
        self.requests = Counter(
            "dt_requests", "HTTP requests by route and status.", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "dt_request_latency_seconds",
            "HTTP request latency by route.",
            ["route"],
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.predictions = Counter(
            "dt_predictions", "Predictions by type and urgency.", ["type", "urgency"], registry=self.registry
        )
        self.reviews = Counter(
            "dt_needs_review",
            "Predictions flagged needs_review (review rate = this / dt_predictions).",
            registry=self.registry,
        )
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
        self._predicted: dict[tuple[str, str], Any] = {}

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        # Labelled children are looked up once and kept: `labels()` takes a lock and builds a key.
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            children = self._children[key] = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(route),
            )
        children[0].inc()
        children[1].observe(seconds)

    def observe_predictions(self, predictions: list[Prediction]) -> None:
        for p in predictions:
            key = (p.type.label, p.urgency.label)
            child = self._predicted.get(key)
            if child is None:
                child = self._predicted[key] = self.predictions.labels(*key)
            child.inc()
            if p.needs_review:
                self.reviews.inc()

    def render(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST
