"""Tells the running service that the live pointer moved: POST /admin/reload with an admin key.

Kept to one function on purpose: once replicas follow `live.json` by themselves this becomes a
no-op, and nothing else in the console depends on how the service learns of a new model.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from console.settings import ConsoleSettings


@dataclass(frozen=True)
class ReloadOutcome:
    ok: bool
    message: str
    version: str | None = None


def reload_service(settings: ConsoleSettings, timeout: float = 60.0) -> ReloadOutcome:
    """Ask the service to load the live model; the outcome says, in Chinese, what happened."""
    if not settings.service_url:
        return ReloadOutcome(False, "未配置服务地址（DT_SERVICE_URL）：服务在重启或 /admin/reload 后才会换用新模型。")
    url = settings.service_url.rstrip("/") + "/admin/reload"
    headers = {"X-API-Key": settings.service_admin_key} if settings.service_admin_key else {}
    request = urllib.request.Request(url, data=b"", method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (a configured http URL)
            body = json.loads(response.read() or b"{}")
        return ReloadOutcome(True, f"服务已换用模型 {body.get('model_version')}。", body.get("model_version"))
    except urllib.error.HTTPError as exc:
        try:
            reason = json.loads(exc.read()).get("error", {}).get("message", "")
        except (ValueError, AttributeError):
            reason = ""
        return ReloadOutcome(False, f"服务拒绝换用（HTTP {exc.code}）：{reason}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return ReloadOutcome(False, f"服务 {settings.service_url} 没有响应（{reason}）：它重启后会载入新的在线模型。")
