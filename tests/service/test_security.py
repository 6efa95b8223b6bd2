"""Who may call what: intake and admin keys, rotation, key files, the loopback-only fallback."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings

TEXT = {"text": "楼上漏水把我家天花板泡坏了"}


@pytest.fixture(scope="module")
def keyed(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    key_file = tmp_path_factory.mktemp("keys") / "intake.txt"
    key_file.write_text("file-key-3\n\n")
    keyed_settings = settings.model_copy(
        update={"intake_keys": ["old-key-1", "new-key-2"], "intake_keys_file": key_file, "admin_keys": ["admin-key"]}
    )
    with TestClient(create_app(keyed_settings)) as c:
        yield c


def test_no_key_is_401(keyed: TestClient) -> None:
    response = keyed.post("/v1/classify", json=TEXT)
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "missing X-API-Key header"


def test_wrong_key_is_401(keyed: TestClient) -> None:
    response = keyed.post("/v1/classify", json=TEXT, headers={"X-API-Key": "old-key-"})
    assert response.status_code == 401
    assert response.json()["error"]["message"] == "invalid API key"


@pytest.mark.parametrize("key", ["old-key-1", "new-key-2", "file-key-3"])
def test_every_rotated_key_works(keyed: TestClient, key: str) -> None:
    assert keyed.post("/v1/classify", json=TEXT, headers={"X-API-Key": key}).status_code == 200
    assert keyed.get("/v1/labels", headers={"X-API-Key": key}).status_code == 200


def test_intake_key_on_admin_route_is_403(keyed: TestClient) -> None:
    response = keyed.post("/admin/reload", headers={"X-API-Key": "old-key-1"})
    assert response.status_code == 403
    assert "intake routes" in response.json()["error"]["message"]


def test_admin_key_reloads_but_is_not_an_intake_key(keyed: TestClient) -> None:
    assert keyed.post("/admin/reload", headers={"X-API-Key": "admin-key"}).status_code == 200
    assert keyed.post("/v1/classify", json=TEXT, headers={"X-API-Key": "admin-key"}).status_code == 403


def test_probes_and_metrics_need_no_key(keyed: TestClient) -> None:
    for path in ("/healthz", "/readyz", "/metrics"):
        assert keyed.get(path).status_code == 200, path


def test_without_keys_only_loopback_clients_are_served(settings: Settings) -> None:
    app = create_app(settings)
    with TestClient(app, client=("127.0.0.1", 5000)) as local:
        assert local.post("/v1/classify", json=TEXT).status_code == 200
        assert local.post("/admin/reload").status_code == 200
    with TestClient(app, client=("::1", 5000)) as local6:
        assert local6.post("/v1/classify", json=TEXT).status_code == 200
    with TestClient(app, client=("203.0.113.9", 5000)) as remote:
        response = remote.post("/v1/classify", json=TEXT)
        assert response.status_code == 403
        assert "only loopback clients" in response.json()["error"]["message"]
        assert remote.post("/admin/reload").status_code == 403
        assert remote.get("/healthz").status_code == 200


def test_startup_warns_when_no_key_is_configured(settings: Settings, capfd: pytest.CaptureFixture[str]) -> None:
    from service import logs

    logs.configure()
    with TestClient(create_app(settings)):
        pass
    err = capfd.readouterr().err
    assert "no intake API key configured" in err and "no admin API key configured" in err


def test_key_file_that_cannot_be_read_fails_loudly(settings: Settings, tmp_path: Path) -> None:
    broken = settings.model_copy(update={"intake_keys_file": tmp_path / "missing.txt"})
    with pytest.raises(FileNotFoundError):
        broken.keys("intake")


def test_keys_added_to_the_key_file_work_without_a_restart(settings: Settings, tmp_path: Path) -> None:
    import os

    key_file = tmp_path / "keys.txt"
    key_file.write_text("first-key\n")
    with TestClient(create_app(settings.model_copy(update={"intake_keys_file": key_file}))) as c:
        assert c.post("/v1/classify", json=TEXT, headers={"X-API-Key": "second-key"}).status_code == 401
        key_file.write_text("first-key\nsecond-key\n")
        os.utime(key_file, ns=(1, key_file.stat().st_mtime_ns + 1_000_000))
        assert c.post("/v1/classify", json=TEXT, headers={"X-API-Key": "second-key"}).status_code == 200
        assert c.post("/v1/classify", json=TEXT, headers={"X-API-Key": "first-key"}).status_code == 200
