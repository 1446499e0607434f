"""finmodel: appraisal of investments and business models for zero-carbon industrial parks.

Python API::

    import finmodel
    case = finmodel.load_case("assumptions/examples/ies_sll.yaml")
    result = finmodel.appraise(case, paths=10_000, seed=1)
    result.to_dict()      # the JSON result document
    result.yearly()       # the base case's yearly table (pandas DataFrame)
"""
__version__ = "0.1.0"
DEFAULT_SEED = 20260101  # the seed of every command and function that takes one


def load_case(path, library=None):
    """Read, validate and resolve a case file (raises finmodel.errors.InputError); ``library`` is a
    folder with your own copy of the assumption libraries (default: the shipped ones)."""
    from .case.loader import load_case as _load

    return _load(path, library)


def appraise(case, *, paths: int = 1, seed: int = DEFAULT_SEED, progress: bool = False, chunk_size=None):
    """Appraise a case (a path or a loaded case); path 0 of a Monte Carlo run is the base case."""
    from .engine import appraise as _appraise

    return _appraise(case, paths=paths, seed=seed, progress=progress, chunk_size=chunk_size)


__all__ = ["__version__", "appraise", "load_case"]
