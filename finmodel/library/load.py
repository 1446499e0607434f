"""Reading the libraries: find the files, validate them once per file version, look up by id.

The libraries are the shipped ``assumptions/`` folder (:data:`finmodel.resources.ASSUMPTIONS_DIR`)
or a user's own copy of it (``--library DIR``): ``technologies.yaml`` and ``markets/*.yaml``.
Errors in a library file are raised as :class:`~finmodel.errors.InputError` naming the file, the
dotted field path (``technologies.pv_rooftop_ci.capex.high``) and the line.
"""
from __future__ import annotations

import functools
from pathlib import Path

from ..errors import InputError
from ..resources import ASSUMPTIONS_DIR
from ..validation import did_you_mean, validate_doc
from ..yamlio import read_yaml
from .market import Market, ResolvedMarket
from .technology import Technology, TechnologyLibrary

TECHNOLOGIES_FILE = "technologies.yaml"
MARKETS_DIR = "markets"


def library_root(folder: str | Path | None = None) -> Path:
    """The library folder to read: ``folder`` (a user's own copy of ``assumptions/``), or the
    shipped libraries when it is None.

    A folder without ``technologies.yaml`` or ``markets/*.yaml`` raises :class:`InputError`
    naming it, before any case is read against it.
    """
    if folder is None:
        return ASSUMPTIONS_DIR
    root = Path(folder)
    expected = (f"a library folder holds {TECHNOLOGIES_FILE} and {MARKETS_DIR}/*.yaml, "
                "like finmodel's assumptions/ folder")
    if not root.is_dir():
        raise InputError.single(str(folder), "", f"no such library folder ({expected})")
    missing = [name for name, there in ((TECHNOLOGIES_FILE, (root / TECHNOLOGIES_FILE).is_file()),
                                        (f"{MARKETS_DIR}/*.yaml", bool(list_markets(root))))
               if not there]
    if missing:
        raise InputError.single(str(folder), "", f"{' and '.join(missing)} missing ({expected})")
    return root


def _mtime(path: Path) -> int:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return -1


@functools.lru_cache(maxsize=16)
def _technologies_cached(path: str, mtime: int) -> dict[str, Technology]:
    lib = validate_doc(TechnologyLibrary, read_yaml(path))
    return dict(lib.technologies)


def load_technologies(root: str | Path = ASSUMPTIONS_DIR) -> dict[str, Technology]:
    """All technologies of ``root/technologies.yaml`` by id (validated; cached per file
    version).  Raises :class:`InputError` on any problem in the file."""
    path = Path(root) / TECHNOLOGIES_FILE
    return dict(_technologies_cached(str(path), _mtime(path)))


def get_technology(tech_id: str, root: str | Path = ASSUMPTIONS_DIR, *, file: str | None = None,
                   path: str = "", line: int | None = None) -> Technology:
    """One technology by id; an unknown id raises :class:`InputError` with close matches.

    ``file``/``path``/``line`` say where the id was written (e.g. the case file) so the error
    points there; by default it points to the library file.
    """
    library = load_technologies(root)
    if tech_id in library:
        return library[tech_id]
    where = file if file is not None else str(Path(root) / TECHNOLOGIES_FILE)
    raise InputError.single(where, path, f"unknown technology '{tech_id}'"
                            + did_you_mean(str(tech_id), sorted(library)), line)


def list_markets(root: str | Path = ASSUMPTIONS_DIR) -> list[str]:
    """Ids of the market files under ``root/markets``."""
    folder = Path(root) / MARKETS_DIR
    return sorted(p.stem for p in folder.glob("*.yaml")) if folder.is_dir() else []


@functools.lru_cache(maxsize=32)
def _market_cached(path: str, mtime: int) -> Market:
    doc = read_yaml(path)
    market = validate_doc(Market, doc)
    stem = Path(path).stem
    if market.id != stem:
        raise InputError.single(doc.file, "id", f"id '{market.id}' must equal the file name "
                                f"'{stem}'", doc.line_of("id"))
    return market


def load_market_file(path: str | Path) -> Market:
    """Read and validate one market file."""
    p = Path(path)
    return _market_cached(str(p), _mtime(p))


def load_market(ref: str, root: str | Path = ASSUMPTIONS_DIR, *, file: str | None = None,
                path: str = "", line: int | None = None) -> ResolvedMarket:
    """Resolve ``"MARKET/REGION"`` (e.g. ``"china-2025/jiangsu"``) from ``root/markets``.

    Unknown market or region → :class:`InputError` with close matches; ``file``/``path``/
    ``line`` say where the reference was written.
    """
    where = file if file is not None else str(Path(root) / MARKETS_DIR)
    if not isinstance(ref, str) or ref.count("/") != 1 or not all(ref.split("/")):
        raise InputError.single(where, path, f"market reference {ref!r} must be MARKET/REGION, "
                                "e.g. 'china-2025/jiangsu'", line)
    market_id, region_key = ref.split("/")
    known = list_markets(root)
    if market_id not in known:
        raise InputError.single(where, path, f"unknown market '{market_id}'"
                                + did_you_mean(market_id, known), line)
    market_file = Path(root) / MARKETS_DIR / f"{market_id}.yaml"
    market = load_market_file(market_file)
    if region_key not in market.regions:
        raise InputError.single(file if file is not None else str(market_file), path, f"unknown region '{region_key}' in market "
                                f"'{market_id}'" + did_you_mean(region_key, sorted(market.regions)),
                                line)
    return ResolvedMarket(id=market.id, region_key=region_key, country=market.country,
                          currency=market.currency, year=market.year,
                          fx_cny_per_unit=market.fx_cny_per_unit, national=market.national,
                          region=market.regions[region_key], file=str(market_file))
