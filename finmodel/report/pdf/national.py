"""The national method's appraisal: its indicators against their benchmarks, the sensitivity table
and the spider chart (the result document's ``deterministic.national``)."""
from __future__ import annotations

from typing import Any

from .. import charts
from .. import format as F
from ..words import SENSITIVITY_FACTORS, pick
from .context import Ctx
from .tables import Notes, c, col, n, table


def lowest(values: list, years: list) -> tuple[float | None, int | None]:
    """The lowest defined value of a yearly row and its year."""
    pairs = [(v, y) for v, y in zip(values, years) if v is not None]
    return min(pairs) if pairs else (None, None)


def build(ctx: Ctx) -> dict | None:
    nat = ctx.doc["deterministic"].get("national")
    if not nat:
        return None
    lang = ctx.lang
    bench = nat["benchmarks"]
    year = ctx.f(nat["normal_year"], "year")
    out: dict[str, Any] = {"intro": ctx.t("nat_intro", ic=ctx.f(bench["irr"], "pct"), year=year)}
    nt = Notes(lang, ctx.notes)
    key = lambda k: f"deterministic.national.{k}"  # noqa: E731
    ds = ((ctx.doc.get("statements") or {}).get("debt_schedule") or {})
    rows = []

    def judge(ok: bool | None) -> dict:
        return c("" if ok is None else ctx.t("met") if ok else ctx.t("not_met"), "" if ok in (None, True) else "bad")

    def row(k: str, kind: str, benchmark: str = "", ok: bool | None = None, definition: str = "",
            value: str | None = None) -> None:
        shown = nt.val(nat.get(k), kind, key(k)) if value is None else value
        rows.append({"cells": [c(ctx.t(f"nat_{k}")), n(shown), n(benchmark), judge(ok), c(definition)],
                     "cls": "bad" if ok is False else ""})

    def at_least(v, floor):
        return None if v is None or floor is None else v >= floor

    ic = ctx.f(bench["irr"], "pct")
    row("firr_pre_tax", "pct", ic, at_least(nat.get("firr_pre_tax"), bench["irr"]), ctx.t("def_firr_pre_tax"))
    row("firr_after_tax", "pct", ic, at_least(nat.get("firr_after_tax"), bench["irr"]), ctx.t("def_firr_after_tax"))
    row("fnpv_pre_tax", "money", "≥ 0", at_least(nat.get("fnpv_pre_tax"), 0.0), ctx.t("def_fnpv"))
    row("fnpv_after_tax", "money", "≥ 0", at_least(nat.get("fnpv_after_tax"), 0.0), ctx.t("def_fnpv"))
    hurdle = ctx.party_rate(ctx.owner)
    row("equity_firr", "pct", ctx.f(hurdle, "pct"), at_least(nat.get("equity_firr"), hurdle), ctx.t("def_equity_firr"))
    row("payback_years", "years", definition=ctx.t("def_payback"))
    row("discounted_payback_years", "years", definition=ctx.t("def_payback"))
    row("roi", "pct", definition=ctx.t("def_roi"))
    row("roe", "pct", definition=ctx.t("def_roe"))
    icr, icr_year = lowest(ds.get("interest_cover") or [], ctx.years)
    dscr, dscr_year = lowest(ds.get("debt_service_cover") or [], ctx.years)
    row("icr_min", "ratio", ctx.f(bench["icr"], "ratio"), nat.get("icr_meets_benchmark"), ctx.t("def_icr"),
        ctx.t("lowest_in", value=ctx.f(icr, "ratio"), year=ctx.f(icr_year, "year")) if icr is not None else None)
    row("dscr_min", "ratio", ctx.f(bench["dscr"], "ratio"), nat.get("dscr_meets_benchmark"),
        ctx.t("def_dscr" if nat.get("dscr_deducts_maintenance") else "def_dscr_plain"),
        ctx.t("lowest_in", value=ctx.f(dscr, "ratio"), year=ctx.f(dscr_year, "year")) if dscr is not None else None)
    row("debt_to_asset_max", "pct", definition=ctx.t("def_debt_to_asset"))
    row("loan_repayment_years", "years", definition=ctx.t("def_repayment"))
    row("break_even_utilisation", "pct", definition=ctx.t("def_bep_utilisation", year=year))
    row("break_even_price_ratio", "pct", definition=ctx.t("def_bep_price", year=year))
    viable = nat.get("financially_viable")
    row("survival", "money", "≥ 0", viable, ctx.t("def_survival"),
        nt.val(nat.get("min_cumulative_surplus"), "money", key("min_cumulative_surplus")))
    out["indicators"] = table([col(ctx.t("metric")), col(ctx.t("value"), "", "num"), col(ctx.t("benchmark"), "", "num"),
                               col(ctx.t("judgement")), col(ctx.t("definition"))], rows, notes=nt.lines(),
                              widths=["25%", "12%", "11%", "10%", "42%"])
    out.update(_sensitivity(ctx, nat.get("sensitivity")))
    return out


def _sensitivity(ctx: Ctx, sens: dict | None) -> dict:
    if not sens:
        return {"sensitivity": None, "chart": None, "sensitivity_title": ""}
    lang = ctx.lang
    changes = sens["changes"]
    nt = Notes(lang, ctx.notes)
    rows = []
    up, down = changes.index(0.1), changes.index(-0.1)
    for f in sens["factors"]:
        saf = sens["coefficient"][f]
        coefficient = f"{ctx.f(saf[up], 'ratio')} / {ctx.f(saf[down], 'ratio')}"
        switching = nt.val(sens["switching_value"][f], "pct", f"deterministic.national.sensitivity.switching_value.{f}")
        rows.append([c(pick(SENSITIVITY_FACTORS, f, lang))] + [n(ctx.f(v, "pct")) for v in sens["irr"][f]]
                    + [n(coefficient), n(switching)])
    cols = ([col(ctx.t("factor"))] + [col(f"{ctx.t('change')} {_signed(ctx, d)}", ctx.t("u_pct"), "num") for d in changes]
            + [col(ctx.t("saf"), "", "num"), col(ctx.t("switching"), ctx.t("u_pct"), "num")])
    basis = ctx.t(f"basis_{sens['basis']}")
    notes = [ctx.t("sensitivity_note")] + nt.lines()
    chart = ctx.chart(charts.spider(changes, {pick(SENSITIVITY_FACTORS, f, lang): sens["irr"][f] for f in sens["factors"]},
                                    sens["benchmark_irr"], ctx.t("benchmark_rate"), ctx.t("change"),
                                    ctx.t("nat_firr_pre_tax" if sens["basis"] == "pre_tax" else "nat_firr_after_tax")),
                      ctx.t("chart_spider"), "narrow")
    return {"sensitivity": table(cols, rows, notes=notes, widths=["16%"] + ["9%"] * len(changes) + ["20%", "19%"]),
            "chart": chart, "sensitivity_title": ctx.t("sensitivity_table", basis=basis)}


def _signed(ctx: Ctx, change: float) -> str:
    return "0" if change == 0 else ("+" if change > 0 else "") + F.pct(change, ctx.lang, decimals=0)
