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


def load_case_text(text: str, name: str = "case.yaml", library=None, changes: dict | None = None):
    """Validate and resolve the text of a case file exactly as :func:`load_case` does a file
    (problems name ``name``); ``changes`` maps field paths of the case file to new values, written
    into the document before it is validated (e.g. ``{"contract.discount_to_grid": "12%"}``)."""
    from .case.loader import load_case_text as _load

    return _load(text, name, library, changes)


def case_text(text: str, changes: dict) -> str:
    """The YAML text of a case file with ``changes`` (field path -> value) written into it: the
    file that reproduces :func:`load_case_text` ``(text, changes=changes)`` on the command line."""
    from .case.changes import case_text as _dump, with_changes
    from .yamlio import parse_yaml_text

    doc = parse_yaml_text(text, "case.yaml")
    return _dump(with_changes(doc.data, changes, doc.file))


def _resolved(case, library=None):
    return load_case(case, library) if not hasattr(case, "assumptions") else case


def appraise(case, *, paths: int = 1, seed: int = DEFAULT_SEED, progress=False, chunk_size=None):
    """Appraise a case (a path or a loaded case); path 0 of a Monte Carlo run is the base case.
    ``progress``: True for a progress bar, or ``progress(done_paths, paths)`` after each chunk of
    paths (an exception it raises stops the run)."""
    from .engine import appraise as _appraise

    return _appraise(case, paths=paths, seed=seed, progress=progress, chunk_size=chunk_size)


def write_reports(appraisal, out, stem: str, *, lang: str = "zh", formats=("json", "xlsx", "pdf")) -> dict:
    """Write an appraisal's JSON, workbook and PDF into the folder ``out`` (all or nothing);
    returns the paths written."""
    from .report.write import write_reports as _write

    return _write(appraisal, out, stem, lang=lang, formats=formats)


def price(case, field: str, targets: list[str], *, paths: int = 1, seed: int = DEFAULT_SEED,
          value_range: tuple[float, float] | None = None, progress=False) -> dict:
    """Solve ``field`` (any numeric assumption) for the targets, e.g. ``"provider.irr>=0.08@P90"``;
    the document ``finmodel price --json`` prints.  ``progress(done, total)`` is called after each
    chunk of paths of each trial (it may raise to stop)."""
    from .pricing.run import price as _price

    return _price(_resolved(case), field, list(targets), paths=paths, seed=seed, value_range=value_range,
                  progress=progress)


def dealzone(case, x: str, y: str, requirements: list[str], *, paths: int = 1, seed: int = DEFAULT_SEED,
             progress=False) -> dict:
    """Every requirement on a grid of two terms (``FIELD:LOW:HIGH:STEPS`` each); the document
    ``finmodel dealzone --json`` prints (``progress`` as in :func:`price`)."""
    from .pricing.run import dealzone as _dealzone

    return _dealzone(_resolved(case), x, y, list(requirements), paths=paths, seed=seed, progress=progress)


def screen(cases, *, paths: int = 1000, seed: int = DEFAULT_SEED, scheduler: str | None = None,
           workers: int | None = None, chunk_size: int | None = None, template=None, library=None,
           progress: bool = False, log=None):
    """Appraise many parks (case files, folders, sheets) on a Dask cluster and rank them; returns
    the :class:`finmodel.screening.Screen` (``finmodel.screening.write_outputs`` writes its files)."""
    from .screening import collect_cases, run_screen

    found = collect_cases(list(cases), template=template, library=library)
    return run_screen(found, paths=paths, seed=seed, scheduler=scheduler, workers=workers, chunk_size=chunk_size,
                      progress=progress, log=log)


__all__ = ["DEFAULT_SEED", "__version__", "appraise", "case_text", "dealzone", "load_case", "load_case_text", "price",
           "screen", "write_reports"]
