"""The national method's statement pack (建设项目经济评价方法与参数, 3rd ed.), each statement a
workbook sheet of model lines: rows that repeat a line of another sheet are references to it,
the rest (profit distribution, the cash plan, the balance sheet) are defined here.  The
statements and their rows are listed in :mod:`.rows`; each has its module."""
from __future__ import annotations

from .balance_sheet import build_balance_sheet
from .cash_plan import build_cash_plan
from .debt_schedule import build_debt_schedule
from .equity_cash_flow import build_equity_cash_flow
from .income import build_income
from .investment import build_investment
from .project_cash_flow import build_project_cash_flow
from .rows import BY_KEY, ROWS, STATEMENTS
from .total_cost import build_total_cost

__all__ = ["BY_KEY", "ROWS", "STATEMENTS", "build_statements"]


def build_statements(m, rc, tl: dict, c: dict) -> dict:
    """Add every statement to the model ``m``; ``c`` holds the blocks the statements read (spend,
    contributions, VAT, accounts, working capital, local taxes, fixed assets, CIT rate, profit,
    cash flows, debt, tranches, waterfall, residual value, owner, operating phase, assets)."""
    cur = rc.case.case.currency
    out = {"investment": build_investment(m, cur, tl, c), "total_cost": build_total_cost(m, cur, tl, c)}
    out["income"] = build_income(m, cur, tl, c)
    out["project_cash_flow"] = build_project_cash_flow(m, cur, tl, c, out["investment"])
    out["equity_cash_flow"] = build_equity_cash_flow(m, cur, tl, c, out["investment"])
    out["cash_plan"] = build_cash_plan(m, cur, tl, c, out["investment"], out["income"])
    out["balance_sheet"] = build_balance_sheet(m, cur, tl, c, out["cash_plan"], out["investment"], out["income"])
    out["debt_schedule"] = build_debt_schedule(m, cur, tl, c, rc.case.financing.tranches)
    return out
