"""Reading meter data: interval data summed to days (CalTRACK 2.2.2.1), bills, Excel, named
columns, units, and declared non-routine adjustments."""
from __future__ import annotations

import numpy as np
import openpyxl
import pytest

from finmodel.errors import InputError
from finmodel.mv import Adjustment, Columns, measure
from finmodel.mv.meter import read_meter

from tests.conftest import ROOT

DATA = ROOT / "assumptions" / "examples" / "data"


def _daily_rows():
    lines = (DATA / "suzhou_office_baseline.csv").read_text(encoding="utf-8").splitlines()[1:]
    return [(d, float(k)) for d, k, _ in (x.split(",") for x in lines)]


def test_hourly_readings_are_summed_to_days_with_caltracks_missing_rule(tmp_path):
    rows = _daily_rows()[:5]
    lines = ["time,energy_kwh"]
    for d, kwh in rows:
        for h in range(24):
            lines.append(f"{d} {h:02d}:00,{kwh / 24:.6f}")
    # day 2: 13 of 24 hours missing (more than half: the day is missing); day 3: 6 missing (scaled up)
    for h in range(13):
        lines[1 + 24 + h] = lines[1 + 24 + h].split(",")[0] + ","
    for h in range(6):
        lines[1 + 48 + h] = lines[1 + 48 + h].split(",")[0] + ","
    path = tmp_path / "hourly.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = read_meter(path)
    assert r.interval == "hourly" and r.form == "daily" and r.start.size == 5
    assert r.energy_kwh[0] == pytest.approx(rows[0][1], abs=1e-3)
    assert np.isnan(r.energy_kwh[1])
    assert r.energy_kwh[2] == pytest.approx(rows[2][1], abs=1e-3)  # 18 hours × 24/18


def test_bills_need_an_end_and_must_not_overlap(tmp_path):
    ok = tmp_path / "bills.csv"
    ok.write_text("start,end,kwh\n2025-01-01,2025-01-31,900000\n2025-02-01,2025-02-28,800000\n", encoding="utf-8")
    r = read_meter(ok)
    assert r.form == "billing" and list(r.days) == [31, 28]
    bad = tmp_path / "overlap.csv"
    bad.write_text("start,end,kwh\n2025-01-01,2025-02-01,900000\n2025-02-01,2025-02-28,800000\n", encoding="utf-8")
    with pytest.raises(InputError, match="overlaps the previous one"):
        read_meter(bad)


def test_excel_meter_data_with_named_columns_and_mwh(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Day", "Site use (MWh)"])
    rows = _daily_rows()[:3]
    for d, kwh in rows:
        ws.append([np.datetime64(d).astype(object), kwh / 1000])
    path = tmp_path / "meter.xlsx"
    wb.save(path)
    r = read_meter(path, Columns.parse("time=Day,energy=Site use (MWh)"))
    assert np.allclose(r.energy_kwh, [k for _, k in rows])


def test_a_declared_adjustment_adds_to_the_baseline_day_by_day():
    plain = measure(DATA / "suzhou_office_baseline.csv", DATA / "suzhou_office_reporting.csv", DATA / "suzhou_weather.csv")
    adj = (Adjustment(np.datetime64("2027-03-01"), np.datetime64("2027-03-30"), 500.0, "new canteen line"),)
    moved = measure(DATA / "suzhou_office_baseline.csv", DATA / "suzhou_office_reporting.csv",
                    DATA / "suzhou_weather.csv", adjustments=adj)
    assert moved.reporting.total.avoided_kwh - plain.reporting.total.avoided_kwh == pytest.approx(30 * 500.0)
    march = {v.label: v for v in moved.reporting.periods}["2027-03"]
    assert march.avoided_kwh - {v.label: v for v in plain.reporting.periods}["2027-03"].avoided_kwh == \
        pytest.approx(30 * 500.0)
