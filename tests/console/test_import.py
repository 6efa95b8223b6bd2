"""导入 through the console: preview names every bad row, writes go through training/importer.py."""

import json
from pathlib import Path

from fastapi.testclient import TestClient

from console.settings import ConsoleSettings
from tests.console.conftest import csrf_of

GOOD = [
    ("村里修路占了我家两分地，补偿款一直没给", "土地", "一般"),
    ("老板说这个月工资下个月一起发，已经拖了三次", "欠薪", "较急"),
    ("我弟弟喝醉了拿砖头砸我家门，电话13812345678", "家庭", "紧急"),
]


def csv_bytes(rows: list[tuple[str, str, str]], encoding: str = "utf-8-sig") -> bytes:
    lines = ["内容,类型,紧急程度"] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def preview(client: TestClient, name: str, data: bytes) -> str:
    token = csrf_of(client.get("/import").text)
    response = client.post("/import", data={"csrf_token": token}, files={"file": (name, data, "text/csv")})
    assert response.status_code == 200, response.text
    return response.text


def added_records(data_dir: Path) -> list[dict]:
    out = []
    for path in sorted(data_dir.glob("import-*.jsonl")):
        out += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    return out


def test_gbk_csv_with_two_bad_rows_names_both_and_writes_the_clean_ones(
    signed_in: TestClient, console_settings: ConsoleSettings
) -> None:
    rows = [*GOOD[:2], ("", "土地", "一般"), GOOD[2], ("邻居家的树挡住了阳光", "邻居吵架", "一般")]
    page = preview(signed_in, "台账.csv", csv_bytes(rows, "gbk"))
    assert "有问题 <b>2</b> 行" in page
    assert "<td>4</td><td>内容为空</td>" in page
    assert "<td>6</td><td>类型“邻居吵架”无法识别" in page
    assert "138****5678" in page and "13812345678" not in page
    assert 'id="write-all"' not in page  # a file with bad rows is never written whole

    token = page.split("/import/")[1].split("/write")[0]
    form = {"csrf_token": csrf_of(page), "mode": "clean"}
    done = signed_in.post(f"/import/{token}/write", data=form)
    assert done.status_code == 200, done.text
    assert "写入 3 条记录" in done.text
    records = added_records(console_settings.data_dir)
    assert [r["type"] for r in records] == ["land", "wages", "family"]
    assert "13812345678" not in json.dumps(records, ensure_ascii=False)

    rejects = signed_in.get(f"/import/{token}/rejects.csv")
    assert rejects.status_code == 200
    body = rejects.content.decode("utf-8-sig")
    assert body.splitlines()[0] == "row,reason,text,type,urgency"
    assert [line.split(",")[0] for line in body.splitlines()[1:]] == ["4", "6"]

    audit = signed_in.get("/audit").text
    assert "import" in audit and "added=3" in audit and "rejected=2" in audit
    assert GOOD[0][0] not in console_settings.audit_log.read_text(encoding="utf-8")


def test_a_clean_file_is_written_whole_and_a_second_time_only_skips(
    signed_in: TestClient, console_settings: ConsoleSettings
) -> None:
    page = preview(signed_in, "clean.csv", csv_bytes(GOOD))
    token = page.split("/import/")[1].split("/write")[0]
    done = signed_in.post(f"/import/{token}/write", data={"csrf_token": csrf_of(page), "mode": "all"})
    assert "写入 3 条记录" in done.text
    again = preview(signed_in, "clean.csv", csv_bytes(GOOD))
    assert "可写入 <b>0</b> 行" in again and "已在语料中（跳过）<b>3</b> 行" in again
    assert len(added_records(console_settings.data_dir)) == 3


def test_write_all_is_refused_when_rows_are_bad(signed_in: TestClient, console_settings: ConsoleSettings) -> None:
    page = preview(signed_in, "bad.csv", csv_bytes([GOOD[0], ("", "土地", "一般")]))
    token = page.split("/import/")[1].split("/write")[0]
    response = signed_in.post(f"/import/{token}/write", data={"csrf_token": csrf_of(page), "mode": "all"})
    assert response.status_code == 409
    assert added_records(console_settings.data_dir) == []


def test_unreadable_or_foreign_files_are_a_clear_4xx(signed_in: TestClient) -> None:
    token = csrf_of(signed_in.get("/import").text)
    wrong = signed_in.post("/import", data={"csrf_token": token}, files={"file": ("a.pdf", b"%PDF", "application/pdf")})
    assert wrong.status_code == 422 and "不支持的文件类型" in wrong.text
    no_column = signed_in.post(
        "/import", data={"csrf_token": token}, files={"file": ("a.csv", b"x,y\n1,2\n", "text/csv")}
    )
    assert no_column.status_code == 422 and "no column for text" in no_column.text
    assert "/tmp/" not in no_column.text  # the private upload folder is not shown


def test_another_analyst_cannot_write_my_upload(signed_in: TestClient, console_settings: ConsoleSettings) -> None:
    page = preview(signed_in, "clean.csv", csv_bytes(GOOD))
    token = page.split("/import/")[1].split("/write")[0]
    signed_in.app.state.uploads.get(token, "wang").analyst = "li"  # type: ignore[attr-defined]
    response = signed_in.post(f"/import/{token}/write", data={"csrf_token": csrf_of(page), "mode": "all"})
    assert response.status_code == 404
