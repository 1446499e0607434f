"""The resource budget of one command, checked before any work starts (issue 21).

Each option has its own range (:data:`finmodel.bounds.OPTIONS`), but options that are fine one by
one can together ask for hours and gigabytes: ``dealzone`` with a 50 × 50 grid and 100,000 paths
evaluates the model on 250 million paths; ``screen`` with ``--chunk-size 1`` schedules one task
per path.  The work of a command is measured in *path-years*: paths × model periods × model
evaluations (price trials, deal-zone cells, screened cases), the unit the engine's time grows
with (it evaluates every line over arrays of paths × periods).  A run above
:data:`MAX_PATH_YEARS` or :data:`MAX_TASKS` is refused with the budget in the message.

The limit: ``appraise --paths 10000000`` on a 25-period case, the largest run the command line
always allowed, is 2.5e8 path-years; on the project's two-core CI machine the engine evaluates
about 3e5 path-years a second (``appraise --paths 50000`` on the rooftop example, 21 periods:
about 3 s of CPU), so the budget is of the order of ten to fifteen minutes of CPU.
"""
from __future__ import annotations

import math
import os

from .errors import InputError

MAX_PATH_YEARS = 2.5e8
"""Most path-years (paths × periods × model evaluations) one command may ask for."""

MAX_TASKS = 20_000
"""Most Dask tasks of one screen (cases × chunks of paths); each task costs scheduling time."""

PRICE_TRIALS = 60
"""Model evaluations a ``price`` solve of a continuous field takes at most in practice: a grid
of 5 (21 more when nothing is feasible) and a Brent root search of ~15 per boundary."""


def _refuse(option: str, what: str, amount: float, limit: float, unit: str, hint: str) -> InputError:
    return InputError.single(option, "", f"{what} = {amount:,.3g} {unit}; one run is limited to {limit:,.3g} {unit} "
                             f"({hint})")


def check_work(option: str, *, paths: int, periods: int, evaluations: int = 1, what: str = "") -> None:
    """Refuse ``paths × periods × evaluations`` above :data:`MAX_PATH_YEARS` (InputError naming
    ``option``; ``what`` says what the evaluations are: "2,500 grid cells")."""
    work = float(paths) * periods * evaluations
    if work > MAX_PATH_YEARS:
        desc = f"{paths:,} paths × {periods} periods" + (f" × {what}" if what else "")
        raise _refuse(option, desc, work, MAX_PATH_YEARS, "path-years",
                      "fewer paths" + (" or fewer evaluations" if evaluations > 1 else ""))


def check_tasks(*, cases: int, paths: int, chunk_size: int) -> None:
    """Refuse a screen of more than :data:`MAX_TASKS` tasks (one per case and chunk of paths)."""
    tasks = cases * math.ceil(paths / chunk_size)
    if tasks > MAX_TASKS:
        raise _refuse("--chunk-size", f"{cases:,} cases × {math.ceil(paths / chunk_size):,} chunks of {chunk_size:,} "
                      "paths", tasks, MAX_TASKS, "tasks", "a larger --chunk-size")


def max_local_workers() -> int:
    """Worker processes a local cluster may start: four per core (more only thrash)."""
    return 4 * (os.cpu_count() or 1)


def check_workers(workers: int | None) -> None:
    if workers is not None and workers > max_local_workers():
        raise InputError.single("--workers", "", f"{workers:,} worker processes on {os.cpu_count()} cores; a local "
                                f"cluster is limited to {max_local_workers()} (four per core)")
