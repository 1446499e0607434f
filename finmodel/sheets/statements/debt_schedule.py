"""附表8 借款还本付息计划表: each loan's balance, drawdown, interest and repayment, the totals,
and the indicators the method computes on it ([N1][N2][N3][N10]):

* 利息备付率 ICR_t = EBIT_t / PI_t, PI the interest charged to 总成本费用 (all loans);
* 偿债备付率 DSCR_t = (EBITDA_t − TAX_t − 维持运营投资_t) / PD_t, PD = the term loans' principal
  due + all interest in 总成本费用.  The method deducts 维持运营投资 "if any" (exam texts quote it:
  如果运营期间支出了维护运营的投资费用，应从分子中扣减 [N10b]); ``national.dscr_deducts_maintenance``
  switches it off.  The working-capital loan's principal, repaid in the last year from the working
  capital recovered (回收流动资金), is not in PD: the funds that repay it are not in EBITDA.
  Both ratios are computed for each year of the repayment period (借款偿还期内 [N10]): the years
  the construction loans are serviced (or, without them, the years interest is due);
* 借款偿还期 (最大能力还款法, [N17]): for loans repaid from the funds available (``max_capacity``),
  (year the repayment is completed − year borrowing starts) + the repayment of that year / the
  funds available for it.  Loans on fixed schedules have no such period: the method judges them
  by ICR and DSCR.

These are the national method's ratios; the lenders' DSCR on CFADS (project finance) is on the
Debt sheet.
"""
from __future__ import annotations

from ...lines import Blank, Period, Prev, RowTotal, Ref, Scalar, Sum, Where
from .rows import LEASE, WORKING_CAPITAL_LOAN, loan_row
from .sheet import StatementSheet

ZERO_BALANCE = 0.5
"""A loan balance below this (currency units) counts as repaid (rounding of the schedule)."""


def build_debt_schedule(m, cur: str, tl: dict, c: dict, tranches_spec: dict) -> dict:
    debt, tranches, wc, profit, spend, contrib = c["debt"], c["tranches"], c["wc"], c["profit"], c["spend"], c["contrib"]
    n_loans = len(tranches) + 1
    st = StatementSheet(m, "debt_schedule", cur, total=n_loans + 1, funds=n_loans + 2, ratios=n_loans + 3)
    n = st.name
    blocks = []
    for tid, t in tranches.items():
        lines = (t["open"], t["draw"], t["interest"], t["service"], t["principal"], t["interest_paid"], t["close"])
        blocks.append((tid, *(LEASE if tid == "lease" else (tid, tid)), lines))
    wc_lines = (wc["loan_open"], wc["loan_draw"], wc["loan_interest"], wc["loan_interest"] + wc["loan_principal"],
                wc["loan_principal"], wc["loan_interest"], wc["loan_close"])
    blocks.append((*WORKING_CAPITAL_LOAN, wc_lines))
    keys = []
    for b, (loan, en, zh, lines) in enumerate(blocks, start=1):
        for i, line in enumerate(lines):
            row = loan_row(loan, en, zh, b, i)
            st.row(row.key, line, flow=i not in (0, 6), row=row)
        keys.append(loan)
    total = lambda k: Sum(*[Ref(n(f"{loan}_{k}")) for loan in keys])  # noqa: E731
    r = {}
    st.row("opening_balance", total("opening_balance"), flow=False)
    st.row("drawdown", total("drawdown"))
    r["interest"] = st.row("interest", total("interest"))
    st.row("debt_service", total("debt_service"))
    r["principal"] = st.row("principal", total("principal"))
    st.row("interest_paid", total("interest_paid"))
    st.row("closing_balance", total("closing_balance"), flow=False)
    zero = 0.0 * tl["operation"]
    st.row("ebitda", profit["ebitda"])
    st.row("income_tax", profit["cit"]["cit"])
    st.row("maintenance_investment", spend["replacement"] - contrib["replacement"])
    funds = st.row("funds_for_debt_service", Ref(n("ebitda")) - Ref(n("income_tax"))
                   - Scalar("national.dscr_deducts_maintenance") * Ref(n("maintenance_investment")))
    due = st.row("debt_service_due", debt.get("principal", zero) + profit["interest"])
    st.row("ebit", profit["ebit"])
    interest_due = st.row("interest_due", profit["interest"])
    # the ratios are the repayment period's (借款偿还期内): the years the construction loans are
    # serviced, or, without them, the years interest is due
    serviced = (debt["service"] > 0) if debt else (interest_due > 0)
    r["icr"] = st.row("interest_cover", Where(serviced * (interest_due > 0), Ref(n("ebit")) / interest_due, Blank()),
                      flow=False, unit="x", fmt="ratio")
    r["dscr"] = st.row("debt_service_cover", Where(serviced * (due > 0), funds / due, Blank()), flow=False, unit="x",
                       fmt="ratio")
    capacity = [tid for tid, spec in tranches_spec.items() if spec.repayment == "max_capacity"]
    if capacity:
        balance = Sum(*[tranches[tid]["close"] for tid in capacity])
        done = st.row("repayment_done", tl["operation"] * (balance <= ZERO_BALANCE) * (Prev(balance) > ZERO_BALANCE),
                      flow=False, unit="flag", fmt="flag")
        available = Sum(*[Scalar(f"financing.{tid}.share_of_debt") * Ref("f.cfads") - tranches[tid]["interest_paid"]
                          for tid in capacity])
        repaid = Sum(*[tranches[tid]["principal"] for tid in capacity])
        # borrowing starts in the first period with a drawdown: count the periods before it
        before = RowTotal(Ref(n("borrowing_not_started")))
        st.sheet("ds.borrowing_not_started", (Prev(Ref("ds.borrowing_not_started"), 1) * (debt["draw"] <= 0)),
                 "Borrowing not yet started (flag)", "尚未开始借款（标志）", unit="flag", fmt="flag")
        r["repayment_years"] = st.row("repayment_years",
                                      done * (Period() - before + Where(available > 0, repaid / available, 0)),
                                      flow=False, unit="years", fmt="ratio")
    return r
