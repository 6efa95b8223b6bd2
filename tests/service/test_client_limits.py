"""Per-client limits (issue 13): failed authentication is throttled per client, the rate limit
counts the whole key (hashed), and forwarding headers are believed only from configured proxies,
so a same-host proxy never makes a remote caller look like loopback."""

import hashlib
from collections.abc import Iterator

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient

from service.main import create_app
from service.settings import Settings
from service.throttle import TokenBucket
from tests.service.live_server import running

TEXT = {"text": "楼上漏水把我家天花板泡坏了"}
KEYS = {"intake_keys": ["alpha-123456", "bravo-123456"], "admin_keys": ["admin-key-1"]}


def app_with(settings: Settings, **changes: object):  # type: ignore[no-untyped-def]
    return create_app(settings.model_copy(update=KEYS | changes))


@pytest.fixture
def keyed(settings: Settings) -> Iterator[TestClient]:
    with TestClient(app_with(settings), client=("198.51.100.7", 4000)) as c:
        yield c


def test_60_wrong_intake_keys_are_throttled_after_ten(keyed: TestClient) -> None:
    codes = [keyed.post("/v1/classify", json=TEXT, headers={"X-API-Key": f"guess-{i}"}).status_code for i in range(60)]
    assert codes[:10] == [401] * 10
    assert set(codes[10:]) == {429}
    refused = keyed.post("/v1/classify", json=TEXT, headers={"X-API-Key": "guess-x"})
    assert "too many invalid API keys from this client" in refused.json()["error"]["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # While throttled, even the right key is not tried: guessing cannot go on by mixing in a good one.
    assert keyed.post("/v1/classify", json=TEXT, headers={"X-API-Key": "alpha-123456"}).status_code == 429


def test_30_wrong_admin_keys_are_throttled_too(keyed: TestClient) -> None:
    codes = [keyed.post("/admin/reload", headers={"X-API-Key": f"guess-{i}"}).status_code for i in range(30)]
    assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}


def test_the_throttle_is_per_client(settings: Settings) -> None:
    app = app_with(settings)
    with TestClient(app, client=("198.51.100.7", 4000)) as guesser:
        for i in range(12):
            guesser.post("/v1/classify", json=TEXT, headers={"X-API-Key": f"guess-{i}"})
        assert guesser.post("/v1/classify", json=TEXT, headers={"X-API-Key": "guess"}).status_code == 429
    with TestClient(app, client=("198.51.100.8", 4000)) as neighbour:
        assert neighbour.post("/v1/classify", json=TEXT, headers={"X-API-Key": "alpha-123456"}).status_code == 200
        assert neighbour.post("/v1/classify", json=TEXT, headers={"X-API-Key": "guess"}).status_code == 401


def test_missing_or_other_scope_keys_are_not_guesses(keyed: TestClient) -> None:
    for _ in range(15):
        assert keyed.post("/v1/classify", json=TEXT).status_code == 401
        assert keyed.post("/admin/reload", headers={"X-API-Key": "alpha-123456"}).status_code == 403
    assert keyed.post("/v1/classify", json=TEXT, headers={"X-API-Key": "alpha-123456"}).status_code == 200


def test_the_throttle_can_be_turned_off(settings: Settings) -> None:
    with TestClient(app_with(settings, auth_failures_per_minute=0)) as c:
        codes = {c.post("/v1/classify", json=TEXT, headers={"X-API-Key": f"g{i}"}).status_code for i in range(30)}
    assert codes == {401}


def test_keys_sharing_a_suffix_have_their_own_quota(settings: Settings) -> None:
    app = app_with(settings, rate_limit_per_minute=3)
    with TestClient(app) as c:
        alpha = [c.post("/v1/classify", json=TEXT, headers={"X-API-Key": "alpha-123456"}).status_code for _ in range(4)]
        bravo = [c.post("/v1/classify", json=TEXT, headers={"X-API-Key": "bravo-123456"}).status_code for _ in range(4)]
    assert alpha == bravo == [200, 200, 200, 429]
    identities = set(app.state.rate_limiter._buckets)
    assert identities == {"key:" + hashlib.sha256(k.encode()).hexdigest() for k in ("alpha-123456", "bravo-123456")}


def test_buckets_stay_bounded_under_a_flood_of_identities() -> None:
    bucket = TokenBucket(per_minute=5, max_identities=100)
    for i in range(5000):
        bucket.take(f"client:{i}")
    assert len(bucket) <= 100
    assert bucket.take("client:4999") == 0.0  # the most recent are kept and still counted
    for _ in range(5):
        bucket.take("client:x")
    assert bucket.wait("client:x") > 0 and bucket.take("client:x") > 0


# --- forwarding headers -------------------------------------------------------------------------

LOOPBACK = ("127.0.0.1", 5000)
PROXY_HEADERS = [
    {"X-Real-IP": "203.0.113.9"},
    {"Forwarded": "for=203.0.113.9;proto=https"},
    {"X-Forwarded-For": "203.0.113.9"},
    {"X-Forwarded-For": "127.0.0.1"},  # a proxy may be asked to forward anything
    {"Via": "1.1 nginx"},
]


@pytest.mark.parametrize("headers", PROXY_HEADERS)
def test_without_keys_a_forwarded_request_from_loopback_is_not_loopback(
    settings: Settings, headers: dict[str, str]
) -> None:
    with TestClient(create_app(settings), client=LOOPBACK) as c:
        for method, path, body in (("POST", "/v1/classify", TEXT), ("POST", "/admin/reload", None)):
            response = c.request(method, path, json=body, headers=headers)
            assert response.status_code == 403, (path, headers)
            assert "DT_TRUSTED_PROXIES" in response.json()["error"]["message"]
        assert c.post("/v1/classify", json=TEXT).status_code == 200  # the same client, not forwarded


@pytest.mark.parametrize(
    ("peer", "headers", "served"),
    [
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9"}, False),
        ("127.0.0.1", {"X-Forwarded-For": "127.0.0.1"}, True),
        ("127.0.0.1", {"X-Forwarded-For": "127.0.0.1, 203.0.113.9"}, False),  # the nearest hop decides
        ("127.0.0.1", {"X-Forwarded-For": "203.0.113.9, 127.0.0.1"}, False),  # the trusted hop is skipped
        ("127.0.0.1", {"Forwarded": 'for="[::1]:4711"'}, True),
        ("127.0.0.1", {"Forwarded": "for=unknown"}, False),
        ("127.0.0.1", {"X-Real-IP": "::1"}, True),
        ("127.0.0.1", {"X-Forwarded-For": "not-an-address"}, False),
        ("127.0.0.1", {}, False),  # through the proxy, but it did not say from whom
        ("203.0.113.50", {"X-Forwarded-For": "127.0.0.1"}, False),  # not a trusted proxy: ignored
    ],
)
def test_forwarding_headers_count_only_from_trusted_proxies(
    settings: Settings, peer: str, headers: dict[str, str], served: bool
) -> None:
    app = create_app(settings.model_copy(update={"trusted_proxies": ["127.0.0.1/32"]}))
    with TestClient(app, client=(peer, 5000)) as c:
        assert (c.post("/v1/classify", json=TEXT, headers=headers).status_code == 200) is served


def test_failed_keys_are_counted_per_forwarded_client_behind_a_trusted_proxy(settings: Settings) -> None:
    app = app_with(settings, trusted_proxies=["10.0.0.0/8"])
    with TestClient(app, client=("10.0.0.2", 5000)) as proxy:
        for i in range(12):
            proxy.post("/v1/classify", json=TEXT, headers={"X-API-Key": f"g{i}", "X-Forwarded-For": "198.51.100.1"})
        first = proxy.post("/v1/classify", json=TEXT, headers={"X-API-Key": "g", "X-Forwarded-For": "198.51.100.1"})
        other = proxy.post("/v1/classify", json=TEXT, headers={"X-API-Key": "g", "X-Forwarded-For": "198.51.100.2"})
    assert (first.status_code, other.status_code) == (429, 401)
    with TestClient(app, client=("198.51.100.3", 5000)) as direct:
        # From an untrusted peer, a new X-Forwarded-For per request does not escape the throttle.
        codes = [
            direct.post("/v1/classify", json=TEXT, headers={"X-API-Key": "g", "X-Forwarded-For": f"192.0.2.{i}"})
            for i in range(12)
        ]
    assert codes[-1].status_code == 429


def test_trusted_proxies_must_be_addresses(settings: Settings) -> None:
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 network"):
        Settings(trusted_proxies="10.0.0.0/8, proxy.example")


def test_under_the_real_server_a_same_host_proxy_does_not_open_the_routes(settings: Settings) -> None:
    with running(create_app(settings)) as base:
        for headers in ({"X-Real-IP": "203.0.113.9"}, {"Forwarded": "for=203.0.113.9"}):
            assert httpx.post(f"{base}/v1/classify", json=TEXT, headers=headers, timeout=10).status_code == 403
            assert httpx.post(f"{base}/admin/reload", headers=headers, timeout=10).status_code == 403
        assert httpx.post(f"{base}/v1/classify", json=TEXT, timeout=10).status_code == 200
