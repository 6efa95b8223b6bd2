"""模型 through the console: a training job to its report, the comparison and gate, promote (forced
only with a reason), rollback, and the running service told each time."""

import time
from pathlib import Path

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from console import audit
from console.settings import ConsoleSettings
from service.main import create_app as create_service
from service.settings import Settings
from tests.conftest import write_jsonl
from tests.console.conftest import csrf_of
from tests.corpus import RECORDS
from tests.service.live_server import running
from training import registry
from training.train import train


def wait_for_job(client: TestClient, job_url: str, timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = client.get(job_url).text
        if 'data-state="done"' in page or 'data-state="failed"' in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"job did not finish: {page}")


def test_a_training_job_reaches_its_report(signed_in: TestClient, console_settings: ConsoleSettings) -> None:
    before = set(registry.versions(console_settings.models_dir))
    token = csrf_of(signed_in.get("/models").text)
    started = signed_in.post("/models/train", data={"csrf_token": token}, follow_redirects=False)
    assert started.status_code == 303
    job_url = started.headers["location"]
    # One job at a time: a second start is refused while the first runs.
    assert signed_in.post("/models/train", data={"csrf_token": token}).status_code in (303, 409)
    page = wait_for_job(signed_in, job_url)
    assert 'data-state="done"' in page, page
    (new,) = set(registry.versions(console_settings.models_dir)) - before
    assert f"/models/{new}/report" in page
    report = signed_in.get(f"/models/{new}/report")
    assert report.status_code == 200 and "<table>" in report.text and f"{new}/report" not in report.text
    figure = signed_in.get(f"/models/{new}/test-confusion-type.png")
    assert figure.status_code == 200 and figure.content[:4] == b"\x89PNG"
    assert [e["action"] for e in audit.entries(console_settings.audit_log)] == ["train"]


def test_figures_and_reports_stay_inside_the_registry(signed_in: TestClient) -> None:
    assert signed_in.get("/models/..%2F..%2Fetc/report").status_code == 404
    live = signed_in.get("/models").text.split('id="live-version">')[1].split("<")[0]
    assert signed_in.get(f"/models/{live}/manifest.json").status_code == 404
    assert signed_in.get(f"/models/{live}/..%2Fmodel.png").status_code == 404


@pytest.fixture()
def candidate(console_settings: ConsoleSettings) -> str:
    return train(console_settings.data_dir, console_settings.models_dir, folds=2).version


@pytest.fixture()
def weak_candidate(console_settings: ConsoleSettings, tmp_path: Path) -> str:
    """Trained with every type label moved to the next type: far worse on the test split."""
    types = ["land", "wages", "family", "neighbour", "other"]
    wrong = [r | {"type": types[(types.index(r["type"]) + 1) % 5]} for r in RECORDS]
    weak = write_jsonl(tmp_path / "weak" / "weak.jsonl", wrong).parent
    return train(weak, console_settings.models_dir, folds=2).version


def test_comparison_shows_both_models_per_class_and_the_gate(signed_in: TestClient, candidate: str) -> None:
    page = signed_in.get(f"/models/{candidate}/compare")
    assert page.status_code == 200, page.text
    assert 'id="per-class"' in page.text and page.text.count("<tr><td>类型</td>") == 5
    assert page.text.count("<tr><td>紧急程度</td>") == 3
    assert 'id="gate"' in page.text and "类型 macro-F1" in page.text
    assert 'id="changes"' in page.text


def test_a_forced_promote_needs_a_written_reason_kept_in_the_audit_log(
    signed_in: TestClient, console_settings: ConsoleSettings, weak_candidate: str
) -> None:
    page = signed_in.get(f"/models/{weak_candidate}/compare").text
    token = csrf_of(page)
    live = registry.current(console_settings.models_dir)["version"]
    assert "未通过门槛" in page
    refused = signed_in.post(f"/models/{weak_candidate}/promote", data={"csrf_token": token})
    assert refused.status_code == 409 and "worse than live" in refused.text
    no_reason = signed_in.post(f"/models/{weak_candidate}/promote", data={"csrf_token": token, "force": "true"})
    assert no_reason.status_code == 422
    assert registry.current(console_settings.models_dir)["version"] == live
    reason = "新标注的一批案例需要尽快上线试用"
    done = signed_in.post(
        f"/models/{weak_candidate}/promote", data={"csrf_token": token, "force": "true", "reason": reason}
    )
    assert done.status_code == 200 and f"{weak_candidate} 已上线" in done.text
    (entry,) = audit.entries(console_settings.audit_log, actions=["promote"])
    assert entry["forced"] is True and entry["reason"] == reason and entry["analyst"] == "wang"
    assert entry["version"] == weak_candidate and entry["previous"] == live


def test_promote_and_rollback_tell_the_running_service(
    signed_in: TestClient, console_settings: ConsoleSettings, candidate: str, tmp_path: Path
) -> None:
    live = registry.current(console_settings.models_dir)["version"]
    service_settings = Settings(
        models_dir=console_settings.models_dir,
        database_url=f"sqlite:///{tmp_path}/service.db",
        admin_keys=["admin-key-for-tests"],
        intake_keys=["intake-key-for-tests"],
    )
    with running(create_service(service_settings)) as base, httpx.Client(base_url=base) as service:
        console_settings.service_url = base
        console_settings.service_admin_key = "admin-key-for-tests"
        intake = {"X-API-Key": "intake-key-for-tests"}

        def version() -> str:
            return str(service.post("/v1/classify", json={"text": "楼上漏水"}, headers=intake).json()["model_version"])

        assert version() == live
        token = csrf_of(signed_in.get(f"/models/{candidate}/compare").text)
        page = signed_in.post(
            f"/models/{candidate}/promote", data={"csrf_token": token, "force": "true", "reason": "测试上线流程"}
        )
        assert f"服务已换用模型 {candidate}" in page.text
        assert version() == candidate
        page = signed_in.post("/models/rollback", data={"csrf_token": csrf_of(page.text)})
        assert f"已回滚到 {live}" in page.text and f"服务已换用模型 {live}" in page.text
        assert version() == live
    actions = [(e["action"], e["version"]) for e in audit.entries(console_settings.audit_log)]
    assert actions == [("rollback", live), ("promote", candidate)]


def test_a_service_that_does_not_answer_is_reported_not_hidden(
    signed_in: TestClient, console_settings: ConsoleSettings, candidate: str
) -> None:
    console_settings.service_url = "http://127.0.0.1:9"  # the discard port: nothing listens
    token = csrf_of(signed_in.get("/models").text)
    page = signed_in.post(
        f"/models/{candidate}/promote", data={"csrf_token": token, "force": "true", "reason": "服务没有开着也要上线"}
    )
    assert "没有响应" in page.text
    assert registry.current(console_settings.models_dir)["version"] == candidate
