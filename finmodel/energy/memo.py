"""Dispatched years remembered: a dispatch is a pure function of the system and the method, and
solving a year takes longer than appraising the case, so its result is kept (:func:`finmodel.cache.arrays`)
— in this process (the pricing desk reloads a case for every change of its terms, which leaves the
system as it was) and in the user's cache folder (the next run of the same case) — under the hash
of everything it depends on: the hourly load, PV and tariff arrays, the battery, heat pumps and
export limit, the method, and the source of the dispatch code with the solver's and numpy's
versions (another version of either is another key, never a stale result).
"""
from __future__ import annotations

from functools import cache as once

import numpy as np

from .. import cache
from . import clock, dispatch as dispatch_module
from .dispatch import Dispatch, System

ARRAYS = ("hours", "weight", "load", "pv", "grid", "export", "charge", "discharge", "soc", "curtail",
          "heat_pump", "store")
"""The fields of :class:`~finmodel.energy.dispatch.Dispatch` that are hourly arrays."""


@once
def _code_digest() -> bytes:
    return cache.source_digest(dispatch_module, clock, packages=("highspy",))


def key(sys: System, method: str) -> str:
    """The hash of everything the dispatch of ``sys`` by ``method`` depends on."""
    t = sys.tariff
    parts = [_code_digest(), method, sys.load_kw, sys.pv_kw, t.period, t.weight, t.valley, t.spread,
             t.demand_charge, t.export_price, sys.export_limit_kw]
    if sys.battery is not None:
        b = sys.battery
        parts += ["battery", b.energy_kwh, b.power_kw, b.round_trip_efficiency]
    if sys.heat is not None:
        parts += ["heat", sys.heat.heat_kw, sys.heat.cop, sys.heat.electric_kw, sys.heat.store_kwh]
    return cache.digest(*parts)


def dispatch(sys: System, method: str) -> Dispatch:
    """:func:`finmodel.energy.dispatch.dispatch` of ``sys`` by ``method``, solved once per key."""
    def solve() -> dict[str, np.ndarray]:
        d = dispatch_module.dispatch(sys, method)
        extra = {"days": np.asarray(d.extra["days"], dtype=np.int64)} if "days" in d.extra else {}
        return {"method": np.asarray(d.method), "seconds": np.asarray(d.seconds),
                **{n: getattr(d, n) for n in ARRAYS}, **extra}

    a = cache.arrays("dispatch", key(sys, method), solve)
    extra = {"days": [int(x) for x in a["days"]]} if "days" in a else {}
    return Dispatch(str(a["method"]), *(a[n] for n in ARRAYS), float(a["seconds"]), extra)
