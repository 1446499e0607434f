"""finmodel: appraisal of investments and business models for zero-carbon industrial parks.

Python API::

    import finmodel
    case = finmodel.load_case("assumptions/examples/ies_sll.yaml")
    result = finmodel.appraise(case, paths=10_000, seed=1)
    result.to_dict()      # the JSON result document
    result.yearly()       # the base case's yearly table (pandas DataFrame)
    finmodel.write_reports(result, "reports", "ies_sll")      # JSON, workbook and PDF
    finmodel.price(case, "contract.discount_to_grid", ["provider.irr>=0.08@P90"], paths=2000)
    finmodel.dealzone(case, "contract.discount_to_grid:0.05:0.4:8", "cost_split.capex.host:0:0.5:6",
                      ["provider.irr>=0.08@P90", "host.npv>=0@P50"], paths=500)
    finmodel.screen(["assumptions/examples"], paths=2000)     # many parks, ranked

Heavy modules are imported only when a function is called, so ``import finmodel`` is quick.
"""
from .about import DEFAULT_SEED, __version__


def load_case(path, library=None, energy_method=None):
    """Read, validate and resolve a case file (raises finmodel.errors.InputError); ``library`` is a
    folder with your own copy of the assumption libraries (default: the shipped ones);
    ``energy_method`` dispatches a case with an ``energy:`` block by another method than its own."""
    from .case.loader import load_case as _load

    return _load(path, library, energy_method)


def _resolved(case, library=None):
    return load_case(case, library) if not hasattr(case, "assumptions") else case


def appraise(case, *, paths: int = 1, seed: int = DEFAULT_SEED, progress: bool = False, chunk_size=None):
    """Appraise a case (a path or a loaded case); path 0 of a Monte Carlo run is the base case."""
    from .engine import appraise as _appraise

    return _appraise(case, paths=paths, seed=seed, progress=progress, chunk_size=chunk_size)


def write_reports(appraisal, out, stem: str, *, lang: str = "zh", formats=("json", "xlsx", "pdf")) -> dict:
    """Write an appraisal's JSON, workbook and PDF into the folder ``out`` (all or nothing);
    returns the paths written."""
    from .report.write import write_reports as _write

    return _write(appraisal, out, stem, lang=lang, formats=formats)


def price(case, field: str, targets: list[str], *, paths: int = 1, seed: int = DEFAULT_SEED,
          value_range: tuple[float, float] | None = None) -> dict:
    """Solve ``field`` (any numeric assumption) for the targets, e.g. ``"provider.irr>=0.08@P90"``;
    the document ``finmodel price --json`` prints."""
    from .pricing.run import price as _price

    return _price(_resolved(case), field, list(targets), paths=paths, seed=seed, value_range=value_range)


def dealzone(case, x: str, y: str, requirements: list[str], *, paths: int = 1, seed: int = DEFAULT_SEED) -> dict:
    """Every requirement on a grid of two terms (``FIELD:LOW:HIGH:STEPS`` each); the document
    ``finmodel dealzone --json`` prints."""
    from .pricing.run import dealzone as _dealzone

    return _dealzone(_resolved(case), x, y, list(requirements), paths=paths, seed=seed)


def screen(cases, *, paths: int = 1000, seed: int = DEFAULT_SEED, scheduler: str | None = None,
           workers: int | None = None, chunk_size: int | None = None, template=None, library=None,
           progress: bool = False, log=None):
    """Appraise many parks (case files, folders, sheets) on a Dask cluster and rank them; returns
    the :class:`finmodel.screening.Screen` (``finmodel.screening.write_outputs`` writes its files)."""
    from .screening import collect_cases, run_screen

    found = collect_cases(list(cases), template=template, library=library)
    return run_screen(found, paths=paths, seed=seed, scheduler=scheduler, workers=workers, chunk_size=chunk_size,
                      progress=progress, log=log)


__all__ = ["DEFAULT_SEED", "__version__", "appraise", "dealzone", "load_case", "price", "screen", "write_reports"]
