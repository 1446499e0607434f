"""附表7 资产负债表 at each year end, and the 资产负债率 ([N2][N3][N18]).

Assets: cash (货币资金 = the cash plan's 累计盈余资金), the working capital's current assets, input
VAT not yet credited (carried as an asset, [N2][N3]; with a direct lease also the VAT on its
principal still to be invoiced, :mod:`finmodel.sheets.lease`), construction in progress and fixed assets
net.  Liabilities: payables, the construction loans (with their capitalised interest) and the
working-capital loan (a finance lease is among the loans, net of its deposit).  Owners' equity: the capital paid in, a capital reserve, the cumulative
statutory reserve and the undistributed profit.

The capital reserve (资本公积) is the input VAT the owner credits on the other parties' shares of
the capex: they pay their shares gross while the owner, the buyer, credits all the input VAT
and depreciates only its own share net of VAT.  With it the statement balances every year
(assets = liabilities + equity, a check to half a currency unit; the tests hold it to 1e-6 of the
statements' amounts over random cases).  资产负债率 = 负债合计 /
资产合计; the method sets no fixed benchmark for it (R).
"""
from __future__ import annotations

from ...lines import Blank, Prev, Ref, Scalar, Sum, Where
from ..tax import vat_share
from .sheet import StatementSheet


def build_balance_sheet(m, cur: str, tl: dict, c: dict, cash_plan: dict, investment: dict, income: dict) -> dict:
    st = StatementSheet(m, "balance_sheet", cur)
    wc, debt, fa = c["wc"], c["debt"], c["fa"]
    zero = 0.0 * tl["operation"]
    n = st.name
    R = lambda k: Ref(n(k))  # noqa: E731
    S = Scalar
    r = {}
    r["assets"] = st.row("total_assets", R("current_assets") + R("construction_in_progress") + R("fixed_assets"),
                         flow=False)
    st.row("current_assets", R("cash") + R("working_capital_assets") + R("vat_credit"), flow=False)
    st.row("cash", cash_plan["cumulative"], flow=False)
    st.row("working_capital_assets", wc["assets"], flow=False)
    lease = c["tranches"].get("lease", {})
    st.row("vat_credit", c["vat"]["credit"] + lease.get("vat_deferred", zero), flow=False)
    st.row("construction_in_progress", fa["cip"], flow=False)
    st.row("fixed_assets", fa["net"], flow=False)
    r["liabilities_and_equity"] = st.row("total_liabilities_and_equity", R("total_liabilities") + R("total_equity"),
                                         flow=False)
    st.row("current_liabilities", wc["payables"], flow=False)
    st.row("construction_loans", debt.get("close", zero), flow=False)
    st.row("working_capital_loan", wc["loan_close"], flow=False)
    r["liabilities"] = st.row("total_liabilities", R("current_liabilities") + R("construction_loans")
                              + R("working_capital_loan"), flow=False)
    r["equity"] = st.row("total_equity", R("capital") + R("capital_reserve") + R("surplus_reserve")
                         + R("undistributed_profit"), flow=False)
    st.row("capital", Prev(R("capital")) + investment["equity"], flow=False)
    # the input VAT on the other parties' shares of capex, overruns and replacements
    credit = S("tax.vat_on") * S("tax.input_vat_credit_on")
    owner, phase = c["owner"], c["phase"]
    others_vat = Sum(*[((1 - S(f"cost_split.capex.{owner}")) * (a["capex_base"] + a.get0("replacement") * phase)
                        + (1 - S(f"cost_split.overrun.{owner}")) * a["overrun"])
                       * vat_share(S(f"assets.{aid}.capex_input_vat_rate")) for aid, a in c["assets"]]) * credit
    st.row("capital_reserve", Prev(R("capital_reserve")) + others_vat, flow=False)
    st.row("surplus_reserve", income["reserve_cumulative"], flow=False)
    st.row("undistributed_profit", income["undistributed"], flow=False)
    r["debt_to_asset"] = st.row("debt_to_asset", Where(r["assets"] > 0, r["liabilities"] / r["assets"], Blank()),
                                flow=False, unit="fraction", fmt="pct")
    gap = m.line("chk.balance_sheet", r["assets"] - r["liabilities_and_equity"],
                 en="Balance sheet: assets − liabilities − equity", zh="资产负债表平衡校验差额", unit=cur, sheet="Checks")
    m.check("balance_sheet_balances", gap.name, en="The balance sheet balances every year", zh="资产负债表各年平衡",
            tolerance=0.5)
    return r
