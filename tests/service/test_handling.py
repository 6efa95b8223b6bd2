"""Handling follows the centre's 四级七天 ladder, each level's hours from settings, clipped to the
urgency's deadline; the old `deadline_hours` field stays as it was."""

from pathlib import Path

from fastapi.testclient import TestClient

from service.handling import handling
from service.main import create_app
from service.settings import Settings


def ladder(settings: Settings, urgency: str) -> list[tuple[str, str, int, int]]:
    return [(x.level, x.name, x.hours, x.due_hours) for x in handling(settings, urgency).levels]


def test_low_follows_the_whole_seven_days() -> None:
    settings = Settings()
    assert ladder(settings, "low") == [
        ("grid", "网格员", 24, 24),
        ("community", "社区", 48, 72),
        ("centre", "综治中心", 48, 120),
        ("township", "乡镇", 48, 168),
    ]
    assert handling(settings, "low").deadline_hours == 168 and not handling(settings, "low").same_day


def test_medium_reaches_every_level_within_its_deadline_and_high_the_same_day() -> None:
    settings = Settings()
    assert [due for *_, due in ladder(settings, "medium")] == [24, 48, 48, 48]
    high = handling(settings, "high")
    assert high.same_day and high.deadline_hours == 4
    assert [due for *_, due in ladder(settings, "high")] == [4, 4, 4, 4]


def test_each_level_s_hours_come_from_settings() -> None:
    settings = Settings(level_grid_hours=12, level_township_hours=24, deadline_low_hours=200)
    assert [(hours, due) for *_, hours, due in ladder(settings, "low")] == [(12, 12), (48, 60), (48, 108), (24, 132)]


def test_classify_answers_with_the_ladder_and_the_old_deadline_field(models_root: Path) -> None:
    settings = Settings(models_dir=models_root, level_grid_hours=6)
    with TestClient(create_app(settings)) as client:
        body = client.post("/v1/classify", json={"text": "我老公喝了酒拿着菜刀说要砍死我"}).json()
        calm = client.post("/v1/classify", json={"text": "对门把鞋柜放在楼道里，想问问怎么办"}).json()
    assert body["urgency"]["label"] == "high"
    assert body["handling"]["deadline_hours"] == 4 and body["handling"]["same_day"] is True
    assert [x["name"] for x in body["handling"]["levels"]] == ["网格员", "社区", "综治中心", "乡镇"]
    if calm["urgency"]["label"] == "low":
        assert calm["handling"]["levels"][0] == {"level": "grid", "name": "网格员", "hours": 6, "due_hours": 6}
        assert calm["handling"]["levels"][-1]["due_hours"] == 6 + 48 * 3
