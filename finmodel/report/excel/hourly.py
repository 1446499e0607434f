"""The hourly data sheet: the dispatch hour by hour, and the year derived from it by formulas.

Written when the case has an ``energy:`` block.  Columns are the hourly table
(:mod:`finmodel.energy.hourly`); beside them, formulas over the columns (SUMPRODUCT, a
month's MAX) give the year's PV, self-consumption, battery cycles, the battery's saving per
kWh discharged by price component and the months' maximum demand.  The Inputs sheet's cells of
the dispatched assumptions are formulas pointing here, so the annual model visibly rests on the
hours, and the workbook test recalculates them to the engine's values.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.utils import get_column_letter

from ...energy.hourly import hourly_frame
from ...energy.tariff import PERIODS
from .. import words as W
from .cells import head_row, mark_input, number_format, put_number, put_text, title
from .layout import WorkbookMap, safe_name

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal

HEAD = {"month": "en_month", "day": "en_day", "hour": "en_hour", "period": "en_period", "price": "en_price",
        "weight": "en_weight", "load_kw": "en_load", "pv_kw": "en_pv", "pv_used_kw": "en_pv_used",
        "pv_used_no_battery_kw": "en_pv_used_nb", "charge_kw": "en_charge", "discharge_kw": "en_discharge",
        "soc_kwh": "en_soc", "grid_kw": "en_grid", "grid_no_battery_kw": "en_grid_nb", "export_kw": "en_export",
        "curtailed_kw": "en_curtailed", "heat_pump_kw": "en_heat_pump"}
KINDS = {"month": "index", "day": "index", "hour": "index", "price": "price", "weight": "factor"}
"""The number kind of a column (format.NUMBER_FORMATS); the rest are kW or kWh, shown whole."""
FIRST = 4  # first data row


def hourly_sheet(wb, a: "Appraisal", titles: dict, wmap: WorkbookMap, lang: str) -> dict[str, str]:
    """Write the sheet; returns ``{assumption: formula}`` for the Inputs sheet's dispatched cells."""
    study = a.rc.energy
    frame = hourly_frame(study)
    frame["period"] = [W.text(lang, f"en_{p}") for p in frame["period"]]
    sheet = titles["Hourly"]
    ws = wb.create_sheet(sheet)
    title(ws, sheet)
    cols = list(frame.columns)
    head_row(ws, 3, [W.text(lang, HEAD[c]) for c in cols])
    n = len(frame)
    last = FIRST + n - 1
    for j, c in enumerate(cols, start=1):
        values = frame[c].tolist()
        fmt = number_format(KINDS.get(c, "qty"))
        for i, v in enumerate(values):
            cell = ws.cell(row=FIRST + i, column=j, value=v if isinstance(v, str) else float(v))
            cell.number_format = fmt
        ws.column_dimensions[get_column_letter(j)].width = 12
    col = {c: f"${get_column_letter(j)}${FIRST}:${get_column_letter(j)}${last}" for j, c in enumerate(cols, start=1)}
    q = f"'{sheet}'!"
    bal = study.balance
    sys = study.system
    L, V = len(cols) + 2, len(cols) + 3  # label and value columns of the derived block
    vcol = get_column_letter(V)
    put_text(ws, 2, L, W.text(lang, "en_annual"))
    cells: dict[str, str] = {}
    row = 3

    def put(key: str, label: str, formula: str | None, value: float, kind: str) -> str:
        """One derived cell (a formula, or an input value where ``formula`` is None) under ``label``
        (a vocabulary key, or ready text), in the format of its ``kind``."""
        nonlocal row
        put_text(ws, row, L, W.text(lang, label))
        ref = f"${vcol}${row}"
        cell = put_number(ws, row, V, formula if formula is not None else float(value), kind)
        if formula is None:
            mark_input(cell)
        else:
            wmap.expected[(sheet, f"{vcol}{row}")] = float(value)
        cells[key] = ref
        row += 1
        return ref

    wsum = lambda c: f"SUMPRODUCT({col['weight']},{col[c]})"  # noqa: E731
    valley = put("valley", "en_valley_price", None, sys.tariff.valley, "price")
    spread = put("spread", "en_spread", None, sys.tariff.spread, "price")
    usable = put("usable", "en_usable", None, bal.usable_kwh, "qty")
    power = put("power", "en_power", None, bal.power_kw, "qty")
    pv = put("pv", "en_pv_mwh", f"={wsum('pv_kw')}/1000", bal.pv_mwh, "qty")
    used = put("used", "en_pv_used_mwh", f"={wsum('pv_used_kw')}/1000", bal.pv_used_mwh, "qty")
    put("self", "en_self_share", f"=IF({pv}>0,{used}/{pv},0)", bal.self_consumption_share, "pct")
    put("curtailed", "en_curtailed_share", f"=IF({pv}>0,{wsum('curtailed_kw')}/1000/{pv},0)", bal.curtailed_share, "pct")
    dis = put("dis", "en_discharge_mwh", f"={wsum('discharge_kw')}/1000", bal.discharge_mwh, "qty")
    put("cycles", "en_cycles", f"=IF({usable}>0,{dis}*1000/{usable},0)", bal.equivalent_full_cycles, "qty")
    cut = f"({col['grid_no_battery_kw']}-{col['grid_kw']})"
    put("kappa_spread", "en_k_spread",
        f"=IF({dis}>0,SUMPRODUCT({col['weight']},({col['price']}-{valley})/{spread},{cut})/1000/{dis},0)", bal.kappa_spread, "factor")
    put("kappa_valley", "en_k_valley", f"=IF({dis}>0,SUMPRODUCT({col['weight']},{cut})/1000/{dis},0)", bal.kappa_valley, "factor")
    put("kappa_pv", "en_k_pv", f"=IF({dis}>0,({wsum('pv_used_kw')}-{wsum('pv_used_no_battery_kw')})/1000/{dis},0)",
        bal.kappa_pv, "factor")
    row += 1
    put_text(ws, row, V, W.text(lang, "en_peak_nb"))
    put_text(ws, row, V + 1, W.text(lang, "en_peak_after"))
    put_text(ws, row, V + 2, W.text(lang, "en_peak_before"))
    row += 1
    first_month = row
    for m in range(1, 13):
        put_text(ws, row, L, f"{W.text(lang, 'en_month')} {m}")
        for k, (c, v) in enumerate((("grid_no_battery_kw", bal.peak_no_battery_kw), ("grid_kw", bal.peak_after_kw),
                                    ("load_kw", bal.peak_before_kw))):
            letter = get_column_letter(V + k)
            put_number(ws, row, V + k, f"=SUMPRODUCT(MAX(({col['month']}={m})*{col[c]}))", "qty")
            wmap.expected[(sheet, f"{letter}{row}")] = float(v[m - 1])
        row += 1
    nb = f"${vcol}${first_month}:${vcol}${row - 1}"
    after = f"${get_column_letter(V + 1)}${first_month}:${get_column_letter(V + 1)}${row - 1}"
    put("demand", "en_demand_share", f"=IF({power}>0,SUMPRODUCT({nb}-{after})/(12*{power}),0)", bal.demand_reduction_share, "pct")
    for p in PERIODS:
        if p in bal.grid_by_period:
            word = W.text(lang, f"en_{p}")
            put(f"grid_{p}", W.text(lang, "en_grid_mwh") + W.paren(word, lang),
                f"=SUMPRODUCT({col['weight']},{col['grid_kw']},--({col['period']}=\"{word}\"))/1000", bal.grid_by_period[p], "qty")
    ws.column_dimensions[get_column_letter(L)].width = 44
    ws.freeze_panes = f"A{FIRST}"
    return _input_formulas(a, {k: q + v for k, v in cells.items()})


def _input_formulas(a: "Appraisal", cells: dict[str, str]) -> dict[str, str]:
    """The Inputs sheet's formulas for the assumptions the dispatch set (not the typed ones)."""
    study = a.rc.energy
    out = {"energy.spread_cny_per_kwh": f"={cells['spread']}", "energy.pv_mwh": f"={cells['pv']}"}
    per_pv = {"self_consumption_share": "self", "curtailed_share": "curtailed"}
    per_bat = {"cycles_per_year": "cycles", "demand_reduction_share": "demand", "kappa_spread": "kappa_spread",
               "kappa_valley": "kappa_valley", "kappa_pv": "kappa_pv"}
    for ids, keys in ((study.info.pv_assets, per_pv), (study.info.storage_assets, per_bat)):
        for aid in ids:
            for q, key in keys.items():
                out[f"assets.{aid}.{q}"] = f"={cells[key]}"
    for aid in study.replacement_years:
        rep = next(n for n in study.set_by_dispatch if n.startswith(f"assets.{aid}.replace_"))
        s = lambda k: safe_name(f"assets.{aid}.{k}")  # noqa: E731
        out[rep] = (f"=MIN(MAX(1,INT(1/({cells['cycles']}/{s('cycle_life')}+1/{s('calendar_life_years')})+1E-9)),"
                    f"{s('life_years')}-1)")
    return {k: v for k, v in out.items() if k not in study.typed}
