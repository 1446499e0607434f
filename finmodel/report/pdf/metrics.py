"""Names and number kinds of the result document's metric keys (``project.equity_irr``, ``host.npv`` …),
for the sections: the words come from :class:`finmodel.report.names.Names`."""
from __future__ import annotations

from ..names import metric_kind
from .context import Ctx

__all__ = ["metric_kind", "metric_label"]


def metric_label(ctx: Ctx, name: str | None) -> str:
    """Words for a metric key such as ``project.equity_irr`` or ``provider.npv``."""
    return ctx.names.metric(name)
