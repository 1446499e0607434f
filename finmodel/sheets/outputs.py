"""The model's scalar outputs (the JSON result's metrics) and its checks.

``project.*``: project IRR before/after the income tax actually paid on the project cash flow
before financing, equity IRR on the lenders' waterfall, static/dynamic payback, ROI and ROE and
the interest cover on the national method's bases (:mod:`.national`, which adds the method's own
indicators under ``national.*``), and project-finance practice: min and average DSCR on CFADS,
LLCR and PLCR at the end of construction [S10].
"""
from __future__ import annotations

from ..lines import Blank, Min, Ref, Scalar, Where
from .parties import PARTY_NAMES
from ..lines.metrics import At, FirstWhere, Irr, Npv, Payback, Ratio, Reduce, SumProduct
from .national import build_national_outputs


def build_outputs(m, rc, tl, flows, parties, pre_tax, after_tax, wf, debt, tranches, statements, sll) -> None:
    S = Scalar
    rate = S("case.discount_rate")
    out = m.output
    out("project.project_irr_pre_tax", Irr(pre_tax.name), en="Project IRR before income tax",
        zh="项目内部收益率（所得税前）", unit="fraction", fmt="pct")
    out("project.project_irr_after_tax", Irr(after_tax.name), en="Project IRR after the income tax paid",
        zh="项目内部收益率（按实际缴纳所得税）", unit="fraction", fmt="pct")
    out("project.equity_irr", Irr(wf["equity"].name), en="Equity IRR (the loan's waterfall)", zh="股东内部收益率（按贷款协议现金流分配）",
        unit="fraction", fmt="pct")
    out("project.npv", Npv(rate, after_tax.name), en="Project NPV after the income tax paid", zh="项目净现值（按实际缴纳所得税）",
        unit=rc.case.case.currency)
    out("project.payback_years", Payback(after_tax.name), en="Static payback (from construction start)",
        zh="静态投资回收期", unit="years", fmt="years")
    out("project.discounted_payback_years", Payback(after_tax.name, rate), en="Dynamic payback",
        zh="动态投资回收期", unit="years", fmt="years")
    # ROI, ROE and the interest cover on the national method's bases (sheets/national.py)
    n_op = S("case.operation_years")
    out("project.roi", Ratio(Ratio(Reduce("SUM", "x.ebit"), n_op), Reduce("SUM", "inv.total_investment")),
        en="Return on total investment (ROI)", zh="总投资收益率", unit="fraction", fmt="pct")
    out("project.roe", Ratio(Ratio(Reduce("SUM", "x.net_profit"), n_op), Reduce("SUM", "inv.equity")),
        en="Return on equity capital (ROE)", zh="资本金净利润率", unit="fraction", fmt="pct")
    out("project.min_icr", Reduce("MIN", "ds.interest_cover"), en="Minimum interest cover", zh="最低利息备付率",
        unit="x", fmt="ratio")
    build_national_outputs(m, rc)
    if debt:
        out("project.min_dscr", Reduce("MIN", "w.dscr"), en="Minimum DSCR (lenders', CFADS / debt service)", zh="最低偿债覆盖率（贷款人口径）", unit="x", fmt="ratio")
        out("project.avg_dscr", Reduce("AVERAGE", "w.dscr"), en="Average DSCR (lenders')", zh="平均偿债覆盖率（贷款人口径）", unit="x",
            fmt="ratio")
        cod = S("case.construction_years") - 1
        out("project.llcr", Ratio(SumProduct(("f.cfads_dscr", "d.df", "d.loan_life")), At("d.close", cod)),
            en="LLCR at the end of construction", zh="贷款期偿债覆盖率", unit="x", fmt="ratio")
        out("project.plcr", Ratio(SumProduct(("f.cfads_dscr", "d.df", "t.operation")), At("d.close", cod)),
            en="PLCR at the end of construction", zh="项目期偿债覆盖率", unit="x", fmt="ratio")
        out("project.max_debt_to_ebitda", Reduce("MAX", "d.debt_to_ebitda"), en="Maximum debt / EBITDA",
            zh="最高债务/息税折旧摊销前利润", unit="x", fmt="ratio")
        out("lender.lockup_years", Reduce("SUM", "w.locked"), en="Years in distribution lock-up", zh="分红锁定年数",
            unit="years", fmt="years")
        out("lender.default_years", Reduce("SUM", "w.default"), en="Years with an event of default", zh="违约年数",
            unit="years", fmt="years")
        m.line("chk.debt_repaid", debt["close"] * tl["last"], en="Debt outstanding after the last period",
               zh="期末借款余额", unit=rc.case.case.currency, sheet="Checks")
        m.check("debt_repaid", "chk.debt_repaid", en="Loans repaid at maturity", zh="借款到期还清", tolerance=0.5)
        m.line("chk.dsra_negative", Min(0, wf["dsra_close"]), en="Negative DSRA balance", zh="偿债准备金负余额",
               unit=rc.case.case.currency, sheet="Checks")
        m.check("reserves_non_negative", "chk.dsra_negative", en="Reserves never negative", zh="准备金余额非负",
                tolerance=0.5)
        for tid, t in tranches.items():
            if "sculpt_gap" in t:
                m.check(f"sculpted_{tid}", t["sculpt_gap"].name, en=f"{tid}: sculpted DSCR equals its target",
                        zh=f"{tid}：雕刻还款偿债覆盖率等于目标值", tolerance=1.0)
        if sll is not None:
            m.line("s.adj_in_life", Where(debt["loan_life"], sll["adj_bp"], Blank()), en="SLL adjustment while the loan is outstanding",
                   zh="贷款存续期利率调整", unit="bp", sheet="Debt", fmt="bp")
            out("sll.avg_margin_adjustment_bp", Reduce("AVERAGE", "s.adj_in_life"), en="Average SLL margin adjustment",
                zh="平均利率调整", unit="bp", fmt="bp")
            out("sll.interest_saved", Reduce("SUM", "s.interest_saved"), en="Interest saved by the SLL ratchet",
                zh="可持续挂钩节省利息", unit=rc.case.case.currency)
            # borrower's view: is the ratchet worth its verification cost? (NPV at the owner's rate)
            m.line("s.ratchet_net", Ref("s.interest_saved") - Ref("s.verification"),
                   en="Interest saved less verification cost", zh="节省利息减核查费用", unit=rc.case.case.currency,
                   sheet="Debt", total=True)
            out("sll.ratchet_npv", Npv(S(f"parties.{rc.owner}.discount_rate"), "s.ratchet_net"),
                en="Value of the SLL ratchet to the borrower (NPV)", zh="可持续挂钩机制对借款人的价值（净现值）",
                unit=rc.case.case.currency)
    for p, line in parties.items():
        if p == "tax":
            continue
        prate = S(f"parties.{p}.discount_rate")
        en, zh = PARTY_NAMES[p]
        out(f"{p}.irr", Irr(line.name), en=f"{en}: IRR", zh=f"{zh}：内部收益率", unit="fraction", fmt="pct")
        out(f"{p}.npv", Npv(prate, line.name), en=f"{en}: NPV", zh=f"{zh}：净现值", unit=rc.case.case.currency)
        out(f"{p}.payback_years", Payback(line.name), en=f"{en}: payback", zh=f"{zh}：静态投资回收期", unit="years",
            fmt="years")
        out(f"{p}.discounted_payback_years", Payback(line.name, prate), en=f"{en}: dynamic payback",
            zh=f"{zh}：动态投资回收期", unit="years", fmt="years")
    if "host" in parties:
        base = m.line("pt.host_baseline_op", flows.host_baseline_cost * tl["operation"],
                      en="Host's baseline energy bill (operation)", zh="用户基准能源费用（运营期）",
                      unit=rc.case.case.currency, sheet="Parties", total=True)
        out("host.savings_share", Ratio(Reduce("SUM", parties["host"].name), Reduce("SUM", base.name)),
            en="Host's savings as a share of its baseline energy bill", zh="用户节省占基准能源费用比例",
            unit="fraction", fmt="pct")
    out("carbon.excess_onsite_mwh", Reduce("SUM", "c.excess_mwh"), en="Supply and savings beyond the park's load",
        zh="超出园区负荷的自供及节电量", unit="MWh", fmt="qty")
    out("carbon.first_year_met", FirstWhere("c.meets_all", "t.year"), en="First year all indicators are met",
        zh="三项指标首次全部达标年份", unit="year", fmt="year")
    out("carbon.first_year_intensity_met", FirstWhere("c.meets_intensity", "t.year"),
        en="First year the intensity threshold is met", zh="碳排放强度首次达标年份", unit="year", fmt="year")
    target = rc.years()[int(rc.value("carbon.target_period"))]  # the year the value is read in (clamped)
    out("carbon.intensity_target_year", At("c.intensity", Scalar("carbon.target_period")),
        en=f"Carbon intensity in {target}", zh=f"{target}年单位能耗碳排放", unit="tCO2/tce", fmt="intensity")
