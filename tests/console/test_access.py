"""Who may use the console: analyst keys, the signed session, CSRF on every form."""

from fastapi.testclient import TestClient

from console.settings import ConsoleSettings
from tests.console.conftest import ANALYST_KEY, csrf_of

PAGES = ["/models", "/import", "/audit"]


def test_every_page_is_401_without_a_session_and_shows_nothing_of_itself(anonymous: TestClient) -> None:
    for path in PAGES:
        response = anonymous.get(path)
        assert response.status_code == 401, path
        assert 'name="key"' in response.text  # the sign-in form ...
        assert "模型库" not in response.text and "审计日志</h1>" not in response.text  # ... and nothing else


def test_a_wrong_or_missing_key_is_401(anonymous: TestClient) -> None:
    token = csrf_of(anonymous.get("/login").text)
    for key in ("", "analyst-key-wang-000", "not-a-key-at-all"):
        response = anonymous.post("/login", data={"key": key, "csrf_token": token})
        assert response.status_code == 401
        assert "密钥无效" in response.text
        assert "dt_console" not in response.headers.get("set-cookie", "") or "analyst" not in response.text
    assert anonymous.get("/models").status_code == 401


def test_a_right_key_signs_in_with_an_httponly_cookie(anonymous: TestClient) -> None:
    token = csrf_of(anonymous.get("/login").text)
    response = anonymous.post("/login", data={"key": ANALYST_KEY, "csrf_token": token}, follow_redirects=False)
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "dt_console=" in cookie and "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
    assert ANALYST_KEY not in cookie
    page = anonymous.get("/models")
    assert page.status_code == 200 and "模型库" in page.text and "wang" in page.text


def test_forms_without_the_csrf_token_are_403(signed_in: TestClient) -> None:
    for path in ("/models/train", "/models/rollback", "/logout"):
        assert signed_in.post(path, data={}).status_code == 403, path
        assert signed_in.post(path, data={"csrf_token": "forged"}).status_code == 403, path
    assert signed_in.get("/audit").text.count("<tr><td>") == 0  # nothing was changed


def test_sign_in_itself_needs_the_form_token(anonymous: TestClient) -> None:
    assert anonymous.post("/login", data={"key": ANALYST_KEY}).status_code == 403


def test_removing_a_key_ends_its_sessions(signed_in: TestClient, console_settings: ConsoleSettings) -> None:
    assert signed_in.get("/models").status_code == 200
    signed_in.app.state.keys = lambda: {"analyst-key-li-0002": "li"}  # type: ignore[attr-defined]
    assert signed_in.get("/models").status_code == 401


def test_pages_carry_security_headers(signed_in: TestClient) -> None:
    response = signed_in.get("/models")
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
