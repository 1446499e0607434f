"""Tests for finmodel.finance.returns: NPV, IRR, static and discounted payback."""
from __future__ import annotations

import numpy as np
import numpy_financial as npf
import pytest
import pyxirr
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from finmodel.finance.returns import (
    ALL_ZERO,
    DEFINED,
    NO_ROOT_IN_RANGE,
    NOT_CONVERGED,
    NOT_FINITE,
    NOT_PAID_BACK,
    NOTHING_INVESTED,
    SAME_SIGN,
    SEVERAL_ROOTS,
    UNDEFINED_REASONS,
    MetricResult,
    _scan,
    _scan_grid,
    discounted_payback,
    irr,
    npv,
    payback,
)

LOW, HIGH = -0.99, 10.0


def npv_scale(rate, flows):
    """Sum of |cf_t| / (1+r)^t: the size against which an NPV of ~0 is judged."""
    return float(np.sum(np.abs(flows) / (1.0 + rate) ** np.arange(len(flows))))


# --------------------------------------------------------------------------------------------
# NPV
# --------------------------------------------------------------------------------------------

def test_npv_excel_documented_example():
    # Microsoft support, "NPV function", example 1: rate 10 %, an initial cost of 10,000 paid one
    # year from today, then returns of 3,000, 4,200 and 6,800; =NPV(10%, -10000, 3000, 4200, 6800)
    # shows 1,188.44.  Excel discounts its first value by one period, i.e.
    #   NPV_excel(r, x1..xn) = sum_{k=1..n} x_k / (1+r)^k,
    # whereas our year 0 is undiscounted.  So the same project in our convention has a zero in
    # year 0 and the Excel values in years 1..4:
    #   -10000/1.1 + 3000/1.1^2 + 4200/1.1^3 + 6800/1.1^4
    #   = -9090.909 + 2479.339 + 3155.522 + 4644.491 = 1188.44
    assert npv(0.10, [0, -10_000, 3_000, 4_200, 6_800])[0] == pytest.approx(1188.44, abs=0.005)


def test_npv_numpy_financial_docstring_example():
    # numpy_financial.npv docstring: rate 8 %, [-40 000, 5 000, 8 000, 12 000, 30 000] -> 3065.22267
    result = npv(0.08, [-40_000, 5_000, 8_000, 12_000, 30_000])[0]
    assert result == pytest.approx(3065.22267, abs=1e-5)


def test_npv_year_zero_is_undiscounted():
    assert npv(0.25, [7.0])[0] == 7.0
    assert npv(0.25, [0.0, 125.0])[0] == pytest.approx(100.0, rel=1e-15)


def test_npv_shapes_and_rate_per_path():
    flows = np.array([[-100.0, 60.0, 60.0], [-100.0, 50.0, 70.0]])
    rates = np.array([0.05, 0.10])
    expected = [npf.npv(r, f) for r, f in zip(rates, flows)]
    np.testing.assert_allclose(npv(rates, flows), expected, rtol=1e-14)
    np.testing.assert_allclose(npv(rates[:, None], flows), expected, rtol=1e-14)
    # One rate for all paths, and several rates for one path (an NPV profile).
    np.testing.assert_allclose(npv(0.05, flows), [npf.npv(0.05, f) for f in flows], rtol=1e-14)
    profile = [npf.npv(r, flows[0]) for r in rates]
    np.testing.assert_allclose(npv(rates, flows[0]), profile, rtol=1e-14)
    assert npv(0.05, flows[0]).shape == (1,)


def test_npv_rejects_bad_input():
    with pytest.raises(ValueError, match="-100%"):
        npv(-1.0, [-1.0, 2.0])
    with pytest.raises(ValueError, match="do not match"):
        npv([0.1, 0.2, 0.3], np.ones((2, 3)))
    with pytest.raises(ValueError, match="at least one year"):
        npv(0.1, np.ones((2, 0)))


def test_npv_near_minus_100_percent_overflows_quietly():
    with np.errstate(all="raise"):
        # 1 / (1e-10)^59 = 1e590 is beyond float range; the limit +inf is the right answer.
        assert npv(-1 + 1e-10, np.r_[np.zeros(59), 1.0])[0] == np.inf


@settings(max_examples=100, deadline=None)
@given(
    rate=st.floats(-0.9, 5.0),
    flows=st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=40),
)
def test_npv_matches_numpy_financial(rate, flows):
    expected = npf.npv(rate, flows)
    size = npv_scale(rate, flows)
    assert npv(rate, flows)[0] == pytest.approx(expected, rel=1e-10, abs=1e-9 * size)


# --------------------------------------------------------------------------------------------
# IRR: documented values
# --------------------------------------------------------------------------------------------

EXCEL_IRR_DATA = [-70_000, 12_000, 15_000, 18_000, 21_000, 26_000]


@pytest.mark.parametrize(
    ("n_values", "shown_percent"),
    [
        # Microsoft support, "IRR function": =IRR(A2:A6) -> -2.1 %, =IRR(A2:A7) -> 8.7 %,
        # =IRR(A2:A4, -10%) -> -44.4 % (Excel needs the guess; we need none).  The page shows
        # one decimal of a percent, so that is the precision checked.
        (5, -2.1),
        (6, 8.7),
        (3, -44.4),
    ],
)
def test_irr_excel_documented_examples(n_values, shown_percent):
    result = irr(EXCEL_IRR_DATA[:n_values])
    assert result.reason[0] == DEFINED
    assert round(100 * result.value[0], 1) == shown_percent


@pytest.mark.parametrize(
    ("flows", "expected"),
    [
        # numpy_financial.irr docstring examples with a single IRR, given there to 5 decimals.
        ([-100, 39, 59, 55, 20], 0.28095),
        ([-100, 0, 0, 74], -0.0955),
        ([-100, 100, 0, 7], 0.06206),
    ],
)
def test_irr_numpy_financial_docstring_examples(flows, expected):
    result = irr(flows)
    assert result.reason[0] == DEFINED
    assert round(result.value[0], 5) == expected


@pytest.mark.parametrize(
    ("flows", "roots", "range_around_one"),
    [
        # numpy_financial.irr docstring examples that have more than one IRR; numpy_financial
        # returns the root nearest zero (-0.0833 and 0.0886).  All roots of NPV written out:
        #   -100 + 100v - 7v^3 = 0        -> r = -67.89 %, -8.33 %
        #   -5 + 10.5v + v^2 - 8v^3 + v^4 -> r = -87.02 %, 8.86 %, 70.96 %
        ([-100, 100, 0, -7], [-0.67889437, -0.08329967], (-0.5, 1.0)),
        ([-5, 10.5, 1, -8, 1], [-0.87020125, 0.08859834, 0.70955953], (-0.5, 0.5)),
        # Textbook two-IRR project: -1 + 2.3v - 1.32v^2 = -(1.1v - 1)(1.2v - 1) -> 10 % and 20 %.
        ([-1, 2.3, -1.32], [0.10, 0.20], (0.15, 1.0)),
    ],
)
def test_irr_several_roots_is_undefined_unless_range_isolates_one(flows, roots, range_around_one):
    for root in roots:
        assert abs(npv(root, flows)[0]) < 1e-6 * npv_scale(root, flows)
    result = irr(flows)
    assert np.isnan(result.value[0]) and result.reason[0] == SEVERAL_ROOTS
    low, high = range_around_one
    inside = [r for r in roots if low < r < high]
    assert len(inside) == 1
    narrowed = irr(flows, low=low, high=high)
    assert narrowed.reason[0] == DEFINED
    assert narrowed.value[0] == pytest.approx(inside[0], abs=1e-8)


def test_irr_two_roots_exact_values():
    # [-1, 2.3, -1.32] restricted to each root in turn gives 10 % and 20 % to full precision.
    assert irr([-1, 2.3, -1.32], low=0.0, high=0.15).value[0] == pytest.approx(0.10, abs=1e-13)
    assert irr([-1, 2.3, -1.32], low=0.15, high=0.5).value[0] == pytest.approx(0.20, abs=1e-13)


@pytest.mark.parametrize(
    ("flows", "code"),
    [
        ([100, 20, 30], SAME_SIGN),
        ([-100, -20, -30], SAME_SIGN),
        ([0, -5, 0, -1, 0], SAME_SIGN),
        ([0, 0, 0], ALL_ZERO),
        ([7], SAME_SIGN),
        ([0], ALL_ZERO),
        ([-100, np.nan, 50], NOT_FINITE),
        ([-100, np.inf, 50], NOT_FINITE),
        ([-100, 0.5], NO_ROOT_IN_RANGE),  # r = -99.5 % < -99 %
        ([-1, 12], NO_ROOT_IN_RANGE),  # r = 1100 % > 1000 %
        ([1, -3, 2.5], NO_ROOT_IN_RANGE),  # 1 - 3v + 2.5v^2 > 0 for all v: no real root
    ],
)
def test_irr_undefined_cases(flows, code):
    result = irr(flows)
    assert np.isnan(result.value[0])
    assert result.reason[0] == code
    assert UNDEFINED_REASONS[code]


def test_reason_texts_cover_all_codes():
    codes = [DEFINED, SAME_SIGN, NO_ROOT_IN_RANGE, SEVERAL_ROOTS, NOT_PAID_BACK, NOT_FINITE,
             ALL_ZERO, NOT_CONVERGED, NOTHING_INVESTED]
    assert sorted(UNDEFINED_REASONS) == sorted(codes) == list(range(len(codes)))
    assert UNDEFINED_REASONS[DEFINED] == ""
    assert all(UNDEFINED_REASONS[c] for c in codes if c != DEFINED)


def test_irr_mixed_batch_keeps_each_path_apart():
    flows = np.array([
        [-100, 39, 59, 55, 20],
        [100, 20, 30, 0, 0],
        [-1, 2.3, -1.32, 0, 0],
        [-100, 50, 50, -20, 60],  # two sign changes, one IRR (settled by the cumulative test)
        [0, 0, 0, 0, 0],
        [-100, 110, 0, 0, 0],
    ])
    result = irr(flows)
    assert isinstance(result, MetricResult)
    assert result.value.shape == result.reason.shape == (6,)
    assert result.reason.dtype == np.int8
    np.testing.assert_array_equal(
        result.reason, [DEFINED, SAME_SIGN, SEVERAL_ROOTS, DEFINED, ALL_ZERO, DEFINED]
    )
    assert result.value[0] == pytest.approx(npf.irr(flows[0]), abs=1e-12)
    assert result.value[3] == pytest.approx(npf.irr(flows[3]), abs=1e-12)
    assert result.value[5] == pytest.approx(0.10, abs=1e-14)


def test_result_arrays_are_read_only():
    result = irr([-100, 110])
    with pytest.raises(ValueError):
        result.value[0] = 0.0
    with pytest.raises(ValueError):
        result.reason[0] = 0


@pytest.mark.parametrize("n_paths", [1, 3])
def test_inputs_are_neither_modified_nor_required_writable(n_paths):
    # Line values reach these functions as read-only broadcast views; a single path is the case
    # where a transposed copy could silently be a view of the caller's array.
    flows = np.tile([-100.0, 39.0, 59.0, 55.0, 20.0], (n_paths, 1))
    kept = flows.copy()
    read_only = np.broadcast_to(flows[0], flows.shape)
    for data in (flows, read_only, flows[0]):
        assert irr(data).value[0] == pytest.approx(0.2809484211599611, abs=1e-12)
        assert npv(0.1, data)[0] == pytest.approx(npf.npv(0.1, flows[0]), rel=1e-14)
        # C = -100, -61, -2, 53: year 3 repays the last 2 of its 55.
        assert payback(data).value[0] == pytest.approx(3 + 2 / 55, rel=1e-14)
        assert discounted_payback(0.1, data).reason[0] == DEFINED
    np.testing.assert_array_equal(flows, kept)


def test_irr_rejects_bad_arguments():
    with pytest.raises(ValueError, match="low < high"):
        irr([-1, 2], low=-1.0)
    with pytest.raises(ValueError, match="low < high"):
        irr([-1, 2], low=0.5, high=0.1)
    with pytest.raises(ValueError, match="tol"):
        irr([-1, 2], tol=0.0)
    with pytest.raises(ValueError, match="max_iter"):
        irr([-1, 2], max_iter=0)
    with pytest.raises(ValueError, match="shape"):
        irr(np.ones((2, 2, 2)))


def test_irr_iteration_limit_reports_non_convergence():
    result = irr([[-100, 39, 59, 55, 20], [-100, 110, 0, 0, 0]], max_iter=1)
    # The start point is the exact IRR of a two-flow project, so the second path is done at once.
    assert np.isnan(result.value[0]) and result.reason[0] == NOT_CONVERGED
    assert result.value[1] == pytest.approx(0.10, abs=1e-15) and result.reason[1] == DEFINED


# --------------------------------------------------------------------------------------------
# IRR: exact zeros at bracket ends and grid points count once
# --------------------------------------------------------------------------------------------

def test_irr_exact_root_at_range_end_single_sign_change():
    # -2 + 1/(1 + r) = 0 at r = -0.5 exactly; 1 + r = 0.5 and 1/0.5 = 2 are exact in binary.
    result = irr([-2.0, 1.0], low=-0.5)
    assert result.reason[0] == DEFINED and result.value[0] == -0.5
    # -1 + 2/(1 + r) = 0 at r = 1 exactly.
    result = irr([-1.0, 2.0], high=1.0)
    assert result.reason[0] == DEFINED and result.value[0] == 1.0


def test_irr_exact_root_at_range_end_several_sign_changes():
    # -0.5 + 2.25v - v^2 = -(v - 2)(v - 0.25): v = 2 is r = -50 % and v = 0.25 is r = 300 %.
    flows = [-0.5, 2.25, -1.0]
    only_low_end = irr(flows, low=-0.5, high=2.0)
    assert only_low_end.reason[0] == DEFINED and only_low_end.value[0] == -0.5
    both = irr(flows, low=-0.5, high=5.0)
    assert both.reason[0] == SEVERAL_ROOTS


def test_grid_scan_counts_an_exact_root_on_a_grid_point_once():
    # P(v) = -w + v - w v^2 + v^3 = (v - w)(1 + v^2) has the single real root v = w, and the
    # Horner evaluation at v = w is exactly zero.  With w taken from an interior grid point the
    # scan sees NPV = 0 there and non-zero values of opposite signs on either side; counting the
    # two cells next to that point as sign changes as well would find three roots.
    grid = _scan_grid(LOW, HIGH)
    k = int(np.searchsorted(grid, 0.3))
    w = 1.0 / (1.0 + grid[k])
    flows = np.array([[-w], [1.0], [-w], [1.0]])  # year-major (T, M), as the scan takes them
    count, at_point, lo, _, _ = _scan(flows, LOW, HIGH)
    assert count[0] == 1 and at_point[0] and lo[0] == grid[k]
    # End to end the path has three sign changes but one IRR, and irr finds it.
    result = irr(flows[:, 0])
    assert result.reason[0] == DEFINED
    assert result.value[0] == pytest.approx(grid[k], abs=1e-15)


# --------------------------------------------------------------------------------------------
# IRR: edge cases
# --------------------------------------------------------------------------------------------

def test_irr_leading_and_trailing_zeros():
    core = [-100.0, 60.0, 60.0]
    expected = npf.irr(core)
    for flows in ([0, 0] + core, core + [0, 0, 0], [0] + core + [0]):
        result = irr(flows)
        # Leading zeros delay everything alike, so the rate is unchanged.
        assert result.reason[0] == DEFINED
        assert result.value[0] == pytest.approx(expected, abs=1e-13)


def test_irr_single_period():
    assert irr([-5.0]).reason[0] == SAME_SIGN
    assert irr(np.array([[3.0], [0.0]])).reason.tolist() == [SAME_SIGN, ALL_ZERO]


@pytest.mark.parametrize("scale", [1e-300, 1e-150, 1e-8, 1e8, 1e150, 1e300])
def test_irr_huge_and_tiny_magnitudes(scale):
    flows = np.array([-100.0, 39.0, 59.0, 55.0, 20.0])
    result = irr(flows * scale)
    assert result.reason[0] == DEFINED
    assert result.value[0] == pytest.approx(0.2809484211599611, abs=1e-12)


def test_irr_sixty_years():
    # 60-year horizon: 2 construction years then level income.  IRR of -100, -100, 15 x 58
    # found independently by numpy_financial (companion-matrix eigenvalues).
    flows = np.r_[-100.0, -100.0, np.full(58, 15.0)]
    result = irr(flows)
    assert result.reason[0] == DEFINED
    assert result.value[0] == pytest.approx(npf.irr(flows), abs=1e-12)
    # Mirror: income of 1 for 59 years on an outlay of 10 -> low IRR; and a near -99 % IRR.
    flows = np.r_[-10.0, np.full(59, 1.0)]
    assert irr(flows).value[0] == pytest.approx(npf.irr(flows), abs=1e-12)
    flows = np.r_[-1e6, np.full(59, 1.0)]
    assert irr(flows, low=-0.999).value[0] == pytest.approx(npf.irr(flows), rel=1e-9)


def test_irr_near_range_ends():
    assert irr([-100.0, 1.5]).value[0] == pytest.approx(-0.985, abs=1e-14)
    assert irr([-1.0, 10.5]).value[0] == pytest.approx(9.5, abs=1e-12)


# --------------------------------------------------------------------------------------------
# IRR: properties
# --------------------------------------------------------------------------------------------

@st.composite
def conventional_flows(draw, max_years=40):
    """An outlay over 1-3 leading years, then non-negative income with at least one positive."""
    n_outlay = draw(st.integers(1, 3))
    n_income = draw(st.integers(1, max_years - n_outlay))
    outlay = draw(st.lists(st.floats(1.0, 1e4), min_size=n_outlay, max_size=n_outlay))
    income = draw(st.lists(st.one_of(st.just(0.0), st.floats(1e-2, 1e4)),
                           min_size=n_income, max_size=n_income))
    assume(max(income) > 0)
    return np.array([-x for x in outlay] + income)


def clearly_inside(rate, low=LOW, high=HIGH):
    return np.isfinite(rate) and np.log1p(low) + 1e-6 < np.log1p(rate) < np.log1p(high) - 1e-6


@settings(max_examples=300, deadline=None)
@given(flows=conventional_flows())
def test_irr_agrees_with_numpy_financial_on_conventional_flows(flows):
    expected = npf.irr(flows)
    result = irr(flows)
    if clearly_inside(expected):
        assert result.reason[0] == DEFINED
        assert result.value[0] == pytest.approx(expected, rel=1e-8, abs=1e-10)
        assert abs(npv(result.value[0], flows)[0]) <= 1e-9 * npv_scale(result.value[0], flows)
    elif np.isfinite(expected) and not (LOW - 1e-6 < expected < HIGH + 1e-6):
        assert result.reason[0] == NO_ROOT_IN_RANGE


@settings(max_examples=200, deadline=None)
@given(flows=st.lists(st.integers(-100, 100), min_size=2, max_size=12))
def test_irr_agrees_with_polynomial_roots_for_any_flows(flows):
    # Reference: all roots of sum cf_t v^t from numpy's companion-matrix eigenvalues, mapped to
    # r = 1/v - 1.  Cases too close to call (nearly double roots, roots near the range ends or
    # closer together than the scan grid resolves) are skipped.
    flows = np.array(flows, dtype=float)
    assume(np.any(flows != 0))
    v = np.roots(flows[::-1])
    near_real = np.abs(v.imag) <= 1e-3 * np.maximum(np.abs(v), 1.0)
    real = np.abs(v.imag) <= 1e-9 * np.maximum(np.abs(v), 1.0)
    assume(np.array_equal(near_real, real))
    v = v.real[real & (v.real > 0)]
    log_growth = -np.log(v)  # ln(1 + r)
    assume(np.all(np.abs(log_growth - np.log1p(LOW)) > 1e-6))
    assume(np.all(np.abs(log_growth - np.log1p(HIGH)) > 1e-6))
    in_range = np.sort(log_growth[(log_growth > np.log1p(LOW)) & (log_growth < np.log1p(HIGH))])
    assume(np.all(np.diff(in_range) > 0.02))
    result = irr(flows)
    if in_range.size == 1:
        assert result.reason[0] == DEFINED
        assert result.value[0] == pytest.approx(np.expm1(in_range[0]), rel=1e-7, abs=1e-9)
    elif in_range.size > 1:
        assert result.reason[0] == SEVERAL_ROOTS
    else:
        assert result.reason[0] in (SAME_SIGN, NO_ROOT_IN_RANGE)


@settings(max_examples=200, deadline=None)
@given(flows=st.lists(st.integers(-1000, 1000), min_size=2, max_size=15))
def test_irr_agrees_with_pyxirr_where_both_define_one(flows):
    ours = irr(flows)
    theirs = pyxirr.irr(flows, silent=True)
    assume(ours.reason[0] == DEFINED and theirs is not None and clearly_inside(theirs))
    # We report a rate only if it is the one IRR in range, so pyxirr must have found the same.
    assert ours.value[0] == pytest.approx(theirs, rel=1e-7, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(flows=conventional_flows(), k=st.floats(1e-6, 1e6), power_of_two=st.integers(-200, 200))
def test_irr_scale_invariant(flows, k, power_of_two):
    base = irr(flows)
    scaled = irr(flows * k)
    assert scaled.reason[0] == base.reason[0] or not clearly_inside(base.value[0])
    if base.reason[0] == DEFINED:
        assert scaled.value[0] == pytest.approx(base.value[0], rel=1e-9, abs=1e-11)
    # Scaling by a power of two is exact, so the result is bit for bit the same.
    exact = irr(flows * 2.0 ** power_of_two)
    np.testing.assert_array_equal(exact.value, base.value)
    np.testing.assert_array_equal(exact.reason, base.reason)


@settings(max_examples=100, deadline=None)
@given(flows=st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=20), sign=st.sampled_from([-1, 1]))
def test_irr_undefined_when_all_flows_share_a_sign(flows, sign):
    result = irr(sign * np.array(flows))
    assert np.isnan(result.value[0]) and result.reason[0] == SAME_SIGN


def test_irr_batched_equals_one_by_one():
    rng = np.random.default_rng(7)
    flows = np.column_stack([-rng.uniform(50, 150, 500), rng.uniform(0, 30, (500, 25))])
    flows[::7, 12] -= 80  # mid-life replacement outlays: several sign changes
    flows[::11, 1:] *= 0.05  # some paths with IRR below -99 %
    batched = irr(flows)
    for i in range(0, 500, 37):
        single = irr(flows[i])
        assert single.reason[0] == batched.reason[i]
        np.testing.assert_allclose(single.value[0], batched.value[i], rtol=0, atol=1e-13)
    defined = batched.reason == DEFINED
    reference = np.array([npf.irr(f) for f in flows[defined]])
    np.testing.assert_allclose(batched.value[defined], reference, rtol=1e-9, atol=1e-11)


# --------------------------------------------------------------------------------------------
# Payback
# --------------------------------------------------------------------------------------------

# Hand-worked static payback, counted from the start of construction with year 0 as a full year:
#   payback = t* + (-C_{t*-1}) / cf_{t*},  t* = first year with C_{t*-1} < 0 <= C_{t*}.
# The national formula (T-1) + |C_{T-1}| / CF_T, T 1-based with the construction year as year 1,
# is the same thing with T = t* + 1.
#
# A: cf  -100   25   25   25   25   25   25   25   25
#    C   -100  -75  -50  -25    0   25   50   75  100
#    t* = 4 (C_3 = -25 < 0 <= C_4 = 0); 4 + 25/25 = 5.0.  National: T = 5, (5-1) + 25/25 = 5.
#    (4.0 would be years counted from the end of construction, not what we report.)
# B: cf  -200  -100   80   90  100  110
#    C   -200  -300 -220 -130  -30   80
#    t* = 5; 5 + 30/110 = 5.272727...
# C: cf     0  -100   60   60      (an idle year 0 still counts)
#    C      0  -100  -40   20
#    t* = 3; 3 + 40/60 = 3.666...
# D: cf  -100  150 -200   10       (only the first return to C >= 0 counts)
#    C   -100   50 -150 -140
#    t* = 1; 1 + 100/150 = 1.666...
# E: cf   -0.3  0.1  0.1  0.1      (C_3 = -2.8e-17 in floating point: zero within rounding)
#    t* = 3; 3 + 0.1/0.1 = 4.0
# F: cf    10    0    5            never negative -> nothing invested, code 8
# G: cf  -100   30   30   30       C_3 = -10 -> not reached, code 4
# H: cf  -100                      single year -> not reached, code 4
STATIC_TABLE = [
    ([-100, 25, 25, 25, 25, 25, 25, 25, 25], 5.0, DEFINED),
    ([-200, -100, 80, 90, 100, 110], 5 + 30 / 110, DEFINED),
    ([0, -100, 60, 60], 3 + 40 / 60, DEFINED),
    ([-100, 150, -200, 10], 1 + 100 / 150, DEFINED),
    ([-0.3, 0.1, 0.1, 0.1], 4.0, DEFINED),
    ([10, 0, 5], np.nan, NOTHING_INVESTED),
    ([0, 0, 0], np.nan, NOTHING_INVESTED),
    ([-100, 30, 30, 30], np.nan, NOT_PAID_BACK),
    ([-100], np.nan, NOT_PAID_BACK),
    ([-100, np.nan, 200], np.nan, NOT_FINITE),
]


@pytest.mark.parametrize(("flows", "years", "code"), STATIC_TABLE)
def test_payback_hand_worked(flows, years, code):
    result = payback(flows)
    assert result.reason[0] == code
    np.testing.assert_allclose(result.value[0], years, rtol=1e-14, atol=0)


def test_payback_batch_equals_table():
    width = max(len(f) for f, _, _ in STATIC_TABLE)
    # Pad with zeros at the end, which changes nothing but the horizon.
    flows = np.array([list(f) + [0] * (width - len(f)) for f, _, _ in STATIC_TABLE], dtype=float)
    result = payback(flows)
    np.testing.assert_allclose(result.value, [y for _, y, _ in STATIC_TABLE], rtol=1e-14)
    np.testing.assert_array_equal(result.reason, [c for _, _, c in STATIC_TABLE])


# Hand-worked discounted payback at 10 % for table A (-100, then 25 in years 1..8):
#   t          0        1        2        3        4        5        6
#   25/1.1^t -100   22.7273  20.6612  18.7829  17.0753  15.5230  14.1118
#   C        -100  -77.2727 -56.6116 -37.8287 -20.7534  -5.2303  +8.8815
#   t* = 6; 6 + 5.2303/14.1118 = 6.3706 (6.370634 unrounded)
# At 20 % the eight receipts are worth 25 x 3.8372 = 95.93 < 100: never paid back (code 4).
# At 0 % it equals the static payback, 5.0.
def test_discounted_payback_hand_worked():
    flows = [-100] + [25] * 8
    assert discounted_payback(0.10, flows).value[0] == pytest.approx(6.3706, abs=5e-5)
    at_20 = discounted_payback(0.20, flows)
    assert np.isnan(at_20.value[0]) and at_20.reason[0] == NOT_PAID_BACK
    assert discounted_payback(0.0, flows).value[0] == 5.0


def test_discounted_payback_rate_per_path_and_profile():
    flows = np.array([[-100] + [25] * 8, [-100] + [25] * 8], dtype=float)
    result = discounted_payback(np.array([0.0, 0.10]), flows)
    np.testing.assert_allclose(result.value, [5.0, 6.370634], atol=5e-7)
    profile = discounted_payback([0.0, 0.10, 0.20], flows[0])
    np.testing.assert_array_equal(profile.reason, [DEFINED, DEFINED, NOT_PAID_BACK])


@settings(max_examples=100, deadline=None)
@given(flows=st.lists(st.floats(-1e4, 1e4), min_size=1, max_size=30))
def test_discounted_payback_at_zero_rate_is_static_payback(flows):
    static = payback(flows)
    discounted = discounted_payback(0.0, flows)
    np.testing.assert_array_equal(discounted.reason, static.reason)
    np.testing.assert_array_equal(discounted.value, static.value)


@settings(max_examples=100, deadline=None)
@given(flows=conventional_flows(max_years=30), rate=st.floats(0.001, 0.5))
def test_discounting_never_shortens_payback(flows, rate):
    static = payback(flows).value[0]
    discounted = discounted_payback(rate, flows).value[0]
    if np.isfinite(discounted):
        assert discounted >= static - 1e-12


def test_payback_consistent_with_irr():
    # For conventional flows, paying back within the horizon at rate r means NPV(r) >= 0,
    # i.e. the IRR is at least r.  At r = IRR itself the payback falls in the last year.
    flows = np.r_[-100.0, np.full(10, 20.0)]
    rate = irr(flows).value[0]
    assert discounted_payback(rate - 1e-9, flows).reason[0] == DEFINED
    assert discounted_payback(rate + 1e-6, flows).reason[0] == NOT_PAID_BACK
    assert discounted_payback(rate - 1e-9, flows).value[0] == pytest.approx(11.0, abs=1e-6)
