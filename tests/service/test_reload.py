"""Hot reload: models swap under continuous load with no failed request; a bad model is refused."""

import shutil
import threading
import time
from pathlib import Path

import httpx2 as httpx
import pytest

from service.main import create_app
from service.settings import Settings
from tests.service.live_server import running
from training import registry
from training.train import train


@pytest.fixture(scope="module")
def two_models(corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    root = tmp_path_factory.mktemp("reload-models")
    first = train(corpus_dir, root, folds=2).version
    second = train(corpus_dir, root, folds=2).version
    registry.promote(root, first)
    return root, first, second


def test_three_swaps_under_load_fail_no_request(two_models: tuple[Path, str, str], tmp_path: Path) -> None:
    root, first, second = two_models
    settings = Settings(models_dir=root, database_url=f"sqlite:///{tmp_path}/db.sqlite")
    stop = threading.Event()
    outcomes: list[tuple[int, str]] = []
    lock = threading.Lock()

    def hammer(base: str) -> None:
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                try:
                    r = client.post("/v1/classify", json={"text": "楼上漏水把我家天花板泡坏了"})
                    result = (r.status_code, r.json().get("model_version", "") if r.status_code == 200 else r.text)
                except httpx.HTTPError as exc:
                    result = (0, repr(exc))
                with lock:
                    outcomes.append(result)

    with running(create_app(settings)) as base:
        threads = [threading.Thread(target=hammer, args=(base,)) for _ in range(4)]
        for t in threads:
            t.start()
        swaps = []
        with httpx.Client(base_url=base, timeout=60) as admin:
            for target in (second, first, second):
                time.sleep(0.3)
                registry.promote(root, target, force=True)
                response = admin.post("/admin/reload")
                assert response.status_code == 200, response.text
                swaps.append(response.json()["model_version"])
        time.sleep(0.3)
        stop.set()
        for t in threads:
            t.join()

    assert swaps == [second, first, second]
    failures = [o for o in outcomes if o[0] != 200]
    assert failures == []
    assert len(outcomes) > 50
    assert {v for _, v in outcomes} == {first, second}


def test_corrupt_candidate_is_refused_and_old_model_keeps_answering(
    two_models: tuple[Path, str, str], tmp_path: Path
) -> None:
    root, first, second = two_models
    registry.promote(root, first, force=True) if registry.current(root)["version"] != first else None
    broken = root / "broken"
    shutil.copytree(root / second, broken)
    model = broken / "model.joblib"
    model.write_bytes(model.read_bytes()[:1000])
    settings = Settings(models_dir=root, database_url=f"sqlite:///{tmp_path}/db.sqlite")
    with running(create_app(settings)) as base, httpx.Client(base_url=base, timeout=30) as client:
        # Point live.json straight at the broken folder, as a botched manual deploy would.
        (root / "live.json").write_text('{"version": "broken", "history": []}')
        try:
            response = client.post("/admin/reload")
            assert response.status_code == 409
            message = response.json()["error"]["message"]
            assert "broken/model.joblib" in message and "sha256" in message
            assert f"still serving {first}" in message
            answer = client.post("/v1/classify", json={"text": "楼上漏水"})
            assert answer.status_code == 200
            assert answer.json()["model_version"] == first
            assert client.get("/readyz").status_code == 200
        finally:
            registry.promote(root, first, force=True)
            shutil.rmtree(broken)
