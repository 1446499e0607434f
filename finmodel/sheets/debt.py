"""Debt as model lines: tranches, reserves, cash waterfall and cover ratios.

Tranche mechanics (period-end flows; operation year k = 1, 2 …; tenor n incl. grace g):

* drawdown (:func:`build_drawdown`): the debt drawn in each construction period, pro rata with
  the debt-funded spend of the period (D × spend_t / Σ spend) or equity first (the equity's part
  E = Σ spend − D is spent first: draw_t = max(0, cum_t − E) − max(0, cum_{t−1} − E)); each
  tranche draws its share of it;
* interest_t = (opening balance + ½ × the period's drawdown) × rate_t with the mid-year convention
  (建设期利息 q_t = (年初借款本息累计 + 本年借款额/2) × i, the national method [N7]: 5,000 drawn in
  each of two years at 6 % gives 150 + 459 = 609), or opening balance × rate_t with drawdowns at
  period end (``conventions.drawdown: end_of_year``, other tools' profile); during construction it
  is capitalised (IDC) and added to the balance; rate_t = reference rate + margin + SLL adjustment;
* repayment in years g < k ≤ n (the last repays whatever remains):
  - annuity:          PMT(rate_t, n − k + 1, opening) − interest_t (re-levelled if the rate moves)
  - equal principal:  opening / (n − k + 1)
  - sculpted:         a schedule fixed at financial close, principal_t = share × CFADS_t / target
    DSCR − interest_t on the base case, never negative (Bodmer; [S10]); solved by
    :mod:`finmodel.finance.sizing`;
  - max_capacity:     all the cash available after interest, share × CFADS_t − interest_t, never
    negative (最大能力还款法, the repayment the 借款偿还期 indicator assumes [N17]);
* fees: upfront on the commitment at close; commitment fee on the undrawn amount.

Cover ratios (project-finance practice [S10]; the national method's 偿债备付率 and 利息备付率, defined
differently, are on the debt schedule, :mod:`finmodel.sheets.statements.debt_schedule`):

* DSCR_t = CFADS_t / debt service_t; CFADS after income tax (or before, a convention);
* LLCR = Σ_{loan life} CFADS_t · DF_t / debt at the end of construction; PLCR the same over
  the operation period; DF at each period's average debt rate.

Reserves and waterfall: DSRA target = months/12 × next period's debt service; funded at close
from equity, used to cover shortfalls, topped up from cash, released when the target falls
(fully at maturity).  Optional maintenance reserve (MRA): funded from cash after debt service and
the DSRA up to the next year's replacement spend, it pays the replacements in their year, so
CFADS on the DSCR basis adds the reserve drawn.  Distributions are locked up while CFADS < lock-up DSCR × debt service and
released once the test passes again (and at the end of the horizon, so no cash stays trapped);
an event of default is a period with CFADS < default DSCR × debt service that the DSRA cannot
cover.
"""
from __future__ import annotations

from ..lines import Blank, Eq, Expr, Max, Min, Next, Period, Pmt, Prev, Ref, RowTotal, Scalar, Series, Sum, Where
from .sheet import Sheet

BP = 10_000.0  # basis points per unit


def build_drawdown(sh: Sheet, tl: dict, funded: Expr) -> Ref:
    """The debt drawn in each period (all tranches together) against the debt-funded spend
    ``funded`` of the construction periods: pro rata, or after the equity's part (``construction.
    equity_first``)."""
    debt = Scalar("financing.debt_amount")
    spend = sh("d.funded_spend", funded * tl["construction"], "Debt-funded spend of the construction year",
               "建设投资中的债务融资对象", fmt="money")
    total = RowTotal(spend)
    cum = sh.declare("d.funded_spend_cum", "Debt-funded spend to date", "累计建设投资（融资对象）")
    sh.model.define(cum, Prev(cum) + spend)
    equity = Max(0, total - debt)
    after_equity = Max(0, cum - equity) - Max(0, Prev(cum) - equity)
    pro_rata = Where(total > 0, debt * spend / total, 0)
    return sh.flow("d.drawdown", Where(Scalar("construction.equity_first"), after_equity, pro_rata),
                   "Debt drawn (all tranches)", "借款提款（合计）")


def build_tranche(sh: Sheet, tid: str, repayment: str, tl: dict, sll_adj_bp: Ref | None,
                  cfads: Ref | None, drawdown: Expr) -> dict:
    """Lines of one tranche; it draws its share of ``drawdown`` (see :func:`build_drawdown`);
    ``cfads`` is needed for the sculpting check line and the max_capacity repayment."""
    s = lambda n: Scalar(f"financing.{tid}.{n}")  # noqa: E731
    p = f"d.{tid}"
    k = tl["op_year"]
    r = {}
    amount = Scalar("financing.debt_amount") * s("share_of_debt")
    rate = s("base_rate") + s("margin_bp") / BP
    if sll_adj_bp is not None:
        rate = rate + sll_adj_bp / BP
    r["rate"] = sh(f"{p}.rate", rate, f"{tid}: interest rate", f"{tid}：利率", unit="fraction", fmt="pct")
    r["repay_flag"] = sh.flag(f"{p}.repaying", (k > s("grace_years")) * (k <= s("tenor_years")),
                              f"{tid}: repayment period", f"{tid}：还本期")
    r["draw"] = sh.flow(f"{p}.draw", s("share_of_debt") * drawdown, f"{tid}: drawdown", f"{tid}：提款")
    close = sh.declare(f"{p}.close", f"{tid}: closing balance", f"{tid}：期末余额")
    r["open"] = sh(f"{p}.open", Prev(close), f"{tid}: opening balance", f"{tid}：期初余额")
    r["interest"] = sh.flow(f"{p}.interest", (r["open"] + 0.5 * Scalar("conventions.drawdown_mid_year") * r["draw"])
                            * r["rate"], f"{tid}: interest accrued", f"{tid}：应计利息")
    r["idc"] = sh.flow(f"{p}.idc", r["interest"] * tl["construction"], f"{tid}: interest during construction (capitalised)",
                       f"{tid}：建设期利息（资本化）")
    r["interest_paid"] = sh.flow(f"{p}.interest_paid", r["interest"] * tl["operation"], f"{tid}: interest paid",
                                 f"{tid}：付息")
    remaining = Max(s("tenor_years") - k + 1, 1)  # ≥ 1 so no period divides by zero
    if repayment == "annuity":
        profile = Pmt(r["rate"], remaining, r["open"]) - r["interest"]
    elif repayment == "equal_principal":
        profile = r["open"] / remaining
    elif repayment == "max_capacity":
        profile = s("share_of_debt") * cfads - r["interest_paid"]
    else:
        profile = Series(f"financing.{tid}.sculpted_principal")
    r["principal"] = sh.flow(f"{p}.principal", Where(r["repay_flag"], Where(Eq(k, s("tenor_years")), r["open"],
                                                                            Min(r["open"], Max(0, profile))), 0),
                             f"{tid}: principal repaid", f"{tid}：还本")
    sh.model.define(close, r["open"] + r["draw"] + r["idc"] - r["principal"])
    r["close"] = close
    cum_draw = sh.declare(f"{p}.cum_draw", f"{tid}: drawn to date", f"{tid}：累计提款")
    sh.model.define(cum_draw, Prev(cum_draw) + r["draw"])
    r["fees"] = sh.flow(f"{p}.fees", s("upfront_fee") * amount * Eq(Period(), 0)
                        + s("commitment_fee") * (amount - Prev(cum_draw)) * tl["construction"],
                        f"{tid}: upfront and commitment fees", f"{tid}：前端费及承诺费")
    r["service"] = sh.flow(f"{p}.service", r["interest_paid"] + r["principal"], f"{tid}: debt service", f"{tid}：还本付息")
    if repayment == "sculpted" and cfads is not None:
        # the sizing rule: principal = share × CFADS / DSCR − interest, never negative, at most the balance
        target = Min(r["open"], Max(0, s("share_of_debt") * cfads / Scalar("financing.sculpt_dscr")
                                    - r["interest_paid"]))
        r["sculpt_gap"] = sh(f"{p}.sculpt_gap", r["repay_flag"] * (1 - Eq(k, s("tenor_years")))
                             * (r["principal"] - target),
                             f"{tid}: sculpted principal minus min(balance, max(0, share × CFADS / sculpting DSCR − "
                             f"interest)) (0 on the base case)",
                             f"{tid}：雕刻还款校验差额")
    return r


def build_debt_totals(sh: Sheet, tranches: dict[str, dict], tl: dict) -> dict:
    """Totals over tranches, average rate and the discount factor for LLCR/PLCR."""
    tot = lambda key: Sum(*[t[key] for t in tranches.values()])  # noqa: E731
    r = {}
    for key, en, zh in (("draw", "Debt drawdown", "借款提款"), ("idc", "Interest during construction", "建设期利息"),
                        ("interest_paid", "Interest paid", "付息"), ("principal", "Principal repaid", "还本"),
                        ("fees", "Financing fees", "融资费用"), ("service", "Debt service", "还本付息")):
        r[key] = sh.flow(f"d.{key}", tot(key), en, zh)
    r["open"] = sh("d.open", tot("open"), "Debt outstanding, opening", "期初借款余额")
    r["close"] = sh("d.close", tot("close"), "Debt outstanding, closing", "期末借款余额")
    avg = sh.declare("d.rate_avg", "Average debt rate", "加权平均利率", unit="fraction", fmt="pct")
    first = next(iter(tranches.values()))
    sh.model.define(avg, Where(r["open"] > 0, tot("interest") / r["open"],
                               Where(tl["operation"], Prev(avg), first["rate"])))
    df = sh.declare("d.df", "Discount factor at the debt rate (from the end of construction)", "折现系数（借款利率）",
                    unit="factor", fmt="factor")
    sh.model.define(df, Where(tl["operation"], Prev(df) / (1 + avg), 1))
    r["df"] = df
    r["loan_life"] = sh.flag("d.loan_life", tl["operation"] * (r["open"] > 0), "Loan outstanding", "借款存续期")
    return r


def build_waterfall(sh: Sheet, tl: dict, cfads: Ref, cfads_dscr: Ref, debt: dict, pre_fin: Ref,
                    replacement: Ref | None = None, other_loans: Expr | float = 0.0, lease: dict | None = None) -> dict:
    """DSRA, maintenance reserve (when ``replacement`` is given), cover ratios, lock-up, default
    flag and the equity cash flow; ``other_loans`` is what loans outside the tranches (the
    working-capital loan) bring in net of their interest and principal, each period.  A finance
    ``lease`` (:mod:`finmodel.sheets.lease`) is in the debt totals, so its rentals are debt service
    in the DSCR and the reserves; its flows go to the lessor, not to the lenders."""
    r = {}
    ds = debt["service"]
    mra_use = 0.0 * ds
    if replacement is not None:
        # the reserve pays the year's replacements, so they do not fall on that year's debt service
        mra_close = sh.declare("w.mra_close", "Maintenance reserve, closing", "维修准备金期末余额")
        mra_open = sh("w.mra_open", Prev(mra_close), "Maintenance reserve, opening", "维修准备金期初余额")
        mra_use = sh.flow("w.mra_use", Min(mra_open, replacement), "Maintenance reserve used for replacements",
                          "动用维修准备金")
    r["dscr"] = sh("w.dscr", Where(ds > 0, cfads_dscr / ds, Blank()), "DSCR (lenders': CFADS / debt service)", "偿债覆盖率（贷款人口径）",
                   unit="x", fmt="ratio")
    months = Scalar("financing.dsra_months")
    target = sh("w.dsra_target", months / 12 * Next(ds), "DSRA target (months of next debt service)",
                "偿债准备金目标余额")
    close = sh.declare("w.dsra_close", "DSRA balance, closing", "偿债准备金期末余额")
    dsra_open = sh("w.dsra_open", Prev(close), "DSRA balance, opening", "偿债准备金期初余额")
    cash_after = sh.flow("w.cash_after_ds", (cfads + mra_use - ds) * tl["operation"], "Cash after debt service",
                         "偿债后现金")
    use = sh.flow("w.dsra_use", tl["operation"] * Min(dsra_open, Max(0, -cash_after)),
                  "DSRA used for debt service", "动用偿债准备金")
    fund = sh.flow("w.dsra_fund", tl["construction"] * Max(0, target - dsra_open)
                   + tl["operation"] * Min(Max(0, target - dsra_open + use), Max(0, cash_after)),
                   "DSRA funding and top-up", "偿债准备金计提")
    release = sh.flow("w.dsra_release", Max(0, dsra_open - use + fund - target), "DSRA release", "偿债准备金释放")
    sh.model.define(close, dsra_open - use + fund - release)
    r.update(dsra_close=close, dsra_use=use, dsra_fund=fund, dsra_release=release)
    after_dsra = cash_after + use - fund * tl["operation"] + release
    mra_fund = mra_release = 0.0 * ds
    if replacement is not None:
        # funded from cash after debt service and the DSRA, a year ahead of each replacement
        mra_target = sh("w.mra_target", Next(replacement), "Maintenance reserve target (next year's replacements)",
                        "维修准备金目标余额")
        mra_fund = sh.flow("w.mra_fund", tl["operation"] * Min(Max(0, mra_target - mra_open + mra_use),
                                                                Max(0, after_dsra)),
                           "Maintenance reserve funding", "维修准备金计提")
        mra_release = sh.flow("w.mra_release", Max(0, mra_open - mra_use + mra_fund - mra_target),
                              "Maintenance reserve release", "维修准备金释放")
        sh.model.define(mra_close, mra_open - mra_use + mra_fund - mra_release)
        r["mra_close"] = mra_close
    locked = sh.flag("w.locked", tl["operation"] * (ds > 0) * (cfads_dscr < Scalar("financing.lockup_dscr") * ds),
                     "Distribution lock-up (DSCR below the lock-up level)", "分红锁定")
    distributable = after_dsra - mra_fund + mra_release
    trap = sh.flow("w.trapped", locked * Max(0, distributable), "Cash trapped by lock-up", "锁定现金")
    lock_close = sh.declare("w.lockup_close", "Lock-up account, closing", "锁定账户期末余额")
    # released once the test passes again, and all of it at the end of the horizon (nothing stays trapped)
    lock_release = sh.flow("w.lockup_release",
                           Where(tl["last"], Prev(lock_close) + trap, (1 - locked) * Prev(lock_close)),
                           "Lock-up release", "锁定现金释放")
    sh.model.define(lock_close, Prev(lock_close) + trap - lock_release)
    r["locked"] = locked
    below_default = (ds > 0) * (cfads_dscr < Scalar("financing.default_dscr") * ds)
    r["default"] = sh.flag("w.default", tl["operation"] * below_default * (Max(0, -cash_after) - use > 0),
                           "Event of default (DSCR below default, DSRA exhausted)", "违约事件")
    r["retained"] = sh.flow("w.retained", fund - use - release + mra_fund - mra_use - mra_release + trap - lock_release,
                            "Cash retained in reserve and lock-up accounts", "留存于准备金及锁定账户的现金")
    r["equity"] = sh.flow("w.equity_cf", pre_fin + other_loans + debt["draw"] - debt["fees"] - ds + use - fund + release
                          + mra_use - mra_fund + mra_release - trap + lock_release, "Equity cash flow", "资本金现金流")
    to_lessor = (-lease["draw"] + lease["interest_paid"] + lease["principal"] + lease["fees"]) if lease else 0.0
    r["lender"] = sh.flow("w.lender_cf", -debt["draw"] + debt["interest_paid"] + debt["principal"] + debt["fees"]
                          - other_loans - to_lessor, "Lender cash flow", "贷款人现金流")
    return r
