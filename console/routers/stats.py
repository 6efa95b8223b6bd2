"""统计: classified cases by day or week × type × urgency × channel, review and danger rates, as
charts, tables and CSV, for any date range, with a warning when a week's mix drifts from training."""

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from console import db
from console.auth import AnalystDep
from console.charts import stacked
from console.deps import SettingsDep
from console.errors import Invalid
from console.pages import render
from console.settings import ConsoleSettings
from console.stats import channels, csv_bytes, drift, periods, training_mix
from nlp.artifact import ArtifactError, read_manifest
from nlp.registry import live_directory

router = APIRouter(tags=["stats"])
MAX_DAYS = 3 * 366


def _today(settings: ConsoleSettings) -> date:
    try:
        return datetime.now(ZoneInfo(settings.stats_timezone)).date()
    except ZoneInfoNotFoundError:
        return date.today()


def _range(settings: ConsoleSettings, start: str | None, end: str | None) -> tuple[date, date]:
    try:
        last = date.fromisoformat(end) if end else _today(settings)
        first = date.fromisoformat(start) if start else last - timedelta(days=settings.stats_days - 1)
    except ValueError:
        raise Invalid("日期格式应为 YYYY-MM-DD，例如 2026-12-01。") from None
    if first > last:
        raise Invalid(f"开始日期 {first} 晚于结束日期 {last}。")
    if (last - first).days > MAX_DAYS:
        raise Invalid(f"日期范围最长 {MAX_DAYS} 天。")
    return first, last


def _rows(request: Request, first: date, last: date) -> list[dict[str, Any]]:
    return db.count_rows(engine=request.app.state.engine(), start=first, end=last)


def _live_manifest(settings: ConsoleSettings) -> dict[str, Any] | None:
    try:
        return read_manifest(live_directory(settings.models_dir))
    except ArtifactError:
        return None


@router.get("/stats")
async def stats_page(
    request: Request,
    analyst: AnalystDep,
    settings: SettingsDep,
    start: str | None = None,
    end: str | None = None,
    by: str = "day",
) -> Response:
    """Charts and tables of the chosen range, by day or by ISO week."""
    by = "week" if by == "week" else "day"
    first, last = _range(settings, start, end)
    rows = await run_in_threadpool(_rows, request, first, last)
    shown = periods(rows, first, last, by)
    mix = training_mix(_live_manifest(settings))
    weeks = periods(rows, first, last, "week")
    return render(
        request,
        "stats.html",
        {
            "start": first,
            "end": last,
            "by": by,
            "periods": shown,
            "total": _total(shown),
            "charts": [stacked(shown, "type"), stacked(shown, "urgency")],
            "channels": channels(rows),
            "mix": mix,
            "drifts": drift(weeks, mix, settings.drift_threshold, settings.drift_min_cases) if mix else [],
            "threshold": settings.drift_threshold,
            "min_cases": settings.drift_min_cases,
        },
    )


def _total(shown: list[Any]) -> dict[str, int]:
    return {k: sum(getattr(p, k) for p in shown) for k in ("cases", "needs_review", "danger")}


@router.get("/stats.csv")
async def stats_csv(
    request: Request, analyst: AnalystDep, settings: SettingsDep, start: str | None = None, end: str | None = None
) -> Response:
    """The counters of the range as they are stored, one row per day, type, urgency and channel."""
    first, last = _range(settings, start, end)
    rows = await run_in_threadpool(_rows, request, first, last)
    return Response(
        csv_bytes(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="dispute-counts-{first}-{last}.csv"'},
    )
