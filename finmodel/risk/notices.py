"""What a Monte Carlo run warns about: each warning a code with its parameters.

A :class:`Notice` *is* its English sentence (a ``str``: the result document, the CLI and the
screen print it as they print any text, so the JSON keeps the English text), and it carries
``code`` and ``params`` so that a report can say the same in another language
(:data:`finmodel.report.words.NOTICES_ZH` has the Chinese of every code in :data:`NOTICES`).
"""
from __future__ import annotations

NOTICES: dict[str, str] = {
    "input_not_read": "uncertainty.inputs.{input}: the model does not read this input; its distribution has no effect",
    "too_few_paths_for_correlation": "uncertainty.correlation: {random_paths} random paths are too few to induce "
                                     "correlation among {inputs} inputs; sampled independently",
    "sobol_unbalanced": "sobol sampling is balanced for 2^m + 1 paths; {paths} paths were asked for",
    "central_differs": "uncertainty.inputs.{input}: the distribution's central value {central:g} differs from the "
                       "case value {base:g}; path 0 (the deterministic case) uses {base:g}",
    "fraction_above_limit": "uncertainty.inputs.{input}: {share:.1%} of the paths drew values above {limit:g} for this "
                            "fraction; bound the distribution with low/high",
    "precision_undefined": "{metric}: undefined on every path, its precision cannot be judged",
    "precision_not_reached": "{metric}: the standard error of the mean is {se:.3g}, above the {target:.3g} asked for; "
                             "about {need:,} paths would reach it",
}
"""English sentence of each notice; ``{input}`` is an input's field path, ``{metric}`` an output's name."""


class Notice(str):
    """A warning: the English sentence of ``code`` (:data:`NOTICES`) filled with ``params``."""

    code: str
    params: dict

    def __new__(cls, code: str, **params) -> "Notice":
        self = super().__new__(cls, NOTICES[code].format(**params))
        self.code, self.params = code, params
        return self

    def __reduce__(self):  # pickled by code and parameters (the screen runs cases in other processes)
        return _notice, (self.code, self.params)


def _notice(code: str, params: dict) -> Notice:
    return Notice(code, **params)
