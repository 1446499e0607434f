"""The desk as a FastAPI application: configuration, what every request goes through (host
check, session cookie, cross-site protection), the error pages, and the resolved-case cache.

Pages are rendered on the server from ``templates/desk/`` with jinja2 (autoescaping on: case,
party and file names, field paths and messages are always text, never markup); htmx (a pinned
copy served from ``templates/desk/static``) swaps the parts of a page that change.
"""
from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.exceptions import HTTPException

import finmodel

from ..about import DEFAULT_SEED, __version__
from ..errors import InputError
from ..resources import TEMPLATES_DIR
from . import views
from .cases import Library
from .jobs import Busy, Job, Jobs, Lane
from .security import CSRF_FIELD, SAFE_METHODS, SESSION_COOKIE, Guard, Refused, TooLarge, allowed_hosts
from .state import Session, Sessions

log = logging.getLogger("finmodel.desk")
DESK_TEMPLATES = TEMPLATES_DIR / "desk"
CACHE_ITEMS = 128


@dataclass
class DeskConfig:
    """How the desk runs.  ``time_limit_s`` bounds each run; ``heavy_limit``/``quick_limit`` the
    runs queued or running per lane; ``upload_limit_bytes`` an uploaded case file."""

    cases_dir: Path = Path("cases")
    host: str = "127.0.0.1"
    port: int = 8765
    library: Path | None = None
    upload_limit_bytes: int = 256 * 1024
    time_limit_s: float = 60.0
    quick_workers: int = 2
    quick_limit: int = 64
    heavy_workers: int = 1
    heavy_limit: int = 32
    default_paths: int = 2000
    max_paths: int = 20_000
    seed: int = DEFAULT_SEED
    extra_hosts: set[str] = field(default_factory=set)  # Host values also accepted (the test client's)


class Desk:
    """What the routes share: configuration, cases, runs, sessions, the guard and templates."""

    def __init__(self, config: DeskConfig):
        self.config = config
        self.cases = Library(config.cases_dir, config.library)
        self.jobs = Jobs(quick_workers=config.quick_workers, quick_limit=config.quick_limit,
                         heavy_workers=config.heavy_workers, heavy_limit=config.heavy_limit,
                         time_limit_s=config.time_limit_s)
        self.sessions = Sessions()
        self.guard = Guard(allowed_hosts(config.host, config.port) | config.extra_hosts)
        self.env = Environment(loader=FileSystemLoader(str(DESK_TEMPLATES)), autoescape=True,
                               undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
        self._cache: OrderedDict[tuple, object] = OrderedDict()
        self._cache_lock = threading.Lock()

    # --- the case and its offer -------------------------------------------------------------------
    def case_text(self, case_id: str) -> tuple[str, str]:
        """(file name, text) of a listed case; a 404 page otherwise."""
        case = self.cases.find(case_id)
        if case is None:
            raise HTTPException(404)
        return case.name, self.cases.text(case)

    def _cached(self, kind: str, case_id: str, changes: dict, make):
        """``make(name, text)`` for a case's current text and the offer's changes, kept in a
        small LRU (a case file edited on disk has another text, so another key)."""
        name, text = self.case_text(case_id)
        key = (kind, case_id, text, json.dumps(changes, sort_keys=True))
        with self._cache_lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make(name, text)
        with self._cache_lock:
            self._cache[key] = value
            while len(self._cache) > CACHE_ITEMS:
                self._cache.popitem(last=False)
        return value

    def resolved(self, case_id: str, changes: dict):
        """The resolved case with the offer's changes (validated like a file; cached)."""
        return self._cached("case", case_id, changes,
                            lambda name, text: finmodel.load_case_text(text, name, self.config.library, changes))

    def deterministic(self, case_id: str, changes: dict) -> dict:
        """The result document of the offer's deterministic case (cached: the Offer page shows
        again what the last change computed)."""
        return self._cached("deterministic", case_id, changes,
                            lambda name, text: finmodel.appraise(self.resolved(case_id, changes)).to_dict())

    # --- runs ------------------------------------------------------------------------------------
    async def run(self, lane: Lane, kind: str, sid: str, fn) -> Job:
        """Run ``fn(job)`` on ``lane`` and wait for it without blocking the event loop."""
        job = self.jobs.start(lane, kind, sid, fn)
        try:
            await asyncio.wait_for(asyncio.wrap_future(job.future), self.config.time_limit_s + 1.0)
        except asyncio.TimeoutError:
            job.cancel()
        return job

    # --- pages -----------------------------------------------------------------------------------
    def render(self, request: Request, template: str, status: int = 200, **ctx) -> HTMLResponse:
        session: Session = request.state.session
        lang = session.lang
        html = self.env.get_template(template).render(
            t=lambda key, **kw: views.text(lang, key, **kw), names=views.names(lang), lang=lang, csrf=self.guard.token(request.state.sid),
            csrf_field=CSRF_FIELD, version=__version__, path=request.url.path, session=session, **ctx)
        return HTMLResponse(html, status_code=status)

    def error_page(self, request: Request, status: int, message: str, problems: list[str] = ()) -> HTMLResponse:
        template = "_error.html.j2" if request.headers.get("hx-request") else "error.html.j2"
        return self.render(request, template, status, message=message, problems=list(problems))


def _lang(request: Request) -> str:
    session = getattr(request.state, "session", None)
    return session.lang if session is not None else "zh"


def create_app(config: DeskConfig | None = None) -> FastAPI:
    """The desk application (``finmodel serve`` runs it with uvicorn)."""
    from .routes import router

    desk = Desk(config or DeskConfig())

    @asynccontextmanager
    async def lifespan(app):
        yield
        desk.jobs.shutdown()

    app = FastAPI(title="finmodel pricing desk", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.desk = desk
    app.mount("/static", StaticFiles(directory=str(DESK_TEMPLATES / "static")), name="static")
    app.include_router(router)

    @app.middleware("http")
    async def guard(request: Request, call_next):
        request.state.desk = desk
        sid = request.cookies.get(SESSION_COOKIE)
        new = not sid or len(sid) > 64
        if new:
            sid = desk.guard.new_session()
        request.state.sid = sid
        request.state.session = desk.sessions.get(sid)
        try:
            desk.guard.check_host(request)
            if request.method not in SAFE_METHODS:
                desk.guard.check_origin(request)
                length = request.headers.get("content-length")
                if length and length.isdigit() and int(length) > desk.config.upload_limit_bytes + 64 * 1024:
                    raise TooLarge()
                if new:  # a state-changing request from a browser the desk never served
                    raise Refused("no session")
            response = await call_next(request)
        except Refused as why:
            log.warning("refused %s %s: %s", request.method, request.url.path, why)
            response = desk.error_page(request, 403, views.text(_lang(request), "d_forbidden"))
        except TooLarge:
            kb = desk.config.upload_limit_bytes // 1024
            response = desk.error_page(request, 413, views.text(_lang(request), "d_too_large", kb=kb))
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Content-Security-Policy"] = ("default-src 'self'; script-src 'self'; style-src 'self' "
                                                       "'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
        if new:
            response.set_cookie(SESSION_COOKIE, sid, httponly=True, samesite="strict")
        return response

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError):
        lang = _lang(request)
        return desk.error_page(request, 422, views.text(lang, "d_problems", n=len(exc.problems)), views.problems(exc))

    @app.exception_handler(Refused)
    async def refused(request: Request, exc: Refused):
        log.warning("refused %s %s: %s", request.method, request.url.path, exc)
        return desk.error_page(request, 403, views.text(_lang(request), "d_forbidden"))

    @app.exception_handler(Busy)
    async def busy(request: Request, exc: Busy):
        return desk.error_page(request, 503, views.text(_lang(request), "d_busy", n=exc.active))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException):
        lang = _lang(request)
        return desk.error_page(request, exc.status_code, views.text(lang, "d_not_found" if exc.status_code == 404
                                                                      else "d_error"))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        lang = _lang(request)
        problems = [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()]
        return desk.error_page(request, 422, views.text(lang, "d_problems", n=len(problems)), problems)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception):
        log.error("internal error on %s %s", request.method, request.url.path, exc_info=exc)
        return desk.error_page(request, 500, views.text(_lang(request), "d_error_internal"))

    return app
