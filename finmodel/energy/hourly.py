"""The hourly table of a dispatch: one row per hour solved, for the CSV that ``finmodel energy``
writes and the workbook's hourly data sheet."""
from __future__ import annotations

import pandas as pd

from .clock import clock
from .tariff import PERIODS

COLUMNS = ("month", "day", "hour", "period", "price", "weight", "load_kw", "pv_kw", "pv_used_kw",
           "pv_used_no_battery_kw", "charge_kw", "discharge_kw", "soc_kwh", "grid_kw", "grid_no_battery_kw", "export_kw",
           "curtailed_kw", "heat_pump_kw")
"""Columns in order; kW are averages over the hour (= kWh in it); ``weight`` is the days of the
year the row stands for (1 except for typical days)."""


def hourly_frame(study) -> pd.DataFrame:
    """The study's dispatch hour by hour (see :data:`COLUMNS`)."""
    d = study.plan
    nb = study.no_battery.on(d)
    ck = clock()
    tar = study.system.tariff
    return pd.DataFrame({
        "month": ck.month[d.hours], "day": ck.day[d.hours] + 1, "hour": ck.hour[d.hours],
        "period": [PERIODS[i] for i in tar.period[d.hours]], "price": tar.price[d.hours], "weight": d.weight,
        "load_kw": d.load, "pv_kw": d.pv, "pv_used_kw": d.pv - d.export - d.curtail,
        "pv_used_no_battery_kw": nb.pv - nb.export - nb.curtail, "charge_kw": d.charge,
        "discharge_kw": d.discharge, "soc_kwh": d.soc, "grid_kw": d.grid, "grid_no_battery_kw": nb.grid,
        "export_kw": d.export, "curtailed_kw": d.curtail, "heat_pump_kw": d.heat_pump,
    }, columns=list(COLUMNS))
