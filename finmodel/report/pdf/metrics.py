"""Names and number kinds of the result document's metric keys (``project.equity_irr``, ``host.npv`` …)."""
from __future__ import annotations

from .context import Ctx


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


def metric_label(ctx: Ctx, name: str | None) -> str:
    """Words for a metric key such as ``project.equity_irr`` or ``provider.npv``."""
    if not name:
        return ""
    head, _, tail = name.partition(".")
    if head == "yearly":
        key = {"equity_cash_flow": "equity_cf"}.get(tail, tail)
        return ctx.t(key)
    if head == "project" and _indicator(ctx, tail):
        return _indicator(ctx, tail)
    words = {"irr": ctx.t("irr"), "npv": ctx.t("npv"), "payback_years": ctx.t("payback"),
             "discounted_payback_years": ctx.t("dyn_payback"), "min_dscr": ctx.t("min_dscr")}
    if tail in words:
        sep = "" if ctx.lang == "zh" else " "
        return f"{ctx.party(head, short=True)}{sep}{words[tail]}"
    if ctx.a is not None and name in ctx.a.model.outputs:
        o = ctx.a.model.outputs[name]
        return o.zh if ctx.lang == "zh" else o.en
    return name


def _indicator(ctx: Ctx, key: str) -> str | None:
    """The national-method indicator's name, when ``key`` is one."""
    k = f"ind_{key}"
    s = ctx.t(k)
    return None if s == k else s
