"""Fixtures that fit a real pipeline on the small corpus and serve it from a registry in tmp_path."""

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings
from tests.corpus import RECORDS
from tests.postgres import PostgresServer
from training import registry
from training.train import train

# Nothing a test does may touch the developer's own database or depend on ../shared.
os.environ["DT_DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='dt-test-')}/default.db"
os.environ["DT_EVAL_DIRS"] = "[]"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("labeled")
    write_jsonl(directory / "small.jsonl", RECORDS)
    return directory


@pytest.fixture(scope="session")
def models_root(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path) -> Path:
    root = tmp_path_factory.mktemp("models")
    result = train(corpus_dir, root, folds=2)
    registry.promote(root, result.version)
    return root


@pytest.fixture
def tampered_registry(models_root: Path, tmp_path: Path) -> Path:
    """A copy of the registry whose live model file no longer matches its manifest's sha256."""
    root = tmp_path / "tampered-models"
    shutil.copytree(models_root, root)
    version = json.loads((root / "live.json").read_text())["version"]
    with (root / version / "model.joblib").open("ab") as fh:
        fh.write(b"tampered")
    return root


@pytest.fixture(scope="session")
def settings(models_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    database = tmp_path_factory.mktemp("db") / "feedback.db"
    return Settings(models_dir=models_root, database_url=f"sqlite:///{database}")


@pytest.fixture(scope="session")
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole run, started only if a test asks for it."""
    server = PostgresServer()
    yield server
    server.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of each backend the store supports: a SQLite file, or a new database on
    the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/store.db"
    server: PostgresServer = request.getfixturevalue("postgres")
    return server.create_database()
