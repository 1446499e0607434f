"""Dispatched years and PV shapes are computed once per key and read back bit for bit; another
input is another key; a damaged cache file is computed again; the calendar needs no pandas."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from finmodel import cache
from finmodel.energy import dispatch as dispatch_module
from finmodel.energy import pv
from finmodel.energy.clock import HOURS, clock
from finmodel.energy.dispatch import Battery, System
from finmodel.energy.memo import dispatch
from finmodel.energy.tariff import HourlyTariff

CK = clock()


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """A cache folder of this test's own, and nothing remembered in the process."""
    monkeypatch.setenv("FINMODEL_CACHE", str(tmp_path))
    monkeypatch.setattr(cache, "_remembered", {})
    return tmp_path


def counted(monkeypatch, module, name):
    """Replace ``module.name`` by a wrapper that counts its calls."""
    calls = []
    real = getattr(module, name)

    def wrapper(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)
    return calls


def system(power_kw=250.0) -> System:
    code = np.where(np.isin(CK.hour, [18, 19, 20, 21]), 2, 0).astype(np.int8)
    tariff = HourlyTariff(code, (code == 2).astype(float), 0.3, 0.8, 0.0, 0.0)
    load = 800.0 + 200.0 * np.sin(np.arange(HOURS) / 24 * 2 * np.pi)
    return System(load, np.zeros(HOURS), tariff, Battery(1000.0, power_kw, 0.81))


def same(a, b) -> bool:
    """The same hourly result (``seconds``, the time the solve took, is the first solve's on a read)."""
    return a.method == b.method and all(
        np.array_equal(getattr(a, n), getattr(b, n)) for n in ("hours", "weight", "grid", "charge", "discharge", "soc"))


def test_a_dispatch_is_solved_once_and_read_back_bit_for_bit(empty_cache, monkeypatch):
    solves = counted(monkeypatch, dispatch_module, "typical_days")
    first = dispatch(system(), "typical_days")
    assert len(solves) == 1 and len(list(empty_cache.glob("dispatch/dispatch_*.npz"))) == 1
    again = dispatch(system(), "typical_days")                 # from this process's memory
    monkeypatch.setattr(cache, "_remembered", {})
    from_disk = dispatch(system(), "typical_days")             # another run: from the cache folder
    assert len(solves) == 1
    assert same(first, again) and same(first, from_disk) and from_disk.extra == first.extra
    assert from_disk.seconds == first.seconds
    with pytest.raises(ValueError):                            # shared arrays are read-only
        from_disk.grid[0] = 1.0
    dispatch(system(power_kw=300.0), "typical_days")           # another battery: another key
    dispatch(system(), "rule")                                 # another method: another key
    assert len(solves) == 2 and len(list(empty_cache.glob("dispatch/dispatch_*.npz"))) == 3


def test_a_damaged_cache_file_is_solved_again_and_rewritten(empty_cache, monkeypatch):
    first = dispatch(system(), "typical_days")
    (path,) = empty_cache.glob("dispatch/dispatch_*.npz")
    path.write_bytes(b"not an npz file")
    monkeypatch.setattr(cache, "_remembered", {})
    solves = counted(monkeypatch, dispatch_module, "typical_days")
    assert same(dispatch(system(), "typical_days"), first) and len(solves) == 1
    monkeypatch.setattr(cache, "_remembered", {})
    assert same(dispatch(system(), "typical_days"), first) and len(solves) == 1


def test_the_pv_shape_is_computed_once_per_site(empty_cache, monkeypatch):
    runs = counted(monkeypatch, pv, "_pv_shape")
    site = pv.Site(31.3, 120.6, 25.0, 180.0)
    shape, hours, basis = pv.pv_shape(site, None)
    monkeypatch.setattr(cache, "_remembered", {})
    again = pv.pv_shape(site, None)
    assert len(runs) == 1
    assert np.array_equal(again[0], shape) and again[1:] == (hours, basis) and "clear-sky" in basis
    pv.pv_shape(pv.Site(31.3, 120.6, 30.0, 180.0), None)     # another tilt: computed
    assert len(runs) == 2


def test_the_calendar_is_pandas_calendar():
    idx = pd.date_range("2025-01-01", periods=HOURS, freq="h")
    assert np.array_equal(CK.month, idx.month.to_numpy()) and np.array_equal(CK.hour, idx.hour.to_numpy())
    assert np.array_equal(CK.weekend, np.asarray(idx.day_of_week >= 5))
    assert np.array_equal(CK.day, np.arange(HOURS) // 24)


def test_without_a_writable_cache_folder_the_process_still_remembers(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("FINMODEL_CACHE", str(blocked))
    monkeypatch.setattr(cache, "_remembered", {})
    solves = counted(monkeypatch, dispatch_module, "typical_days")
    first = dispatch(system(), "typical_days")
    assert same(dispatch(system(), "typical_days"), first) and len(solves) == 1
    assert cache.folder("dispatch") is None
