"""7 Energy from hours: the dispatch's typical summer and winter days, the monthly balance and the
months' maximum demand before and after (cases with an ``energy:`` block)."""
from __future__ import annotations

import numpy as np

from .. import charts
from .. import format as F
from ...energy.dispatch import representative_days
from .context import Ctx
from .tables import c, col, n, table

SUMMER, WINTER = 7, 1  # months of the typical days shown


def _day(study, month: int) -> dict:
    """The plan's 24 hours of the month's representative day (the typical day itself for that method)."""
    plan = study.plan
    day = representative_days(study.system)[month - 1]
    pick = np.flatnonzero(plan.hours // 24 == day)
    return {"load": plan.load[pick], "pv_used": (plan.pv - plan.export - plan.curtail)[pick],
            "discharge": plan.discharge[pick], "grid": plan.grid[pick], "charge": plan.charge[pick],
            "export": plan.export[pick]}


def build(ctx: Ctx) -> dict | None:
    energy = ctx.doc.get("energy")
    study = ctx.a.rc.energy
    if not energy or study is None:
        return None
    bat = energy["battery"]
    method = ctx.t(f"en_method_{energy['method']}")
    labels = {"pv_used": ctx.t("en_pv_direct"), "discharge": ctx.t("en_battery_out"), "grid": ctx.t("en_grid_import"),
              "charge": ctx.t("en_battery_in"), "export": ctx.t("en_exported"), "load": ctx.t("en_load_line")}
    panels = [{"title": ctx.t(key), **_day(study, m)} for key, m in (("en_summer_day", SUMMER), ("en_winter_day", WINTER))]
    chart = ctx.chart(charts.day_profiles(panels, labels, "MW"), ctx.t("en_summer_day") + " / " + ctx.t("en_winter_day"))
    rep = bat.get("replacement_year")
    summary = ctx.t("en_summary_rows", share=F.pct(energy["self_consumption_share"]), export=F.qty(energy["export_mwh"]),
                    green=F.pct(energy["green_direct_share"]), cycles=F.qty(bat["equivalent_full_cycles"]),
                    arb=ctx.f(bat["arbitrage_value"], "money"), dem=ctx.f(bat["demand_charge_saving"], "money"),
                    rep=rep if rep is not None else "—")
    rows = []
    for m in energy["monthly"]:
        rows.append([c(str(m["month"])), n(F.qty(m["load_mwh"])), n(F.qty(m["pv_mwh"])), n(F.qty(m["pv_used_mwh"])),
                     n(F.qty(m["export_mwh"])), n(F.qty(m["grid_mwh"])), n(F.qty(m["discharge_mwh"])),
                     n(F.qty(m["peak_before_kw"])), n(F.qty(m["peak_after_kw"]))])
    mwh, kw = ctx.t("en_mwh"), ctx.t("en_kw")
    monthly = table([col(ctx.t("en_month")), col(ctx.t("en_load_line"), mwh, "num"), col(ctx.t("en_pv_gen"), mwh, "num"),
                     col(ctx.t("en_pv_direct"), mwh, "num"), col(ctx.t("en_exported"), mwh, "num"),
                     col(ctx.t("en_grid_import"), mwh, "num"), col(ctx.t("en_battery_out"), mwh, "num"),
                     col(ctx.t("en_peak_before_short"), kw, "num"), col(ctx.t("en_peak_after_short"), kw, "num")],
                    rows, notes=[ctx.t("en_typed_note")], cls="yearly")
    return {"intro": ctx.t("en_intro", method=method), "summary": summary, "chart": chart, "monthly": monthly,
            "t_balance": ctx.t("en_balance")}
