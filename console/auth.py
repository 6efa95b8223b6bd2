"""Who may use the console: analysts' named keys, a signed session after sign-in, and a CSRF token
per session that every form must send back.

The session lives in Starlette's signed, HttpOnly cookie (itsdangerous). It holds the key's name
and a fingerprint of the key, never the key, and every request checks the fingerprint against the
keys configured now, so a key removed from the settings ends its sessions at once.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from console.settings import ConsoleSettings


class NotSignedIn(Exception):
    """No valid session: answered 401 with the sign-in form and nothing else."""


class CsrfRejected(Exception):
    """A form came without this session's CSRF token: answered 403."""


@dataclass(frozen=True)
class Analyst:
    name: str


def fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def parse_keys(entries: list[str], where: str) -> dict[str, str]:
    """`name:key` entries as {key: name}; a malformed entry is refused naming where it came from."""
    keys: dict[str, str] = {}
    for n, entry in enumerate(entries, 1):
        name, sep, key = entry.partition(":")
        if not sep or not name.strip() or len(key.strip()) < 8:
            raise ValueError(f"{where}: entry {n} is not `name:key` with a key of 8 or more characters")
        keys[key.strip()] = name.strip()
    return keys


def analyst_keys(settings: ConsoleSettings) -> dict[str, str]:
    """Every configured key with its analyst's name, from the environment and the key file."""
    keys = parse_keys(settings.analyst_keys, "DT_ANALYST_KEYS")
    path: Path | None = settings.analyst_keys_file
    if path is not None:
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
        keys |= parse_keys([line for line in lines if line and not line.startswith("#")], str(path))
    return keys


def check_key(given: str, keys: dict[str, str]) -> str | None:
    """The analyst's name for `given`, compared in constant time against every key, or None."""
    found = None
    for key, name in keys.items():
        if hmac.compare_digest(given.encode(), key.encode()):
            found = name
    return found


def sign_in(request: Request, key: str, name: str) -> None:
    request.session.clear()
    request.session.update({"analyst": name, "key": fingerprint(key), "csrf": secrets.token_urlsafe(24)})


def csrf_token(request: Request) -> str:
    """This session's token, made on first use (the sign-in form needs one before anyone signs in)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(24)
    return str(token)


def current_analyst(request: Request) -> Analyst | None:
    name, key_print = request.session.get("analyst"), request.session.get("key")
    if not name or not key_print:
        return None
    keys: dict[str, str] = request.app.state.keys()
    if any(n == name and hmac.compare_digest(fingerprint(k), key_print) for k, n in keys.items()):
        return Analyst(name)
    return None


async def require_analyst(request: Request) -> Analyst:
    analyst = current_analyst(request)
    if analyst is None:
        raise NotSignedIn()
    return analyst


async def require_csrf(request: Request) -> None:
    """The form's `csrf_token` (or an X-CSRF-Token header) must equal the session's."""
    expected = request.session.get("csrf")
    given = request.headers.get("x-csrf-token")
    if given is None and request.method == "POST":
        form = await request.form()  # Starlette keeps the parsed form, so the route reads it again for free
        value = form.get("csrf_token")
        given = value if isinstance(value, str) else None
    if not expected or not given or not hmac.compare_digest(str(expected), given):
        raise CsrfRejected()


AnalystDep = Annotated[Analyst, Depends(require_analyst)]
CsrfCheck = Depends(require_csrf)
