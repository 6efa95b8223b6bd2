"""导入: upload a CSV, XLSX or JSONL file, preview its rows and bad rows, write all or the clean ones."""

import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from console import audit
from console.auth import AnalystDep, CsrfCheck
from console.corpus import plan_upload, write_plan
from console.deps import SettingsDep, UploadsDep
from console.errors import Conflict, ConsoleError, Invalid, NotFound
from console.pages import render
from console.uploads import Upload
from training.importer import ImportPlan, write_rejected
from training.sheets import SUFFIXES

router = APIRouter(prefix="/import", tags=["import"])
PREVIEW_ROWS = 200


class TooLarge(ConsoleError):
    status_code = 413


def _upload(uploads: UploadsDep, token: str, analyst: str) -> Upload:
    upload = uploads.get(token, analyst)
    if upload is None:
        raise NotFound("这次上传已过期或不存在，请重新上传文件。")
    return upload


@router.get("")
def import_form(request: Request, analyst: AnalystDep) -> Response:
    """The upload form."""
    return render(request, "import.html", {"suffixes": SUFFIXES})


@router.post("", dependencies=[CsrfCheck])
def preview(
    request: Request,
    analyst: AnalystDep,
    settings: SettingsDep,
    uploads: UploadsDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    """Read the file and show every row found and every bad row with its number and reason."""
    name = file.filename or ""
    if Path(name).suffix.lower() not in SUFFIXES:
        raise Invalid(f"不支持的文件类型“{Path(name).suffix or name}”；请上传 {'、'.join(SUFFIXES)} 文件。")
    data = file.file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise TooLarge(f"文件超过 {settings.max_upload_bytes // 1_000_000} MB 上限。")
    upload = uploads.add(name, data, analyst.name)
    result = plan_upload(upload, settings.data_dir, settings.max_text_chars)
    return render(
        request,
        "import_preview.html",
        {"upload": upload, "plan": result, "shown": result.records[:PREVIEW_ROWS], "limit": PREVIEW_ROWS},
    )


@router.post("/{token}/write", dependencies=[CsrfCheck])
def write_rows(
    request: Request,
    token: str,
    analyst: AnalystDep,
    settings: SettingsDep,
    uploads: UploadsDep,
    mode: Annotated[str, Form()] = "all",
) -> Response:
    """Write the whole file (only when every row is clean) or its clean rows; keep the rejects to download."""
    upload = _upload(uploads, token, analyst.name)
    if upload.data is None:
        raise Conflict(f"这个文件已经写入语料（{upload.written}）。")
    result = plan_upload(upload, settings.data_dir, settings.max_text_chars)  # the corpus may have moved on
    if mode != "clean" and result.problems:
        raise Conflict(f"文件有 {len(result.problems)} 行错误，不能全部写入；可以只写入无误的行。")
    target = write_plan(result, settings.data_dir)
    upload.rejects_csv = _rejects_csv(result) if result.problems else None
    upload.data, upload.written = None, target.name if target else "无新记录"
    audit.record(
        settings.audit_log,
        analyst=analyst.name,
        action="import",
        file=upload.filename,
        added=len(result.records),
        duplicates=result.duplicates,
        rejected=len(result.problems),
        written_to=target.name if target else None,
    )
    return render(request, "import_done.html", {"upload": upload, "plan": result, "target": target})


def _rejects_csv(result: ImportPlan) -> bytes:
    with tempfile.TemporaryDirectory(prefix="dt-console-rejects-") as folder:
        return write_rejected(result, Path(folder) / "rejects.csv").read_bytes()


@router.get("/{token}/rejects.csv")
def rejects(token: str, analyst: AnalystDep, settings: SettingsDep, uploads: UploadsDep) -> Response:
    """The rejected rows with their row numbers and reasons (texts masked), for fixing in Excel."""
    upload = _upload(uploads, token, analyst.name)
    if upload.rejects_csv is None and upload.data is not None:
        result = plan_upload(upload, settings.data_dir, settings.max_text_chars)
        upload.rejects_csv = _rejects_csv(result) if result.problems else None
    if upload.rejects_csv is None:
        raise NotFound("这次导入没有被拒绝的行。")
    filename = f"{Path(upload.filename).stem}.rejected.csv"
    return Response(
        upload.rejects_csv,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"},
    )
