"""模型: the registry, a model's report and figures, the comparison with the live model, promote
(with the gate shown, a written reason for a forced one) and rollback; both tell the service."""

import re
from typing import Annotated, Any

import markdown
from fastapi import APIRouter, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from console import audit
from console.auth import AnalystDep, CsrfCheck
from console.comparison import Comparison, compare
from console.deps import JobsDep, SettingsDep
from console.errors import Conflict, Invalid, NotFound
from console.pages import flash, render
from console.service_hook import reload_service
from console.settings import ConsoleSettings
from nlp.artifact import ArtifactError, read_manifest
from training import registry
from training.dataset import DatasetError, Record
from training.evaluate import load_set

router = APIRouter(prefix="/models", tags=["models"])
_FIGURE = re.compile(r"^[\w.-]+\.png$")
MIN_REASON_CHARS = 5


def _version(settings: ConsoleSettings, version: str) -> str:
    """A version of this registry, never a path elsewhere."""
    if version not in registry.versions(settings.models_dir):
        raise NotFound(f"模型库里没有版本 {version}。")
    return version


def _test_records(settings: ConsoleSettings) -> list[Record]:
    try:
        return load_set(settings.test_dir) if settings.test_dir.exists() else []
    except DatasetError as exc:
        raise Conflict(f"测试集有问题：{exc}") from None


def _history(settings: ConsoleSettings) -> list[dict[str, Any]]:
    return audit.entries(settings.audit_log, actions=("promote", "rollback"), limit=50)


@router.get("")
def listing(request: Request, analyst: AnalystDep, settings: SettingsDep, jobs: JobsDep) -> Response:
    """Versions with their figures, the live one marked, training jobs and the promotion history."""
    pointer = registry.current(settings.models_dir)
    return render(
        request,
        "models.html",
        {
            "rows": registry.listing(settings.models_dir),
            "pointer": pointer,
            "jobs": jobs.recent(5),
            "running": jobs.running(),
            "history": _history(settings),
        },
    )


@router.get("/{version}/report")
def report(request: Request, version: str, analyst: AnalystDep, settings: SettingsDep) -> Response:
    """The candidate's Markdown report (tables and figures) and its manifest's main facts."""
    directory = settings.models_dir / _version(settings, version)
    try:
        manifest = read_manifest(directory)
    except ArtifactError as exc:
        raise Conflict(f"模型 {version} 无法读取：{exc}") from None
    path = directory / "report.md"
    body = markdown.markdown(path.read_text(encoding="utf-8"), extensions=["tables"]) if path.is_file() else ""
    live = (registry.current(settings.models_dir) or {}).get("version")
    return render(request, "report.html", {"version": version, "manifest": manifest, "body": body, "live": live})


@router.get("/{version}/compare")
async def comparison(request: Request, version: str, analyst: AnalystDep, settings: SettingsDep) -> Response:
    """Side by side with the live model per class, the gate, and the test cases that would change."""
    result = await run_in_threadpool(_comparison, request, settings, _version(settings, version))
    return render(request, "compare.html", {"c": result, "tolerance": settings.promote_tolerance})


def _comparison(request: Request, settings: ConsoleSettings, version: str) -> Comparison:
    live = (registry.current(settings.models_dir) or {}).get("version")
    test = _test_records(settings)
    key = (str(settings.models_dir), version, live, len(test), hash(tuple(r.text for r in test)))
    cache: dict[tuple[Any, ...], Comparison] = request.app.state.comparisons
    if key not in cache:
        try:
            cache[key] = compare(settings.models_dir, version, live, test, settings.promote_tolerance)
        except ArtifactError as exc:
            raise Conflict(f"模型无法载入：{exc}") from None
    return cache[key]


@router.get("/{version}/{name}")
def figure(version: str, name: str, analyst: AnalystDep, settings: SettingsDep) -> FileResponse:
    """A figure of the report, from that version's folder only."""
    path = settings.models_dir / _version(settings, version) / name
    if not _FIGURE.match(name) or not path.is_file():
        raise NotFound("没有这张图。")
    return FileResponse(path, media_type="image/png")


@router.post("/{version}/promote", dependencies=[CsrfCheck])
async def promote(
    request: Request,
    version: str,
    analyst: AnalystDep,
    settings: SettingsDep,
    force: Annotated[bool, Form()] = False,
    reason: Annotated[str, Form()] = "",
) -> RedirectResponse:
    """Put a candidate live if it passes the gate, or forced with a written reason; then tell the service."""
    version = _version(settings, version)
    reason = reason.strip()
    if force and len(reason) < MIN_REASON_CHARS:
        raise Invalid(f"强制上线需要写明理由（至少 {MIN_REASON_CHARS} 个字），它会记入审计日志。")
    test = _test_records(settings)
    try:
        pointer = await run_in_threadpool(
            registry.promote, settings.models_dir, version, test=test, tolerance=settings.promote_tolerance, force=force
        )
    except registry.PromotionRefused as exc:
        raise Conflict(f"未上线：{exc}") from None
    except ArtifactError as exc:
        raise Conflict(f"模型无法载入，未上线：{exc}") from None
    previous = pointer["history"][0] if pointer["history"] else None
    outcome = await run_in_threadpool(reload_service, settings)
    details = {"version": version, "previous": previous, "forced": force, "service": outcome.message}
    audit.record(settings.audit_log, analyst=analyst.name, action="promote", **details, reason=reason or None)
    flash(request, f"{version} 已上线（之前：{previous or '无'}）。{outcome.message}", "ok" if outcome.ok else "warn")
    return RedirectResponse("/models", status_code=303)


@router.post("/rollback", dependencies=[CsrfCheck])
async def rollback(request: Request, analyst: AnalystDep, settings: SettingsDep) -> RedirectResponse:
    """Return to the model that was live before the current one; then tell the service."""
    try:
        pointer = await run_in_threadpool(registry.rollback, settings.models_dir)
    except (registry.PromotionRefused, ArtifactError) as exc:
        raise Conflict(f"无法回滚：{exc}") from None
    outcome = await run_in_threadpool(reload_service, settings)
    audit.record(
        settings.audit_log,
        analyst=analyst.name,
        action="rollback",
        version=pointer["version"],
        previous=pointer["rolled_back_from"],
        service=outcome.message,
    )
    flash(request, f"已回滚到 {pointer['version']}（撤下 {pointer['rolled_back_from']}）。{outcome.message}")
    return RedirectResponse("/models", status_code=303)
