"""The importer's row reasons, told in Chinese on the console's pages. A reason it does not know
(the importer may learn new ones) is shown as the importer wrote it."""

import re
from collections.abc import Callable
from pathlib import Path

AXIS = {"type": "类型", "urgency": "紧急程度"}

_REASONS: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    (re.compile(r"^empty text$"), lambda m: "内容为空"),
    (re.compile(r"^text has (\d+) characters; the limit is (\d+)$"), lambda m: f"内容有 {m[1]} 个字，超过上限 {m[2]}"),
    (
        re.compile(r"^unknown (type|urgency) (.+?); use one of (.+?) or their Chinese names$"),
        lambda m: f"{AXIS[m[1]]}“{m[2].strip(chr(39))}”无法识别；请用 {m[3]} 或对应的中文名",
    ),
    (
        re.compile(r"^same text already in (.+) as (\w+)/(\w+)$"),
        lambda m: f"语料中已有相同内容（{Path(m[1]).name}），标签为 {m[2]}/{m[3]}",
    ),
    (
        re.compile(r"^same text as row (\d+) with other labels \((\w+)/(\w+)\)$"),
        lambda m: f"与第 {m[1]} 行内容相同但标签不同（{m[2]}/{m[3]}）",
    ),
    (re.compile(r"^invalid JSON \((.+)\)$"), lambda m: f"不是有效的 JSON（{m[1]}）"),
    (re.compile(r"^a line must be a JSON object$"), lambda m: "每行必须是一个 JSON 对象"),
]


def reason_zh(reason: str) -> str:
    for pattern, say in _REASONS:
        if m := pattern.match(reason):
            return say(m)
    return reason
