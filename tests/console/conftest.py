"""Console fixtures: a registry, corpus and test split of the console's own in tmp_path (never the
real data/labeled or models), and a signed-in TestClient."""

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from console.app import create_app
from console.settings import ConsoleSettings
from store import migrate
from store.engine import make_engine
from tests.conftest import write_jsonl
from tests.corpus import RECORDS

ANALYST_KEY = "analyst-key-wang-0001"
OTHER_KEY = "analyst-key-li-0002"
# Hand-written test split, kept apart from the training corpus.
TEST_RECORDS = [
    {"text": "隔壁村的人把我们的水渠填了，今年的地没法浇", "type": "land", "urgency": "medium"},
    {"text": "工厂倒闭了老板跑了，欠我们三个月工资", "type": "wages", "urgency": "medium"},
    {"text": "丈夫天天打我，昨晚又把我打得鼻子流血", "type": "family", "urgency": "high"},
    {"text": "楼下烧烤店油烟太大，窗户都不敢开", "type": "neighbour", "urgency": "low"},
    {"text": "快递丢了，快递公司不肯赔", "type": "other", "urgency": "low"},
    {"text": "他拿着刀站在村口说谁来量地就砍谁", "type": "land", "urgency": "high"},
]


def migrated(settings: ConsoleSettings) -> Engine:
    """An engine on the console's database with the store's schema, as the service would leave it."""
    engine = make_engine(settings.database_url)
    migrate.upgrade(engine)
    return engine


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def make_settings(tmp_path: Path, models_root: Path) -> ConsoleSettings:
    """Settings over copies: the real data/labeled, data/test and models are never touched."""
    data = tmp_path / "labeled"
    write_jsonl(data / "small.jsonl", RECORDS)
    test = tmp_path / "test"
    write_jsonl(test / "test.jsonl", TEST_RECORDS)
    registry = tmp_path / "models"
    shutil.copytree(models_root, registry)
    return ConsoleSettings(
        analyst_keys=[f"wang:{ANALYST_KEY}", f"li:{OTHER_KEY}"],
        data_dir=data,
        test_dir=test,
        eval_dirs=[],
        models_dir=registry,
        state_dir=tmp_path / "state",
        database_url=f"sqlite:///{tmp_path}/db.sqlite",
        service_url="",
        train_folds=2,
        train_jobs=1,
    )


@pytest.fixture()
def console_settings(tmp_path: Path, models_root: Path) -> ConsoleSettings:
    return make_settings(tmp_path, models_root)


@pytest.fixture()
def anonymous(console_settings: ConsoleSettings) -> Iterator[TestClient]:
    with TestClient(create_app(console_settings)) as client:
        yield client


@pytest.fixture()
def signed_in(anonymous: TestClient) -> TestClient:
    token = csrf_of(anonymous.get("/login").text)
    response = anonymous.post("/login", data={"key": ANALYST_KEY, "csrf_token": token, "next": "/models"})
    assert response.status_code == 200, response.text  # followed the redirect to /models
    return anonymous
