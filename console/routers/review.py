"""复核队列: label the queued cases one by one with the keyboard, then confirm and write them into
the corpus through the importer, the same atomic, de-duplicating path as 导入."""

import json
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from console import audit
from console.auth import AnalystDep, CsrfCheck
from console.corpus import existing_records, write_plan
from console.deps import SettingsDep
from console.errors import Invalid, NotFound
from console.live import live_triage
from console.pages import flash, render
from console.queue import Case, Decisions, mark_reviewed, pending, reviewed_keys
from console.settings import ConsoleSettings
from console.uploads import safe_name
from nlp.labels import TYPES, URGENCIES, labels
from nlp.privacy import mask
from training.importer import ImportPlan, plan

router = APIRouter(prefix="/review", tags=["review"])


def _queue(request: Request, settings: ConsoleSettings) -> list[Case]:
    return pending(request.app.state.engine(), live_triage(settings.models_dir), reviewed_keys(settings.reviewed_log))


def _decisions(settings: ConsoleSettings, analyst: str) -> Decisions:
    return Decisions.load(settings.state_dir / "review", analyst)


@router.get("")
async def next_case(request: Request, analyst: AnalystDep, settings: SettingsDep) -> Response:
    """The next case not yet labelled or skipped in this session, with the keys to label it."""
    queue = await run_in_threadpool(_queue, request, settings)
    decided = _decisions(settings, analyst.name).items
    skipped = set(request.session.get("skipped", []))
    open_cases = [c for c in queue if c.key not in decided and c.key not in skipped]
    return render(
        request,
        "review.html",
        {
            "case": open_cases[0] if open_cases else None,
            "remaining": len(open_cases),
            "queued": len(queue),
            "decided": len([k for k in decided if k in {c.key for c in queue}]),
            "skipped": len(skipped),
            "types": labels("type"),
            "urgencies": labels("urgency"),
        },
    )


@router.post("/skipped/clear", dependencies=[CsrfCheck])
async def clear_skipped(request: Request, analyst: AnalystDep) -> RedirectResponse:
    request.session["skipped"] = []
    return RedirectResponse("/review", status_code=303)


@router.post("/case/{key}", dependencies=[CsrfCheck])
async def decide(
    request: Request,
    key: str,
    analyst: AnalystDep,
    settings: SettingsDep,
    action: Annotated[str, Form()] = "label",
    type: Annotated[str, Form()] = "",
    urgency: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Keep this analyst's labels for one case (written only after the confirm), or skip it."""
    if action == "skip":
        request.session["skipped"] = [*request.session.get("skipped", []), key][-500:]
        return RedirectResponse("/review", status_code=303)
    if type not in TYPES or urgency not in URGENCIES:
        raise Invalid(f"请选择类型（{'、'.join(TYPES)}）和紧急程度（{'、'.join(URGENCIES)}）。")
    decisions = _decisions(settings, analyst.name)
    decisions.items[key] = {"type": type, "urgency": urgency, "note": mask(note.strip()[:500])}
    decisions.save()
    return RedirectResponse("/review", status_code=303)


def _plan(request: Request, settings: ConsoleSettings, analyst: str) -> tuple[ImportPlan, dict[str, Case]]:
    """The decided cases as the importer sees them: what would be added, skipped or refused."""
    decided = _decisions(settings, analyst).items
    cases = {c.key: c for c in _queue(request, settings) if c.key in decided}
    lines = [
        json.dumps({"id": key, "text": case.text, "source": case.source, **decided[key]}, ensure_ascii=False)
        for key, case in cases.items()
    ]
    with tempfile.TemporaryDirectory(prefix="dt-console-review-") as folder:
        path = Path(folder) / safe_name(f"review-{analyst}.jsonl")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return plan(path, existing_records(settings.data_dir), max_chars=settings.max_text_chars), cases


@router.get("/confirm")
async def confirm(request: Request, analyst: AnalystDep, settings: SettingsDep) -> Response:
    """What will be added to the corpus, what is already there, and what is refused, before writing."""
    result, cases = await run_in_threadpool(_plan, request, settings, analyst.name)
    return render(request, "review_confirm.html", {"plan": result, "cases": cases})


@router.post("/commit", dependencies=[CsrfCheck])
async def commit(request: Request, analyst: AnalystDep, settings: SettingsDep) -> RedirectResponse:
    """Write the confirmed labels as one new corpus file and take the cases off the queue."""
    result, cases = await run_in_threadpool(_plan, request, settings, analyst.name)
    if not cases:
        raise NotFound("没有待写入的标注。")
    target = await run_in_threadpool(write_plan, result, settings.data_dir)
    refused = {p.values.get("id") for p in result.problems}
    decisions = _decisions(settings, analyst.name)
    outcome = [
        {"key": key, "analyst": analyst.name, "written": key not in refused, **decisions.items[key]} for key in cases
    ]
    mark_reviewed(settings.reviewed_log, [{k: v for k, v in o.items() if k != "note"} for o in outcome if o["written"]])
    for key in cases:
        if key not in refused:
            decisions.items.pop(key, None)
    decisions.save()
    audit.record(
        settings.audit_log,
        analyst=analyst.name,
        action="label",
        added=len(result.records),
        duplicates=result.duplicates,
        refused=len(result.problems),
        cases=sorted(k for k in cases if k not in refused),
        written_to=target.name if target else None,
    )
    where = f"写入 {target.name}" if target else "没有新记录"
    flash(request, f"{len(result.records)} 条标注已加入语料（{where}），{result.duplicates} 条语料中已有。")
    if result.problems:
        flash(request, f"{len(result.problems)} 条未写入：与语料中已有的标签冲突，见确认页。", "warn")
    return RedirectResponse("/review", status_code=303)
