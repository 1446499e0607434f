"""Grid-service lines: what a flexible asset earns from the grid beyond energy (issue 17).

An asset with a ``grid_services`` block (storage, VPP platform, electric heat, EV charging,
electrolysers: :data:`finmodel.library.technology.FLEXIBLE_KINDS`) offers ``K`` = ``grid_kw`` kW
and earns, in each year it operates (× availability × the national method's output factor):

* ``a.<id>.cap_rev``      capacity / VPP availability payment: K × ``p.capacity`` (currency/kW-yr);
* ``a.<id>.dr_event_rev`` demand response, paid per kWh responded: K × events × hours an event ×
  ``p.dr_event`` (currency/kWh);
* ``a.<id>.anc_rev``      peak regulation (调峰), paid per MWh: K × hours / 1000 × ``p.ancillary``
  (currency/MWh);

(the market's prices, :mod:`finmodel.sheets.prices`; their levels drawn per path by Monte Carlo,
:mod:`finmodel.risk.uncertainty`).  They are part of the asset's ``market_revenue``, so they go to
the owner while it operates the assets and to the host after a transferred term
(:func:`finmodel.sheets.contracts._market_revenue`), invoiced as electricity (13 %: the grid
company settles them with the power bill; E).

* ``a.<id>.aggregator_fee`` the VPP aggregator's cut, ``aggregator_share`` × the three: a cost of
  whoever takes the revenue, paid to the park platform company (a service, 6 % VAT).
* ``a.<id>.dr_lost_arbitrage`` (storage answering demand-response events only): an event takes the
  day's discharge, so the battery gives up that day's arbitrage cycle — min(events, cycles) × the
  value of one cycle (the year's net arbitrage / cycles a year).  It lowers the asset's value to
  the host (the arbitrage is the host's avoided cost).  Peak regulation charges the battery when
  the grid has too much power, which is when arbitrage charges it anyway (valley), so it costs no
  cycle (E).
"""
from __future__ import annotations

from ..lines import Expr, Min, Scalar, Sum, Where
from .sheet import Sheet

KWH_PER_MWH = 1000.0  # unit conversion, not an assumption


def build_grid_services(sh: Sheet, asset, name: str, zh: str, price: dict, running: Expr,
                        storage: tuple[Expr, Expr] | None = None) -> dict:
    """Add the grid-service lines of ``asset`` (its ``grid_services`` block) to ``sh``.

    ``running`` is availability × operating flag × output factor; ``storage`` a storage asset's
    (net arbitrage line, cycles a year) (None for other kinds).  Returns ``market_terms`` (revenue lines),
    ``value_terms`` (changes of the value to the host) and ``aggregator_fee``."""
    g = asset.grid_services
    pre = f"a.{asset.id}"
    s = lambda n: Scalar(f"assets.{asset.id}.{n}")  # noqa: E731
    kw = s("grid_kw")
    revenue = []
    if g.capacity:
        revenue.append(sh.flow(f"{pre}.cap_rev", kw * price["capacity"] * running,
                               f"{name}: capacity / VPP availability payment", f"{zh}：容量（虚拟电厂）补偿收入"))
    value_terms = []
    if g.demand_response is not None:
        events = s("dr_events_per_yr")
        revenue.append(sh.flow(f"{pre}.dr_event_rev", kw * events * s("dr_hours_per_event") * price["dr_event"]
                               * running, f"{name}: demand-response events", f"{zh}：需求响应收入"))
        if storage is not None:
            arbitrage, cycles = storage
            lost = sh.flow(f"{pre}.dr_lost_arbitrage",
                           Where(cycles > 0, Min(events, cycles) / Where(cycles > 0, cycles, 1), 0) * arbitrage,
                           f"{name}: arbitrage given up on demand-response days",
                           f"{zh}：需求响应日放弃的峰谷套利")
            value_terms.append(-lost)
    if g.ancillary is not None:
        revenue.append(sh.flow(f"{pre}.anc_rev", kw * s("ancillary_hours_per_yr") / KWH_PER_MWH * price["ancillary"]
                               * running, f"{name}: peak regulation (ancillary service)", f"{zh}：调峰辅助服务收入"))
    fee = sh.flow(f"{pre}.aggregator_fee", s("aggregator_share") * Sum(*revenue),
                  f"{name}: VPP aggregator's share of grid-service revenue (to the park platform)",
                  f"{zh}：虚拟电厂聚合商分成（园区平台公司）")
    return {"market_terms": revenue, "value_terms": value_terms, "aggregator_fee": fee}
