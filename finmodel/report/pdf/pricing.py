"""9 Pricing and deal zone: the price solved for a target, and where both parties' requirements hold."""
from __future__ import annotations

from typing import Any

from .. import charts
from .. import format as F
from ..words import PRICING_STATUS, pick
from .context import Ctx
from .metrics import metric_kind
from .tables import c, col, n, table


def recommended_price(ctx: Ctx) -> str | None:
    """The solved price as one line (``term = value unit``); None without a solved pricing."""
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
        s += f" {ctx.names.unit(unit)}"
    return f"{ctx.names.field(field)} = {s}" if field else s


def _pricing_table(ctx: Ctx, p: dict) -> dict:
    """The solved term, the targets and the metrics at the solution (percentiles over the paths)."""
    names = ctx.names
    frac = str(p.get("unit") or "").startswith("fraction")
    fmt = (lambda v: ctx.f(v, "pct")) if frac else (lambda v: ctx.f(v, "number"))  # noqa: E731
    none = F.none_text(ctx.lang)
    kv = [{"k": ctx.t("pr_field"), "v": names.field(p["field"])},
          {"k": ctx.t("pr_targets"), "v": names.join(names.target(t) for t in p["targets"])},
          {"k": ctx.t("status"), "v": pick(PRICING_STATUS, p["status"], ctx.lang)},
          {"k": ctx.t("pr_solved"), "v": fmt(p["solved_value"]) if p.get("solved_value") is not None else none},
          {"k": ctx.t("pr_base"), "v": fmt(p["base_value"])},
          {"k": ctx.t("pr_interval"), "v": names.join(f"[{fmt(a)}, {fmt(b)}]" for a, b in p["feasible_intervals"])
           or none},
          {"k": ctx.t("pr_binding"), "v": names.target(p["binding"]) if p.get("binding") else none},
          {"k": ctx.t("pr_runs"), "v": f"{p['paths']:,} / {p['seed']} / {p['evaluations']}"}]
    tables = []
    at = p.get("at_solution") or {}
    if at:
        rows = []
        for m, st in at.items():
            kind = metric_kind(m)
            cells = [st.get(k) for k in ("p10", "p50", "p90", "mean")] if "p50" in st else [None, st.get("value"), None, None]
            rows.append([c(names.metric(m))] + [n(ctx.f(v, kind)) for v in cells])
        tables.append(table([col(ctx.t("metric"))] + [col(names.percentile(k)) for k in ("p10", "p50", "p90")]
                            + [col(ctx.t("mean"))], rows, caption=ctx.t("pr_at"), notes=[ctx.t("pctl_note")]))
    trace = [[n(str(i)), n(fmt(t["x"])), c("✓" if t["feasible"] else "")]
             + [n(ctx.f(t["levels"].get(k), metric_kind(k.split(">")[0].split("<")[0]))) for k in p["targets"]]
             for i, t in enumerate(p.get("trace") or [], start=1)]
    if trace:
        tables.append(table([col(ctx.t("trial")), col(names.field(p["field"])), col(ctx.t("pr_ok"))]
                            + [col(names.target(k)) for k in p["targets"]], trace[:40], caption=ctx.t("pr_trace")))
    return {"kv": kv, "tables": tables}


def build(ctx: Ctx) -> dict | None:
    pricing, dz = ctx.doc.get("pricing"), ctx.doc.get("dealzone")
    if not isinstance(pricing, dict) and not isinstance(dz, dict):
        return None
    names = ctx.names
    out: dict[str, Any] = {"pricing": None, "dealzone": None, "charts": [], "recommended": None}
    if isinstance(pricing, dict):
        out["pricing"] = _pricing_table(ctx, pricing)
        out["recommended"] = recommended_price(ctx)
    if isinstance(dz, dict):
        out["dealzone"] = {"kv": [{"k": ctx.t("dz_requirements"),
                                   "v": names.join(names.target(r["requirement"]) for r in dz["requirements"])},
                                  {"k": ctx.t("dz_cells"), "v": f"{dz['feasible_cells']} / {dz['cells']}"},
                                  {"k": ctx.t("dz_runs"), "v": f"{dz['paths']:,} / {dz['seed']}"}], "tables": []}
        x, yv = dz["x"], dz["y"]
        out["charts"].append(ctx.chart(charts.heatmap(x["values"], yv["values"], dz["z"], names.field(x["field"]),
                                                      names.field(yv["field"]), ctx.t("requirements_met"),
                                                      kind="number"),
                                       ctx.t("dealzone"), cls="narrow"))
    return out
