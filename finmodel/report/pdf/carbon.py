"""6 Park carbon and the zero-carbon park indicators (发改环资〔2025〕910号) by year."""
from __future__ import annotations

from .. import charts
from .. import format as F
from ..words import CARBON_RULES, CARRIERS, COAL_EQ, pick
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
            "kv": [{"k": k, "v": v} for k, v in kv]}
