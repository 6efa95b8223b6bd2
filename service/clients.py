"""Who is calling: the socket's peer, unless that peer is one of the configured proxies
(DT_TRUSTED_PROXIES), whose forwarded address (X-Forwarded-For, else Forwarded, else X-Real-IP)
is believed instead. Forwarding headers from anyone else are ignored, and a loopback peer that
sends one is a proxy forwarding someone else: it is not served as a loopback client.

uvicorn's own rewriting of the client from X-Forwarded-For is off (service.server), so the peer
here is the socket's.
"""

import ipaddress
from collections.abc import Iterable, Sequence
from functools import lru_cache

from starlette.requests import Request

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
FORWARDING = (
    "forwarded",
    "x-forwarded-for",
    "x-real-ip",
    "x-forwarded-host",
    "x-client-ip",
    "true-client-ip",
    "cf-connecting-ip",
    "via",
)


@lru_cache(maxsize=4096)
def is_loopback(host: str | None) -> bool:
    try:
        return host is not None and ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "testclient"  # Starlette's in-process test client has no address


@lru_cache(maxsize=64)
def networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(token: str) -> Address | None:
    """An address as forwarding headers write it: `1.2.3.4`, `1.2.3.4:80`, `[::1]:80`, `"[::1]"`."""
    token = token.strip().strip('"')
    if token.startswith("["):
        token = token[1 : token.find("]")] if "]" in token else ""
    elif token.count(":") == 1:
        token = token.split(":")[0]
    try:
        return ipaddress.ip_address(token)
    except ValueError:
        return None


def _within(address: Address | None, trusted: Sequence[Network]) -> bool:
    return address is not None and any(address in net for net in trusted)


def _rightmost_untrusted(tokens: Iterable[str], trusted: Sequence[Network]) -> str | None:
    """Walk the chain from the nearest hop back; the first hop not a trusted proxy is the client.
    A token that is not an address ends the walk: nothing before it can be believed."""
    chain = [t for t in tokens if t.strip()]
    address = None
    for token in reversed(chain):
        address = _address(token)
        if address is None:
            return None
        if not _within(address, trusted):
            return str(address)
    return str(address) if address is not None else None


def _forwarded_for(value: str) -> list[str]:
    """The for= of every element of an RFC 7239 Forwarded header."""
    found = []
    for element in value.split(","):
        for pair in element.split(";"):
            name, _, token = pair.partition("=")
            if name.strip().lower() == "for":
                found.append(token)
    return found


def _forwarded(request: Request, trusted: Sequence[Network]) -> str | None:
    headers = request.headers
    if chain := headers.getlist("x-forwarded-for"):
        return _rightmost_untrusted(",".join(chain).split(","), trusted)
    if forwarded := headers.getlist("forwarded"):
        return _rightmost_untrusted(_forwarded_for(",".join(forwarded)), trusted)
    if real := headers.get("x-real-ip"):
        return _rightmost_untrusted([real], trusted)
    return None


def address(request: Request, proxies: Sequence[str]) -> str | None:
    """The caller's address, for throttles: forwarded by a trusted proxy, else the socket's."""
    peer = request.client.host if request.client else None
    trusted = networks(tuple(proxies))
    if trusted and _within(_address(peer or ""), trusted):
        return _forwarded(request, trusted) or peer
    return peer


def is_local(request: Request, proxies: Sequence[str]) -> bool:
    """True for a loopback caller: straight from the socket with no forwarding header, or as a
    trusted proxy forwarded it. A proxy on this host that is not configured does not open the door."""
    peer = request.client.host if request.client else None
    trusted = networks(tuple(proxies))
    if trusted and _within(_address(peer or ""), trusted):
        return is_loopback(_forwarded(request, trusted))
    return is_loopback(peer) and not any(h in request.headers for h in FORWARDING)
