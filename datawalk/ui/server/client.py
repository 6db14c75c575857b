"""Who sent a request and whether it reached us over HTTPS, for the sign-in routes and the gate.

Pure: reads an ASGI scope's peer, scheme and headers, never streamlit.

Decisions, because the sign-in rules depend on them:

- `X-Forwarded-For` and `X-Forwarded-Proto` count only when the peer is one of the proxies the
  deployment named (`DATAWALK_TRUSTED_PROXIES`); from anyone else they are ignored, so a browser
  cannot claim to be local or to have used HTTPS.
- Behind a trusted proxy the client is the right-most `X-Forwarded-For` entry: the one the proxy
  itself appended. Entries further left were written by the client and prove nothing.
- Streamlit's server (uvicorn) already applies these headers when the peer is exactly 127.0.0.1
  or ::1 (its own default), so a proxy on the same machine is trusted whatever this setting says.
- A password or TOTP code may be sent only over HTTPS, or from this machine itself (loopback).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from datawalk.access import is_loopback

_SECURE_SCHEMES = frozenset({"https", "wss"})


@dataclass(frozen=True)
class ClientRequest:
    """The client behind one request, as far as this server can tell."""

    address: str | None
    https: bool

    @property
    def loopback(self) -> bool:
        return is_loopback(self.address)

    @property
    def may_send_credentials(self) -> bool:
        """True when a password or TOTP code from this client cannot have crossed a network
        in clear text: it came over HTTPS, or from this machine."""
        return self.https or self.loopback


def canonical_address(text: str | None) -> str | None:
    """Return `text` as a canonical IP address (IPv4-mapped IPv6 as IPv4), or None."""
    try:
        address = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return str(mapped or address)


def parse_proxies(text: str | None) -> frozenset[str]:
    """Read a comma-separated list of proxy addresses; an entry that is not an address is
    dropped, so a typo trusts nobody rather than everybody."""
    found = (canonical_address(part) for part in (text or "").split(","))
    return frozenset(address for address in found if address)


def _header(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str | None:
    """The last value of a header (a proxy appends its own after any the client sent)."""
    values = [value.decode("latin-1") for key, value in headers if key.lower() == name]
    return ", ".join(values) if values else None


def client_request(
    peer: str | None,
    scheme: str,
    headers: Iterable[tuple[bytes, bytes]],
    trusted_proxies: frozenset[str],
) -> ClientRequest:
    """Return the client and transport of a request whose TCP peer is `peer`."""
    headers = list(headers)
    address = canonical_address(peer)
    secure = scheme.lower() in _SECURE_SCHEMES
    if address is None or address not in trusted_proxies:
        return ClientRequest(address, secure)
    forwarded_for = _header(headers, b"x-forwarded-for")
    if forwarded_for:
        address = canonical_address(forwarded_for.split(",")[-1])
    forwarded_proto = _header(headers, b"x-forwarded-proto")
    if forwarded_proto:
        secure = forwarded_proto.split(",")[-1].strip().lower() in _SECURE_SCHEMES
    return ClientRequest(address, secure)


def scope_client(scope: dict, trusted_proxies: frozenset[str]) -> ClientRequest:
    """Return the client of an ASGI http or websocket scope."""
    client = scope.get("client")
    peer = client[0] if client else None
    return client_request(
        peer, scope.get("scheme", "http"), scope.get("headers", []), trusted_proxies
    )
