"""Bounded work per request (issue 13): a text is limited as NFKC expands it, long texts and
batches are predicted off the event loop, and a batch that hits the request timeout stops."""

import threading
import time
import unicodedata
from collections.abc import Iterator, Sequence

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from nlp.normalize import NFKC_MAX_GROWTH, nfkc_length
from nlp.predictor import Prediction
from service import offload
from service.main import create_app
from service.settings import Settings


def test_no_code_point_grows_more_than_the_bound_under_nfkc() -> None:
    growth = max(len(unicodedata.normalize("NFKC", chr(c))) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert growth == NFKC_MAX_GROWTH
    assert nfkc_length("\ufdfa") == 18 and nfkc_length("楼上漏水") == 4


@pytest.fixture(scope="module")
def app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings)
    with TestClient(app):
        yield app


def test_5000_times_u_fdfa_is_refused_before_any_prediction(app: FastAPI) -> None:
    with TestClient(app) as c:
        for path, body in (
            ("/v1/classify", {"text": "\ufdfa" * 5000}),
            ("/v1/classify/batch", {"items": [{"text": "楼上漏水"}, {"text": "\ufdfa" * 300}]}),
            ("/v1/feedback", {"text": "\ufdfa" * 5000, "type": "other", "urgency": "low"}),
        ):
            response = c.post(path, json=body)
            assert response.status_code == 422, (path, response.text)
            assert "after Unicode normalisation (NFKC); the limit is 5000" in response.json()["error"]["message"]
        assert (
            "items[1].text has 5400 characters after Unicode normalisation"
            in c.post("/v1/classify/batch", json={"items": [{"text": "楼上漏水"}, {"text": "\ufdfa" * 300}]}).json()[
                "error"
            ]["message"]
        )
        # Within the limit once expanded: served.
        assert c.post("/v1/classify", json={"text": "楼上漏水" + "\ufdfa" * 270}).status_code == 200


class Recorder:
    """Stands in for Triage.predict: notes the thread and size of every call, then predicts."""

    def __init__(self, predict: object, seconds_per_item: float = 0.0) -> None:
        self.predict = predict
        self.seconds_per_item = seconds_per_item
        self.calls: list[tuple[int, int, float]] = []  # (thread id, items, when it ended)

    def __call__(self, texts: Sequence[str]) -> list[Prediction]:
        time.sleep(self.seconds_per_item * len(texts))
        result = self.predict(list(texts))  # type: ignore[operator]
        self.calls.append((threading.get_ident(), len(texts), time.monotonic()))
        return result


@pytest.fixture
def recorder(app: FastAPI) -> Iterator[Recorder]:
    triage = app.state.holder.triage
    original = triage.predict
    triage.predict = recorder = Recorder(original)
    try:
        yield recorder
    finally:
        triage.predict = original


def test_a_long_text_is_predicted_off_the_event_loop_and_a_short_one_on_it(app: FastAPI, recorder: Recorder) -> None:
    with TestClient(app) as c:
        loop_thread = c.portal.call(lambda: threading.get_ident())  # type: ignore[union-attr]
        assert c.post("/v1/classify", json={"text": "楼上漏水把我家天花板泡坏了"}).status_code == 200
        assert c.post("/v1/classify", json={"text": "楼上漏水把我家天花板泡坏了。" * 100}).status_code == 200
    (short_thread, _, _), (long_thread, _, _) = recorder.calls
    assert short_thread == loop_thread
    assert long_thread != loop_thread


def test_a_batch_is_predicted_in_bounded_chunks(app: FastAPI, recorder: Recorder) -> None:
    items = [{"text": "楼上漏水把我家天花板泡坏了。" * (1 + i % 40)} for i in range(500)]
    with TestClient(app) as c:
        response = c.post("/v1/classify/batch", json={"items": items})
    assert response.status_code == 200 and len(response.json()["results"]) == 500
    assert sum(n for _, n, _ in recorder.calls) == 500
    assert all(n <= offload.CHUNK_ITEMS for _, n, _ in recorder.calls)
    assert len(recorder.calls) > 500 // offload.CHUNK_ITEMS


@pytest.mark.parametrize(
    ("sizes", "expected"),
    [
        ([1] * 250, [100, 100, 50]),
        ([15_000, 15_000, 1], [1, 2]),
        ([25_000, 10], [1, 1]),
        ([], []),
    ],
)
def test_chunks_bound_items_and_characters(sizes: list[int], expected: list[int]) -> None:
    parts = list(offload.chunks(sizes))
    assert [p.stop - p.start for p in parts] == expected
    assert [i for p in parts for i in range(p.start, p.stop)] == list(range(len(sizes)))


def test_a_batch_that_times_out_stops_its_work(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"request_timeout_seconds": 0.3}))
    with TestClient(app) as c:
        triage = app.state.holder.triage
        recorder = Recorder(triage.predict, seconds_per_item=0.002)  # 500 items: a whole second
        triage.predict = recorder
        response = c.post("/v1/classify/batch", json={"items": [{"text": "楼上漏水"}] * 500})
        answered = time.monotonic()
        assert response.status_code == 408
        time.sleep(1.5)  # long enough for the whole batch, had it gone on
    done = sum(n for _, n, _ in recorder.calls)
    assert done < 500
    assert all(ended < answered + 0.5 for _, _, ended in recorder.calls)
