"""The registry (issue 13): a version is a name inside the registry, never a path; nothing outside
it is ever unpickled, on any path that loads a model (promote, rollback, the live pointer, the
service's reload); the checksum is checked before unpickling; and registry changes are serialised.

The hostile model here is a pickle whose loading creates a marker file, with a manifest whose
checksum matches it: if the marker appears, its code ran."""

import fcntl
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import joblib
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from cli.main import app
from nlp.artifact import ARTIFACT, MANIFEST, ArtifactError, load, sha256_of
from nlp.registry import live_directory, load_live, load_version
from service.main import create_app
from service.settings import Settings
from training import registry

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


class Payload:
    """Unpickling this calls open(marker, "w"): the file's existence proves the pickle ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return open, (str(self.marker), "w")


def hostile_model(folder: Path, marker: Path, *, artifact: str = ARTIFACT, honest_sha: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    joblib.dump(Payload(marker), folder / ARTIFACT)
    manifest = {
        "version": folder.name,
        "artifact": artifact,
        "artifact_sha256": sha256_of(folder / ARTIFACT) if honest_sha else "0" * 64,
        "labels": {"type": ["land", "wages", "family", "neighbour", "other"], "urgency": ["high", "medium", "low"]},
    }
    (folder / MANIFEST).write_text(json.dumps(manifest))
    return folder


@pytest.fixture
def reg(models_root: Path, tmp_path: Path) -> tuple[Path, str, Path]:
    """A registry holding a copy of the live model, and the marker file hostile models would create."""
    root = tmp_path / "models"
    version = live_directory(models_root).name
    shutil.copytree(models_root / version, root / version)
    (root / "live.json").write_text(json.dumps({"version": version, "history": []}))
    return root, version, tmp_path / "pickle-ran"


def test_the_payload_does_run_when_unpickled(tmp_path: Path) -> None:
    folder = hostile_model(tmp_path / "outside", tmp_path / "ran")
    with pytest.raises(ArtifactError, match="not a Pipeline"):
        load(folder)
    assert (tmp_path / "ran").exists()  # so its absence below means the pickle was never opened


@pytest.mark.parametrize("how", ["absolute", "dotdot", "dotdot inside", "dot", "backslash"])
def test_promote_of_a_path_is_refused_without_unpickling(reg: tuple[Path, str, Path], how: str) -> None:
    root, live, marker = reg
    outside = hostile_model(root.parent / "outside", marker)
    version = {
        "absolute": str(outside),
        "dotdot": "../outside",
        "dotdot inside": f"{live}/../../outside",
        "dot": ".",
        "backslash": "..\\outside",
    }[how]
    result = runner.invoke(app, ["models", "promote", version, "--force", "--models", str(root)])
    assert result.exit_code == 1
    assert "is not a version name" in result.output and "Traceback" not in result.output
    assert not marker.exists()
    assert json.loads((root / "live.json").read_text())["version"] == live


def test_a_symlink_out_of_the_registry_is_refused_without_unpickling(reg: tuple[Path, str, Path]) -> None:
    root, live, marker = reg
    outside = hostile_model(root.parent / "outside", marker)
    (root / "innocent").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ArtifactError, match="outside the registry"):
        registry.promote(root, "innocent", force=True)
    with pytest.raises(ArtifactError, match="outside the registry"):
        load_version(root, "innocent")
    assert not marker.exists()
    assert "innocent" not in registry.versions(root)


@pytest.mark.parametrize("artifact", ["../../outside/model.joblib", "/tmp/model.joblib", "sub/model.joblib", ".."])
def test_a_manifest_naming_a_file_elsewhere_is_refused(reg: tuple[Path, str, Path], artifact: str) -> None:
    root, _, marker = reg
    hostile_model(root.parent / "outside", marker)
    inside = hostile_model(root / "20990101-000000", root.parent / "unused-marker", artifact=artifact)
    (inside / ARTIFACT).unlink()
    with pytest.raises(ArtifactError, match="not a file name inside the model folder"):
        registry.promote(root, inside.name, force=True)
    assert not marker.exists()


def test_a_model_file_symlinked_out_of_its_folder_is_refused(reg: tuple[Path, str, Path]) -> None:
    root, _, marker = reg
    outside = hostile_model(root.parent / "outside", marker)
    inside = root / "20990101-000000"
    inside.mkdir()
    shutil.copy(outside / MANIFEST, inside / MANIFEST)
    (inside / ARTIFACT).symlink_to(outside / ARTIFACT)
    with pytest.raises(ArtifactError, match="outside its model folder"):
        registry.promote(root, inside.name, force=True)
    assert not marker.exists()


def test_a_checksum_mismatch_is_refused_before_unpickling(reg: tuple[Path, str, Path]) -> None:
    root, _, marker = reg
    hostile_model(root / "20990101-000000", marker, honest_sha=False)
    with pytest.raises(ArtifactError, match="sha256 .* does not match"):
        registry.promote(root, "20990101-000000", force=True)
    assert not marker.exists()


def test_a_live_pointer_out_of_the_registry_is_refused_everywhere(reg: tuple[Path, str, Path], tmp_path: Path) -> None:
    root, live, marker = reg
    hostile_model(root.parent / "outside", marker)
    settings = Settings(models_dir=root, database_url=f"sqlite:///{tmp_path}/db.sqlite")
    with TestClient(create_app(settings)) as client:
        (root / "live.json").write_text(json.dumps({"version": "../outside", "history": [live]}))
        response = client.post("/admin/reload")
        assert response.status_code == 409
        assert "is not a version name" in response.json()["error"]["message"]
        assert client.post("/v1/classify", json={"text": "楼上漏水"}).json()["model_version"] == live
    with pytest.raises(ArtifactError, match="live.json points at a version that cannot be served"):
        load_live(root)
    evaluated = runner.invoke(app, ["evaluate", str(ROOT / "data" / "test"), "--models", str(root)])
    assert evaluated.exit_code == 1 and "is not a version name" in evaluated.output
    assert not marker.exists()


def test_rollback_to_a_path_in_the_history_is_refused(reg: tuple[Path, str, Path]) -> None:
    root, live, marker = reg
    outside = hostile_model(root.parent / "outside", marker)
    (root / "live.json").write_text(json.dumps({"version": live, "history": [str(outside)]}))
    result = runner.invoke(app, ["models", "rollback", "--models", str(root)])
    assert result.exit_code == 1 and "is not a version name" in result.output
    assert not marker.exists()
    assert json.loads((root / "live.json").read_text())["version"] == live


def test_a_model_copied_into_the_registry_by_name_is_promoted(reg: tuple[Path, str, Path]) -> None:
    root, live, _ = reg
    shutil.copytree(root / live, root / "20990101-000000")
    pointer = registry.promote(root, "20990101-000000", force=True)
    assert pointer["history"] == [live]
    assert "20990101-000000" in registry.versions(root)
    (root / "not a name").mkdir()
    shutil.copy(root / live / MANIFEST, root / "not a name" / MANIFEST)
    assert "not a name" not in registry.versions(root)


# --- serialised changes -------------------------------------------------------------------------


def test_two_promotes_at_once_both_land_in_the_history(
    reg: tuple[Path, str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    root, live, _ = reg
    for name in ("20990101-000001", "20990101-000002"):
        shutil.copytree(root / live, root / name)
    read_pointer = registry.current

    def slow_read(r: Path) -> dict[str, object] | None:
        pointer = read_pointer(r)
        time.sleep(0.3)  # both would have read the same pointer here without the lock
        return pointer

    monkeypatch.setattr(registry, "current", slow_read)
    errors: list[BaseException] = []

    def promote(name: str) -> None:
        try:
            registry.promote(root, name, force=True)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=promote, args=(n,)) for n in ("20990101-000001", "20990101-000002")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    final = json.loads((root / "live.json").read_text())
    assert {final["version"], *final["history"]} == {live, "20990101-000001", "20990101-000002"}
    assert len(final["history"]) == 2


def test_a_promote_from_another_process_waits_for_the_lock(reg: tuple[Path, str, Path], tmp_path: Path) -> None:
    root, live, _ = reg
    shutil.copytree(root / live, root / "20990101-000001")
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    with (root / registry.LOCK).open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        other = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cli.main",
                "models",
                "promote",
                "20990101-000001",
                "--force",
                "--models",
                str(root),
            ],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        # The kernel lists a process blocked on a lock with "->" in /proc/locks.
        deadline = time.monotonic() + 120
        while not any(
            "->" in line and f" {other.pid} " in line for line in Path("/proc/locks").read_text().splitlines()
        ):
            assert other.poll() is None, other.stdout.read() if other.stdout else ""
            assert time.monotonic() < deadline, "the other promote never reached the lock"
            time.sleep(0.05)
        assert json.loads((root / "live.json").read_text())["version"] == live
    out, _ = other.communicate(timeout=60)
    assert other.returncode == 0, out
    assert json.loads((root / "live.json").read_text()) | {"promoted_at": None} == {
        "version": "20990101-000001",
        "history": [live],
        "promoted_at": None,
    }
