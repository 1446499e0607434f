"""The PDF appraisal report (WeasyPrint), in Chinese or English.

:func:`write_pdf` turns an appraisal and its result document into a PDF:

1. :func:`build_context` reads the result document (and, for what the document does not carry
   — technology names, TRL, contract line labels — the appraisal) and prepares every number as
   formatted text (:mod:`finmodel.report.format`) and every word in the report's language
   (:mod:`finmodel.report.words`).  The templates only place what they are given; nothing is
   computed in them.
2. Charts (:mod:`finmodel.report.charts`) are written as SVG files into a private temporary
   folder.
3. jinja2 renders ``templates/report.html.j2`` with autoescaping on: case, park and party names,
   notes and sources are user text and reach the page as text, never as markup.
4. WeasyPrint lays the HTML out with ``base_url`` = the templates folder and a
   :class:`SafeFetcher` that serves files from the templates folder and the chart folder only
   (no network, no other file).
5. The PDF is written to a temporary file next to the target and renamed into place, so a
   failure never leaves a partial PDF.

Sections appear only when the document has their data: risk with ``monte_carlo``, pricing with
``pricing``/``dealzone``, financing schedules with debt, the SLL with ``financing.sll``.
"""
from __future__ import annotations

import mimetypes
import os
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import numpy as np
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..resources import TEMPLATES_DIR
from . import charts
from . import format as F
from .words import (BASE_RATES, BASELINE, CARBON_RULES, CARRIERS, COAL_EQ, CONTRACTS, CONVENTION_KEYS,
                    CONVENTION_TEXT_ZH, CONVENTION_VALUES, CURRENCIES, EVENT_ANY, EVENT_LEVELS, EVENT_WHAT, EVENT_WHEN,
                    GROUPS, KPIS, MARKET_PRICES, MATURITY, REPAYMENT, REVENUE_LINES, SIZING, paren, party_name, pick,
                    reason, short_party, text)

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Appraisal

TEMPLATES = TEMPLATES_DIR
TEMPLATE = "report.html.j2"
CSS = "report.css"
ALLOWED_SUFFIXES = {".css", ".svg", ".png", ".jpg", ".jpeg", ".woff", ".woff2", ".ttf", ".otf"}

try:  # WeasyPrint >= 66: fetchers are URLFetcher subclasses returning URLFetcherResponse
    from weasyprint.urls import URLFetcher as _FetcherBase
    from weasyprint.urls import URLFetcherResponse as _Response
except ImportError:  # pragma: no cover - older WeasyPrint: a callable returning a dict
    _FetcherBase, _Response = object, None


# ================================================================================================
# restricted resource fetcher
# ================================================================================================
class RefusedURL(ValueError):
    """A resource outside the report's own folders (or not a local file) was requested."""


class SafeFetcher(_FetcherBase):
    """Serve ``file:`` URLs inside ``roots`` only; refuse every other URL.

    Refused: any scheme but ``file`` (http, https, ftp, data …), paths outside the roots
    (including through ``..`` or symbolic links, checked on the resolved path), folders,
    missing files and file types a report does not use.  WeasyPrint catches the error, logs it
    and leaves the resource out; ``refused`` keeps the list for tests and logs.
    """

    def __init__(self, roots: Sequence[str | Path]):
        if _FetcherBase is not object:
            super().__init__(timeout=1, allowed_protocols=("file",), allow_redirects=False, fail_on_errors=False)
        self.roots = [Path(r).resolve() for r in roots]
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


# ================================================================================================
# small builders for the view model
# ================================================================================================
def c(t: Any, cls: str = "") -> dict:
    """A table cell: text and a CSS class (``num`` for right-aligned numbers)."""
    return {"t": "" if t is None else str(t), "c": cls, "span": 0}


def n(t: Any) -> dict:
    return c(t, "num")


def col(label: str, unit: str = "", cls: str = "") -> dict:
    return {"label": label, "unit": unit, "cls": cls}


def table(cols: list[dict], rows: list[dict | list], *, caption: str = "", notes: list[str] | None = None,
          cls: str = "", widths: list[str] | None = None) -> dict:
    out_rows = []
    for r in rows:
        if isinstance(r, dict) and "cells" in r:
            out_rows.append(r)
        else:
            out_rows.append({"cells": list(r), "cls": ""})
    return {"caption": caption, "cols": cols, "rows": out_rows, "notes": notes or [], "cls": cls,
            "widths": widths or []}


class Notes:
    """Collects the reasons of undefined values shown in one table as numbered notes."""

    def __init__(self, lang: str, doc_notes: dict[str, str]):
        self.lang = lang
        self.doc_notes = doc_notes
        self.items: list[str] = []

    def val(self, v: Any, kind: str, key: str | None = None) -> str:
        s = F.fmt(v, kind, self.lang)
        if v is None and key is not None and key in self.doc_notes:
            why = reason(self.lang, self.doc_notes[key])
            if why not in self.items:
                self.items.append(why)
            s += f" [{self.items.index(why) + 1}]"
        return s

    def lines(self) -> list[str]:
        return [f"[{i + 1}] {w}" for i, w in enumerate(self.items)]


def metric_kind(name: str) -> str:
    """Format kind of a metric from its name (IRR → %, DSCR → ratio, NPV → money …)."""
    s = name.lower()
    tail = s.rsplit(".", 1)[-1]
    if "intensity" in s:
        return "intensity"
    if "payback" in s:
        return "years"
    if tail in ("year", "first_year_met") or tail.endswith("_year") or tail.startswith("first_year"):
        return "year"
    if any(k in tail for k in ("dscr", "llcr", "plcr", "icr")):
        return "ratio"
    if any(k in tail for k in ("irr", "share", "roi", "roe", "gearing")) or tail.endswith("rate") or tail == "se" \
            and "irr" in s:
        return "pct"
    if "_bp" in tail or tail.endswith("bp"):
        return "bp"
    if any(k in tail for k in ("npv", "amount", "cost", "saved", "price", "value", "cash", "cfads", "revenue",
                               "opex", "capex", "tax", "debt_service")):
        return "money"
    return "number"


# ================================================================================================
# the context
# ================================================================================================
class Ctx:
    """Everything the report needs, read once from the document and the appraisal."""

    def __init__(self, a: "Appraisal", doc: dict, lang: str, chart_dir: Path):
        self.a, self.doc, self.lang, self.chart_dir = a, doc, lang, chart_dir
        self.cur = doc.get("currency") or "CNY"
        self.cur_word = pick(CURRENCIES, self.cur, lang)
        self.notes = doc.get("notes") or {}
        self.A = {x["field"]: x for x in doc.get("assumptions") or []}
        self.years = list(doc["yearly"]["year"])
        self.owner = doc.get("owner") or "provider"
        self.case = a.rc.case if a is not None else None
        self.n_charts = 0

    # words -----------------------------------------------------------------------------------
    def t(self, key: str, **kw) -> str:
        return text(self.lang, key, **kw)

    def f(self, v: Any, kind: str) -> str:
        return F.fmt(v, kind, self.lang)

    @property
    def money_unit(self) -> str:
        return self.t("u_money", cur=self.cur_word)

    @property
    def money_k_unit(self) -> str:
        return self.t("u_money_k", cur=self.cur_word)

    def party(self, p: str, short: bool = False) -> str:
        if short:
            return short_party(p, self.lang)
        custom = None
        if self.case is not None and p in self.case.parties:
            custom = self.case.parties[p].name
        return party_name(p, self.lang, custom)

    def value(self, field: str) -> float | None:
        x = self.A.get(field)
        return None if x is None else x.get("value")

    def party_rate(self, p: str) -> float | None:
        return self.value(f"parties.{p}.discount_rate")

    # charts ------------------------------------------------------------------------------------
    def chart(self, svg: str, caption: str, cls: str = "") -> dict:
        self.n_charts += 1
        path = self.chart_dir / f"chart-{self.n_charts:02d}.svg"
        path.write_text(svg, encoding="utf-8")
        return {"src": path.as_uri(), "caption": caption, "cls": cls}


def _case_name(ctx: Ctx) -> str:
    name = ctx.doc.get("case") or ""
    if ctx.lang == "zh" and ctx.case is not None and ctx.case.case.name_zh:
        name = ctx.case.case.name_zh
    return name


def _opt(x: Any, default: Any = None) -> Any:
    return default if x is None else x


def _min_dscr_year(ctx: Ctx) -> int | None:
    """The year of the lowest DSCR (``financing.covenants.min_dscr_year``); None without debt."""
    return ((ctx.doc.get("financing") or {}).get("covenants") or {}).get("min_dscr_year")


def _mc(ctx: Ctx) -> dict | None:
    mc = ctx.doc.get("monte_carlo")
    return mc if isinstance(mc, dict) and mc else None


def _mc_metric(ctx: Ctx, *names: str) -> tuple[str, dict] | tuple[None, None]:
    mc = _mc(ctx)
    if not mc:
        return None, None
    metrics = mc.get("metrics") or {}
    for name in names:
        if name in metrics and isinstance(metrics[name], dict):
            return name, metrics[name]
    return None, None


def _breach_probability(ctx: Ctx) -> tuple[str, float] | None:
    mc = _mc(ctx)
    if not mc:
        return None
    probs = mc.get("probabilities") or {}
    for k, v in probs.items():
        if "dscr" in k.lower() and "lockup" in k.lower() and v is not None:
            return k, v
    for k, v in probs.items():
        if "dscr" in k.lower() and v is not None:
            return k, v
    return None


def _recommended_price(ctx: Ctx) -> str | None:
    pricing = ctx.doc.get("pricing")
    if not isinstance(pricing, dict):
        return None
    v = pricing.get("solved_value")
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return None
    unit = pricing.get("unit") or ""
    field = pricing.get("field") or ""
    kind = "pct" if (unit.startswith("fraction") or metric_kind(str(field)) == "pct") else "number"
    s = ctx.f(v, kind)
    if unit and kind != "pct":
        s += f" {unit}"
    return f"{field} = {s}" if field else s


# ------------------------------------------------------------------------------------------------
# 1 summary
# ------------------------------------------------------------------------------------------------
def _summary(ctx: Ctx) -> dict:
    doc, lang = ctx.doc, ctx.lang
    det = doc["deterministic"]
    parties = det.get("parties") or {}
    nt = Notes(lang, ctx.notes)
    mc = _mc(ctx)
    cols = [col(ctx.t("party")), col(ctx.t("hurdle"), ctx.t("u_pct"), "num"), col(ctx.t("irr"), ctx.t("u_pct"), "num"),
            col(ctx.t("npv_at"), ctx.money_unit, "num"), col(ctx.t("payback"), ctx.t("u_years"), "num")]
    if mc:
        cols += [col(f"{ctx.t('irr')} P50", ctx.t("u_pct"), "num"), col(f"{ctx.t('irr')} P90", ctx.t("u_pct"), "num"),
                 col(f"{ctx.t('npv')} P50", ctx.money_unit, "num"), col(f"{ctx.t('npv')} P90", ctx.money_unit, "num")]
    rows = []
    for p, d in parties.items():
        label = ctx.party(p, short=True)
        if p == ctx.owner:
            label += paren(ctx.t("owner"), lang)
        row = [c(label), n(ctx.f(ctx.party_rate(p), "pct")),
               n(nt.val(d.get("irr"), "pct", f"deterministic.parties.{p}.irr")),
               n(nt.val(d.get("npv"), "money", f"deterministic.parties.{p}.npv")),
               n(nt.val(d.get("payback_years"), "years", f"deterministic.parties.{p}.payback_years"))]
        if mc:  # P90 = the value exceeded on 90 % of the paths = the 10th percentile
            _, m = _mc_metric(ctx, f"{p}.irr", *(("project.equity_irr",) if p == ctx.owner else ()))
            _, v = _mc_metric(ctx, f"{p}.npv")
            row += [n(ctx.f(m.get("p50") if m else None, "pct")), n(ctx.f(m.get("p10") if m else None, "pct")),
                    n(ctx.f(v.get("p50") if v else None, "money")), n(ctx.f(v.get("p10") if v else None, "money"))]
        rows.append(row)
    party_table = table(cols, rows, notes=nt.lines(), cls="summary")

    # key indicators (label, value)
    nt = Notes(lang, ctx.notes)
    kv = []
    proj = det["project"]
    kv.append((ctx.t("ind_equity_irr"), nt.val(proj.get("equity_irr"), "pct", "deterministic.project.equity_irr")))
    kv.append((ctx.t("ind_project_irr_after_tax"),
               nt.val(proj.get("project_irr_after_tax"), "pct", "deterministic.project.project_irr_after_tax")))
    kv.append((f"{ctx.t('ind_npv')} ({ctx.t('at_rate', rate=ctx.f(ctx.value('case.discount_rate'), 'pct'))})",
               f"{nt.val(proj.get('npv'), 'money', 'deterministic.project.npv')} {ctx.money_unit}"))
    dyear = _min_dscr_year(ctx)
    if proj.get("min_dscr") is not None:
        s = f"{ctx.f(proj['min_dscr'], 'ratio')}×"
        if dyear is not None:
            s += f" ({ctx.f(dyear, 'year')})"
        kv.append((ctx.t("min_dscr"), s))
    else:
        kv.append((ctx.t("min_dscr"), nt.val(None, "ratio", "deterministic.project.min_dscr")))
    br = _breach_probability(ctx)
    if br is not None:
        kv.append((ctx.t("p_breach"), ctx.f(br[1], "pct")))
    carbon = doc.get("carbon") or {}
    fy = carbon.get("first_year_met")
    kv.append((ctx.t("zcp_status"), ctx.t("zcp_met_from", year=ctx.f(fy, "year")) if fy is not None
               else ctx.t("zcp_never")))
    if carbon.get("intensity_tco2_per_tce"):
        last = carbon["intensity_tco2_per_tce"][-1]
        thr = (carbon.get("threshold_tco2_per_tce") or [None])[-1]
        kv.append((f"{ctx.t('intensity')} {ctx.f(carbon['year'][-1], 'year')}",
                   f"{ctx.f(last, 'intensity')} {ctx.t('u_intensity')} "
                   f"({ctx.t('threshold').lower()} {ctx.f(thr, 'intensity')})"))
    price = _recommended_price(ctx)
    if price:
        kv.append((ctx.t("recommended_price"), price))
    kv.append((ctx.t("flags_count"), str(len(doc.get("flags") or []))))
    return {"party_table": party_table, "kv": [{"k": k, "v": v} for k, v in kv], "kv_notes": nt.lines(),
            "verdict": verdict(ctx)}


def verdict(ctx: Ctx) -> list[str]:
    """A short verdict in plain words, generated from the numbers (no judgement beyond them)."""
    doc = ctx.doc
    out = []
    det = doc["deterministic"]
    proj = det["project"]
    parties = det.get("parties") or {}
    owner = ctx.owner
    od = parties.get(owner, {})
    hurdle = ctx.party_rate(owner)
    irr = proj.get("equity_irr")
    npv = od.get("npv")
    name = ctx.party(owner, short=True)
    if irr is None:
        why = reason(ctx.lang, ctx.notes.get("deterministic.project.equity_irr")) or F.none_text(ctx.lang)
        out.append(ctx.t("v_owner_irr_none", party=name, reason=why, npv=ctx.f(npv, "money"), cur=ctx.cur_word))
    else:
        key = "v_owner_irr_ok" if hurdle is None or irr >= hurdle else "v_owner_irr_low"
        out.append(ctx.t(key, party=name, irr=ctx.f(irr, "pct"), hurdle=ctx.f(hurdle, "pct"),
                         npv=ctx.f(npv, "money"), cur=ctx.cur_word))
    for p, d in parties.items():
        if p in (owner, "lender") or d.get("npv") is None:
            continue
        share = ""
        if p == "host" and d.get("savings_share") is not None:
            share = ctx.t("v_share", share=ctx.f(d["savings_share"], "pct"))
        key = "v_party_npv_pos" if d["npv"] >= 0 else "v_party_npv_neg"
        out.append(ctx.t(key, party=ctx.party(p, short=True), npv=ctx.f(d["npv"], "money"), cur=ctx.cur_word,
                         rate=ctx.f(ctx.party_rate(p), "pct"), share=share))
    fin = doc.get("financing") or {}
    cov = fin.get("covenants") or {}
    dyear = _min_dscr_year(ctx)
    if proj.get("min_dscr") is not None:
        lock, default = cov.get("lockup_dscr"), cov.get("default_dscr")
        dm = proj["min_dscr"]
        yr = ctx.f(dyear, "year")
        if default is not None and dm < default:
            out.append(ctx.t("v_dscr_default", dscr=ctx.f(dm, "ratio"), year=yr, default=ctx.f(default, "ratio")))
        elif lock is not None and dm < lock:
            nlock = sum(1 for v in doc["yearly"]["dscr"] if v is not None and v < lock)
            out.append(ctx.t("v_dscr_lock", dscr=ctx.f(dm, "ratio"), year=yr, lockup=ctx.f(lock, "ratio"), n=nlock))
        elif lock is not None:
            out.append(ctx.t("v_dscr_ok", dscr=ctx.f(dm, "ratio"), year=yr, lockup=ctx.f(lock, "ratio"),
                             headroom=ctx.f(dm - lock, "ratio")))
    elif not fin.get("tranches"):
        out.append(ctx.t("v_no_debt"))
    mc = _mc(ctx)
    if mc:
        mname, m = _mc_metric(ctx, "project.equity_irr", f"{owner}.irr")
        if m:
            out.append(ctx.t("v_mc", paths=ctx.f(mc.get("paths"), "qty"), metric=metric_label(ctx, mname),
                             p50=ctx.f(m.get("p50"), "pct"), p90=ctx.f(m.get("p10"), "pct")))
        br = _breach_probability(ctx)
        if br is not None:
            out.append(ctx.t("v_breach", p=ctx.f(br[1], "pct")))
    carbon = doc.get("carbon") or {}
    if carbon.get("year"):
        fy = carbon.get("first_year_met")
        if fy is not None:
            out.append(ctx.t("v_zcp_met", year=ctx.f(fy, "year")))
        else:
            th = carbon.get("thresholds") or {}
            out.append(ctx.t("v_zcp_not", year=ctx.f(carbon["year"][-1], "year"),
                             int=ctx.f(carbon["intensity_tco2_per_tce"][-1], "intensity"),
                             thr=ctx.f(carbon["threshold_tco2_per_tce"][-1], "intensity"),
                             clean=ctx.f(carbon["clean_energy_share"][-1], "pct"),
                             tclean=ctx.f(th.get("clean_energy_share"), "pct"),
                             direct=ctx.f(carbon["green_direct_share"][-1], "pct"),
                             tdirect=ctx.f(th.get("green_direct_share"), "pct")))
    price = _recommended_price(ctx)
    if price:
        out.append(ctx.t("v_price", price=price))
    if doc.get("flags"):
        out.append(ctx.t("v_flags", n=len(doc["flags"])))
    return out


def metric_label(ctx: Ctx, name: str | None) -> str:
    """Words for a metric key such as ``project.equity_irr`` or ``provider.npv``."""
    if not name:
        return ""
    head, _, tail = name.partition(".")
    if head == "yearly":
        key = {"equity_cash_flow": "equity_cf"}.get(tail, tail)
        return ctx.t(key)
    if head == "project" and T_IND(ctx, tail):
        return T_IND(ctx, tail)
    words = {"irr": ctx.t("irr"), "npv": ctx.t("npv"), "payback_years": ctx.t("payback"),
             "discounted_payback_years": ctx.t("dyn_payback"), "min_dscr": ctx.t("min_dscr")}
    if tail in words:
        sep = "" if ctx.lang == "zh" else " "
        return f"{ctx.party(head, short=True)}{sep}{words[tail]}"
    if ctx.a is not None and name in ctx.a.model.outputs:
        o = ctx.a.model.outputs[name]
        return o.zh if ctx.lang == "zh" else o.en
    return name


def T_IND(ctx: Ctx, key: str) -> str | None:  # noqa: N802 - small lookup helper
    k = f"ind_{key}"
    s = ctx.t(k)
    return None if s == k else s


# ------------------------------------------------------------------------------------------------
# 2 project and park
# ------------------------------------------------------------------------------------------------
FLOW_RULES: list[tuple[str, str, str]] = [
    # (line name regex, payer, payee); OWNER is replaced by the case's owner
    (r"k\.[a-z0-9_]+\.payment", "host", "OWNER"),
    (r"k\.subscription", "host", "OWNER"),
    (r"k\.penalty", "OWNER", "host"),
    (r"k\.share_received", "host", "OWNER"),
    (r"k\.fee", "host", "provider"),
    (r"k\.excess_share", "host", "provider"),
    (r"k\.shortfall", "provider", "host"),
    (r"k\.[a-z0-9_]+\.tenant_sales", "tenants", "OWNER"),
    (r"k\.platform_fee", "OWNER", "platform"),
    (r"k\.rent", "OWNER", "RENT"),
    (r"k\.market_rev", "market", "OWNER"),
    (r"k\.market_rev_host", "market", "host"),
    (r"k\.terminal_value", "market", "OWNER"),
    (r"k\.bill_elec", "OWNER", "market"),
    (r"k\.bill_fuels", "OWNER", "market"),
    (r"k\.grid_charges", "OWNER", "market"),
    (r"k\.insurance", "OWNER", "insurer"),
    (r"k\.mv_cost", "provider", "mv"),
    (r"f\.contrib\.[a-z]+", "CONTRIB", "OWNER"),
]


def _line_total(a: "Appraisal", name: str) -> float:
    if name not in a.base.lines:
        return 0.0
    return float(np.nansum(a.base.line(name)[0]))


def _who_pays_whom(ctx: Ctx) -> dict | None:
    a = ctx.a
    if a is None:
        return None
    owner = ctx.owner
    rent_to = "platform" if "k.platform_fee" in a.model.lines else "host"
    rows = []
    for pattern, payer, payee in FLOW_RULES:
        rx = re.compile(pattern + r"$")
        for name, line in a.model.lines.items():
            if not rx.match(name):
                continue
            total = _line_total(a, name)
            if abs(total) < 0.5:
                continue
            pay, rec = payer, payee
            if pay == "CONTRIB":
                pay = name.rsplit(".", 1)[-1]
            pay = owner if pay == "OWNER" else pay
            rec = owner if rec == "OWNER" else (rent_to if rec == "RENT" else rec)
            label = line.zh if ctx.lang == "zh" else line.en
            if payer == "CONTRIB":
                label = ctx.t("contrib_flow", party=ctx.party(pay, short=True))
            rows.append([c(ctx.party(pay, short=True)), c(ctx.party(rec, short=True)), c(label),
                         n(ctx.f(total, "money_k"))])
    fin = ctx.doc.get("financing") or {}
    if fin.get("tranches"):
        draw = sum(sum(x or 0 for x in t.get("drawdown") or []) for t in fin["tranches"])
        service = sum(x or 0 for x in ctx.doc["yearly"]["debt_service"])
        rows.append([c(ctx.party("lender", short=True)), c(ctx.party(owner, short=True)), c(ctx.t("lenders_flow_draw")),
                     n(ctx.f(draw, "money_k"))])
        rows.append([c(ctx.party(owner, short=True)), c(ctx.party("lender", short=True)),
                     c(ctx.t("lenders_flow_service")), n(ctx.f(service, "money_k"))])
    tax = sum(x or 0 for x in ctx.doc["yearly"]["tax"])
    if abs(tax) >= 0.5:
        rows.append([c(ctx.party(owner, short=True)), c(ctx.party("tax", short=True)), c(ctx.t("tax_flow")),
                     n(ctx.f(tax, "money_k"))])
    if not rows:
        return None
    return table([col(ctx.t("payer")), col(ctx.t("payee")), col(ctx.t("flow")),
                  col(ctx.t("total_nominal"), ctx.money_k_unit, "num")], rows, widths=["14%", "14%", "50%", "22%"])


def _project(ctx: Ctx) -> dict:
    doc, a, lang = ctx.doc, ctx.a, ctx.lang
    case = ctx.case
    out: dict[str, Any] = dict.fromkeys(("case_notes", "assets", "baseline", "flows", "terms", "cost_split",
                                         "timeline"))
    cy = int(_opt(ctx.value("case.construction_years"), 1))
    oy = int(_opt(ctx.value("case.operation_years"), len(ctx.years) - cy))
    start = int(ctx.years[0])
    kv = [(ctx.t("case"), _case_name(ctx)),
          (ctx.t("park"), case.park.name if case is not None else ""),
          (ctx.t("contract"), pick(CONTRACTS, doc.get("contract", ""), lang)),
          (ctx.t("horizon"), ctx.t("horizon_value", start=start, end=int(ctx.years[-1]), c=cy, o=oy)),
          (ctx.t("market"), doc.get("market") or ""),
          (ctx.t("currency"), ctx.cur)]
    out["kv"] = [{"k": k, "v": v} for k, v in kv]
    if case is not None and case.case.notes:
        out["case_notes"] = case.case.notes

    if case is not None:
        rows = []
        for asset in case.assets:
            tech = a.rc.technologies[asset.id]
            cap_unit = tech.capacity_unit
            capex = ctx.A.get(f"assets.{asset.id}.capex_per_unit") or {}
            first_op = start + cy + asset.commissioning_year - 1
            rows.append([c(asset.id), c(tech.name_zh if lang == "zh" else tech.name_en),
                         n(f"{F.qty(asset.capacity)} {cap_unit}"), n(F.year(first_op)),
                         n(F.number(tech.trl.value)), c(pick(MATURITY, tech.maturity_class, lang)),
                         n(f"{F.number(capex.get('value'))} {capex.get('unit', '')}".strip())])
        out["assets"] = table([col(ctx.t("asset_id")), col(ctx.t("technology")), col(ctx.t("capacity"), "", "num"),
                               col(ctx.t("commissioning"), ctx.t("u_year"), "num"), col(ctx.t("trl"), "", "num"),
                               col(ctx.t("maturity")), col(ctx.t("capex_unit"), "", "num")], rows,
                              widths=["11%", "30%", "13%", "9%", "8%", "14%", "15%"])
        base = case.park.baseline.model_dump()
        brows = [[c(pick(BASELINE, k, lang)), n(F.qty(v)), c(BASELINE.get(k, ("", "", ""))[2])]
                 for k, v in base.items() if v]
        if brows:
            out["baseline"] = table([col(ctx.t("carrier")), col(ctx.t("quantity"), "", "num"), col(ctx.t("unit"))],
                                    brows, widths=["50%", "30%", "20%"])
        # cost split
        # cost split as resolved (the document's assumptions: defaults depend on the contract)
        cs = {k: {p: ctx.value(f"cost_split.{k}.{p}") or 0.0 for p in ("provider", "host", "platform", "tenants")}
              for k in ("capex", "opex", "overrun")}
        present = [p for p in ("provider", "host", "platform", "tenants")
                   if any(cs[k][p] for k in ("capex", "opex", "overrun"))]
        rows = [[c(ctx.t(f"cs_{k}"))] + [n(F.pct(cs[k][p])) for p in present] for k in ("capex", "opex", "overrun")]
        out["cost_split"] = table([col(ctx.t("cost_item"))] + [col(ctx.party(p, short=True), ctx.t("u_pct"), "num")
                                                                for p in present], rows) if present else None
        # timeline
        trows = [[c(ctx.t("ph_construction")), n(F.year(start)), n(F.year(start + cy - 1))],
                 [c(ctx.t("ph_operation")), n(F.year(start + cy)), n(F.year(start + cy + oy - 1))],
                 [c(ctx.t("ph_contract")), n(F.year(start + cy)), n(F.year(start + cy + case.contract.term_years - 1))]]
        for tid, tr in case.financing.tranches.items():
            if tr.grace_years:
                trows.append([c(ctx.t("ph_grace", tranche=tid)), n(F.year(start + cy)),
                              n(F.year(start + cy + tr.grace_years - 1))])
            trows.append([c(ctx.t("ph_loan", tranche=tid)), n(F.year(start + cy)),
                          n(F.year(start + cy + tr.tenor_years - 1))])
        for asset in case.assets:
            if asset.commissioning_year > 1:
                trows.append([c(f"{ctx.t('commissioning')}: {asset.id}"),
                              n(F.year(start + cy + asset.commissioning_year - 1)), n("")])
        out["timeline"] = table([col(ctx.t("phase")), col(ctx.t("from"), ctx.t("u_year"), "num"),
                                 col(ctx.t("to"), ctx.t("u_year"), "num")], trows, widths=["60%", "20%", "20%"])
    terms = [x for x in doc.get("assumptions") or [] if x["field"].startswith("contract.")]
    if terms:
        out["terms"] = table([col(ctx.t("field")), col(ctx.t("value"), "", "num"), col(ctx.t("unit"))],
                             [[c(x["field"].removeprefix("contract.")), n(F.by_unit(x["value"], x["unit"], lang)),
                               c(x["unit"])] for x in terms], widths=["50%", "25%", "25%"])
    out["flows"] = _who_pays_whom(ctx)
    return out


# ------------------------------------------------------------------------------------------------
# 3 assumptions
# ------------------------------------------------------------------------------------------------
def _group_of(field: str) -> str:
    head = field.split(".", 1)[0]
    if head == "assets":
        parts = field.split(".")
        return f"assets.{parts[1]}" if len(parts) > 2 else head
    return head


def _assumptions(ctx: Ctx) -> dict:
    lang = ctx.lang
    rows, group = [], None
    for x in ctx.doc.get("assumptions") or []:
        g = _group_of(x["field"])
        if g != group:
            group = g
            head, _, sub = g.partition(".")
            title = pick(GROUPS, head, lang) + (f" — {sub}" if sub else "")
            rows.append({"cells": [{"t": title, "c": "group", "span": 5}], "cls": "group"})
        value = F.by_unit(x["value"], x.get("unit"), lang)
        shown = x["field"][len(g) + 1:] if x["field"].startswith(g + ".") else x["field"]
        rows.append([c(shown, "field"), n(value), c(x.get("unit") or "", "unit"), c(x.get("source") or "", "src"),
                     c(ctx.t("yes_mark") if x.get("overridden") else "", "mark")])
    t = table([col(ctx.t("field")), col(ctx.t("value"), "", "num"), col(ctx.t("unit")), col(ctx.t("source")),
               col("*", "", "mark")], rows, cls="assumptions", widths=["27%", "11%", "10%", "49%", "3%"])
    flags = []
    for fl in ctx.doc.get("flags") or []:
        kind = "pct" if fl["metric"] == "irr" else "years"
        lo, hi = ctx.f(fl.get("typical_low"), kind), ctx.f(fl.get("typical_high"), kind)
        if fl.get("value") is None:
            msg = ctx.t("flag_msg_payback_none", asset=fl["asset"], lo=lo, hi=hi)
            hint = ctx.t("flag_hint_low")
        else:
            key = "flag_msg_irr" if fl["metric"] == "irr" else "flag_msg_payback"
            msg = ctx.t(key, asset=fl["asset"], value=ctx.f(fl["value"], kind), lo=lo, hi=hi)
            high = (fl["value"] > fl["typical_high"]) == (fl["metric"] == "irr")
            hint = ctx.t("flag_hint_high" if high else "flag_hint_low")
        metric = ctx.t("irr") if fl["metric"] == "irr" else ctx.t("payback")
        flags.append([c(fl["asset"]), c(metric), n(ctx.f(fl.get("value"), kind)), n(f"{lo}–{hi}"), c(f"{msg}; {hint}")])
    ft = table([col(ctx.t("asset_id")), col(ctx.t("metric")), col(ctx.t("value"), "", "num"),
                col(ctx.t("typical_range"), "", "num"), col(ctx.t("note"))], flags,
               widths=["9%", "13%", "10%", "14%", "54%"]) if flags else None
    return {"table": t, "flags": ft}


# ------------------------------------------------------------------------------------------------
# 4 financial results
# ------------------------------------------------------------------------------------------------
def year_groups(n_periods: int, construction_years: int, limit: int = 26) -> list[list[int]]:
    """Rows of the condensed yearly table: every year when few, otherwise construction and the
    first ten operation years one by one, then five-year groups, and the last year on its own."""
    if n_periods <= limit:
        return [[i] for i in range(n_periods)]
    head = construction_years + 10
    groups = [[i] for i in range(head)]
    rest = list(range(head, n_periods - 1))
    for k in range(0, len(rest), 5):
        groups.append(rest[k:k + 5])
    groups.append([n_periods - 1])
    return groups


def _group_label(years: list[float], g: list[int]) -> str:
    return F.year(years[g[0]]) if len(g) == 1 else f"{F.year(years[g[0]])}–{F.year(years[g[-1]])}"


def _sum(vals: list, g: list[int]) -> float | None:
    xs = [vals[i] for i in g if vals[i] is not None]
    return sum(xs) if xs else None


def _min(vals: list, g: list[int]) -> float | None:
    xs = [vals[i] for i in g if vals[i] is not None]
    return min(xs) if xs else None


def _financial(ctx: Ctx) -> dict:
    doc, lang = ctx.doc, ctx.lang
    det = doc["deterministic"]
    proj = det["project"]
    parties = det.get("parties") or {}
    y = doc["yearly"]
    out: dict[str, Any] = {}
    # party returns
    nt = Notes(lang, ctx.notes)
    rows = []
    for p, d in parties.items():
        role = ctx.t("owner") if p == ctx.owner else ""
        extra = ""
        if p == "host" and d.get("savings_share") is not None:
            extra = ctx.f(d["savings_share"], "pct")
        rows.append([c(ctx.party(p)), c(role), n(ctx.f(ctx.party_rate(p), "pct")),
                     n(nt.val(d.get("irr"), "pct", f"deterministic.parties.{p}.irr")),
                     n(nt.val(d.get("npv"), "money", f"deterministic.parties.{p}.npv")),
                     n(nt.val(d.get("payback_years"), "years", f"deterministic.parties.{p}.payback_years")),
                     n(nt.val(d.get("discounted_payback_years"), "years",
                              f"deterministic.parties.{p}.discounted_payback_years")),
                     n(extra)])
    u_pct = ctx.t("u_pct")
    out["parties"] = table(
        [col(ctx.t("party")), col(ctx.t("role")), col(ctx.t("hurdle"), u_pct, "num"), col(ctx.t("irr"), u_pct, "num"),
         col(ctx.t("npv_at"), ctx.money_unit, "num"), col(ctx.t("payback"), ctx.t("u_years"), "num"),
         col(ctx.t("dyn_payback"), ctx.t("u_years"), "num"),
         col(ctx.t("host_savings"), u_pct, "num")],
        rows, notes=nt.lines(), widths=["22%", "8%", "10%", "10%", "16%", "10%", "12%", "12%"])

    # national method indicators
    nt = Notes(lang, ctx.notes)
    nat = [("project_irr_pre_tax", "pct", u_pct), ("project_irr_after_tax", "pct", u_pct), ("equity_irr", "pct", u_pct),
           ("npv", "money", ctx.money_unit), ("payback_years", "years", ctx.t("u_years")),
           ("discounted_payback_years", "years", ctx.t("u_years")), ("roi", "pct", u_pct), ("roe", "pct", u_pct),
           ("min_icr", "ratio", ctx.t("u_x")), ("min_dscr", "ratio", ctx.t("u_x"))]
    rows = []
    for key, kind, unit in nat:
        label = ctx.t(f"ind_{key}")
        if key == "npv":
            label += f" ({ctx.t('at_rate', rate=ctx.f(ctx.value('case.discount_rate'), 'pct'))})"
        rows.append([c(label), n(nt.val(proj.get(key), kind, f"deterministic.project.{key}")), c(unit)])
    out["national"] = table([col(ctx.t("metric")), col(ctx.t("value"), "", "num"), col(ctx.t("unit"))], rows,
                            notes=nt.lines(), widths=["60%", "22%", "18%"])
    nt = Notes(lang, ctx.notes)
    pf = [("min_dscr", "ratio"), ("avg_dscr", "ratio"), ("llcr", "ratio"), ("plcr", "ratio")]
    rows = [[c(ctx.t(f"ind_{k}")), n(nt.val(proj.get(k), kind, f"deterministic.project.{k}")), c(ctx.t("u_x"))]
            for k, kind in pf]
    fin = doc.get("financing") or {}
    dsra = fin.get("dsra_balance")
    if dsra:
        rows.append([c(f"{ctx.t('dsra')} ({ctx.t('from')} {F.year(ctx.years[0])})"), n(ctx.f(max(dsra), "money")),
                     c(ctx.money_unit)])
    out["pf"] = table([col(ctx.t("metric")), col(ctx.t("value"), "", "num"), col(ctx.t("unit"))], rows,
                      notes=nt.lines(), widths=["60%", "22%", "18%"])

    # yearly cash-flow table
    cy = int(_opt(ctx.value("case.construction_years"), 1))
    groups = year_groups(len(ctx.years), cy)
    lines = [("revenue", "revenue"), ("opex", "opex"), ("capex", "capex"), ("tax", "tax"), ("cfads", "cfads"),
             ("debt_service", "debt_service"), ("equity_cash_flow", "equity_cf")]
    has_debt = any(v for v in y["debt_service"])
    if not has_debt:
        lines = [x for x in lines if x[0] != "debt_service"]
    rows = []
    for g in groups:
        cells = [c(_group_label(ctx.years, g), "yr")]
        for key, _ in lines:
            s = _sum(y[key], g)
            cells.append(n(ctx.f(s, "money_k") if s is not None else ""))
        if has_debt:
            d = _min(y["dscr"], g)
            cells.append(n(ctx.f(d, "ratio") if d is not None else ""))
        rows.append({"cells": cells, "cls": "grp" if len(g) > 1 else ""})
    total = [c(ctx.t("total"), "yr")] + [n(ctx.f(sum(v or 0 for v in y[k]), "money_k")) for k, _ in lines]
    if has_debt:
        total.append(n(""))
    rows.append({"cells": total, "cls": "total"})
    cols = [col(ctx.t("year"))] + [col(ctx.t(lbl), ctx.money_k_unit, "num") for _, lbl in lines]
    if has_debt:
        cols.append(col(ctx.t("dscr"), ctx.t("u_x"), "num"))
    notes = [ctx.t("yearly_cf_note", unit=ctx.money_k_unit)]
    if any(len(g) > 1 for g in groups):
        notes.append(ctx.t("yearly_condensed"))
    out["yearly"] = table(cols, rows, notes=notes, cls="yearly")

    # party cash flows
    prow = []
    plist = list(parties)
    for g in groups:
        cells = [c(_group_label(ctx.years, g), "yr")]
        for p in plist:
            v = _sum(parties[p]["cash_flow"], g)
            cells.append(n(ctx.f(v, "money_k") if v is not None else ""))
        prow.append({"cells": cells, "cls": "grp" if len(g) > 1 else ""})
    prow.append({"cells": [c(ctx.t("total"), "yr")] + [n(ctx.f(sum(v or 0 for v in parties[p]["cash_flow"]),
                                                                "money_k")) for p in plist], "cls": "total"})
    out["party_cf"] = table([col(ctx.t("year"))] + [col(ctx.party(p, short=True), ctx.money_k_unit, "num")
                                                    for p in plist], prow, cls="yearly")

    # charts
    inflows = {ctx.t("revenue"): y["revenue"]}
    rev_lines = [k for k in y if k not in ("year", "revenue", "opex", "capex", "tax", "cfads", "debt_service", "dscr",
                                            "equity_cash_flow")]
    if ctx.a is not None and rev_lines:
        inflows = {}
        asset_ids = {x.id for x in ctx.case.assets} if ctx.case is not None else set()
        for k in rev_lines:
            if not any(abs(v or 0) > 0.5 for v in y[k]):
                continue
            aid, _, what = k.partition(".")
            if aid in asset_ids and what in REVENUE_LINES:
                label = f"{aid}: {pick(REVENUE_LINES, what, lang)}"
            else:
                line = ctx.a.model.lines.get(f"k.{k}")
                label = (line.zh if lang == "zh" else line.en) if line is not None else k
            inflows[_short(label)] = y[k]
        if not inflows:
            inflows = {ctx.t("revenue"): y["revenue"]}
    outflows = {ctx.t("opex"): y["opex"], ctx.t("capex"): y["capex"], ctx.t("tax"): y["tax"]}
    if has_debt:
        outflows[ctx.t("debt_service")] = y["debt_service"]
    outflows = {k: v for k, v in outflows.items() if any(abs(x or 0) > 0.5 for x in v)}
    out["chart_stack"] = ctx.chart(charts.cashflow_stack(ctx.years, inflows, outflows, y["equity_cash_flow"],
                                                         ctx.t("equity_cf"), ctx.money_k_unit),
                                   ctx.t("chart_cf_stack"))
    out["chart_party"] = ctx.chart(charts.cumulative_by_party(
        ctx.years, {ctx.party(p, short=True): parties[p]["cash_flow"] for p in plist},
        ctx.money_k_unit + paren(ctx.t("cumulative"), lang)), ctx.t("chart_party"))
    return out


def _short(label: str, limit: int = 44) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


# ------------------------------------------------------------------------------------------------
# 5 financing
# ------------------------------------------------------------------------------------------------
def _financing(ctx: Ctx) -> dict:
    doc, lang = ctx.doc, ctx.lang
    fin = doc.get("financing") or {}
    y = doc["yearly"]
    out: dict[str, Any] = {"has_debt": bool(fin.get("tranches")), "tranches": None, "covenants": None,
                           "chart": None, "schedule": None, "sll": None, "no_debt": ""}
    kv = [(ctx.t("sizing_constraint"), pick(SIZING, str(fin.get("sizing_constraint")), lang)),
          (ctx.t("debt_amount"), f"{ctx.f(fin.get('debt_amount'), 'money')} {ctx.money_unit}")]
    if fin.get("debt_funded_cost") is not None:
        kv.append((ctx.t("debt_funded_cost"), f"{ctx.f(fin['debt_funded_cost'], 'money')} {ctx.money_unit}"))
    if fin.get("gearing") is not None:
        kv.append((ctx.t("gearing"), ctx.f(fin["gearing"], "pct")))
    if fin.get("sculpt_dscr") is not None:
        kv.append((ctx.t("sculpt_dscr"), f"{ctx.f(fin['sculpt_dscr'], 'ratio')}×"))
    out["kv"] = [{"k": k, "v": v} for k, v in kv]
    if not out["has_debt"]:
        out["no_debt"] = ctx.t("no_debt")
        return out
    cy = int(_opt(ctx.value("case.construction_years"), 1))
    rows = []
    for t in fin["tranches"]:
        rates = t.get("rate") or []
        rate1 = rates[min(cy, len(rates) - 1)] if rates else None  # first operation year
        rows.append([c(t["id"]), n(ctx.f(t.get("amount"), "money")),
                     c(pick(REPAYMENT, t.get("repayment", ""), lang)),
                     n(F.number(t.get("tenor_years"))), n(F.number(t.get("grace_years"))),
                     c(pick(BASE_RATES, t.get("base_rate", ""), lang)), n(ctx.f(t.get("margin_bp"), "bp")),
                     n(ctx.f(rate1, "pct"))])
    yrs, money, money_k = ctx.t("u_years"), ctx.money_unit, ctx.money_k_unit
    out["tranches"] = table(
        [col(ctx.t("tranche")), col(ctx.t("amount"), money, "num"), col(ctx.t("repayment")),
         col(ctx.t("tenor"), yrs, "num"), col(ctx.t("grace"), yrs, "num"), col(ctx.t("base_rate")),
         col(ctx.t("margin"), ctx.t("u_bp"), "num"), col(ctx.t("rate_y1"), ctx.t("u_pct"), "num")],
        rows, widths=["10%", "16%", "15%", "8%", "8%", "17%", "9%", "17%"])
    # schedule: summed over tranches, for the years while debt is outstanding (plus one)
    T = len(ctx.years)
    tr = fin["tranches"]

    def tsum(key):
        return [sum((t.get(key) or [0] * T)[i] or 0 for t in tr) for i in range(T)]

    draw, interest, principal, close = tsum("drawdown"), tsum("interest"), tsum("principal"), tsum("closing_balance")
    dsra = fin.get("dsra_balance") or [0] * T
    cov = fin.get("covenants") or {}
    locked = cov.get("lockup_years") or [0] * T
    last = max([i for i in range(T) if close[i] > 0.5 or principal[i] > 0.5 or interest[i] > 0.5] or [0])

    def k(v):
        return n(ctx.f(v or 0, "money_k"))

    rows = []
    for i in range(0, min(T, last + 2)):
        dscr = y["dscr"][i]
        rows.append([c(F.year(ctx.years[i]), "yr"), k(draw[i]), k(interest[i]), k(principal[i]), k(close[i]),
                     k(y["cfads"][i]), n(ctx.f(dscr, "ratio") if dscr is not None else ""), k(dsra[i]),
                     c(ctx.t("yes") if locked[i] else "", "mark")])
    out["schedule"] = table(
        [col(ctx.t("year")), col(ctx.t("drawdown"), money_k, "num"), col(ctx.t("interest"), money_k, "num"),
         col(ctx.t("principal"), money_k, "num"), col(ctx.t("closing_balance"), money_k, "num"),
         col(ctx.t("cfads"), money_k, "num"), col(ctx.t("dscr"), ctx.t("u_x"), "num"),
         col(ctx.t("dsra"), money_k, "num"), col(ctx.t("lockup"), "", "mark")], rows, cls="yearly")
    # covenants
    proj = doc["deterministic"]["project"]
    dm = proj.get("min_dscr")
    rows = []
    for key, lvl_key, years_key in (("lockup_dscr", "lockup_dscr", "lockup_years"),
                                    ("default_dscr", "default_dscr", "default_years")):
        lvl = cov.get(lvl_key)
        head = dm - lvl if dm is not None and lvl is not None else None
        nyrs = sum(1 for v in cov.get(years_key) or [] if v)
        rows.append([c(ctx.t(key)), n(ctx.f(lvl, "ratio")), n(ctx.f(head, "ratio")), n(str(nyrs))])
    out["covenants"] = table([col(ctx.t("covenant")), col(ctx.t("level"), ctx.t("u_x"), "num"),
                              col(ctx.t("headroom"), ctx.t("u_x"), "num"),
                              col(ctx.t("years_breached"), yrs, "num")],
                             rows, widths=["40%", "18%", "24%", "18%"])
    out["chart"] = ctx.chart(charts.dscr_chart(
        ctx.years, y["cfads"], y["debt_service"], y["dscr"],
        {ctx.t("lockup_dscr"): cov.get("lockup_dscr"), ctx.t("default_dscr"): cov.get("default_dscr")},
        {"cfads": ctx.t("cfads"), "service": ctx.t("debt_service"), "dscr": ctx.t("dscr"),
         "money": ctx.money_k_unit, "dscr_axis": f"{ctx.t('dscr')} ({ctx.t('u_x')})"}), ctx.t("chart_dscr"))
    out["sll"] = _sll(ctx, fin)
    return out


def _sll(ctx: Ctx, fin: dict) -> dict | None:
    sll = fin.get("sll")
    if not sll:
        return None
    lang = ctx.lang
    carbon = ctx.doc.get("carbon") or {}
    years = [int(v) for v in carbon.get("year") or ctx.years]
    rows = []
    for k in sll.get("kpis") or []:
        kind = "intensity" if k["kpi"] == "intensity_tco2_per_tce" else "pct"
        series = carbon.get(k["kpi"]) or []
        for ys, target in sorted((k.get("targets") or {}).items(), key=lambda t: int(t[0])):
            yi = int(ys)
            i = years.index(yi) if yi in years else None
            actual = series[i] if i is not None and i < len(series) else None
            met = (k.get("met") or [])[i] if i is not None and i < len(k.get("met") or []) else None
            missed = (k.get("missed") or [])[i] if i is not None and i < len(k.get("missed") or []) else None
            status = ctx.t("met") if met else (ctx.t("not_met") if missed else "")
            rows.append([c(pick(KPIS, k["kpi"], lang)), n(F.year(yi)), n(ctx.f(target, kind)),
                         n(ctx.f(actual, kind)), c(status)])
    kpi_t = table([col(ctx.t("kpi")), col(ctx.t("year"), "", "num"), col(ctx.t("target"), "", "num"),
                   col(ctx.t("actual"), "", "num"), col(ctx.t("status"))], rows,
                  widths=["40%", "12%", "16%", "16%", "16%"])
    margin = sll.get("margin_bp") or []
    saved = sum(v or 0 for v in sll.get("interest_saved") or [])
    ver = sum(v or 0 for v in sll.get("verification_cost") or [])
    kv = [(ctx.t("sll_cap"), f"{ctx.f(sll.get('cap_bp'), 'bp')} {ctx.t('u_bp')}"),
          (ctx.t("interest_saved"), f"{ctx.f(saved, 'money')} {ctx.money_unit}"),
          (ctx.t("verification_cost"), f"{ctx.f(ver, 'money')} {ctx.money_unit}")]
    # margin path: years with a non-zero adjustment, or the loan years
    idx = [i for i, v in enumerate(margin) if v]
    path_rows = [[c(F.year(ctx.years[i]), "yr"), n(ctx.f(margin[i], "bp"))] for i in idx]
    path_t = table([col(ctx.t("year")), col(ctx.t("margin_adj"), ctx.t("u_bp"), "num")], path_rows,
                   widths=["50%", "50%"]) if path_rows else None
    return {"kpis": kpi_t, "kv": [{"k": k, "v": v} for k, v in kv], "path": path_t,
            "path_empty": "" if path_rows else ctx.t("sll_zero")}


# ------------------------------------------------------------------------------------------------
# 6 carbon
# ------------------------------------------------------------------------------------------------
def selected_years(n_periods: int, construction_years: int) -> list[int]:
    idx = {0, min(construction_years, n_periods - 1), n_periods - 1}
    for i in range(construction_years, n_periods, 5):
        idx.add(i)
    return sorted(idx)


def _carbon(ctx: Ctx) -> dict | None:
    carbon = ctx.doc.get("carbon")
    if not carbon or not carbon.get("year"):
        return None
    lang = ctx.lang
    years = carbon["year"]
    cy = int(_opt(ctx.value("case.construction_years"), 1))
    sel = selected_years(len(years), cy)
    th = carbon.get("thresholds") or {}
    meets = carbon.get("meets") or {}
    rows = []
    for i in sel:
        def ok(key):
            v = (meets.get(key) or [None] * len(years))[i]
            return "✓" if v else "×"
        rows.append([c(F.year(years[i]), "yr"), n(F.qty(carbon["tce"][i])), n(F.qty(carbon["tco2"][i])),
                     n(f"{F.intensity(carbon['intensity_tco2_per_tce'][i])} {ok('intensity')}"),
                     n(F.intensity(carbon["threshold_tco2_per_tce"][i])),
                     n(f"{F.pct(carbon['clean_energy_share'][i])} {ok('clean')}"),
                     n(f"{F.pct(carbon['green_direct_share'][i])} {ok('direct')}"),
                     c(ctx.t("yes") if carbon["meets_zero_carbon_park"][i] else ctx.t("no"))])
    u_int, u_pct = ctx.t("u_intensity"), ctx.t("u_pct")
    ind = table([col(ctx.t("year")), col(ctx.t("tce"), ctx.t("u_tce"), "num"),
                 col(ctx.t("tco2"), ctx.t("u_tco2"), "num"),
                 col(ctx.t("intensity"), u_int, "num"), col(ctx.t("threshold"), u_int, "num"),
                 col(ctx.t("clean_share"), u_pct, "num"), col(ctx.t("direct_share"), u_pct, "num"),
                 col(ctx.t("all_met"))], rows, notes=[ctx.t("selected_years")], cls="yearly")
    ebc = carbon.get("energy_by_carrier") or {}
    present = [k for k in CARRIERS if any(abs(v or 0) > 1e-9 for v in ebc.get(k) or [])]
    erows = [[c(F.year(years[i]), "yr")] + [n(F.qty(ebc[k][i])) for k in present] for i in sel]
    energy = table([col(ctx.t("year"))] + [col(pick(CARRIERS, k, lang), CARRIERS[k][2], "num") for k in present],
                   erows, cls="yearly") if present else None
    thr_clean, thr_direct = th.get("clean_energy_share"), th.get("green_direct_share")
    thr0 = (carbon.get("threshold_tco2_per_tce") or [None])[-1]
    intro = ctx.t("carbon_intro", thr=F.intensity(thr0), clean=F.pct(thr_clean), direct=F.pct(thr_direct))
    ch = ctx.chart(charts.carbon_paths(
        years, carbon["intensity_tco2_per_tce"], carbon["threshold_tco2_per_tce"],
        {ctx.t("clean_share"): carbon["clean_energy_share"], ctx.t("direct_share"): carbon["green_direct_share"]},
        {f"{ctx.t('threshold')} {F.pct(thr_clean, decimals=0)}": thr_clean,
         f"{ctx.t('threshold')} {F.pct(thr_direct, decimals=0)}": thr_direct},
        {"intensity": ctx.t("intensity"), "threshold": f"{ctx.t('threshold')} {F.intensity(thr0)}",
         "intensity_unit": ctx.t("u_intensity")}), f"{ctx.t('chart_intensity')}；{ctx.t('chart_shares')}" if lang == "zh"
        else f"{ctx.t('chart_intensity')}; {ctx.t('chart_shares').lower()}")
    kv = [(ctx.t("rule_used"), pick(CARBON_RULES, carbon.get("rule", ""), lang)),
          (ctx.t("coal_eq_used"), pick(COAL_EQ, carbon.get("coal_equivalent", ""), lang)),
          (ctx.t("zcp_status"), ctx.t("zcp_met_from", year=F.year(carbon["first_year_met"]))
           if carbon.get("first_year_met") is not None else ctx.t("zcp_never"))]
    return {"intro": intro, "indicators": ind, "energy": energy, "chart": ch,
            "kv": [{"k": k, "v": v} for k, v in kv]}


# ------------------------------------------------------------------------------------------------
# 7 risk (Monte Carlo)
# ------------------------------------------------------------------------------------------------
PCTS = ("p5", "p10", "p50", "p90", "p95")
UNIT_KINDS = {"fraction": "pct", "x": "ratio", "years": "years", "year": "year", "tco2/tce": "intensity",
              "bp": "bp", "currency": "money"}
FAN_LABELS = {"cfads": "cfads", "dscr": "dscr", "equity_cash_flow": "equity_cf", "carbon_intensity": "intensity"}
PRICE_FANS = tuple(MARKET_PRICES)


def kind_of(ctx: Ctx, name: str, unit: str | None = None) -> str:
    """Format kind of a Monte Carlo metric: from its unit when known, else from its name."""
    u = (unit or "").strip().lower()
    if u in UNIT_KINDS:
        return UNIT_KINDS[u]
    if u and u == ctx.cur.lower():
        return "money"
    return metric_kind(name)


def _unit_word(ctx: Ctx, kind: str, unit: str = "") -> str:
    return {"pct": ctx.t("u_pct"), "money": ctx.money_k_unit, "money_k": ctx.money_k_unit, "ratio": ctx.t("u_x"),
            "intensity": ctx.t("u_intensity"), "years": ctx.t("u_years"),
            "bp": ctx.t("u_bp")}.get(kind, unit.replace("currency", ctx.cur_word))


def _mc_samples(a: "Appraisal | None", name: str):
    """Per-path values of one metric over the random paths (``MonteCarlo.metric(name)``), finite
    ones only; ``None`` when the run has no such metric or fewer than two defined values (the
    S-curve is then drawn through the percentiles)."""
    mc = getattr(a, "monte_carlo", None) if a is not None else None
    if mc is None or name not in mc.values:
        return None
    arr = np.asarray(mc.metric(name), dtype=float).ravel()
    arr = arr[np.isfinite(arr)]
    return arr if arr.size > 1 else None


def _event_label(ctx: Ctx, key: str) -> str:
    """Words for a probability key: ``lender.min_dscr<lockup``, ``carbon.meets_all@target_year`` …"""
    lang = ctx.lang
    m = re.match(r"^(carbon\.meets_(\w+?))(:ever|@target_year)$", key)
    if m:
        return ctx.t("ev_zcp", what=pick(EVENT_WHAT, m.group(2), lang), when=pick(EVENT_WHEN, m.group(3), lang),
                     zcp=ctx.t("zcp_status"))
    m = re.match(r"^sll\.(\w+)\.met_every_test$", key)
    if m:
        return ctx.t("ev_sll_met", kpi=pick(KPIS, m.group(1), lang))
    m = re.match(r"^([A-Za-z0-9_.]+):undefined$", key)
    if m:
        return ctx.t("ev_undefined", metric=metric_label(ctx, m.group(1)))
    m = re.match(r"^lender\.(default|lockup)_any$", key)
    if m:
        return pick(EVENT_ANY, m.group(1), lang)
    m = re.match(r"^\s*([A-Za-z0-9_.]+)\s*(<=|>=|<|>|==)\s*(.+?)\s*$", key)
    if not m:
        return key
    metric, op, rhs = m.groups()
    rhs_txt = pick(EVENT_LEVELS, rhs, lang)
    try:
        rhs_txt = ctx.f(float(rhs), metric_kind(metric))
    except ValueError:
        pass
    return f"{metric_label(ctx, metric)} {op.replace('<=', '≤').replace('>=', '≥')} {rhs_txt}"


def _mc_rows(metrics: dict, owner: str, parties: list[str]) -> list[str]:
    """Metrics shown in the risk table, in reading order: project, the parties' IRR and NPV
    (owner first), lender, SLL, carbon.  Asset stand-alone metrics and metrics undefined on
    every path are left out."""
    def ok(k):
        m = metrics.get(k)
        return isinstance(m, dict) and (m.get("n_defined") is None or m.get("n_defined") > 0)

    keys = [k for k in metrics if k.startswith("project.")]
    for p in [owner] + [q for q in parties if q != owner]:
        keys += [f"{p}.irr", f"{p}.npv"]
    keys += [k for k in metrics if k.startswith(("lender.lockup", "lender.default", "sll.", "host.savings",
                                                  "carbon."))]
    return [k for k in dict.fromkeys(keys) if ok(k)]


def _tornado_items(torn: list) -> dict[str, tuple[list, float | None]]:
    """Tornado entries by metric: ``[(input, output at low, output at high)], base``.

    Accepts the engine's shape (``{"input", "low", "high", "metrics": {m: {"base", "low",
    "high"}}}``) and a flat one (``{"input", "metric", "low", "high", "base"}``)."""
    out: dict[str, tuple[list, float | None]] = {}
    for it in torn or []:
        if not isinstance(it, dict):
            continue
        name = it.get("input") or it.get("name") or it.get("field")
        if name is None:
            continue
        if isinstance(it.get("metrics"), dict):
            per = it["metrics"].items()
        else:
            per = [(it.get("metric") or "project.equity_irr", it)]
        for metric, m in per:
            lo, hi = m.get("low"), m.get("high")
            if lo is None or hi is None:
                continue
            items, base = out.get(metric, ([], None))
            items.append((str(name), float(lo), float(hi)))
            out[metric] = (items, m.get("base") if m.get("base") is not None else base)
    return out


def _risk(ctx: Ctx) -> dict | None:
    mc = _mc(ctx)
    if not mc:
        return None
    lang = ctx.lang
    out: dict[str, Any] = {"intro": ctx.t("risk_intro", paths=F.qty(mc.get("paths")), seed=str(mc.get("seed"))),
                           "probabilities": None, "convergence": None, "warnings": [], "sensitivity": None}
    owner = ctx.owner
    metrics = mc.get("metrics") or {}
    rows = []
    parties = list((ctx.doc["deterministic"].get("parties") or {}))
    for name in _mc_rows(metrics, owner, parties):
        m = metrics[name]
        kind = kind_of(ctx, name, m.get("unit"))
        if kind == "money":  # thousands, so the columns stay readable
            kind = "money_k"
        und = m.get("undefined_share")
        label = metric_label(ctx, name)
        if kind == "money_k":
            label += paren(ctx.money_k_unit, lang)
        rows.append([c(label), n(ctx.f(m.get("base"), kind))] + [n(ctx.f(m.get(k), kind)) for k in ("mean", *PCTS)]
                    + [n(ctx.f(m.get("std"), kind)), n(ctx.f(und, "pct") if und else "")])
    out["metrics"] = table([col(ctx.t("metric")), col(ctx.t("base"), "", "num"), col(ctx.t("mean"), "", "num")]
                           + [col(k, "", "num") for k in PCTS]
                           + [col(ctx.t("std"), "", "num"), col(ctx.t("undefined_share"), ctx.t("u_pct"), "num")], rows,
                           notes=[ctx.t("p90_note")], cls="mc",
                           widths=["23%"] + ["8%"] * 8 + ["13%"])
    probs = {k: v for k, v in (mc.get("probabilities") or {}).items()
             if v is not None and not (k.endswith(":undefined") and v in (0.0, 1.0))}
    if probs:
        out["probabilities"] = table([col(ctx.t("event")), col(ctx.t("probability"), ctx.t("u_pct"), "num")],
                                     [[c(_event_label(ctx, k)), n(ctx.f(v, "pct"))] for k, v in probs.items()],
                                     widths=["78%", "22%"])
    # distributions of the decision metrics: the owner's equity IRR as histogram and S-curve,
    # NPV and minimum DSCR as S-curves side by side
    dists = []
    th = mc.get("thresholds") or {}
    fin = ctx.doc.get("financing") or {}
    lock = th.get("lockup_dscr", (fin.get("covenants") or {}).get("lockup_dscr"))
    hurdle = th.get("hurdle", ctx.party_rate(owner))
    labels = {"frequency": ctx.t("frequency"), "cum_prob": ctx.t("cum_prob")}
    specs = []
    for names, ref, ref_label in ((("project.equity_irr", f"{owner}.irr"), hurdle, ctx.t("hurdle")),
                                  (("project.npv", f"{owner}.npv"), 0.0, None),
                                  (("project.min_dscr", "lender.min_dscr"), lock, ctx.t("lockup_dscr"))):
        name, m = _mc_metric(ctx, *names)
        if not m or m.get("p50") is None:
            continue
        kind = kind_of(ctx, name, m.get("unit"))
        label = metric_label(ctx, name)
        specs.append({"name": name, "label": label, "samples": _mc_samples(ctx.a, name),
                      "quantiles": {k: m.get(k) for k in PCTS}, "kind": kind,
                      "xlabel": f"{label} ({_unit_word(ctx, kind)})", "hurdle": ref,
                      "hurdle_label": "" if ref is None else (f"{ref_label} {ctx.f(ref, kind)}" if ref_label
                                                              else f"{ctx.t('npv')} = 0")})
    if specs and specs[0]["name"] in ("project.equity_irr", f"{owner}.irr"):
        first = specs.pop(0)
        svg = charts.distribution(first["samples"], first["quantiles"], first["kind"], first["xlabel"], labels,
                                  hurdle=first["hurdle"], hurdle_label=first["hurdle_label"])
        have = first["samples"] is not None
        dists.append(ctx.chart(svg, f"{first['label']}: " + ctx.t("chart_hist" if have else "chart_scurve_only"),
                               cls="" if have else "narrow"))
    if specs:
        dists.append(ctx.chart(charts.scurves(specs, labels),
                               ("；".join if lang == "zh" else "; ".join)(sp["label"] for sp in specs)
                               + ("：" if lang == "zh" else ": ") + ctx.t("chart_scurves"),
                               cls="" if len(specs) > 1 else "narrow"))
    out["distributions"] = dists
    # tornado of the first metric the run swung (the owner's equity IRR)
    tcharts = []
    for metric, (items, base) in list(_tornado_items(mc.get("tornado")).items())[:1]:
        kind = kind_of(ctx, metric, (metrics.get(metric) or {}).get("unit"))
        items = sorted(items, key=lambda r: -abs(r[2] - r[1]))[:12]
        tcharts.append(ctx.chart(charts.tornado(items, base, kind,
                                                f"{metric_label(ctx, metric)} ({_unit_word(ctx, kind)})",
                                                {"low": ctx.t("low"), "high": ctx.t("high")}),
                                 f"{ctx.t('chart_tornado')} — {metric_label(ctx, metric)}"))
    out["tornado"] = tcharts
    # sensitivity ranking (rank correlation), first metric
    sens = (mc.get("sensitivity") or {}).get("metrics") or {}
    for metric, ranking in sens.items():
        if not isinstance(ranking, list) or not ranking:
            continue
        srows = [[c(r.get("input", "")), n(ctx.f(r.get("spearman"), "ratio")), n(ctx.f(r.get("contribution"), "pct"))]
                 for r in ranking[:10] if isinstance(r, dict)]
        out["sensitivity"] = table([col(ctx.t("input")), col(ctx.t("rank_corr"), "", "num"),
                                    col(ctx.t("contribution"), ctx.t("u_pct"), "num")], srows,
                                   caption=f"{ctx.t('sensitivity')} — {metric_label(ctx, metric)}",
                                   widths=["60%", "20%", "20%"])
        break
    # fans: financial lines one by one, prices as small multiples, carbon intensity with its threshold
    fans = []
    all_fans = {k: v for k, v in (mc.get("fans") or {}).items() if isinstance(v, dict)}

    def fan_bands(fd):
        yrs = fd.get("year") or fd.get("years") or ctx.years
        return yrs, {k: v for k, v in fd.items() if k in (*PCTS, "mean") and isinstance(v, list) and len(v) == len(yrs)}

    def fan_label(name, fd):
        if name in FAN_LABELS:
            return ctx.t(FAN_LABELS[name])
        if name in MARKET_PRICES:
            return pick(MARKET_PRICES, name, lang)
        line = ctx.a.model.lines.get(fd.get("line", "")) if ctx.a is not None else None
        return (line.zh if lang == "zh" else line.en) if line is not None else name

    carbon = ctx.doc.get("carbon") or {}
    panels = []
    for name, fd in all_fans.items():
        if name in PRICE_FANS:
            continue
        yrs, bands = fan_bands(fd)
        if not bands:
            continue
        kind = kind_of(ctx, name, fd.get("unit"))
        hline, hlabel = None, ""
        if kind == "ratio" and lock is not None:
            hline, hlabel = lock, f"{ctx.t('lockup_dscr')} {ctx.f(lock, 'ratio')}"
        if kind == "intensity" and carbon.get("threshold_tco2_per_tce"):
            hline = carbon["threshold_tco2_per_tce"][-1]
            hlabel = f"{ctx.t('threshold')} {ctx.f(hline, 'intensity')}"
        panels.append({"label": f"{fan_label(name, fd)} ({_unit_word(ctx, kind)})", "years": yrs, "bands": bands,
                       "kind": kind, "hline": hline, "hline_label": hlabel})
    if panels:
        fans.append(ctx.chart(charts.fan_grid(panels), ctx.t("chart_fan")))
    panels = []
    for name in PRICE_FANS:
        fd = all_fans.get(name)
        if not fd:
            continue
        yrs, bands = fan_bands(fd)
        if bands:
            unit = str(fd.get("unit") or "").replace("currency", ctx.cur_word)
            panels.append({"label": f"{fan_label(name, fd)} ({unit})", "years": yrs, "bands": bands})
    if panels:
        fans.append(ctx.chart(charts.fan_grid(panels), ctx.t("chart_price_fan")))
    out["fans"] = fans
    # convergence: the running statistics as the number of paths grows
    conv = mc.get("convergence")
    ctables = []
    if isinstance(conv, dict):
        for metric, cd in conv.items():
            if not isinstance(cd, dict) or not isinstance(cd.get("paths"), list):
                continue
            kind = kind_of(ctx, metric, (metrics.get(metric) or {}).get("unit"))
            kind = "money_k" if kind == "money" else kind
            keys = [k for k in ("mean", "se", "p50", "p90") if isinstance(cd.get(k), list)]
            crow = [[n(F.qty(p))] + [n(ctx.f(cd[k][i], kind)) for k in keys] for i, p in enumerate(cd["paths"])]
            note = []
            if cd.get("target_se") is not None:
                note.append(f"{ctx.t('target_se')}: {ctx.f(cd['target_se'], kind)}; "
                            f"{ctx.t('reached')}: {ctx.t('yes') if cd.get('reached') else ctx.t('no')}")
            if cd.get("warning"):
                note.append(str(cd["warning"]))
            ctables.append(table([col(ctx.t("paths"), "", "num")] + [col(ctx.t(k) if k in ("mean", "se") else k,
                                                                         _unit_word(ctx, kind), "num") for k in keys],
                                 crow, caption=metric_label(ctx, metric), notes=note, cls="yearly"))
    out["convergence"] = ctables or None
    out["warnings"] = [str(w) for w in mc.get("warnings") or []]
    return out


def _pricing_table(ctx: Ctx, p: dict) -> dict:
    """The solved term, the targets and the metrics at the solution (P10/P50/P90 over the paths)."""
    frac = str(p.get("unit") or "").startswith("fraction")
    fmt = (lambda v: ctx.f(v, "pct")) if frac else (lambda v: ctx.f(v, "number"))  # noqa: E731
    none = F.none_text(ctx.lang)
    kv = [{"k": ctx.t("pr_field"), "v": p["field"]},
          {"k": ctx.t("pr_targets"), "v": "; ".join(p["targets"])},
          {"k": ctx.t("pr_status"), "v": p["status"]},
          {"k": ctx.t("pr_solved"), "v": fmt(p["solved_value"]) if p.get("solved_value") is not None else none},
          {"k": ctx.t("pr_base"), "v": fmt(p["base_value"])},
          {"k": ctx.t("pr_interval"), "v": "; ".join(f"[{fmt(a)}, {fmt(b)}]" for a, b in p["feasible_intervals"])
           or none},
          {"k": ctx.t("pr_binding"), "v": str(p.get("binding") or none)},
          {"k": ctx.t("pr_runs"), "v": f"{p['paths']:,} / {p['seed']} / {p['evaluations']}"}]
    tables = []
    at = p.get("at_solution") or {}
    if at:
        rows = []
        for m, st in at.items():
            kind = metric_kind(m)
            cells = [st.get(k) for k in ("p10", "p50", "p90", "mean")] if "p50" in st else [None, st.get("value"), None, None]
            rows.append([c(m)] + [n(ctx.f(v, kind)) for v in cells])
        tables.append(table([col(ctx.t("pr_metric")), col("P10"), col("P50"), col("P90"), col(ctx.t("pr_mean"))],
                            rows, caption=ctx.t("pr_at")))
    trace = [[n(str(i)), n(fmt(t["x"])), c("✓" if t["feasible"] else "")]
             + [n(ctx.f(t["levels"].get(k), metric_kind(k.split(">")[0].split("<")[0]))) for k in p["targets"]]
             for i, t in enumerate(p.get("trace") or [], start=1)]
    if trace:
        tables.append(table([col("#"), col(p["field"]), col(ctx.t("pr_ok"))] + [col(k) for k in p["targets"]],
                            trace[:40], caption=ctx.t("pr_trace")))
    return {"kv": kv, "tables": tables}


def _pricing(ctx: Ctx) -> dict | None:
    pricing, dz = ctx.doc.get("pricing"), ctx.doc.get("dealzone")
    if not isinstance(pricing, dict) and not isinstance(dz, dict):
        return None
    out: dict[str, Any] = {"pricing": None, "dealzone": None, "charts": [], "recommended": None}
    if isinstance(pricing, dict):
        out["pricing"] = _pricing_table(ctx, pricing)
        out["recommended"] = _recommended_price(ctx)
    if isinstance(dz, dict):
        out["dealzone"] = {"kv": [{"k": ctx.t("dz_requirements"),
                                   "v": "; ".join(r["requirement"] for r in dz["requirements"])},
                                  {"k": ctx.t("dz_cells"), "v": f"{dz['feasible_cells']} / {dz['cells']}"},
                                  {"k": ctx.t("dz_runs"), "v": f"{dz['paths']:,} / {dz['seed']}"}], "tables": []}
        x, yv = dz["x"], dz["y"]
        out["charts"].append(ctx.chart(charts.heatmap(x["values"], yv["values"], dz["z"], x["field"], yv["field"],
                                                      str(dz.get("z_label") or ""), kind="number"),
                                       ctx.t("chart_dealzone"), cls="narrow"))
    return out

# ------------------------------------------------------------------------------------------------
# 9 method
# ------------------------------------------------------------------------------------------------
def _method(ctx: Ctx) -> dict:
    doc, lang = ctx.doc, ctx.lang
    audit = doc.get("audit") or {}
    conv = audit.get("conventions") or {}
    rows = []
    for k, v in conv.items():
        label = pick(CONVENTION_KEYS, k, lang)
        if k == "carbon_rule":
            val = pick(CARBON_RULES, v, lang)
        elif k == "coal_equivalent":
            val = pick(COAL_EQ, v, lang)
        elif isinstance(v, str) and v in CONVENTION_VALUES:
            val = pick(CONVENTION_VALUES, v, lang)
        elif lang == "zh" and isinstance(v, str) and v in CONVENTION_TEXT_ZH:
            val = CONVENTION_TEXT_ZH[v]
        else:
            val = str(v)
        rows.append([c(label), c(val)])
    conv_t = table([col(ctx.t("conventions")), col(ctx.t("value"))], rows, widths=["30%", "70%"])
    kv = [(ctx.t("version"), str(audit.get("finmodel_version", ""))),
          (ctx.t("input_hash"), str(audit.get("input_hash", ""))),
          (ctx.t("seed"), str(audit.get("seed", ""))),
          (ctx.t("paths"), F.qty(audit.get("paths")))]
    if audit.get("timestamp"):
        kv.append((ctx.t("timestamp"), str(audit["timestamp"])))
    checks = doc.get("checks") or {}
    crow = []
    for name, ok in checks.items():
        label = name
        if ctx.a is not None:
            chk = next((ch for ch in ctx.a.model.checks if ch.name == name), None)
            if chk is not None:
                label = getattr(chk, "zh" if lang == "zh" else "en", name) or name
        crow.append({"cells": [c(label), c(ctx.t("ok") if ok else ctx.t("failed"))], "cls": "" if ok else "bad"})
    checks_t = table([col(ctx.t("check")), col(ctx.t("status"))], crow, widths=["75%", "25%"]) if crow else None
    nrows = [[c(k), c(reason(lang, v))] for k, v in ctx.notes.items()]
    notes_t = table([col(ctx.t("field")), col(ctx.t("undefined_reason"))], nrows,
                    widths=["40%", "60%"]) if nrows else None
    return {"conventions": conv_t, "kv": [{"k": k, "v": v} for k, v in kv], "checks": checks_t, "notes": notes_t,
            "disclaimer": ctx.t("disclaimer")}


# ================================================================================================
def build_context(a: "Appraisal", doc: dict, lang: str, chart_dir: Path) -> dict:
    """The template's input: every section, with numbers formatted and words translated."""
    ctx = Ctx(a, doc, lang, chart_dir)
    sections = []

    def add(key, title_key, data):
        if data is None:
            return
        sections.append({"key": key, "id": f"s-{key}", "num": len(sections) + 1, "title": ctx.t(title_key),
                         "data": data})

    add("summary", "s_summary", _summary(ctx))
    add("project", "s_project", _project(ctx))
    add("assumptions", "s_assumptions", _assumptions(ctx))
    add("financial", "s_financial", _financial(ctx))
    add("financing", "s_financing", _financing(ctx))
    add("carbon", "s_carbon", _carbon(ctx))
    add("risk", "s_risk", _risk(ctx))
    add("pricing", "s_pricing", _pricing(ctx))
    add("method", "s_method", _method(ctx))
    audit = doc.get("audit") or {}
    date = str(audit.get("timestamp") or "")[:10]
    return {
        "lang": lang,
        "html_lang": "zh-CN" if lang == "zh" else "en",
        "t": {k: ctx.t(k) for k in ("title", "subtitle", "contents", "decision_numbers", "verdict", "assets", "baseline", "contract_structure", "contract_terms",
                                    "cost_split", "timeline", "assumptions_intro", "flags", "flags_none",
                                    "party_returns", "national_method", "pf_indicators", "yearly_cf", "party_cf",
                                    "sizing", "tranches", "schedule", "covenants", "sll", "sll_margin_path",
                                    "carbon_indicators", "energy_by_carrier", "percentiles", "probabilities",
                                    "convergence", "convergence_note", "warnings", "pricing", "dealzone", "conventions",
                                    "audit", "checks",
                                    "disclaimer_title", "recommended_price", "undefined_reason")},
        "case_name": _case_name(ctx),
        "contract": pick(CONTRACTS, doc.get("contract", ""), lang),
        "park": ctx.case.park.name if ctx.case is not None else "",
        "date": date,
        "footer": f"finmodel {audit.get('finmodel_version', '')} · {ctx.t('hash')} {str(audit.get('input_hash', ''))[:12]}",
        "sections": sections,
        "by_key": {s["key"]: s for s in sections},
    }


def environment() -> Environment:
    """The jinja2 environment: templates folder, autoescaping on, undefined names are errors."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def render_html(context: dict) -> str:
    return environment().get_template(TEMPLATE).render(**context)


def _render_pdf(html: str, target: Path, fetcher: SafeFetcher) -> None:
    from weasyprint import HTML

    HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher).write_pdf(str(target))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_pdf(appraisal: "Appraisal", doc: dict, path: str | os.PathLike, lang: str = "zh") -> None:
    """Render the appraisal report as a PDF at ``path`` (``lang`` ``"zh"`` or ``"en"``).

    The PDF appears at ``path`` complete or not at all: it is written to a temporary file in the
    same folder and renamed into place; on any error the temporary file is removed and an
    existing file at ``path`` is left as it was.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="finmodel-charts-") as tmp:
        chart_dir = Path(tmp)
        html = render_html(build_context(appraisal, doc, lang, chart_dir))
        fetcher = SafeFetcher([TEMPLATES, chart_dir])
        fd, part = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        try:
            _render_pdf(html, Path(part), fetcher)
            os.chmod(part, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual file mode
            os.replace(part, target)
        except BaseException:
            try:
                os.unlink(part)
            except FileNotFoundError:
                pass
            raise
