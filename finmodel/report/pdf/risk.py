"""8 Risk: the Monte Carlo distributions, probabilities, tornado, sensitivity, fans and convergence."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .. import charts
from .. import format as F
from ..words import MARKET_PRICES, paren, pick
from .context import Ctx
from .metrics import metric_kind, metric_label
from .tables import c, col, n, table

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal


PCTS = ("p5", "p10", "p50", "p90", "p95")
"""The percentiles a summary holds (``p10`` is the 10th percentile: the lender's P90)."""


def chart_labels(ctx: Ctx) -> dict[str, str]:
    """The words the Monte Carlo charts write on their own (legends and percentile marks)."""
    return {"frequency": ctx.t("frequency"), "cum_prob": ctx.t("cum_prob"), "pctl": ctx.t("pctl", n="{n}"),
            "pctl_range": ctx.t("pctl_range", lo="{lo}", hi="{hi}"), "median": ctx.t("median"),
            "mean": ctx.t("mean")}


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
            "bp": ctx.t("u_bp")}.get(kind) or ctx.names.unit(unit)


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


def build(ctx: Ctx) -> dict | None:
    mc = ctx.mc
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
                           + [col(ctx.names.percentile(k), "", "num") for k in PCTS]
                           + [col(ctx.t("std"), "", "num"), col(ctx.t("undefined_share"), ctx.t("u_pct"), "num")], rows,
                           notes=[ctx.t("pctl_note")], cls="mc",
                           widths=["23%"] + ["8%"] * 8 + ["13%"])
    probs = {k: v for k, v in (mc.get("probabilities") or {}).items()
             if v is not None and not (k.endswith(":undefined") and v in (0.0, 1.0))}
    if probs:
        out["probabilities"] = table([col(ctx.t("event")), col(ctx.t("probability"), ctx.t("u_pct"), "num")],
                                     [[c(ctx.names.event(k)), n(ctx.f(v, "pct"))] for k, v in probs.items()],
                                     widths=["78%", "22%"])
    # distributions of the decision metrics: the owner's equity IRR as histogram and S-curve,
    # NPV and minimum DSCR as S-curves side by side
    dists = []
    th = mc.get("thresholds") or {}
    fin = ctx.doc.get("financing") or {}
    lock = th.get("lockup_dscr", (fin.get("covenants") or {}).get("lockup_dscr"))
    hurdle = th.get("hurdle", ctx.party_rate(owner))
    labels = chart_labels(ctx)
    specs = []
    for names, ref, ref_label in ((("project.equity_irr", f"{owner}.irr"), hurdle, ctx.t("hurdle")),
                                  (("project.npv", f"{owner}.npv"), 0.0, None),
                                  (("project.min_dscr", "lender.min_dscr"), lock, ctx.t("lockup_dscr"))):
        name, m = ctx.mc_metric(*names)
        if not m or m.get("p50") is None:
            continue
        kind = kind_of(ctx, name, m.get("unit"))
        label = metric_label(ctx, name)
        specs.append({"name": name, "label": label, "samples": _mc_samples(ctx.a, name),
                      "quantiles": {k: m.get(k) for k in PCTS}, "kind": kind,
                      "xlabel": label + paren(_unit_word(ctx, kind), lang), "hurdle": ref,
                      "hurdle_label": "" if ref is None else (f"{ref_label} {ctx.f(ref, kind)}" if ref_label
                                                              else f"{ctx.t('npv')} = 0")})
    if specs and specs[0]["name"] in ("project.equity_irr", f"{owner}.irr"):
        first = specs.pop(0)
        svg = charts.distribution(first["samples"], first["quantiles"], first["kind"], first["xlabel"], labels,
                                  hurdle=first["hurdle"], hurdle_label=first["hurdle_label"])
        have = first["samples"] is not None
        dists.append(ctx.chart(svg, first["label"] + ctx.names.sep + ctx.t("chart_hist" if have else "chart_scurve_only"),
                               cls="" if have else "narrow"))
    if specs:
        dists.append(ctx.chart(charts.scurves(specs, labels),
                               ("；".join if lang == "zh" else "; ".join)(sp["label"] for sp in specs)
                               + ctx.names.sep + ctx.t("chart_scurves"),
                               cls="" if len(specs) > 1 else "narrow"))
    out["distributions"] = dists
    # tornado of the first metric the run swung (the owner's equity IRR)
    tcharts = []
    for metric, (items, base) in list(_tornado_items(mc.get("tornado")).items())[:1]:
        kind = kind_of(ctx, metric, (metrics.get(metric) or {}).get("unit"))
        items = [(ctx.names.field(name), lo, hi) for name, lo, hi in sorted(items, key=lambda r: -abs(r[2] - r[1]))[:12]]
        tcharts.append(ctx.chart(charts.tornado(items, base, kind,
                                                metric_label(ctx, metric) + paren(_unit_word(ctx, kind), lang),
                                                {"low": ctx.t("low"), "high": ctx.t("high")}),
                                 f"{ctx.t('chart_tornado')} — {metric_label(ctx, metric)}"))
    out["tornado"] = tcharts
    # sensitivity ranking (rank correlation), first metric
    sens = (mc.get("sensitivity") or {}).get("metrics") or {}
    for metric, ranking in sens.items():
        if not isinstance(ranking, list) or not ranking:
            continue
        srows = [[c(ctx.names.field(r.get("input", ""))), n(ctx.f(r.get("spearman"), "ratio")),
                  n(ctx.f(r.get("contribution"), "pct"))]
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
        unit = _unit_word(ctx, kind, fd.get("unit") or "")
        panels.append({"label": fan_label(name, fd) + paren(unit, lang), "years": yrs, "bands": bands,
                       "kind": kind, "hline": hline, "hline_label": hlabel})
    if panels:
        fans.append(ctx.chart(charts.fan_grid(panels, labels), ctx.t("chart_fan")))
    panels = []
    for name in PRICE_FANS:
        fd = all_fans.get(name)
        if not fd:
            continue
        yrs, bands = fan_bands(fd)
        if bands:
            panels.append({"label": fan_label(name, fd) + paren(ctx.names.unit(fd.get("unit")), lang), "years": yrs,
                           "bands": bands})
    if panels:
        fans.append(ctx.chart(charts.fan_grid(panels, labels), ctx.t("chart_price_fan")))
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
                note.append(ctx.names.join([f"{ctx.t('target_se')}{ctx.names.sep}{ctx.f(cd['target_se'], kind)}",
                                            f"{ctx.t('reached')}{ctx.names.sep}"
                                            f"{ctx.t('yes') if cd.get('reached') else ctx.t('no')}"]))
            if cd.get("warning"):
                note.append(ctx.names.notice(cd["warning"]))
            ctables.append(table([col(ctx.t("paths"), "", "num")] + [col(ctx.t(k) if k in ("mean", "se") else ctx.names.percentile(k),
                                                                         _unit_word(ctx, kind), "num") for k in keys],
                                 crow, caption=metric_label(ctx, metric), notes=note, cls="yearly"))
    out["convergence"] = ctables or None
    out["warnings"] = [ctx.names.notice(w) for w in mc.get("warnings") or []]
    return out
