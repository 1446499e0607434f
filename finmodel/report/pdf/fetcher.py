"""The restricted resource fetcher the PDF renderer uses: the report's own folders, nothing else.

WeasyPrint asks the fetcher for every stylesheet, image and font the HTML names.  A report holds
user text (case, park and party names, notes), so the fetcher is the boundary that keeps a
crafted name from reaching the network or another file on the machine.
"""
from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

try:  # WeasyPrint >= 66: fetchers are URLFetcher subclasses returning URLFetcherResponse
    from weasyprint.urls import URLFetcher as _FetcherBase
    from weasyprint.urls import URLFetcherResponse as _Response
except ImportError:  # pragma: no cover - older WeasyPrint: a callable returning a dict
    _FetcherBase, _Response = object, None

ALLOWED_SUFFIXES = {".css", ".svg", ".png", ".jpg", ".jpeg", ".woff", ".woff2", ".ttf", ".otf"}


class RefusedURL(ValueError):
    """A resource outside the report's own folders (or not a local file) was requested."""


class SafeFetcher(_FetcherBase):
    """Serve ``file:`` URLs inside ``roots`` only; refuse every other URL.

    Refused: any scheme but ``file`` (http, https, ftp, data …), paths outside the roots
    (including through ``..`` or symbolic links, checked on the resolved path), folders,
    missing files and file types a report does not use.  WeasyPrint catches the error, logs it
    and leaves the resource out; ``refused`` keeps the list for tests and logs.
    """

    def __init__(self, roots: Sequence[str | Path], waits: dict[str | Path, Callable[[], None]] | None = None):
        if _FetcherBase is not object:
            super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self.roots = [Path(r).resolve() for r in roots]
        # root -> called before a file of that root is looked at (files another process writes)
        self.waits = {Path(r).resolve(): wait for r, wait in (waits or {}).items()}
        self.refused: list[str] = []

    def resolve(self, url: str) -> Path:
        """The local file ``url`` names, or :class:`RefusedURL`."""
        try:
            parts = urlsplit(url)
        except ValueError as exc:
            raise self._refuse(url, "not a URL") from exc
        if parts.scheme.lower() != "file":
            raise self._refuse(url, f"scheme {parts.scheme or '(none)'!r} is not allowed")
        if parts.netloc not in ("", "localhost"):
            raise self._refuse(url, "remote file host")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not any(path == r or r in path.parents for r in self.roots):
            raise self._refuse(url, "outside the report's folders")
        for root, wait in self.waits.items():
            if root in path.parents:
                wait()
        if not path.is_file():
            raise self._refuse(url, "not a file")
        if path.suffix.lower() not in ALLOWED_SUFFIXES:
            raise self._refuse(url, f"file type {path.suffix!r} is not allowed")
        return path

    def _refuse(self, url: str, why: str) -> RefusedURL:
        self.refused.append(url)
        return RefusedURL(f"refused {url[:200]!r}: {why}")

    def fetch(self, url, headers=None):  # noqa: D401 - WeasyPrint's interface
        path = self.resolve(url)
        data = path.read_bytes()
        mime = {".css": "text/css", ".svg": "image/svg+xml"}.get(path.suffix.lower()) \
            or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if _Response is not None:
            return _Response(path.as_uri(), body=data, headers={"Content-Type": mime})
        return {"string": data, "mime_type": mime, "redirected_url": path.as_uri()}  # pragma: no cover

    def __call__(self, url):
        return self.fetch(url)
