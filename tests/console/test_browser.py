"""The console in a real headless Chromium: sign in, import with bad rows, train to the report,
promote and see the running service answer with the new version, roll back. Screenshots of the
pages go to docs/console/ for the README."""

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
import pytest
from openpyxl import Workbook
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from console.app import create_app
from console.settings import ConsoleSettings
from service.main import create_app as create_service
from service.settings import Settings
from tests.console.browser import chromium, screenshot
from tests.console.conftest import ANALYST_KEY, make_settings
from tests.service.live_server import running
from training import registry

ADMIN_KEY = "service-admin-key-1"
INTAKE_KEY = "service-intake-key-1"


@dataclass
class World:
    settings: ConsoleSettings
    console: str
    service: str
    first_live: str
    candidate: str = ""


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, models_root: Path) -> Iterator[World]:
    settings = make_settings(tmp_path_factory.mktemp("browser"), models_root)
    service_settings = Settings(
        models_dir=settings.models_dir,
        database_url=settings.database_url,
        admin_keys=[ADMIN_KEY],
        intake_keys=[INTAKE_KEY],
        keep_low_confidence=True,
        review_threshold=0.999,  # every case needs review, so every request sent lands in the queue
        stats_flush_seconds=0.2,
    )
    with running(create_service(service_settings)) as service_url:
        settings.service_url, settings.service_admin_key = service_url, ADMIN_KEY
        with running(create_app(settings), plain=True) as console_url:
            yield World(settings, console_url, service_url, registry.current(settings.models_dir)["version"])


@pytest.fixture(scope="module")
def browser() -> Iterator[WebDriver]:
    driver = chromium()
    yield driver
    driver.quit()


def wait(driver: WebDriver, seconds: float = 30) -> WebDriverWait:
    return WebDriverWait(driver, seconds)


def next_page(driver: WebDriver, act: Callable[[], None]) -> None:
    """Do `act` and wait for the page it leads to, so nothing is read from the one being left."""
    driver.execute_script("window.leftBehind = true")  # gone once the next page has loaded
    act()
    wait(driver, 120).until(
        lambda d: d.execute_script("return document.readyState === 'complete' && window.leftBehind === undefined")
    )


def click_and_load(driver: WebDriver, element_id: str) -> None:
    next_page(driver, driver.find_element(By.ID, element_id).click)


def service_version(world: World) -> str:
    response = httpx.post(f"{world.service}/v1/classify", json={"text": "楼上漏水"}, headers={"X-API-Key": INTAKE_KEY})
    assert response.status_code == 200, response.text
    return str(response.json()["model_version"])


def test_sign_in(world: World, browser: WebDriver) -> None:
    assert httpx.get(f"{world.console}/models").status_code == 401
    browser.get(f"{world.console}/models")
    assert "模型库" not in browser.page_source
    browser.find_element(By.ID, "key").send_keys("wrong-key-123")
    click_and_load(browser, "sign-in")
    error = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".flash.error")))
    assert "密钥无效" in error.text, browser.page_source
    browser.find_element(By.ID, "key").send_keys(ANALYST_KEY)
    click_and_load(browser, "sign-in")
    wait(browser).until(EC.presence_of_element_located((By.ID, "registry")))
    assert "wang" in browser.find_element(By.CSS_SELECTOR, ".who").text
    cookie = browser.get_cookie("dt_console")
    assert cookie is not None and cookie["httpOnly"] is True


def test_upload_with_two_bad_rows_then_write_the_clean_rows(world: World, browser: WebDriver, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["编号", "纠纷描述", "类型", "紧急程度", "备注"])
    sheet.append(["a1", "村委会把我家的宅基地划给了别人", "土地纠纷", "一般", ""])
    sheet.append(["a2", "包工头跑了，二十多个工人的工钱没人管", "欠薪", "较急", ""])
    sheet.append(["a3", "   ", "邻里纠纷", "一般", "空白行"])
    sheet.append(["a4", "前夫把孩子藏起来不让我见，已经一个月了", "婚姻家庭", "较急", ""])
    sheet.append(["a5", "楼上装修天天电钻响到夜里十一点", "邻里纠纷", "特急", "错的紧急程度"])
    path = tmp_path / "desk-2026-12.xlsx"
    book.save(path)

    browser.get(f"{world.console}/import")
    browser.find_element(By.ID, "file").send_keys(str(path))
    click_and_load(browser, "preview")
    problems = wait(browser).until(EC.presence_of_element_located((By.ID, "problems")))
    rows = [r.find_elements(By.TAG_NAME, "td") for r in problems.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert [(r[0].text, r[1].text.split("；")[0]) for r in rows] == [("4", "内容为空"), ("6", "紧急程度“特急”无法识别")]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#rows tbody tr")) == 3
    screenshot(browser, "import")

    click_and_load(browser, "write-clean")
    result = wait(browser).until(EC.presence_of_element_located((By.ID, "result"))).text
    assert "写入 3 条记录" in result and "拒绝 2 行" in result
    (written,) = world.settings.data_dir.glob("import-*-desk-2026-12.jsonl")
    assert [line.count('"id"') for line in written.read_text(encoding="utf-8").splitlines()] == [1, 1, 1]
    assert browser.find_elements(By.ID, "download-rejects")


TYPE_KEYS = {"1": "land", "2": "wages", "4": "neighbour"}
URGENCY_KEYS = {"6": "high", "7": "medium", "8": "low"}
QUEUED = ["对门邻居把垃圾堆在楼道里好几天了", "老板说这个月的工资要扣一半当押金", "他喝醉了说要拿刀去砍他哥哥"]


def test_label_three_queued_cases_by_keyboard_and_find_them_in_the_corpus(world: World, browser: WebDriver) -> None:
    for text in QUEUED:
        response = httpx.post(f"{world.service}/v1/classify", json={"text": text}, headers={"X-API-Key": INTAKE_KEY})
        assert response.status_code == 200 and response.json()["needs_review"] is True
    browser.get(f"{world.console}/review")
    assert "可能有危险" in browser.find_element(By.ID, "danger").text  # the knife comes first
    screenshot(browser, "review")
    chosen = {}
    for keys in (("1", "6"), ("2", "7"), ("4", "8")):  # type by 1-5, urgency by 6-8, then Enter
        text = browser.find_element(By.ID, "case-text").text
        next_page(browser, ActionChains(browser).send_keys(keys[0]).send_keys(keys[1]).send_keys(Keys.ENTER).perform)
        chosen[text] = (TYPE_KEYS[keys[0]], URGENCY_KEYS[keys[1]])
    assert set(chosen) == set(QUEUED)
    assert browser.find_elements(By.ID, "queue-empty")
    assert not list(world.settings.data_dir.glob("import-*-review-*.jsonl"))
    click_and_load(browser, "to-confirm")
    rows = (
        wait(browser)
        .until(EC.presence_of_element_located((By.ID, "to-add")))
        .find_elements(By.CSS_SELECTOR, "tbody tr")
    )
    assert len(rows) == 3
    click_and_load(browser, "commit")
    assert "3 条标注已加入语料" in wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".flash"))).text
    (written,) = world.settings.data_dir.glob("import-*-review-wang.jsonl")
    records = [json.loads(line) for line in written.read_text(encoding="utf-8").splitlines()]
    assert {r["text"]: (r["type"], r["urgency"]) for r in records} == chosen


def test_train_a_candidate_and_watch_progress_reach_the_report(world: World, browser: WebDriver) -> None:
    before = set(registry.versions(world.settings.models_dir))
    browser.get(f"{world.console}/models")
    browser.find_element(By.ID, "train").click()
    seen: list[int] = []
    deadline = time.monotonic() + 300
    while "/report" not in browser.current_url:
        assert time.monotonic() < deadline, browser.page_source
        page = browser.page_source  # one read of the page: it refreshes itself every second
        if bar := re.search(r'id="progress" max="100" value="(\d+)"', page):
            seen.append(int(bar.group(1)))
        assert 'data-state="failed"' not in page, page
        time.sleep(0.2)
    assert seen and seen == sorted(seen), seen  # the bar only moves forward
    assert seen[-1] == 100 or seen[-1] >= 80
    (world.candidate,) = set(registry.versions(world.settings.models_dir)) - before
    assert world.candidate in browser.find_element(By.TAG_NAME, "h1").text
    assert browser.find_elements(By.CSS_SELECTOR, "#report table")
    assert browser.find_elements(By.CSS_SELECTOR, "#report img")


def test_promote_and_the_running_service_answers_with_its_version(world: World, browser: WebDriver) -> None:
    assert service_version(world) == world.first_live
    browser.get(f"{world.console}/models/{world.candidate}/compare")
    wait(browser).until(EC.presence_of_element_located((By.ID, "per-class")))
    assert len(browser.find_elements(By.CSS_SELECTOR, "#gate tbody tr")) == 2
    if browser.find_elements(By.ID, "force"):  # the gate is shown as failed: force with a written reason
        browser.find_element(By.ID, "force").click()
        browser.find_element(By.ID, "reason").send_keys("浏览器测试：候选模型用新导入的案例训练")
    click_and_load(browser, "promote")
    flash = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".flash"))).text
    assert f"{world.candidate} 已上线" in flash and f"服务已换用模型 {world.candidate}" in flash
    assert service_version(world) == world.candidate
    assert browser.find_element(By.ID, "live-version").text == world.candidate
    assert world.candidate in browser.find_element(By.ID, "history").text
    screenshot(browser, "models")


def test_roll_back(world: World, browser: WebDriver) -> None:
    browser.get(f"{world.console}/models")
    click_and_load(browser, "rollback")
    flash = wait(browser).until(EC.presence_of_element_located((By.CSS_SELECTOR, ".flash"))).text
    assert f"已回滚到 {world.first_live}" in flash
    assert service_version(world) == world.first_live
    assert browser.find_element(By.ID, "live-version").text == world.first_live


SENT = [
    "小区门口的路灯坏了一个月没人修",
    "公司拖欠我们三个月工资，老板电话也不接",
    "邻居在楼道里堆满杂物",
    "儿子要把老人赶出家门",
]


def test_statistics_count_the_requests_sent_and_the_database_holds_no_text(world: World, browser: WebDriver) -> None:
    quiet = Settings(
        models_dir=world.settings.models_dir,
        database_url=world.settings.database_url,
        intake_keys=[INTAKE_KEY],
        stats_flush_seconds=0.2,
    )  # a second replica on the same database, which keeps no text for review
    with running(create_service(quiet)) as base:
        answers = [
            httpx.post(
                f"{base}/v1/classify", json={"text": t, "source": "browser-test"}, headers={"X-API-Key": INTAKE_KEY}
            ).json()
            for t in SENT
        ]
        time.sleep(0.6)
    reviewed = sum(a["needs_review"] for a in answers)
    browser.get(f"{world.console}/stats")
    rows = wait(browser).until(EC.presence_of_element_located((By.ID, "channels"))).find_elements(By.TAG_NAME, "tr")
    cells = {r.find_elements(By.TAG_NAME, "td")[0].text: r for r in rows[1:] if r.find_elements(By.TAG_NAME, "td")}
    assert cells["browser-test"].find_elements(By.TAG_NAME, "td")[1].text == str(len(SENT))
    assert cells["browser-test"].find_elements(By.TAG_NAME, "td")[2].text == f"{reviewed / len(SENT):.1%}"
    assert int(browser.find_element(By.ID, "total-cases").text) >= len(SENT)
    assert browser.find_elements(By.CSS_SELECTOR, "#chart-type rect")
    screenshot(browser, "stats")
    path = Path(world.settings.database_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))
    assert stored and not any(t.encode() in stored for t in SENT)


def test_an_analyst_key_is_not_an_intake_key_and_the_reverse(world: World) -> None:
    refused = httpx.post(f"{world.service}/v1/classify", json={"text": "楼上漏水"}, headers={"X-API-Key": ANALYST_KEY})
    assert refused.status_code == 401
    with httpx.Client(base_url=world.console) as client:
        form = client.get("/login").text
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        response = client.post("/login", data={"key": INTAKE_KEY, "csrf_token": token})
        assert response.status_code == 401 and "模型库" not in response.text
