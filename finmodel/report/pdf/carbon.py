"""6 Park carbon and the zero-carbon park indicators (发改环资〔2025〕910号) by year: the grid factor
basis in one paragraph a reviewer can check, the park's size tier and the threshold that applies,
the emission reductions by asset, both coal equivalents side by side, and the green power bought."""
from __future__ import annotations

from .. import charts
from .. import format as F
from ..words import CARBON_RULES, CARRIERS, COAL_EQ, GRID_BASES, GRID_BASES_SHORT, KPIS, pick
from .context import Ctx
from .tables import c, col, n, selected_years, table


def build(ctx: Ctx) -> dict | None:
    carbon = ctx.doc.get("carbon")
    if not carbon or not carbon.get("year"):
        return None
    lang = ctx.lang
    years = carbon["year"]
    cy = ctx.construction_years
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
            "kv": [{"k": k, "v": v} for k, v in kv], "basis": _basis(ctx, carbon), "tier": _tier(ctx, carbon),
            "avoided": _avoided(ctx, carbon, sel), "coal_eq": _coal_equivalents(ctx, carbon, sel),
            "green": _green(ctx, carbon)}


def _first_op(ctx: Ctx, carbon: dict) -> int:
    return min(ctx.construction_years, len(carbon["year"]) - 1)


def _basis(ctx: Ctx, carbon: dict) -> str | None:
    g = carbon.get("grid_factor")
    if not g:
        return None
    i = _first_op(ctx, carbon)
    src = ctx.case.carbon.provincial_grid_ef.source if g["basis"] == "provincial" and ctx.case is not None else "[S17]"
    case_decline = ctx.case is not None and ctx.case.carbon.grid_factor_decline is not None
    return ctx.t("basis_text", basis=pick(GRID_BASES, g["basis"], ctx.lang), ef=F.number(g["value"], digits=5), src=src,
                 decline=F.pct(g["decline"], decimals=1), start=F.year(carbon["year"][0]),
                 decline_src=ctx.t("decline_case" if case_decline else "decline_default"),
                 nf=F.pct(g["nonfossil_share"][i], decimals=1), year=F.year(carbon["year"][i]),
                 ce=pick(COAL_EQ, carbon.get("coal_equivalent", ""), ctx.lang))


def _tier(ctx: Ctx, carbon: dict) -> str | None:
    st = carbon.get("size_tier")
    if not st:
        return None
    i = _first_op(ctx, carbon)
    year, tce, thr = F.year(carbon["year"][i]), F.qty(st["tce"]), F.intensity(st["threshold"])
    if st["threshold_source"] == "provincial_path":
        market = ctx.a.rc.market.national.zcp_intensity_paths[st["indicator_path"]] if ctx.a is not None else None
        if market is None:
            return None
        steps = "；".join if ctx.lang == "zh" else "; ".join
        return ctx.t("tier_path", path=market.name_zh if ctx.lang == "zh" else market.name_en,
                     steps=steps(ctx.t("tier_step", thr=F.intensity(x.threshold_tco2_per_tce), year=F.year(x.year))
                                 for x in market.steps))
    if st["tier"] == 0:
        own = (ctx.t("tier_own", thr=thr, src=ctx.case.carbon.intensity_threshold.source)
               if st["threshold_source"] == "case" and ctx.case is not None else ctx.t("tier_default", thr=thr))
        return f"{ctx.t('tier_below', tce=tce, year=year)}{'' if ctx.lang == 'zh' else ' '}{own}"
    return ctx.t("tier_in", tce=tce, year=year, tier=ctx.t(f"tier_{st['tier']}"), thr=thr)


def _avoided(ctx: Ctx, carbon: dict, sel: list[int]) -> dict | None:
    by_asset = carbon.get("avoided_by_asset")
    if not by_asset:
        return None
    years = carbon["year"]
    i = _first_op(ctx, carbon)
    names = {a.id: (ctx.a.rc.technologies[a.id].name_zh if ctx.lang == "zh" else ctx.a.rc.technologies[a.id].name_en)
             for a in ctx.case.assets} if ctx.a is not None else {}
    show = [j for j in sel if j >= i]
    rows = [[c(f"{aid} · {names.get(aid, aid)}")] + [n(F.qty(v["tco2"][j])) for j in show] + [n(F.qty(v["total"]))]
            for aid, v in by_asset.items()]
    rows.append({"cells": [c(ctx.t("avoided_total_row"))] + [n(F.qty(carbon["avoided_tco2"][j])) for j in show]
                 + [n(F.qty(carbon["avoided_tco2_total"]))], "cls": "total"})
    attrs = carbon.get("green_attributes") or {}
    notes = []
    sold, residual = sum(attrs.get("sold") or []), sum(attrs.get("residual") or [])
    if sold > 0.5:
        notes.append(ctx.t("avoided_sold", mwh=F.qty(sold)))
    if residual > 0.5:
        notes.append(ctx.t("avoided_residual", mwh=F.qty(residual)))
    tbl = table([col(ctx.t("asset_id"))] + [col(ctx.t("avoided_year", year=F.year(years[j])), ctx.t("u_tco2"), "num")
                                            for j in show]
                + [col(ctx.t("avoided_life"), ctx.t("u_tco2"), "num")], rows, notes=notes, cls="yearly")
    texts = [ctx.t("avoided_intro", total=F.qty(carbon["avoided_tco2_total"]), first=F.qty(carbon["avoided_tco2"][i]),
                   year=F.year(years[i]))]
    bases = carbon.get("avoided_by_basis") or {}
    if bases:
        sep = "；" if ctx.lang == "zh" else "; "
        texts.append(ctx.t("avoided_bases", year=F.year(years[i]), items=sep.join(
            ctx.t("avoided_basis_item", basis=pick(GRID_BASES_SHORT, b, ctx.lang), ef=F.number(v["factor"], digits=5),
                  t=F.qty(v["tco2"][i])) for b, v in bases.items())))
    claim = carbon.get("claimed_reduction")
    if claim and claim.get("implied_factor") is not None:
        g = carbon["grid_factor"]
        national = bases.get("national", {}).get("factor")
        higher = claim["implied_factor"] > max(g["value"], national or 0)
        texts.append(ctx.t("avoided_claim" if higher else "avoided_claim_lower", claim=F.qty(claim["tco2_per_yr"]),
                           src=claim["source"], implied=F.number(claim["implied_factor"], digits=3),
                           mwh=F.qty(claim["grid_mwh"]), year=F.year(claim["year"]),
                           ef=F.number(g["value"], digits=5), national=F.number(national, digits=5)))
    return {"intro": texts, "table": tbl}


def _coal_equivalents(ctx: Ctx, carbon: dict, sel: list[int]) -> dict | None:
    both = carbon.get("by_coal_equivalent")
    if not both:
        return None
    thr, clean_thr = carbon["threshold_tco2_per_tce"], (carbon.get("thresholds") or {}).get("clean_energy_share")
    ce = {k: pick(COAL_EQ, k, ctx.lang) for k in ("calorific", "primary")}
    rows, moved = [], 0
    for j in sel:
        verdicts = set()
        cells = [c(F.year(carbon["year"][j]), "yr")]
        for k in ("calorific", "primary"):
            it, cs = both[k]["intensity_tco2_per_tce"][j], both[k]["clean_energy_share"][j]
            verdicts.add((it is not None and thr[j] is not None and it <= thr[j],
                          cs is not None and clean_thr is not None and cs >= clean_thr))
            cells += [n(F.intensity(it)), n(F.pct(cs))]
        moved += len(verdicts) > 1
        rows.append(cells)
    u_int, u_pct = ctx.t("u_intensity"), ctx.t("u_pct")
    tbl = table([col(ctx.t("year")), col(ctx.t("intensity_ce", ce=ce["calorific"]), u_int, "num"),
                 col(ctx.t("clean_ce", ce=ce["calorific"]), u_pct, "num"),
                 col(ctx.t("intensity_ce", ce=ce["primary"]), u_int, "num"),
                 col(ctx.t("clean_ce", ce=ce["primary"]), u_pct, "num")], rows,
                notes=[ctx.t("coal_eq_moves", n=moved) if moved else ctx.t("coal_eq_same")], cls="yearly")
    return {"table": tbl}


def _green(ctx: Ctx, carbon: dict) -> str | None:
    g = carbon.get("green_power")
    if not g:
        return None
    i = _first_op(ctx, carbon)
    trade, gec = g["trade_mwh"][i], g["gec_mwh"][i]
    if max(g["trade_mwh"] + g["gec_mwh"]) < 0.5:
        return ctx.t("green_none")
    parts = [ctx.t("green_set", trade=F.qty(trade), gec=F.qty(gec), year=F.year(carbon["year"][i]),
                   cost=ctx.f(g["cost_trade"][i] + g["cost_gec"][i], "money"), cur=ctx.cur_word,
                   payer=ctx.party(g["payer"]))]
    if g.get("solved"):
        cap = ctx.t("green_cap", cap=F.qty(g["cap_mwh"])) if g.get("cap_mwh") is not None else ""
        target = F.intensity(g["target"]) if g["kpi"] == "intensity_tco2_per_tce" else F.pct(g["target"])
        parts.append(ctx.t("green_solved", kpi=pick(KPIS, g["kpi"], ctx.lang), target=target,
                           from_year=F.year(g["from_year"]), cap=cap))
    parts.append(ctx.t("green_price", premium=F.number(ctx.value("market.green_power_premium_cny_per_kwh"), digits=3),
                       gec=F.number(ctx.value("market.gec_price_cny_per_mwh"), digits=3), cur=ctx.cur_word))
    return ("" if ctx.lang == "zh" else " ").join(parts)
