"""Set-up's compiled kernels: the fused kernels (:mod:`finmodel.lines.fused`) the shipped examples'
runs use, built ahead so that a first run on a machine does not share it with a compiler."""
from __future__ import annotations

from .about import DEFAULT_SEED
from .case.loader import load_case
from .engine import prepare
from .lines import Inputs, fused
from .pricing.run import grid_inputs, parse_axis
from .risk.run import Run, plan_run, stack_inputs
from .sheets.build import build_model


def build_kernels(cases, deal_zones=()) -> int:
    """Compile (or find in the cache) the fused kernels Monte Carlo runs of ``cases`` (case files)
    use, all at once, and wait for them; returns how many there are.  ``setup.sh`` runs it for the
    shipped examples, so their first run on a machine does not share it with a compiler.

    These are the kernels of a Monte Carlo appraisal's selection
    (:attr:`~finmodel.risk.run.Run.shared`), which ``price`` and ``screen`` use too (their
    selections fall within it and their inputs vary as the appraisal's do); a deal zone varies
    its two terms by path as well, so each pair of terms has kernels of its own: ``deal_zones``,
    ``(case file, x, y)`` as ``finmodel dealzone`` takes them (``FIELD:LOW:HIGH:STEPS``)."""
    segments = []
    for case in cases:
        rc = load_case(case)
        model, inputs, _ = prepare(rc)
        segments += _segments(model, plan_run(rc, model, inputs, paths=fused.BLOCK + 1, seed=DEFAULT_SEED, workers=1))
    for case, x, y in deal_zones:
        rc = load_case(case)
        model = build_model(rc)
        ev, bases = grid_inputs(rc, model, parse_axis(rc, x, "--x"), parse_axis(rc, y, "--y"), paths=fused.BLOCK + 1,
                                seed=DEFAULT_SEED)
        segments += _segments(model, ev.run, bases)
    for segment in segments:
        fused.kernel(segment)  # starts the builds side by side
    return sum(fused.kernel(segment, wait=True) is not None for segment in segments)


def _segments(model, run: Run, bases: list[Inputs] | None = None) -> list[fused.Segment]:
    """The kernel segments a chunk of ``run``'s paths uses (on each of ``bases`` stacked, as a deal
    zone evaluates them); none when no input varies by path."""
    if run.draws is None or not run.draws.varies:
        return []
    chunk = stack_inputs([run.draws.chunk(0, run.paths, base) for base in bases or [None]])
    return model.fused_plan(chunk, run.shared).segments
