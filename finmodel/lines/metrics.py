"""Metrics: reductions of lines over the periods to one value per path, in numpy and Excel.

Each metric returns ``(value, reason)`` arrays of shape ``(n,)``; ``reason`` is 0 where the
value is defined and otherwise a code into :data:`REASONS` (the value is NaN there and is
reported as JSON null with the reason's text, never as NaN).

In Excel a metric is one formula over whole rows (``IRR``, ``NPV``, ``MIN`` …).  Metrics that
need intermediate rows in a spreadsheet (payback) declare them as helper lines; the workbook
writer places them next to the metric and the workbook test checks them too.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..finance import returns
from .expr import Abs, Expr, Max, MetricExpr, Period, Prev, Ref, Scalar, Where, wrap
from .context import NpContext
from .model import Line

NO_VALUES = 20
DIVIDE_BY_ZERO = 21
NEVER = 22

REASONS: dict[int, str] = dict(returns.UNDEFINED_REASONS)
REASONS.update({
    NO_VALUES: "the line has no value in any period (e.g. no debt service is due)",
    DIVIDE_BY_ZERO: "the denominator is zero",
    NEVER: "the condition is met in no year of the horizon",
})


def _row(ctx: NpContext, name: str) -> np.ndarray:
    a = ctx.line(name)
    return np.broadcast_to(a, (a.shape[0], ctx.n_periods))


def _scalar(e: Expr, ctx: NpContext) -> np.ndarray:
    return e.np(ctx)[:, 0]


def _ok(v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return v, np.zeros(v.shape, dtype=np.int8)


@dataclass(eq=False)
class Irr(MetricExpr):
    """Internal rate of return of a cash-flow line (see :func:`finmodel.finance.returns.irr`)."""

    line: str

    def lines(self):
        return [self.line]

    def np(self, ctx):
        r = returns.irr(_row(ctx, self.line))
        return r.value, r.reason

    def xl(self, ctx):
        return f'IFERROR(IRR({ctx.row_range(self.line)}),"{ctx.none_text}")'


@dataclass(eq=False)
class Npv(MetricExpr):
    """NPV at ``rate``; period 0 undiscounted (Excel: first cell + NPV over the rest).

    ``from_start``: discounted to the start of period 0 instead, flows at period ends, t = 1..n
    (the national method's FNPV = Σ NCF_t (1 + i)^−t [N3]; Excel: NPV over the whole row)."""

    rate: Expr
    line: str
    from_start: bool = False

    def lines(self):
        return [self.line]

    def np(self, ctx):
        rate = _scalar(self.rate, ctx)
        v = returns.npv(rate, _row(ctx, self.line))
        return _ok(v / (1 + rate) if self.from_start else v)

    def xl(self, ctx):
        if self.from_start:
            return f"NPV({self.rate.xl(ctx, 0)},{ctx.row_range(self.line)})"
        first, rest = ctx.row_split(self.line)
        return f"{first}+NPV({self.rate.xl(ctx, 0)},{rest})"


@dataclass(eq=False)
class Payback(MetricExpr):
    """Static payback (or dynamic when ``rate`` is given), years from the start of year 0.

    numpy: :func:`finmodel.finance.returns.payback`.  Excel: helper rows: cumulative flow,
    a "reached" flag that stays 1 from the first non-negative cumulative on, the first-crossing
    flag, and the interpolated crossing year; the metric is the sum of the last row.
    """

    line: str
    rate: Expr | None = None

    def lines(self):
        return [self.line]

    def np(self, ctx):
        cf = _row(ctx, self.line)
        if self.rate is None:
            r = returns.payback(cf)
        else:
            r = returns.discounted_payback(_scalar(self.rate, ctx), cf)
        return r.value, r.reason

    def _prefix(self) -> str:
        return f"{self.line}.{'dpb' if self.rate is not None else 'pb'}"

    def helper_lines(self, sheet: str) -> list[Line]:
        """Rows that compute the same payback in a spreadsheet (rule of returns.payback: the first
        return to >= 0 after being negative; none when never negative or never returned)."""
        p = self._prefix()
        flow: Expr = Ref(self.line)
        if self.rate is not None:
            flow = flow / (1 + self.rate) ** Period()
        cum, gross, neg, reached, first, at = (f"{p}.{s}" for s in ("cum", "gross", "neg", "reached", "first", "at"))
        disc = " (discounted)" if self.rate is not None else ""
        zh = "折现" if self.rate is not None else ""
        tol = Scalar("const.rounding_tolerance")
        return [
            Line(f"{p}.flow", flow, f"Cash flow{disc}", f"{zh}净现金流量", "CNY", sheet),
            Line(cum, Prev(Ref(cum)) + Ref(f"{p}.flow"), f"Cumulative cash flow{disc}",
                 f"累计{zh}净现金流量", "CNY", sheet),
            Line(gross, Prev(Ref(gross)) + Abs(Ref(f"{p}.flow")), "Cumulative absolute cash flow",
                 "累计现金流绝对值", "CNY", sheet),
            # negative beyond rounding: a sum that cancels to -1e-10 is zero, in Excel as in numpy
            Line(neg, Max(Prev(Ref(neg)), Ref(cum) < -tol * Ref(gross)),
                 "Cumulative has been negative (flag)", "累计曾为负标志", "flag", sheet, fmt="flag"),
            Line(reached, Max(Prev(Ref(reached)), Prev(Ref(neg)) * (Ref(cum) >= -tol * Ref(gross))),
                 "Payback reached (flag)", "已回收标志", "flag", sheet, fmt="flag"),
            Line(first, Ref(reached) - Prev(Ref(reached)), "First year payback reached (flag)",
                 "回收年标志", "flag", sheet, fmt="flag"),
            Line(at, Where(Ref(first), Period() + (0 - Prev(Ref(cum))) / Ref(f"{p}.flow"), 0),
                 "Interpolated payback in that year", "回收期（插值）", "years", sheet, fmt="ratio"),
        ]

    def xl(self, ctx):
        p = self._prefix()
        return (f'IF(SUM({ctx.row_range(p + ".first")})=0,"{ctx.none_text}",SUM({ctx.row_range(p + ".at")}))')


_REDUCE = {"MIN": np.nanmin, "MAX": np.nanmax, "AVERAGE": np.nanmean, "SUM": np.nansum}


@dataclass(eq=False)
class Reduce(MetricExpr):
    """MIN / MAX / AVERAGE / SUM of a line over the periods where it has a value (blanks skipped)."""

    func: str
    line: str

    def lines(self):
        return [self.line]

    def np(self, ctx):
        a = _row(ctx, self.line)
        has = np.isfinite(a).any(axis=1)
        with np.errstate(all="ignore"):
            import warnings

            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                v = _REDUCE[self.func](np.where(np.isfinite(a), a, np.nan), axis=1)
        if self.func == "SUM":
            return _ok(v)
        return np.where(has, v, np.nan), np.where(has, 0, NO_VALUES).astype(np.int8)

    def xl(self, ctx):
        r = ctx.row_range(self.line)
        if self.func == "SUM":
            return f"SUM({r})"
        return f'IF(COUNT({r})=0,"{ctx.none_text}",{self.func}({r}))'


@dataclass(eq=False)
class SumProduct(MetricExpr):
    """Sum over periods of the product of several lines."""

    names: tuple[str, ...]

    def lines(self):
        return list(self.names)

    def np(self, ctx):
        prod = _row(ctx, self.names[0])
        for n in self.names[1:]:
            prod = prod * _row(ctx, n)
        return _ok(prod.sum(axis=1))

    def xl(self, ctx):
        return f"SUMPRODUCT({','.join(ctx.row_range(n) for n in self.names)})"


@dataclass(eq=False)
class FirstWhere(MetricExpr):
    """Value of ``value_line`` (e.g. the calendar year) in the first period where ``flag_line`` is 1."""

    flag_line: str
    value_line: str

    def lines(self):
        return [self.flag_line, self.value_line]

    def np(self, ctx):
        flag = _row(ctx, self.flag_line) == 1
        vals = _row(ctx, self.value_line)
        any_ = flag.any(axis=1)
        idx = flag.argmax(axis=1)
        v = np.take_along_axis(vals, idx[:, None], axis=1)[:, 0]
        return np.where(any_, v, np.nan), np.where(any_, 0, NEVER).astype(np.int8)

    def xl(self, ctx):
        return (f'IFERROR(INDEX({ctx.row_range(self.value_line)},1,'
                f'MATCH(1,{ctx.row_range(self.flag_line)},0)),"{ctx.none_text}")')


@dataclass(eq=False)
class At(MetricExpr):
    """Value of a line in one period given by a (deterministic) scalar expression."""

    line: str
    period: Expr

    def lines(self):
        return [self.line]

    def np(self, ctx):
        p = np.clip(_scalar(self.period, ctx).astype(int), 0, ctx.n_periods - 1)
        a = _row(ctx, self.line)
        p = np.broadcast_to(p, (a.shape[0],))
        v = np.take_along_axis(a, p[:, None], axis=1)[:, 0]
        ok = np.isfinite(v)
        return np.where(ok, v, np.nan), np.where(ok, 0, NO_VALUES).astype(np.int8)

    def xl(self, ctx):
        return f"INDEX({ctx.row_range(self.line)},1,{self.period.xl(ctx, 0)}+1)"


@dataclass(eq=False)
class Ratio(MetricExpr):
    """``num / den`` of two metrics (or a metric over a scalar input), undefined when den = 0."""

    num: MetricExpr
    den: "MetricExpr | Expr"

    def lines(self):
        out = self.num.lines()
        if isinstance(self.den, MetricExpr):
            out += self.den.lines()
        return out

    def _den(self, ctx):
        if isinstance(self.den, MetricExpr):
            return self.den.np(ctx)
        d = _scalar(wrap(self.den), ctx)
        return d, np.zeros(d.shape, dtype=np.int8)

    def np(self, ctx):
        nv, nr = self.num.np(ctx)
        dv, dr = self._den(ctx)
        with np.errstate(all="ignore"):
            v = nv / dv
        reason = np.where(nr != 0, nr, np.where(dr != 0, dr, np.where(dv == 0, DIVIDE_BY_ZERO, 0)))
        reason = np.broadcast_to(reason, v.shape).astype(np.int8)
        return np.where(reason == 0, v, np.nan), reason

    def xl(self, ctx):
        d = self.den.xl(ctx) if isinstance(self.den, MetricExpr) else self.den.xl(ctx, 0)
        return f'IFERROR(({self.num.xl(ctx)})/({d}),"{ctx.none_text}")'
