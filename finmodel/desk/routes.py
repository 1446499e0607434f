"""The desk's pages and actions (every POST is CSRF-protected by :func:`security.protect`).

=========================  ==========================================================================
GET  /cases                the example cases and the user's folder; the upload form
POST /cases/upload         validate a case file as ``finmodel validate`` does and add it
GET  /offer?case=ID        the offer form and the deterministic results of the case's terms
POST /offer/evaluate       the deterministic results of the submitted terms (quick lane)
POST /offer/montecarlo     P50/P90 of the terms (heavy lane): a run to poll
GET  /jobs/{id}            a run's progress, or its results when it is over
POST /jobs/{id}/cancel     cancel a run
GET  /solve                the price solve, deal zone and tornado forms
POST /solve/price          ``finmodel price`` on the current terms (heavy lane): a run to poll
POST /solve/dealzone       ``finmodel dealzone`` on the current terms (heavy lane): a run to poll
POST /solve/tornado        the tornado of the current terms (heavy lane): a run to poll
GET  /scenarios            saved offers side by side; downloads for the current terms
POST /scenarios/save       save the current terms
POST /scenarios/delete     forget a saved offer
POST /download/{kind}      json | xlsx | pdf | yaml of the current terms
POST /lang                 switch between Chinese and English
=========================  ==========================================================================
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException

import finmodel

from ..errors import InputError
from ..files import output_stem
from . import views
from .forms import offer_fields, read_terms
from .security import protect, read_limited
from .state import Scenario

router = APIRouter()
PROTECTED = [Depends(protect)]
LEVELS = ("det", "P50", "P90", "P95", "mean")
OPS = (">=", "<=", ">", "<")
MAX_TARGETS = 3
MAX_STEPS = 15
PRICE_TERMS = ("contract.price.per_kwh", "contract.discount_to_grid", "contract.provider_share", "contract.discount",
               "contract.tenant_tariff_discount", "contract.fee_per_yr")
"""The term the Solve page proposes first: the contract's price, whichever the contract has."""
MEDIA = {"json": "application/json", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf", "yaml": "application/x-yaml"}


def _desk(request: Request):
    return request.state.desk


def _session(request: Request):
    return request.state.session


def _current(request: Request) -> tuple[str, dict]:
    """The case and terms on the table (the default example until the user opens another)."""
    s = _session(request)
    if s.case_id is None or _desk(request).cases.find(s.case_id) is None:
        s.case_id, s.changes = _desk(request).cases.default().id, {}
    return s.case_id, s.changes


def _name(rc, request: Request) -> str:
    """The case's name in the page's language (the Chinese name where the case gives one)."""
    info = rc.case.case
    return info.name_zh if _session(request).lang == "zh" and info.name_zh else info.name


def _paths(desk, raw: str | None) -> int:
    try:
        n = int(raw) if raw not in (None, "") else desk.config.default_paths
    except ValueError:
        raise InputError.single("paths", "paths", f"expected a whole number, got {raw!r}") from None
    if not 2 <= n <= desk.config.max_paths:
        raise InputError.single("paths", "paths", f"must be from 2 to {desk.config.max_paths:,}")
    return n


def _seed(desk, raw: str | None) -> int:
    try:
        n = int(raw) if raw not in (None, "") else desk.config.seed
    except ValueError:
        raise InputError.single("seed", "seed", f"expected a whole number, got {raw!r}") from None
    if not 0 <= n < 2**32:
        raise InputError.single("seed", "seed", "must be from 0 to 4294967295")
    return n


@router.get("/")
def home():
    return RedirectResponse("/cases", status_code=303)


# --- cases -------------------------------------------------------------------------------------------
@router.get("/cases")
def cases_page(request: Request):
    desk = _desk(request)
    return desk.render(request, "cases.html.j2", examples=desk.cases.examples(), mine=desk.cases.mine(),
                       folder=str(desk.cases.user_dir), kb=desk.config.upload_limit_bytes // 1024, problems=[])


@router.post("/cases/upload", dependencies=PROTECTED)
async def upload(request: Request, file: UploadFile = File(...)):
    desk = _desk(request)
    data = await read_limited(file, desk.config.upload_limit_bytes)
    case = desk.cases.add_upload(file.filename or "case.yaml", data)  # InputError -> the problems page
    s = _session(request)
    s.case_id, s.changes = case.id, {}
    return RedirectResponse(f"/offer?case={case.id}", status_code=303)


# --- offer -------------------------------------------------------------------------------------------
def _offer_context(request: Request, case_id: str, changes: dict) -> dict:
    desk = _desk(request)
    base = desk.resolved(case_id, {})
    rc = desk.resolved(case_id, changes)
    fields = offer_fields(base)
    current = {f.path: f for f in offer_fields(rc)}
    return {"case_id": case_id, "case_name": _name(rc, request), "fields": fields, "current": current,
            "currency": rc.case.case.currency, "owner": rc.owner, "changes": changes,
            "paths": desk.config.default_paths, "seed": desk.config.seed}


async def _deterministic(request: Request, case_id: str, changes: dict) -> tuple[dict, float]:
    desk = _desk(request)

    job = await desk.run(desk.jobs.quick, "deterministic", request.state.sid,
                         lambda job: desk.deterministic(case_id, changes))
    _raise(job)
    return job.result, job.seconds or 0.0


def _raise(job) -> None:
    if job.state == "failed":
        raise job.error
    if job.state in ("cancelled", "timed_out"):
        raise HTTPException(503)


@router.get("/offer")
async def offer_page(request: Request, case: str | None = None):
    s = _session(request)
    if case is not None and case != s.case_id:
        if _desk(request).cases.find(case) is None:
            raise HTTPException(404)
        s.case_id, s.changes = case, {}
    case_id, changes = _current(request)
    doc, seconds = await _deterministic(request, case_id, changes)
    return _desk(request).render(request, "offer.html.j2", det=views.deterministic(doc, s.lang), ms=round(seconds * 1000),
                                 **_offer_context(request, case_id, changes))


async def _terms(request: Request) -> tuple[str, dict]:
    """The case and the submitted terms as changes of its file (validated on resolving)."""
    desk = _desk(request)
    form = await request.form()
    case_id = form.get("case") or _current(request)[0]
    name, _ = desk.case_text(case_id)
    changes = read_terms(offer_fields(desk.resolved(case_id, {})), form, name, _session(request).lang)
    desk.resolved(case_id, changes)  # InputError: the problems, with field paths, in the results panel
    s = _session(request)
    s.case_id, s.changes = case_id, changes
    return case_id, changes


@router.post("/offer/evaluate", dependencies=PROTECTED)
async def evaluate(request: Request):
    case_id, changes = await _terms(request)
    doc, seconds = await _deterministic(request, case_id, changes)
    return _desk(request).render(request, "_deterministic.html.j2", det=views.deterministic(doc, _session(request).lang),
                                 ms=round(seconds * 1000), changes=changes)


def _start(request: Request, kind: str, work):
    desk = _desk(request)
    job = desk.jobs.start(desk.jobs.heavy, kind, request.state.sid, work)
    return desk.render(request, "_job.html.j2", job=job, time_limit=desk.config.time_limit_s)


@router.post("/offer/montecarlo", dependencies=PROTECTED)
async def montecarlo(request: Request):
    desk = _desk(request)
    form = await request.form()
    paths, seed = _paths(desk, form.get("paths")), _seed(desk, form.get("seed"))
    case_id, changes = await _terms(request)

    def work(job):
        rc = desk.resolved(case_id, changes)
        chunk = max(100, paths // 10)  # about ten progress steps; results do not depend on the chunk size
        return finmodel.appraise(rc, paths=paths, seed=seed, progress=job.progress, chunk_size=chunk).to_dict()

    return _start(request, "montecarlo", work)


@router.get("/jobs/{job_id}")
def job_page(request: Request, job_id: str):
    desk = _desk(request)
    job = desk.jobs.get(job_id, request.state.sid)
    if job is None:
        raise HTTPException(404)
    if not job.over:
        return desk.render(request, "_job.html.j2", job=job, time_limit=desk.config.time_limit_s)
    if job.state == "failed":
        raise job.error
    if job.state != "done":
        return desk.render(request, "_job.html.j2", job=job, time_limit=desk.config.time_limit_s)
    lang = _session(request).lang
    view = {"montecarlo": views.monte_carlo, "price": views.solve, "dealzone": views.dealzone,
            "tornado": views.tornado}[job.kind](job.result, lang)
    return desk.render(request, f"_{job.kind}.html.j2", view=view, job=job)


@router.post("/jobs/{job_id}/cancel", dependencies=PROTECTED)
def cancel(request: Request, job_id: str):
    desk = _desk(request)
    job = desk.jobs.get(job_id, request.state.sid)
    if job is None:
        raise HTTPException(404)
    job.cancel()
    return desk.render(request, "_job.html.j2", job=job, time_limit=desk.config.time_limit_s)


# --- solve -------------------------------------------------------------------------------------------
@router.get("/solve")
def solve_page(request: Request):
    desk = _desk(request)
    case_id, changes = _current(request)
    rc = desk.resolved(case_id, changes)
    fields = [f for f in offer_fields(rc) if f.kind != "bool"]
    metrics = sorted(_metric_names(rc))
    primary = next((p for p in PRICE_TERMS if any(f.path == p for f in fields)), fields[0].path)
    return desk.render(request, "solve.html.j2", case_id=case_id, case_name=_name(rc, request), fields=fields,
                       primary=primary,
                       metrics=metrics, levels=LEVELS, ops=OPS, changes=changes, paths=desk.config.default_paths,
                       seed=desk.config.seed, n_targets=MAX_TARGETS)


def _metric_names(rc) -> list[str]:
    """Metrics a target may name: the model's outputs of the parties and the project."""
    from ..sheets.build import build_model

    return [m for m in build_model(rc).outputs if m.split(".")[0] in ("project", "provider", "host", "platform",
                                                                        "tenants", "lender")]


def _assumption(path: str) -> str:
    """The assumption a form field sets (the name ``finmodel price --solve`` takes)."""
    if path.startswith("financing.tranches."):
        return "financing." + path.removeprefix("financing.tranches.")
    if path.startswith("financing.sizing."):
        return "financing." + path.removeprefix("financing.sizing.")
    return path


def _targets(form, lang: str) -> list[str]:
    """The form's targets as `finmodel price` reads them; at least one."""
    out = []
    for i in range(MAX_TARGETS):
        metric = (form.get(f"metric{i}") or "").strip()
        if not metric:
            continue
        op, value, level = form.get(f"op{i}", ">="), (form.get(f"value{i}") or "").strip(), form.get(f"level{i}", "det")
        if op not in OPS or level not in LEVELS:
            raise InputError.single("form", f"target {i + 1}", "unknown operator or level")
        out.append(f"{metric}{op}{value}" + ("" if level == "det" else f"@{level}"))
    if not out:
        raise InputError.single("form", "target", views.text(lang, "d_no_targets"))
    return out


def _runs(desk, form, targets: list[str]) -> tuple[int, int]:
    """Paths and seed of a solve: one path when no target names a Monte Carlo level."""
    paths, seed = _paths(desk, form.get("paths")), _seed(desk, form.get("seed"))
    return (paths if any("@" in t for t in targets) else 1), seed


@router.post("/solve/price", dependencies=PROTECTED)
async def solve_price(request: Request):
    desk = _desk(request)
    form = await request.form()
    case_id, changes = _current(request)
    lang = _session(request).lang
    field = form.get("field") or ""
    if not field:
        raise InputError.single("form", "field", views.text(lang, "d_pick_field"))
    targets = _targets(form, lang)
    paths, seed = _runs(desk, form, targets)
    low, high = (form.get("low") or "").strip(), (form.get("high") or "").strip()
    try:
        value_range = (float(low), float(high)) if low and high else None
    except ValueError:
        raise InputError.single("form", "range", "LOW and HIGH must be numbers") from None

    def work(job):
        return finmodel.price(desk.resolved(case_id, changes), _assumption(field), targets,
                              paths=paths, seed=seed, value_range=value_range, progress=job.progress)

    return _start(request, "price", work)


@router.post("/solve/dealzone", dependencies=PROTECTED)
async def solve_dealzone(request: Request):
    desk = _desk(request)
    form = await request.form()
    case_id, changes = _current(request)
    targets = _targets(form, _session(request).lang)
    axes = []
    for a in ("x", "y"):
        try:
            steps = int(form.get(f"{a}_steps") or 6)
        except ValueError:
            raise InputError.single("form", f"{a}_steps", "expected a whole number") from None
        if not 2 <= steps <= MAX_STEPS:
            raise InputError.single("form", f"{a}_steps", f"must be from 2 to {MAX_STEPS}")
        axes.append(f"{_assumption(form.get(f'{a}_field') or '')}:{form.get(f'{a}_low')}:{form.get(f'{a}_high')}:"
                    f"{steps}")
    paths, seed = _runs(desk, form, targets)

    def work(job):
        return finmodel.dealzone(desk.resolved(case_id, changes), axes[0], axes[1], targets,
                                 paths=paths, seed=seed, progress=job.progress)

    return _start(request, "dealzone", work)


@router.post("/solve/tornado", dependencies=PROTECTED)
async def solve_tornado(request: Request):
    desk = _desk(request)
    form = await request.form()
    case_id, changes = _current(request)
    paths, seed = _paths(desk, form.get("paths")), _seed(desk, form.get("seed"))

    def work(job):
        return finmodel.appraise(desk.resolved(case_id, changes), paths=paths, seed=seed,
                                 progress=job.progress, chunk_size=max(100, paths // 10)).to_dict()

    return _start(request, "tornado", work)


# --- scenarios and downloads -------------------------------------------------------------------------
@router.get("/scenarios")
async def scenarios_page(request: Request):
    desk = _desk(request)
    case_id, changes = _current(request)
    s = _session(request)
    return desk.render(request, "scenarios.html.j2", case_id=case_id, changes=changes,
                       compare=views.compare(s.scenarios, s.lang) if s.scenarios else None,
                       paths=desk.config.default_paths, seed=desk.config.seed)


@router.post("/scenarios/save", dependencies=PROTECTED)
async def save(request: Request, name: str = Form("", max_length=80)):
    case_id, changes = _current(request)
    doc, _ = await _deterministic(request, case_id, changes)
    s = _session(request)
    sid = _desk(request).sessions.next_id()
    s.save(Scenario(sid, name.strip() or f"#{sid}", case_id, dict(changes), doc))
    return RedirectResponse("/scenarios", status_code=303)


@router.post("/scenarios/delete", dependencies=PROTECTED)
async def delete(request: Request, scenario: int = Form(...)):
    _session(request).delete(scenario)
    return RedirectResponse("/scenarios", status_code=303)


@router.post("/download/{kind}", dependencies=PROTECTED)
async def download(request: Request, kind: str):
    desk = _desk(request)
    if kind not in MEDIA:
        raise HTTPException(404)
    form = await request.form()
    case_id, changes = _current(request)
    name, text = desk.case_text(case_id)
    stem = output_stem(name) + ("-offer" if changes else "")
    if kind == "yaml":
        body = finmodel.case_text(text, changes).encode() if changes else text.encode()
        return _file(body, f"{stem}.yaml", kind)
    paths, seed = (_paths(desk, form.get("paths")) if form.get("paths") not in (None, "", "1") else 1), _seed(
        desk, form.get("seed"))
    lang = form.get("lang") if form.get("lang") in ("zh", "en") else _session(request).lang

    def work(job):
        rc = desk.resolved(case_id, changes)
        # no chunk size and no progress: the run the CLI makes, so the JSON is the CLI's
        result = finmodel.appraise(rc, paths=paths, seed=seed)
        job.check()
        with tempfile.TemporaryDirectory(prefix="finmodel-desk-") as tmp:
            formats = ("json",) if kind == "json" else ("json", kind)
            out = finmodel.write_reports(result, tmp, stem, lang=lang, formats=formats)
            return Path(out[kind]).read_bytes()

    job = await desk.run(desk.jobs.heavy, f"download-{kind}", request.state.sid, work)
    _raise(job)
    return _file(job.result, f"{stem}.{kind}", kind)


def _file(body: bytes, filename: str, kind: str) -> Response:
    return Response(body, media_type=MEDIA[kind], headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.post("/lang", dependencies=PROTECTED)
async def switch_language(request: Request, lang: str = Form(...), back: str = Form("/cases")):
    s = _session(request)
    if lang in ("zh", "en"):
        s.lang = lang
    target = back if back.startswith("/") and not back.startswith("//") else "/cases"
    return RedirectResponse(target, status_code=303)
