"""What keeps the desk a local tool: sessions, cross-site request protection, upload limits.

* Every browser gets a random session id in an HttpOnly, SameSite=Strict cookie.
* State-changing requests (every POST) must carry the session's CSRF token (a header for htmx
  requests, a hidden field for plain forms): an HMAC of the session id under a key made when the
  desk starts, so a page from another site can neither read nor forge it (OWASP CSRF Prevention
  Cheat Sheet, "synchronizer token").  They must also come from the desk's own origin: an
  ``Origin`` header (or, without one, a ``Referer``) naming another site is refused, and so is
  ``Sec-Fetch-Site: cross-site``.
* The ``Host`` header must name the address the desk listens on (no DNS rebinding).
* Uploads are read in pieces and refused as soon as they pass the size limit, before parsing.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request

SESSION_COOKIE = "finmodel_desk_session"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class Refused(Exception):
    """A request the desk refuses for its own protection (shown as a 403 page)."""


class TooLarge(Exception):
    """An upload above the size limit."""


class Guard:
    """The desk's secret key and the checks made with it."""

    def __init__(self, allowed_hosts: set[str]):
        self.key = secrets.token_bytes(32)
        self.allowed_hosts = allowed_hosts

    @staticmethod
    def new_session() -> str:
        return secrets.token_urlsafe(24)

    def token(self, session: str) -> str:
        """The CSRF token of a session."""
        return hmac.new(self.key, session.encode(), hashlib.sha256).hexdigest()

    def check_host(self, request: Request) -> None:
        host = request.headers.get("host", "")
        if host not in self.allowed_hosts:
            raise Refused(f"host {host!r}")

    def check_origin(self, request: Request) -> None:
        """Refuse a state-changing request whose origin is another site."""
        if request.headers.get("sec-fetch-site") == "cross-site":
            raise Refused("cross-site fetch")
        origin = request.headers.get("origin") or request.headers.get("referer")
        if origin is None:
            return  # not a browser's cross-site request (those carry an Origin); the token still applies
        if urlsplit(origin).netloc not in self.allowed_hosts:
            raise Refused(f"origin {origin!r}")

    def check_token(self, session: str | None, sent: str | None) -> None:
        if not session or not sent or not hmac.compare_digest(self.token(session), sent):
            raise Refused("missing or wrong CSRF token")


def allowed_hosts(host: str, port: int) -> set[str]:
    """``Host`` values that name the desk: the address it listens on and, on loopback, localhost."""
    names = {host}
    if host in ("127.0.0.1", "localhost", "::1"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    return {f"{n}:{port}" for n in names} | ({n for n in names} if port == 80 else set())


async def protect(request: Request) -> None:
    """Route dependency of every state-changing request: the session's CSRF token must come with
    it, in the ``X-CSRF-Token`` header (htmx) or the ``csrf_token`` form field (plain forms)."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        sent = (await request.form()).get(CSRF_FIELD)
    request.state.desk.guard.check_token(request.state.sid, sent)


async def read_limited(upload, limit_bytes: int) -> bytes:
    """The bytes of an uploaded file, refused with :class:`TooLarge` past ``limit_bytes``."""
    data = bytearray()
    while True:
        piece = await upload.read(64 * 1024)
        if not piece:
            return bytes(data)
        data += piece
        if len(data) > limit_bytes:
            raise TooLarge()
