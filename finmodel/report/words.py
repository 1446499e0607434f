"""Every word finmodel's reports and workbooks show, in English and Chinese.

Each entry is ``key: (English, Chinese)``, the two languages side by side, and each term is
defined once: the PDF report, the workbook and its risk sheets read the same entries.  User text
(case, park and party names, notes, assumption sources) is printed as given, never looked up.

- :data:`TERMS`: headings, labels, units and sentences, by key (:func:`text`).
- :data:`SHEETS`: the workbook's sheet names.
- Tables keyed by the values the case and the result document carry (contract types, repayment
  profiles, carbon rules, parties …), read with :func:`pick`; an unknown value prints as given.
- :data:`CONVENTION_TEXT_ZH` and :data:`REASONS_ZH`: Chinese for the engine's fixed English
  sentences (conventions, reasons a value is undefined).

A new report (the portfolio screen, later sections) adds its words here as one more block of
:data:`TERMS`, reusing the entries that already say what it needs: one term for one thing (the
report and the workbook say it the same way; a table that needs a term another defines refers
to that entry), which ``tests/unit/report/test_words.py`` checks.
"""
from __future__ import annotations

from ..sheets.parties import PARTY_NAMES as MODEL_PARTY_NAMES
from ..sheets.statements import rows as statement_rows

TERMS: dict[str, tuple[str, str]] = {
    # document
    "title": ("Investment appraisal", "投资评估报告"),
    "subtitle": ("Zero-carbon industrial park — bankable appraisal report", "零碳产业园区——可融资性评估报告"),
    "contents": ("Contents", "目录"),
    # sections
    "s_summary": ("Executive summary", "执行摘要"),
    "s_project": ("Project and park", "项目与园区概况"),
    "s_assumptions": ("Assumptions", "基础数据与假设"),
    "s_financial": ("Financial results by party", "各方财务分析"),
    "s_national": ("Financial appraisal by the national method", "财务评价（《建设项目经济评价方法与参数》口径）"),
    "s_financing": ("Financing", "融资方案"),
    "s_carbon": ("Park carbon and zero-carbon park indicators", "园区碳排放与零碳园区指标"),
    "s_risk": ("Risk (Monte Carlo)", "风险分析（蒙特卡洛模拟）"),
    "s_pricing": ("Pricing and deal zone", "定价与交易区间"),
    "s_method": ("Method, conventions and audit trail", "方法、约定与审计信息"),
    "s_statements": ("Appendix: financial statements (national method)", "附录：财务评价报表"),
    # cover
    "case": ("Case", "案例"),
    "park": ("Park / host", "园区/用能单位"),
    "contract": ("Business model", "商业模式"),
    "currency": ("Currency", "币种"),
    "market": ("Market data", "市场数据"),
    "horizon": ("Horizon", "计算期"),
    "horizon_value": ("{start}–{end} ({c} construction + {o} operation years)", "{start}–{end}年（建设期{c}年，运营期{o}年）"),
    "decision_numbers": ("Decision numbers", "决策指标"),
    "verdict": ("Verdict", "评估结论"),
    "party": ("Party", "参与方"),
    "metric": ("Indicator", "指标"),
    "value": ("Value", "数值"),
    "unit": ("Unit", "单位"),
    "irr": ("IRR", "内部收益率"),
    "npv": ("NPV", "净现值"),
    "npv_at": ("NPV at hurdle", "按基准收益率计算的净现值"),
    "hurdle": ("Hurdle (discount rate)", "基准收益率（折现率）"),
    "payback": ("Payback", "静态投资回收期"),
    "dyn_payback": ("Dynamic payback", "动态投资回收期"),
    "status": ("Status", "状态"),
    "met": ("met", "达标"),
    "not_met": ("not met", "未达标"),
    "yes": ("yes", "是"),
    "no": ("no", "否"),
    "none": ("none", "未定义"),
    "min_dscr": ("Minimum DSCR (lenders', CFADS / debt service)", "最低偿债覆盖率（贷款人口径，DSCR）"),
    "p_breach": ("Probability of lock-up breach", "触发分红锁定的概率"),
    "zcp_status": ("Zero-carbon park indicators", "零碳园区指标"),
    "zcp_met_from": ("all three met from {year}", "{year}年起三项指标全部达标"),
    "zcp_never": ("not met in any year of the horizon", "计算期内任何年份均未全部达标"),
    "recommended_price": ("Recommended price", "建议价格"),
    "flags_count": ("Assumption flags", "假设合理性提示"),
    "note": ("Note", "注"),
    "undefined_reason": ("Values shown as none, and why", "未定义数值的原因"),
    # units
    "u_years": ("years", "年"),
    "u_pct": ("%", "%"),
    "u_x": ("×", "倍"),
    "u_money": ("{cur}", "{cur}"),
    "u_money_k": ("{cur} thousand", "千{cur}"),
    "u_bp": ("bp", "基点"),
    "u_tco2": ("tCO2", "tCO2"),
    "u_tce": ("tce", "tce"),
    "u_intensity": ("tCO2/tce", "tCO2/tce"),
    # project section
    "assets": ("Assets and technologies", "资产与技术"),
    "asset_id": ("Asset", "资产"),
    "technology": ("Technology", "技术"),
    "capacity": ("Capacity", "容量"),
    "commissioning": ("First operation year", "首个运营年"),
    "trl": ("TRL (IEA 1–11)", "技术成熟度（IEA 1–11级）"),
    "maturity": ("Maturity class", "成熟度类别"),
    "capex_unit": ("Capex per unit", "单位投资"),
    "contract_structure": ("Contract structure: who pays whom", "合同结构：资金往来"),
    "payer": ("Payer", "付款方"),
    "payee": ("Payee", "收款方"),
    "flow": ("Flow", "款项"),
    "total_nominal": ("Total over the horizon (nominal)", "计算期合计（名义值）"),
    "contract_terms": ("Contract terms", "合同条款"),
    "lease": ("Finance lease", "融资租赁"),
    "lessor_flow_amount": ("Amount financed net of the deposit", "融资额（扣除保证金）"),
    "lessor_flow_rentals": ("Rentals (the last net of the deposit) and handling fee", "租金（末期扣除保证金）及手续费"),
    "lease_type": ("Lease type", "租赁方式"),
    "lease_direct": ("direct lease (直租): VAT 13 % on the full rental", "直租：租金全额按13%缴纳增值税"),
    "lease_sale_leaseback": ("sale and leaseback (售后回租): VAT 6 % on the interest part",
                             "售后回租：租金中的利息部分按6%缴纳增值税"),
    "lease_amount": ("Amount financed", "融资额"),
    "lease_rate": ("Lease rate", "租赁利率"),
    "lease_terms": ("Rentals", "租金支付"),
    "lease_terms_value": ("{n} a year, {timing}, {repayment}", "共{n}期，每年一期，{timing}，{repayment}"),
    "lease_arrears": ("in arrears", "期末支付"),
    "lease_advance": ("in advance", "期初支付"),
    "lease_deposit": ("Deposit, offset against the last rental", "保证金（抵扣末期租金）"),
    "lease_fee": ("Handling fee", "手续费"),
    "lease_purchase": ("Purchase option, paid with the last rental", "留购价（随末期租金支付）"),
    "lease_lessor_irr": ("Lessor's IRR", "出租人内部收益率"),
    "lease_lessor_npv": ("Lessor's NPV at {rate}", "出租人净现值（折现率{rate}）"),
    "lease_rental": ("Rental", "租金"),
    "lease_balance": ("Principal outstanding", "未偿本金"),
    "lease_deposit_flow": ("Deposit (withheld + / offset −)", "保证金（收取+/抵扣−）"),
    "lease_lessor_vat": ("Lessor's VAT", "出租人增值税"),
    "lease_lessor_cf": ("Lessor's cash flow", "出租人现金流"),
    "lease_note": ("The rentals count as debt service in the DSCR and the national 偿债备付率; the lease is a "
                   "liability net of the deposit on the balance sheet (docs/contracts.md).",
                   "租金计入偿债覆盖率及偿债备付率的还本付息额；资产负债表中租赁负债按扣除保证金后的净额列示。"),
    "price_schedule": ("Contract price schedule (per kWh delivered)", "合同单价及结算（按供能量）"),
    "ps_tariff": ("Host's grid tariff", "用户电网电价"),
    "ps_indexed": ("Contract price before floor and cap", "调价后合同单价（未计保底封顶）"),
    "ps_price": ("Contract price", "合同结算单价"),
    "ps_delivered": ("Energy priced", "结算供能量"),
    "ps_shortfall": ("Take-or-pay shortfall", "照付不议差额电量"),
    "ps_top_payment": ("Take-or-pay payment", "照付不议差额付费"),
    "u_price_kwh": ("{cur}/kWh", "{cur}/千瓦时"),
    "ps_rule": ("{price} {cur}/kWh in {year}, escalating {rule}; floor {floor}, cap {cap}; take-or-pay "
                "{top} MWh a contract year.",
                "{year}年单价{price}{cur}/千瓦时，{rule}；保底价{floor}，封顶价{cap}；每合同年照付不议电量{top}兆瓦时。"),
    "ps_rule_fixed": ("at a fixed {rate} a year", "每年按固定比例{rate}调整"),
    "ps_rule_inflation": ("with inflation ({rate} a year)", "随通胀调整（每年{rate}）"),
    "ps_rule_tariff": ("with the grid tariff ({rate} a year, and its path in Monte Carlo)",
                       "随电网电价调整（每年{rate}，蒙特卡洛模拟中随电价路径变动）"),
    "ps_binding": ("Years the floor binds: {floor}; years the cap binds: {cap}.",
                   "保底价生效年份：{floor}；封顶价生效年份：{cap}。"),
    "ps_no_bound": ("none", "无"),
    "cost_split": ("Cost split", "费用分摊"),
    "cost_item": ("Cost", "费用"),
    "cs_capex": ("Initial capex", "建设投资"),
    "cs_opex": ("O&M", "运维费用"),
    "cs_overrun": ("Capex overrun", "投资超支"),
    "timeline": ("Timeline", "项目时间轴"),
    "phase": ("Phase", "阶段"),
    "from": ("From", "起"),
    "to": ("To", "止"),
    "ph_construction": ("Construction period", "建设期"),
    "ph_operation": ("Operation period", "运营期"),
    "ph_contract": ("Contract term", "合同期"),
    "ph_loan": ("Loan {tranche} (tenor)", "贷款 {tranche}（贷款期限）"),
    "ph_grace": ("Loan {tranche} (grace, interest only)", "贷款 {tranche}（宽限期，只付息）"),
    "baseline": ("Park energy baseline (per year, before the measures)", "园区能源消费基准（每年，实施措施前）"),
    "carrier": ("Carrier", "能源品种"),
    "quantity": ("Quantity", "数量"),
    # assumptions
    "assumptions_intro": ("Every resolved input of the case with its unit and source; rows marked * were "
                          "overridden in the case file. Sources are quoted as given in the libraries.",
                          "本案例全部取值后的输入参数及其单位与来源；标 * 的行在案例文件中被覆盖。来源按数据库原文引用。"),
    "field": ("Field", "参数"),
    "source": ("Source", "来源"),
    "overridden": ("Overridden", "是否覆盖"),
    "flags": ("Plausibility flags (payback or IRR outside the technology's typical range)",
              "合理性提示（回收期或内部收益率超出该技术典型范围）"),
    "flags_none": ("No asset's stand-alone payback or IRR is outside its technology's typical range.",
                   "各项资产的单项回收期和内部收益率均在其技术典型范围内。"),
    "typical_range": ("Typical range", "典型范围"),
    "flag_msg_irr": ("{asset}: stand-alone project IRR {value} vs typical {lo}–{hi}",
                     "{asset}：单项资产项目内部收益率 {value}，典型范围 {lo}–{hi}"),
    "flag_msg_payback": ("{asset}: stand-alone payback {value} years vs typical {lo}–{hi} years",
                         "{asset}：单项资产回收期 {value} 年，典型范围 {lo}–{hi} 年"),
    "flag_msg_payback_none": ("{asset}: payback not reached vs typical {lo}–{hi} years",
                              "{asset}：计算期内未能回收投资，典型回收期 {lo}–{hi} 年"),
    "flag_hint_high": ("returns look high: check the tariff and yield", "收益偏高：请核实电价和发电量"),
    "flag_hint_low": ("returns look low: check the tariff and capex", "收益偏低：请核实电价和投资"),
    "flag_cit_holiday": ("Income tax holiday", "所得税三免三减半"),
    "flag_msg_cit_holiday": ("{asset}: the case claims the income tax holiday (三免三减半), but no rule grants it to this "
                             "asset: not applied (the reason is the source of its holiday in the assumptions)",
                             "{asset}：案例申请了所得税三免三减半，但无规定对该资产给予减免，未予适用（原因见基础数据中该项的来源）"),
    "flag_book_life": ("Depreciation life", "折旧年限"),
    "flag_msg_book_life": ("{asset}: depreciation life {value} years, below the minimum tax life of {lo} years "
                           "(企业所得税法实施条例 第60条): depreciation for tax is too fast",
                           "{asset}：折旧年限{value}年，低于税法规定的最低折旧年限{lo}年（企业所得税法实施条例第60条），税前折旧过快"),
    # financial
    "party_returns": ("Returns by party", "各方收益"),
    "role": ("Role", "角色"),
    "pf_indicators": ("Project-finance indicators", "项目融资指标"),
    "yearly_cf": ("Yearly cash flow", "逐年现金流量"),
    "yearly_cf_note": ("Amounts in {unit}; year 0 is the first construction year. Flows are nominal and at period "
                       "end.",
                       "金额单位：{unit}；第0年为建设期第一年。现金流为名义值，按期末计。"),
    "yearly_condensed": ("Years after the tenth operation year are grouped (sums; DSCR shows the minimum of the "
                         "group).",
                         "运营期第10年以后按组合并（金额为合计，偿债覆盖率为组内最小值）。"),
    "party_cf": ("Cash flow by party", "各方现金流"),
    "year": ("Year", "年份"),
    "total": ("Total", "合计"),
    "revenue": ("Revenue", "营业收入"),
    "opex": ("Opex", "经营成本"),
    "capex": ("Capex", "投资"),
    "tax": ("Taxes", "税费"),
    "cfads": ("CFADS", "可用于偿债的现金流"),
    "debt_service": ("Debt service", "还本付息"),
    "dscr": ("DSCR (lenders')", "偿债覆盖率（贷款人口径）"),
    "equity_cf": ("Equity cash flow", "资本金现金流"),
    "chart_cf_stack": ("Owner's cash flow by line", "投资方现金流构成"),
    "host_savings": ("Host savings", "用户节省占比"),
    "cumulative": ("cumulative", "累计"),
    "ind_project_irr_pre_tax": ("Project IRR before income tax", "项目内部收益率（所得税前）"),
    "ind_project_irr_after_tax": ("Project IRR after the income tax paid", "项目内部收益率（按实际缴纳所得税）"),
    "ind_equity_irr": ("Equity IRR (cash distributed under the loan's waterfall)", "股东内部收益率（按贷款协议现金流分配）"),
    "ind_npv": ("Project NPV after the income tax paid", "项目净现值（按实际缴纳所得税）"),
    "ind_payback_years": ("Static payback (from construction start)", "静态投资回收期（自建设期开始）"),
    "ind_discounted_payback_years": ("Dynamic payback (from construction start)", "动态投资回收期（自建设期开始）"),
    "ind_roi": ("Return on total investment (ROI)", "总投资收益率（ROI）"),
    "ind_roe": ("Return on equity capital (ROE)", "项目资本金净利润率（ROE）"),
    "ind_min_icr": ("Minimum interest cover ratio (ICR)", "最低利息备付率（ICR）"),
    "ind_avg_dscr": ("Average DSCR (lenders')", "平均偿债覆盖率（贷款人口径）"),
    "ind_llcr": ("LLCR (at the end of construction)", "贷款期偿债覆盖率（LLCR，建设期末）"),
    "ind_plcr": ("PLCR (at the end of construction)", "项目期偿债覆盖率（PLCR，建设期末）"),
    "at_rate": ("at {rate}", "折现率 {rate}"),
    "returns": ("Returns (project finance: income tax as paid, equity on the lenders' waterfall)",
                "收益指标（项目融资口径：实际所得税，资本金按贷款人现金流分配）"),
    # the national method (section and summary)
    "nat_intro": ("Indicators by the definitions of 建设项目经济评价方法与参数 (3rd ed.), read off the statements in "
                  "the appendix: benchmark rate i_c {ic}; flows at year ends, discounted to the start of the first "
                  "construction year; the break-even point in {year}, the first year every asset operates.  They "
                  "differ from the lenders' ratios on CFADS in the financial section, which stay as they are.",
                  "以下指标按《建设项目经济评价方法与参数》（第三版）的定义计算，取自附录各报表：基准收益率为{ic}；现金流按年末计，"
                  "折现至建设期第一年年初；盈亏平衡点取{year}年（各项资产全部投运的第一年）。这些指标与前文贷款人口径的偿债覆盖率"
                  "（以可用于偿债的现金流计）定义不同，二者并列。"),
    "nat_indicators": ("Indicators against their benchmarks", "评价指标与基准对照"),
    "benchmark": ("Benchmark", "基准"),
    "judgement": ("Verdict", "判断"),
    "definition": ("Definition", "定义"),
    "nat_firr_pre_tax": ("Project FIRR before income tax", "项目投资财务内部收益率（所得税前）"),
    "nat_firr_after_tax": ("Project FIRR after adjusted income tax", "项目投资财务内部收益率（所得税后）"),
    "nat_fnpv_pre_tax": ("Project FNPV before income tax", "项目投资财务净现值（所得税前）"),
    "nat_fnpv_after_tax": ("Project FNPV after adjusted income tax", "项目投资财务净现值（所得税后）"),
    "nat_equity_firr": ("Equity capital FIRR", "项目资本金财务内部收益率"),
    "nat_payback_years": ("Static payback after income tax", "静态投资回收期（所得税后）"),
    "nat_discounted_payback_years": ("Dynamic payback after income tax", "动态投资回收期（所得税后）"),
    "nat_icr_min": ("Interest cover ratio, lowest year", "利息备付率（最低年份）"),
    "nat_dscr_min": ("Debt service cover ratio, lowest year", "偿债备付率（最低年份）"),
    "nat_debt_to_asset_max": ("Debt-to-asset ratio, highest year", "资产负债率（最高年份）"),
    "nat_loan_repayment_years": ("Loan repayment period", "借款偿还期"),
    "nat_break_even_utilisation": ("Break-even point, capacity utilisation", "盈亏平衡点（生产能力利用率）"),
    "nat_break_even_price_ratio": ("Break-even point, price (share of the price)", "盈亏平衡点（价格，占预测价格比例）"),
    "nat_survival": ("Financial survival (cumulative surplus never negative)", "财务生存能力（各年累计盈余资金不小于零）"),
    "def_firr_pre_tax": ("Σ NCF_t (1 + FIRR)^−t = 0, project cash flow before income tax", "项目投资现金流量表所得税前净现金流量"),
    "def_firr_after_tax": ("the same after 调整所得税 = EBIT × rate", "所得税后，调整所得税＝息税前利润×税率"),
    "def_fnpv": ("Σ NCF_t (1 + i_c)^−t, t = 1 … n", "计算期各年净现金流量按基准收益率折现至建设期初的现值之和"),
    "def_equity_firr": ("equity capital cash flow statement; against the owner's hurdle", "项目资本金现金流量表；与投资方基准收益率比较"),
    "def_payback": ("from the start of construction, interpolated", "自建设期开始计算，年内插值"),
    "def_roi": ("operating years' average EBIT / total investment", "运营期平均息税前利润/总投资"),
    "def_roe": ("operating years' average net profit / equity capital", "运营期平均净利润/项目资本金"),
    "def_icr": ("EBIT / interest charged to cost", "息税前利润/当期应付利息"),
    "def_dscr": ("(EBITDA − income tax − maintenance investment) / (term-loan principal due + all interest)",
                 "（息税折旧摊销前利润－所得税－维持运营投资）/当期应还本付息金额"),
    "def_dscr_plain": ("(EBITDA − income tax) / (term-loan principal due + all interest)",
                       "（息税折旧摊销前利润－所得税）/当期应还本付息金额"),
    "def_debt_to_asset": ("total liabilities / total assets; no fixed benchmark", "负债合计/资产合计；无统一基准"),
    "def_repayment": ("for loans repaid from the funds available (最大能力还款法)", "适用于按最大能力还款的借款"),
    "def_bep_utilisation": ("fixed costs / (revenue − variable costs − taxes on sales), {year}",
                            "年固定成本/（年营业收入－年可变成本－年营业税金及附加），{year}年"),
    "def_bep_price": ("(fixed + variable costs + taxes) / revenue, {year}", "（固定成本＋可变成本＋税金及附加）/营业收入，{year}年"),
    "def_survival": ("lowest cumulative surplus of the financial plan cash flow statement",
                     "财务计划现金流量表累计盈余资金最低值"),
    "lowest_in": ("{value} ({year})", "{value}（{year}年）"),
    "sensitivity_table": ("Sensitivity analysis: project FIRR {basis}", "敏感性分析：项目投资财务内部收益率（{basis}）"),
    "basis_pre_tax": ("before income tax", "所得税前"),
    "basis_after_tax": ("after adjusted income tax", "所得税后"),
    "factor": ("Factor", "因素"),
    "saf": ("Sensitivity coefficient at ±10%", "敏感度系数（±10%）"),
    "switching": ("Switching value (FIRR = i_c)", "临界点（内部收益率＝基准收益率）"),
    "sensitivity_note": ("Sensitivity coefficient SAF = (ΔFIRR / FIRR) / (ΔF / F). The switching value is the change "
                         "that brings the FIRR to the benchmark, solved (not interpolated); a rise for the costs, a fall "
                         "for price and output.",
                         "敏感度系数＝内部收益率的变化率/因素的变化率。临界点为使内部收益率等于基准收益率的因素变化率，由求根得出而非插值；"
                         "成本类因素为上升幅度，收益类因素为下降幅度。"),
    "chart_spider": ("Sensitivity: project FIRR against the change of each factor", "敏感性分析图：各因素变化对项目投资财务内部收益率的影响"),
    "change": ("Change", "变化率"),
    "benchmark_rate": ("Benchmark i_c", "基准收益率"),
    "statements_intro": ("The national method's statements by year (附表 1–8); amounts in {unit}, ratios as stated. Each "
                         "is also a sheet of live formulas in the workbook.",
                         "按《建设项目经济评价方法与参数》格式编制的财务评价报表（附表1–8），按年列示；金额单位：{unit}，比率按行注明。"
                         "各表在Excel工作簿中均为可追溯的公式。"),
    "u_money_statement": ("{cur} thousand", "万{cur}"),
    "v_national": ("By the national method: lowest 偿债备付率 {dscr} ({year}) {cmp} the {bench} benchmark; lowest "
                   "利息备付率 {icr} against {ibench}; project FIRR before income tax {firr} against i_c {ic}; {survival}",
                   "按《建设项目经济评价方法与参数》口径：最低偿债备付率{dscr}（{year}年），{cmp}{bench}的基准；最低利息备付率{icr}"
                   "（基准{ibench}）；项目投资财务内部收益率（所得税前）{firr}（基准收益率{ic}）；{survival}"),
    "v_meets": ("meets", "达到"),
    "v_below": ("falls below", "低于"),
    "v_viable": ("the cumulative surplus is never negative (financially viable).",
                 "各年累计盈余资金均不为负，具备财务生存能力。"),
    "v_not_viable": ("the cumulative surplus turns negative in {year}: not financially viable without more funding.",
                     "{year}年累计盈余资金为负，需追加资金，不具备财务生存能力。"),
    "kv_national_dscr": ("Lowest 偿债备付率 (national method)", "最低偿债备付率（国家方法）"),
    "kv_survival": ("Financial survival (national method)", "财务生存能力（国家方法）"),
    "kv_national_dscr_value": ("{value}× ({year}) — benchmark {bench}×: {verdict}", "{value}×（{year}年），基准{bench}×：{verdict}"),
    "viable": ("yes", "满足"),
    "not_viable": ("no", "不满足"),
    # financing
    "sizing": ("Debt sizing", "债务规模测算"),
    "sizing_constraint": ("Binding constraint", "约束条件"),
    "debt_amount": ("Debt amount", "借款金额"),
    "debt_funded_cost": ("Debt-funded cost", "债务融资对应投资"),
    "gearing": ("Gearing", "债务比例"),
    "sculpt_dscr": ("DSCR target used in sizing", "测算采用的目标偿债覆盖率"),
    "tranches": ("Tranches", "贷款分笔"),
    "tranche": ("Tranche", "贷款"),
    "amount": ("Amount", "金额"),
    "repayment": ("Repayment", "还款方式"),
    "tenor": ("Tenor", "期限"),
    "grace": ("Grace", "宽限期"),
    "base_rate": ("Reference rate", "基准利率"),
    "margin": ("Margin", "加点"),
    "rate_y1": ("All-in rate, first operation year", "运营首年综合利率"),
    "schedule": ("Debt schedule and reserves", "还本付息计划与准备金"),
    "drawdown": ("Drawdown", "提款"),
    "interest": ("Interest", "利息"),
    "principal": ("Principal", "本金"),
    "closing_balance": ("Closing balance", "期末余额"),
    "dsra": ("DSRA balance", "偿债准备金余额"),
    "lockup": ("Lock-up", "分红锁定"),
    "covenants": ("Covenants and headroom", "贷款约束条款及余量"),
    "covenant": ("Covenant", "条款"),
    "level": ("Level", "门槛"),
    "headroom": ("Headroom at the minimum DSCR", "最低偿债覆盖率时的余量"),
    "years_breached": ("Years below", "低于门槛的年数"),
    "lockup_dscr": ("Distribution lock-up DSCR", "分红锁定偿债覆盖率"),
    "default_dscr": ("Event-of-default DSCR", "违约偿债覆盖率"),
    "chart_dscr": ("CFADS, debt service and DSCR", "可用于偿债的现金流、还本付息与偿债覆盖率"),
    "no_debt": ("The case has no debt: DSCR, LLCR, PLCR and the debt schedule do not apply.",
                "本案例无债务融资：偿债覆盖率、LLCR、PLCR及还本付息计划不适用。"),
    "sll": ("Sustainability-linked loan (SLL)", "可持续发展挂钩贷款（SLL）"),
    "kpi": ("KPI", "关键绩效指标"),
    "target": ("Target", "目标"),
    "actual": ("Actual", "实际"),
    "sll_margin_path": ("Margin adjustment by year", "逐年利率调整"),
    "margin_adj": ("Margin adjustment", "利率调整"),
    "sll_cap": ("Cap on the adjustment", "调整上限"),
    "interest_saved": ("Interest saved (total)", "节省利息（合计）"),
    "verification_cost": ("Verification cost (total)", "第三方核查费用（合计）"),
    "sll_zero": ("The adjustment is zero in every year.", "各年利率调整均为0。"),
    # carbon
    "energy_by_carrier": ("Energy use by carrier", "分品种能源消费"),
    "carbon_indicators": ("Carbon account and indicators", "碳排放核算与指标"),
    "tco2": ("CO2 emissions", "二氧化碳排放"),
    "tce": ("Energy use (standard coal)", "能源消费量（标准煤）"),
    "intensity": ("Carbon intensity", "单位能耗碳排放"),
    "threshold": ("Threshold", "门槛值"),
    "clean_share": ("Clean-energy share", "清洁能源消费占比"),
    "direct_share": ("Direct green-power share", "绿电直接供应占比"),
    "all_met": ("All met", "全部达标"),
    "chart_intensity": ("Carbon intensity against the threshold", "单位能耗碳排放与门槛值"),
    "chart_shares": ("Clean-energy and direct green-power shares against their thresholds", "清洁能源占比、绿电直供占比与门槛值"),
    "rule_used": ("Carbon accounting rule", "碳核算规则"),
    "coal_eq_used": ("Electricity to standard coal", "电力折标准煤方法"),
    "carbon_intro": ("Park indicators (发改环资〔2025〕910号): unit-energy carbon intensity at most {thr} tCO2/tce, "
                     "clean-energy share at least {clean}, direct green-power share at least {direct}. CO2 only, "
                     "scope 1 and 2 inside the park boundary.",
                     "零碳园区指标（发改环资〔2025〕910号）：单位能耗碳排放不高于{thr} tCO2/tce，清洁能源消费占比不低于{clean}，绿电直接供应占比不低于{direct}。"
                     "仅核算二氧化碳，园区边界内范围一和范围二。"),
    "selected_years": ("Selected years shown; the charts show every year.", "表中列出部分年份，图中为全部年份。"),
    # carbon: the factor basis, the size tier, the reductions, both coal equivalents, green power
    "basis_title": ("Grid factor basis", "电网排放因子口径"),
    "basis_text": ("Grid power the park buys is counted at the {basis} {src}: {ef} tCO2/MWh, {decline} a year "
                   "from {start} ({decline_src}). The grid's non-fossil share counted as clean energy is taken "
                   "from the same factor: 1 − grid factor / fossil-only factor (0.8325 tCO2/MWh, MEE/NBS 2022 "
                   "[S17]) = {nf} in {year}. Emission reductions use the same factor: each asset is credited "
                   "with the grid power and fuel it displaces. Energy is converted to standard coal at the "
                   "{ce}; both equivalents are shown below.",
                   "园区外购电网电力按{basis}{src}计算：{ef} tCO2/MWh，自{start}年起每年下降{decline}（{decline_src}）。"
                   "清洁能源占比中计入的电网非化石能源份额取自同一因子：1－电网因子/化石能源电力因子"
                   "（0.8325 tCO2/MWh，生态环境部、国家统计局2022年 [S17]），{year}年为{nf}。减排量采用同一因子："
                   "每项资产按其替代的电网电力和燃料计算。电力折标准煤采用{ce}，下表同时列出两种折算方法的结果。"),
    "decline_case": ("set in the case file", "案例文件设定"),
    "decline_default": ("finmodel's default, the middle of the −1 to −3 %/yr prior; the national factor fell "
                        "1.1 % from 2022 to 2023 [S17]", "finmodel默认值，取−1%至−3%/年区间的中值；全国因子2022至2023年下降1.1% [S17]"),
    "tier_title": ("Park size and the threshold that applies", "园区规模与适用门槛"),
    "tier_below": ("The park uses {tce} tce in {year}, below the smallest size tier of 发改环资〔2025〕910号 "
                   "(0.2–1 Mtce/yr: at most 0.20 tCO2/tce; from 1 Mtce/yr: at most 0.30). The notice sets no "
                   "threshold for a park of this size.",
                   "园区{year}年综合能源消费量{tce}吨标准煤，低于发改环资〔2025〕910号的最小规模档次"
                   "（20万–100万吨标准煤/年：不高于0.20 tCO2/tce；100万吨及以上：不高于0.30）。该通知未对此规模的园区设定门槛值。"),
    "tier_own": ("The case's own threshold, {thr} tCO2/tce, is used ({src}).", "本案例采用自定门槛值{thr} tCO2/tce（{src}）。"),
    "tier_default": ("The case gives none: finmodel holds the park to the smallest tier's {thr} tCO2/tce, as a "
                     "labelled default, not the notice's requirement.",
                     "案例未设定门槛值：finmodel按最小档次的{thr} tCO2/tce考核，此为标注的默认值，并非通知的要求。"),
    "tier_in": ("The park uses {tce} tce in {year}: in the {tier} tier of 发改环资〔2025〕910号, threshold {thr} tCO2/tce.",
                "园区{year}年综合能源消费量{tce}吨标准煤，属发改环资〔2025〕910号{tier}档次，门槛值{thr} tCO2/tce。"),
    "tier_1": ("0.2–1 Mtce/yr", "20万–100万吨标准煤/年"),
    "tier_2": ("≥ 1 Mtce/yr", "100万吨标准煤/年及以上"),
    "tier_path": ("The case applies {path} instead of the national tiers: {steps}.",
                  "本案例采用{path}代替全国规模档次：{steps}。"),
    "tier_step": ("{thr} from {year}", "{year}年起{thr}"),
    "avoided_title": ("Emission reductions (减排量)", "减排量"),
    "avoided_intro": ("CO2 avoided by each asset against its baseline (the grid power and fuel it displaces), at "
                      "the grid factor above: {total} tCO2 over the horizon, {first} tCO2 in {year}.",
                      "各资产相对其基准（所替代的电网电力和燃料）的二氧化碳减排量，按上述电网因子计算：计算期合计{total} tCO2，"
                      "{year}年{first} tCO2。"),
    "avoided_sold": ("Exported green power whose certificates are sold ({mwh} MWh over the horizon) is not "
                     "claimed: the buyer of the certificates claims it.",
                     "已出售绿证的上网绿电（计算期合计{mwh} MWh）不计入减排量，由绿证买方计入。"),
    "avoided_residual": ("Exported green power whose attributes are not sold ({mwh} MWh) stays in the grid's "
                         "residual mix and is not claimed either.",
                         "未出售环境属性的上网绿电（{mwh} MWh）留在电网剩余电力组合中，亦不计入。"),
    "avoided_bases": ("The same reductions on each published basis, {year}: {items}.",
                      "同一减排量按各发布口径计算（{year}年）：{items}。"),
    "avoided_basis_item": ("{basis} {ef} tCO2/MWh: {t} tCO2", "{basis}{ef} tCO2/MWh：{t} tCO2"),
    "avoided_claim": ("The case sets this against a claimed {claim} tCO2/yr ({src}). That claim needs {implied} tCO2 "
                      "per MWh of the {mwh} MWh of grid power the assets displace in {year}, more than the factor "
                      "used here ({ef}) and than the national average ({national}): it counts the displaced power "
                      "as mostly coal-fired (the fossil-only factor is 0.8325 [S17]) or rests on an older, higher "
                      "factor, not on the MEE/NBS factor of the grid the park buys from.",
                      "本案例将上述结果与所称的每年{claim} tCO2减排量（{src}）对照。该数值意味着{year}年各资产替代的{mwh} MWh"
                      "电网电量每兆瓦时减排{implied} tCO2，高于此处采用的因子（{ef}）及全国平均因子（{national}）："
                      "它把被替代的电力基本视为煤电（化石能源电力因子为0.8325 [S17]），或依据较早、较高的因子，"
                      "而非园区购电所在电网的生态环境部、国家统计局因子。"),
    "avoided_claim_lower": ("The case sets this against a claimed {claim} tCO2/yr ({src}), which needs {implied} "
                            "tCO2 per MWh of the {mwh} MWh displaced in {year}; the factor used here is {ef}.",
                            "本案例将上述结果与所称的每年{claim} tCO2减排量（{src}）对照：该数值意味着{year}年替代的{mwh} MWh"
                            "电网电量每兆瓦时减排{implied} tCO2；此处采用的因子为{ef}。"),
    "sum_avoided": ("CO2 avoided, {year}", "{year}年减排量"),
    "sum_avoided_value": ("{first} tCO2 ({total} tCO2 over the horizon; {basis} factor)",
                          "{first} tCO2（计算期合计{total} tCO2；{basis}因子）"),
    "avoided_total_row": ("All assets", "全部资产"),
    "avoided_year": ("{year}", "{year}年"),
    "avoided_life": ("Over the horizon", "计算期合计"),
    "coal_eq_title": ("Both coal equivalents side by side", "两种折标方法对照"),
    "coal_eq_moves": ("The choice of coal equivalent changes whether the intensity or clean-share indicator is "
                      "met in {n} of the years shown.", "折标方法的选择改变了表中{n}个年份的强度或清洁能源占比指标是否达标。"),
    "coal_eq_same": ("The choice of coal equivalent does not change whether any indicator is met.",
                     "折标方法的选择不改变任何指标是否达标。"),
    "intensity_ce": ("Intensity, {ce}", "碳排放强度（{ce}）"),
    "clean_ce": ("Clean share, {ce}", "清洁能源占比（{ce}）"),
    "green_title": ("Green power bought", "外购绿电"),
    "green_set": ("The park buys {trade} MWh of green-power trades and {gec} green certificates in {year}, costing "
                  "{cost} {cur}, paid by the {payer}.",
                  "园区{year}年购买绿电交易电量{trade} MWh、绿证{gec}张，费用{cost}{cur}，由{payer}支付。"),
    "green_solved": ("Quantity solved as the least that meets {kpi} of {target} in every year from {from_year}{cap}.",
                     "购买量按自{from_year}年起每年满足{kpi}{target}所需的最少量求解{cap}。"),
    "green_cap": (", capped at {cap} MWh a year available", "，每年可得量上限{cap} MWh"),
    "green_none": ("The park buys no green-power trades or certificates.", "园区未购买绿电交易电量或绿证。"),
    "green_price": ("Premium {premium} {cur}/kWh for trades, {gec} {cur} per certificate (market library, with their "
                    "Monte Carlo priors [S13][S14]).", "绿电交易环境溢价{premium}{cur}/kWh，绿证{gec}{cur}/张（市场数据库，含蒙特卡洛先验分布 [S13][S14]）。"),
    # economic cost-benefit analysis
    "s_economic": ("Economic cost-benefit analysis", "经济费用效益分析"),
    "e_intro": ("The project valued from society's side by the national method (建设项目经济评价方法与参数, "
                "3rd ed. [N19][N20]): all parties together, before financing, in constant {year} prices, discounted "
                "at the social discount rate of {rate}. Transfers are removed: VAT in every price, surcharges and "
                "income tax, loan interest and fees, payments between the parties, ETS allowances saved and the "
                "green power bought. Imported equipment ({imported} of the capex) is valued at the shadow exchange "
                "rate (× {ser}). Indirect benefits: the CO2 the assets avoid (as in the carbon section) at {value}; "
                "SO2, NOx and particulates from the coal power and gas they displace, at the environmental "
                "protection tax per pollution equivalent [N34] — a floor for the damage, not an estimate of it.",
                "按国家方法（《建设项目经济评价方法与参数》第三版 [N19][N20]）从全社会角度评价本项目：各参与方合并、融资前、"
                "按{year}年不变价计算，以社会折现率{rate}折现。剔除转移支付：各项价格中的增值税、附加税与所得税、借款利息与费用、"
                "参与方之间的支付、节省的碳配额及外购绿电费用。进口设备（占投资{imported}）按影子汇率（×{ser}）计价。"
                "间接效益：各资产的二氧化碳减排量（同碳排放章节）按{value}计价；替代煤电和天然气所减少的二氧化硫、"
                "氮氧化物和颗粒物按环境保护税每污染当量税额计价 [N34]，该值为损害的下限而非估计值。"),
    "e_value_cea": ("the national ETS allowance (CEA) price path — a lower bound, as the method sets no shadow price "
                    "of carbon [S11]", "全国碳市场配额（CEA）价格路径——因方法未规定碳影子价格，该值为下限 [S11]"),
    "e_value_case": ("the case's carbon value ({src})", "案例设定的碳价值（{src}）"),
    "e_eirr": ("Economic internal rate of return (EIRR)", "经济内部收益率（EIRR）"),
    "e_enpv": ("Economic net present value (ENPV) at {rate}", "经济净现值（ENPV，折现率{rate}）"),
    "e_sdr": ("Social discount rate", "社会折现率"),
    "e_carbon_value": ("Carbon value in {year} (constant prices)", "{year}年碳价值（不变价）"),
    "e_verdict": ("Economic viability", "经济合理性"),
    "e_ok": ("EIRR at or above the social discount rate: economically justified",
             "经济内部收益率不低于社会折现率：经济上合理"),
    "e_not_ok": ("EIRR below the social discount rate (or none): not economically justified on these values",
                 "经济内部收益率低于社会折现率（或无解）：按上述取值经济上不合理"),
    "e_mc": ("{what}, Monte Carlo P10 / P50 / P90", "{what}，蒙特卡洛P10 / P50 / P90"),
    "e_mc_range": ("{p10} / {p50} / {p90}", "{p10} / {p50} / {p90}"),
    "e_flows": ("Economic benefit and cost flows (项目投资经济费用效益流量表)", "项目投资经济费用效益流量表"),
    "e_direct": ("1.1 Direct benefits", "1.1 直接效益"),
    "e_residual": ("1.2 Residual value", "1.2 资产余值回收"),
    "e_co2": ("1.3 CO2 avoided", "1.3 减排二氧化碳"),
    "e_air": ("1.3 Air pollutants avoided", "1.3 减少大气污染物"),
    "e_investment": ("2.1 Investment", "2.1 建设投资"),
    "e_replacements": ("2.2 Replacements", "2.2 维持运营投资"),
    "e_operating": ("2.4 Operating costs", "2.4 经营费用"),
    "e_net": ("3 Net benefit", "3 净效益流量"),
    "e_table_note": ("Constant {year} prices, excluding VAT; costs shown as positive amounts.",
                     "按{year}年不变价、不含增值税计；费用以正数列示。"),
    "total_nominal_e": ("Total (undiscounted)", "合计（未折现）"),
    # risk
    "risk_intro": ("{paths} Monte Carlo paths, seed {seed}. Path 0 is the deterministic case.",
                   "蒙特卡洛模拟 {paths} 条路径，随机种子 {seed}。第0条路径为确定性情景。"),
    "percentiles": ("Distribution of results", "结果分布"),
    "mean": ("Mean", "均值"),
    "std": ("Std. dev.", "标准差"),
    "se": ("Std. error", "均值标准误"),
    "probabilities": ("Probabilities", "概率"),
    "event": ("Event", "事件"),
    "probability": ("Probability", "概率"),
    "chart_hist": ("Distribution (histogram) and S-curve", "分布直方图与累积概率曲线"),
    "chart_scurve_only": ("S-curve through the percentiles", "按分位数绘制的累积概率曲线"),
    "chart_scurves": ("S-curves", "累积概率曲线"),
    "chart_tornado": ("Tornado: output range when one input moves from its low to its high value",
                      "龙卷风图：单一输入由低值变为高值时结果的变化范围"),
    "chart_fan": ("Fan charts: percentiles by year over the Monte Carlo paths", "扇形图：各年结果在模拟路径上的分位数"),
    "convergence": ("Convergence", "收敛性"),
    "convergence_note": ("Standard errors of the mean and percentile stability as the number of paths grows.",
                         "随路径数增加，均值标准误及分位数的稳定性。"),
    "p90_note": ("P90 is the value exceeded on 90% of the paths (the 10th percentile); P50 is the median.",
                 "P90为90%路径可达到或超过的数值（即第10百分位数）；P50为中位数。"),
    "input": ("Input", "输入"),
    "undefined_share": ("Paths undefined", "无定义路径占比"),
    "rank_corr": ("Rank correlation", "秩相关系数"),
    "contribution": ("Contribution", "贡献度"),
    "sensitivity": ("Global sensitivity (rank correlation over the paths)", "全局敏感性（各路径秩相关）"),
    "target_se": ("Target standard error", "目标标准误"),
    "reached": ("reached", "已达到"),
    "warnings": ("Warnings", "警告"),
    "low": ("Low", "低值"),
    "high": ("High", "高值"),
    "base": ("Base case", "基准情景"),
    "swing": ("Swing", "摆幅"),
    "cum_prob": ("Cumulative probability", "累积概率"),
    "frequency": ("Share of paths", "路径占比"),
    "n_defined": ("Paths where defined", "有定义的路径数"),
    "pctl": ("{n}th percentile", "第{n}百分位数"),
    "pctl_range": ("{lo}th–{hi}th percentile", "第{lo}–{hi}百分位数"),
    "median": ("median", "中位数"),
    "pctl_note": ("The columns are percentiles over the paths: the lender's P90 (the value exceeded on 90% of the "
                  "paths) is the 10th percentile, P50 the median.",
                  "各列为模拟路径上的百分位数：贷款方所称P90（90%路径可达到或超过的数值）即第10百分位数，P50即中位数。"),
    # probability events
    "ev_zcp": ("Zero-carbon park: {what} {when}", "{zcp}：{when}{what}"),
    "ev_sll_met": ("SLL: {kpi} met at every test", "SLL：{kpi}每次考核均达标"),
    "ev_undefined": ("{metric} undefined", "{metric}无定义"),
    # pricing
    "pricing": ("Price solved for a target", "按目标求解的价格"),
    "dealzone": ("Deal zone", "交易区间"),
    "pr_field": ("Field solved", "求解字段"),
    "pr_targets": ("Targets", "目标"),
    "pr_solved": ("Solved value", "求解结果"),
    "pr_base": ("Value in the case", "案例原值"),
    "pr_interval": ("Feasible interval(s)", "可行区间"),
    "pr_binding": ("Binding target", "约束目标"),
    "pr_runs": ("Paths / seed / evaluations", "路径数／随机种子／试算次数"),
    "pr_at": ("Metrics at the solved value", "求解值下的指标"),
    "pr_trace": ("Iteration trace (bracket search, then Brent's method)", "迭代过程（区间搜索后以Brent法求根）"),
    "pr_ok": ("all met", "全部满足"),
    "pr_prob": ("probability that {cond}", "{cond}的概率"),
    "dz_requirements": ("Requirements", "要求"),
    "dz_cells": ("Cells meeting every requirement", "满足全部要求的格点"),
    "dz_runs": ("Paths / seed", "路径数／随机种子"),
    "dz_axes": ("{y} (rows) × {x} (columns)", "{y}（行）× {x}（列）"),
    "chart_price_fan": ("Price fans: percentiles of the price paths by year", "价格扇形图：各年价格路径的分位数"),
    # method
    "conventions": ("Conventions", "计算约定"),
    "audit": ("Audit trail", "审计信息"),
    "version": ("finmodel version", "finmodel 版本"),
    "input_hash": ("Input hash (SHA-256)", "输入哈希（SHA-256）"),
    "seed": ("Random seed", "随机种子"),
    "paths": ("Paths", "路径数"),
    "timestamp": ("Computed at (UTC)", "计算时间（UTC）"),
    "checks": ("Model checks", "模型校验"),
    "check": ("Check", "校验项"),
    "ok": ("passed", "通过"),
    "failed": ("FAILED", "未通过"),
    "disclaimer_title": ("Disclaimer", "免责声明"),
    "disclaimer": ("This report is generated by a model from the inputs listed in section 3. The results are "
                   "estimates that depend on those inputs and on the conventions stated above; they are not a "
                   "forecast, an offer or investment advice. Figures flagged as estimates (E) or not confirmed "
                   "against the primary text (R) in the sources should be verified before a decision. The Excel "
                   "workbook produced with this report contains the same deterministic model as live formulas for "
                   "audit.",
                   "本报告由模型根据第3节所列输入参数自动生成。结果为估算值，取决于这些输入及上述计算约定，不构成预测、要约或投资建议。来源中标注为估计值（E）或未经原文核实（R）的数据，应在决策前核实。"
                   "与本报告同时生成的Excel工作簿以可追溯的公式形式包含同一确定性模型，供审计使用。"),
    # verdict
    "v_owner_irr_ok": ("{party} equity IRR {irr} clears its {hurdle} hurdle; NPV at the hurdle is {npv} {cur}.",
                       "{party}资本金内部收益率 {irr}，高于其 {hurdle} 的基准收益率；按基准收益率计算的净现值为 {npv} {cur}。"),
    "v_owner_irr_low": ("{party} equity IRR {irr} falls short of its {hurdle} hurdle; NPV at the hurdle is {npv} "
                        "{cur}.",
                        "{party}资本金内部收益率 {irr}，低于其 {hurdle} 的基准收益率；按基准收益率计算的净现值为 {npv} {cur}。"),
    "v_owner_irr_none": ("{party} equity IRR is undefined ({reason}); NPV at the hurdle is {npv} {cur}.",
                         "{party}资本金内部收益率无定义（{reason}）；按基准收益率计算的净现值为 {npv} {cur}。"),
    "v_party_npv_pos": ("{party} gains: NPV {npv} {cur} at {rate}{share}.",
                        "{party}获益：按 {rate} 折现的净现值为 {npv} {cur}{share}。"),
    "v_party_npv_neg": ("{party} loses: NPV {npv} {cur} at {rate}{share}.",
                        "{party}受损：按 {rate} 折现的净现值为 {npv} {cur}{share}。"),
    "v_share": (", savings of {share} of its baseline energy bill", "，节省其基准能源费用的 {share}"),
    "v_dscr_ok": ("Minimum lenders' DSCR {dscr}× ({year}) is above the {lockup}× lock-up (headroom {headroom}×).",
                  "最低偿债覆盖率（贷款人口径） {dscr} 倍（{year}年），高于 {lockup} 倍的分红锁定线（余量 {headroom} 倍）。"),
    "v_dscr_lock": ("Minimum lenders' DSCR {dscr}× ({year}) is below the {lockup}× lock-up in {n} year(s).",
                    "最低偿债覆盖率（贷款人口径） {dscr} 倍（{year}年），有 {n} 年低于 {lockup} 倍的分红锁定线。"),
    "v_dscr_default": ("Minimum lenders' DSCR {dscr}× ({year}) is below the {default}× default level.",
                       "最低偿债覆盖率（贷款人口径） {dscr} 倍（{year}年），低于 {default} 倍的违约线。"),
    "v_no_debt": ("The project is financed without debt.", "本项目无债务融资。"),
    "v_mc": ("Across {paths} paths: {metric} {p50} at P50 and {p90} at P90 (exceeded on 90% of paths).",
             "在 {paths} 条模拟路径中，{metric} 的P50为 {p50}，P90（90%路径可达到）为 {p90}。"),
    "v_breach": ("Probability of a lock-up breach: {p}.", "触发分红锁定的概率为 {p}。"),
    "v_zcp_met": ("The park meets all three zero-carbon park indicators from {year}.", "园区自{year}年起满足全部三项零碳园区指标。"),
    "v_zcp_not": ("The park does not meet the zero-carbon park indicators: carbon intensity {int} tCO2/tce in "
                  "{year} against {thr}; clean-energy share {clean} against {tclean}; direct green-power share "
                  "{direct} against {tdirect}.",
                  "园区未达到零碳园区指标：{year}年单位能耗碳排放 {int} tCO2/tce（门槛 {thr}）；清洁能源消费占比 {clean}（门槛 {tclean}）；绿电直接供应占比 "
                  "{direct}（门槛 {tdirect}）。"),
    "v_flags": ("{n} assumption flag(s): see section 3.", "共有 {n} 项假设合理性提示，详见第3节。"),
    "v_price": ("Recommended price: {price}.", "建议价格：{price}。"),
    "owner": ("owner", "投资方"),
    "lenders_flow_draw": ("Loan drawdowns", "贷款提款"),
    "lenders_flow_service": ("Debt service (interest and principal)", "还本付息（利息与本金）"),
    "tax_flow": ("VAT, surcharges and income tax", "增值税、附加税及企业所得税"),
    "contrib_flow": ("Cost-split contribution ({party})", "费用分摊款（{party}）"),
    "yes_mark": ("*", "*"),
    # workbook
    "key": ("Key", "代码"),
    "label": ("Line", "项目"),
    "period": ("Period index", "期序"),
    "tolerance": ("Tolerance", "容差"),
    "date": ("Date", "日期"),
    "hash": ("Input hash", "输入哈希"),
    "cover_note": ("Inputs are blue on yellow; every other number is a formula. Sheets share one time axis "
                   "(columns F onward).", "蓝字黄底为输入，其余数字均为公式。各计算表共用同一时间轴（F列起）。"),
    "solved": ("Debt sizing values are solved by finmodel and entered as inputs; the checks prove the solve.",
               "债务规模相关数值由finmodel求解后作为输入录入，校验表验证其结果。"),
    "mc_values_note": ("Values from the Monte Carlo run (path 0 = base case; statistics over paths 1..N-1).",
                       "蒙特卡洛模拟结果（路径0为基准情景；统计量基于路径1至N-1）。"),
    "histogram": ("Histogram", "分布直方图"),
    "bin_low": ("Bin from", "区间下限"),
    "bin_high": ("Bin to", "区间上限"),
    "input_p10": ("Input at its 10th percentile", "输入取第10百分位数"),
    "input_p90": ("Input at its 90th percentile", "输入取第90百分位数"),
    "metric_p10": ("Metric, input at its 10th percentile", "输入取第10百分位数时的指标"),
    "metric_p90": ("Metric, input at its 90th percentile", "输入取第90百分位数时的指标"),
    "variance_share": ("Share of variance", "方差贡献"),
    "trial": ("Trial", "试算"),
    "trial_value": ("x", "取值"),
    "all_targets_met": ("All targets met", "满足全部目标"),
    "requirements_met": ("Requirements met", "满足要求数"),
    "tornado": ("Tornado", "龙卷风图"),
    # the portfolio screen (finmodel screen): its PDF, workbook and charts
    "sc_title": ('Portfolio screening', '项目组合筛选'),
    "sc_kicker": ('Zero-carbon industrial parks — portfolio screening', '零碳园区——项目组合筛选'),
    "sc_meta": ('{n} parks · {paths:,} Monte Carlo paths each · seed {seed} · {ok} appraised, {failed} failed', '共 {n} 个园区 · 每个 {paths:,} 条蒙特卡洛路径 · 随机种子 {seed} · 完成 {ok} 个，失败 {failed} 个'),
    "sc_s_league": ('League table', '排名表'),
    "sc_s_risk": ('Risk and return', '风险与收益'),
    "sc_s_map": ('Zero-carbon park indicators by province', '分省零碳园区指标'),
    "sc_s_failed": ('Cases that failed', '计算失败的案例'),
    "sc_s_method": ('Method', '方法说明'),
    "sc_rank": ('#', '排名'),
    "sc_park": ('Park', '园区'),
    "sc_region": ('Province / region', '省份/区域'),
    "sc_irr_p50": ('Equity IRR P50', '权益IRR P50'),
    "sc_irr_p90": ('Equity IRR P90', '权益IRR P90'),
    "sc_npv_p50": ('Project NPV P50', '项目NPV P50'),
    "sc_dscr_p90": ('Min DSCR P90', '最低DSCR P90'),
    "sc_breach": ('P(covenant breach)', '违约概率(锁定)'),
    "sc_zcp_first": ('ZCP first year', '首次达标年'),
    "sc_zcp_by": ('Met by target year', '目标年前达标'),
    "sc_zcp_p": ('P(met in target year)', '目标年达标概率'),
    "sc_payback_flags": ('Payback flags', '回收期提示'),
    "sc_message": ('Error', '错误'),
    "sc_parks": ('Parks', '园区数'),
    "sc_failed": ('Failed', '失败'),
    "sc_mean_p": ('Mean P(met in target year)', '目标年平均达标概率'),
    "sc_ok": ('ok', '完成'),
    "sc_no_debt": ('no debt', '无债务'),
    "sc_scatter_caption": ('P50 owner equity IRR (bar: P90 to P10 percentile range) against the probability that the minimum DSCR falls below the lock-up covenant; numbers are ranks; green: every zero-carbon park indicator met by the target year (base case)', '业主权益IRR中位数（P50；竖线为P90至P10分位区间）与最低偿债覆盖率低于锁定条款的概率；数字为排名；绿色：基准情形下目标年前满足全部零碳园区指标'),
    "sc_map_caption": ('Parks per province or market region and how many meet every zero-carbon park indicator by the target year (base case)', '各省份或市场区域的园区数量及其中在目标年前满足全部零碳园区指标的数量（基准情形）'),
    "sc_x_breach": ('Probability of covenant breach', '违反锁定条款的概率'),
    "sc_y_irr": ('Owner equity IRR, P50', '业主权益IRR（P50）'),
    "sc_ranking": ('Ranking: by P90 owner equity IRR, highest first; ties (and undefined P90 IRRs, ranked after the others) by the lower probability of covenant breach (minimum DSCR below the lock-up covenant; none without debt), then by name. Failed cases are listed last without a rank.', '排名规则：按业主权益IRR的P90值从高到低；相同者（以及P90未定义者，排在其后）按违反锁定条款的概率从低到高（无债务者为零），再按名称。计算失败的案例列于最后，不参与排名。'),
    "sc_levels": ("P50 and P90 are over the random Monte Carlo paths (path 0 is the deterministic case). P90 is the value reached or exceeded on 90% of the paths (the 10th percentile), as lenders read it. Each park's numbers equal a single appraisal of the case with the same paths and seed.", 'P50与P90基于蒙特卡洛随机路径（路径0为确定性情形）。P90为90%的路径达到或超过的数值（即第10百分位），与贷款方的理解一致。每个园区的结果与以相同路径数和随机种子单独评估该案例的结果完全相同。'),
    "sc_indicators": ('Zero-carbon park (ZCP) indicators: carbon intensity, clean-energy share and direct green-power share all met; first year = first calendar year all are met in the base case.', '零碳园区指标：碳排放强度、清洁能源占比、绿电直供占比均达标；首次达标年为基准情形下全部指标首次达标的年份。'),
    "sc_cluster": ('Computed on: {cluster}; finmodel {version}.', '计算资源：{cluster}；finmodel {version}。'),
    "sc_no_failed": ('None.', '无。'),
    # energy from hours (the workbook's hourly sheet and the report's energy section)
    "s_energy": ("Energy from hours (dispatch)", "逐时能量平衡（调度）"),
    "en_intro": ("The park's load, PV and battery hour by hour over one year, dispatched by the method {method} "
                 "against the time-of-use tariff and the monthly demand charge; the shares below replace typed "
                 "assumptions in the annual model.",
                 "园区负荷、光伏与储能全年逐时模拟，按{method}方法依据分时电价和月度需量电费调度；下列比例取代年度模型中的手填假设。"),
    "en_method_optimal": ("full-year optimisation", "全年优化"), "en_method_rolling": ("48-hour rolling look-ahead", "48小时滚动预测"),
    "en_method_rule": ("valley-charge/peak-discharge rule", "谷充峰放规则"), "en_method_typical_days": ("12 typical days", "12个典型日"),
    "en_month": ("Month", "月份"), "en_day": ("Day of year", "日序"), "en_hour": ("Hour", "小时"),
    "en_period": ("TOU period", "分时时段"), "en_price": ("Energy price", "电度电价"),
    "en_weight": ("Days represented", "代表天数"), "en_load": ("Park load incl. heat pumps, kW", "园区负荷（含热泵），kW"),
    "en_pv": ("PV output, kW", "光伏出力，kW"), "en_pv_used": ("PV used in the park, kW", "光伏园区自用，kW"),
    "en_pv_used_nb": ("PV used without the battery, kW", "无储能时光伏自用，kW"),
    "en_charge": ("Battery charge, kW", "储能充电，kW"), "en_discharge": ("Battery discharge, kW", "储能放电，kW"),
    "en_soc": ("Battery energy, kWh", "储能电量，kWh"), "en_grid": ("Grid import, kW", "电网购电，kW"),
    "en_grid_mwh": ("Grid import, MWh", "电网购电量，MWh"),
    "en_grid_nb": ("Grid import without the battery, kW", "无储能时电网购电，kW"),
    "en_export": ("Export to the grid, kW", "上网电力，kW"), "en_curtailed": ("PV curtailed, kW", "弃光，kW"),
    "en_heat_pump": ("Heat-pump power, kW", "热泵用电，kW"),
    "en_valley": ("valley", "谷"), "en_flat": ("flat", "平"), "en_peak": ("peak", "峰"), "en_critical": ("critical peak", "尖峰"),
    "en_annual": ("The year from the hours (formulas over the columns)", "由逐时数据汇总的年度结果（公式）"),
    "en_pv_mwh": ("PV generation, MWh", "光伏发电量，MWh"), "en_pv_used_mwh": ("PV used in the park, MWh", "光伏园区自用电量，MWh"),
    "en_self_share": ("PV self-consumption share", "光伏自用比例"), "en_curtailed_share": ("PV curtailed share", "光伏弃电比例"),
    "en_discharge_mwh": ("Battery discharge, MWh", "储能放电量，MWh"), "en_usable": ("Battery usable energy, kWh", "储能可用容量，kWh"),
    "en_power": ("Battery power, kW", "储能功率，kW"), "en_cycles": ("Battery equivalent full cycles", "储能等效满充放次数"),
    "en_valley_price": ("Valley price the dispatch ran on", "调度所用谷段电价"),
    "en_spread": ("Peak-valley spread the dispatch ran on", "调度所用峰谷价差"),
    "en_k_spread": ("Battery: spread-weighted grid saving per kWh discharged", "储能：每放电千瓦时的价差加权购电节省"),
    "en_k_valley": ("Battery: grid saving per kWh discharged", "储能：每放电千瓦时的购电节省"),
    "en_k_pv": ("Battery: PV moved into the park per kWh discharged", "储能：每放电千瓦时转移的光伏自用电量"),
    "en_peak_nb": ("Maximum demand without the battery, kW", "无储能时最大需量，kW"),
    "en_peak_after": ("Maximum demand as dispatched, kW", "调度后最大需量，kW"),
    "en_peak_before": ("Maximum demand without PV and battery, kW", "无光伏和储能时最大需量，kW"),
    "en_demand_share": ("Battery's cut of the monthly peak, share of its power", "储能削减月最大需量占其功率比例"),
    "en_replacement": ("Battery replacement year (ageing)", "储能更换年份（老化）"),
    "en_balance": ("Monthly energy balance, MWh", "月度电量平衡，MWh"),
    "en_demand": ("Monthly maximum demand, kW", "月度最大需量，kW"),
    "en_summer_day": ("Typical summer day (July)", "典型夏季日（7月）"),
    "en_winter_day": ("Typical winter day (January)", "典型冬季日（1月）"),
    "en_kw": ("kW", "千瓦"), "en_mwh": ("MWh", "兆瓦时"), "en_pv_gen": ("PV generation", "光伏发电"),
    "en_peak_before_short": ("Max demand without PV and battery", "无光伏储能时最大需量"),
    "en_peak_after_short": ("Max demand as dispatched", "调度后最大需量"),
    "en_grid_import": ("Grid import", "电网购电"), "en_pv_direct": ("PV used", "光伏自用"),
    "en_battery_out": ("Battery discharge", "储能放电"), "en_battery_in": ("Battery charge", "储能充电"),
    "en_load_line": ("Load", "负荷"), "en_exported": ("Export", "上网"),
    "en_summary_rows": ("PV self-consumption {share}; exported {export} MWh; green direct share {green}; battery "
                        "{cycles} equivalent full cycles, arbitrage {arb} and demand-charge saving {dem} a year; "
                        "battery replacement in year {rep}.",
                        "光伏自用比例{share}；上网电量{export}兆瓦时；绿电直供比例{green}；储能等效满充放{cycles}次，"
                        "年套利收益{arb}，年需量电费节省{dem}；储能第{rep}年更换。"),
    "en_typed_note": ("Typed shares kept as overrides are marked in the assumptions list.",
                      "保留的手填比例在假设清单中标为覆盖值。"),
    # measurement and verification (finmodel mv, and the case's mv block)
    "s_mv": ("Measurement and verification of savings", "节能量测量与验证"),
    "mv_title": ("Measurement and verification report", "节能量测量与验证报告"),
    "mv_subtitle": ("Savings and their uncertainty from meter data (CalTRACK 2.0, ASHRAE Guideline 14)",
                    "基于计量数据的节能量及其不确定度（CalTRACK 2.0、ASHRAE Guideline 14）"),
    "mv_model": ("Baseline model", "基期能耗模型"),
    "mv_fit": ("Goodness of fit (ASHRAE Guideline 14)", "拟合优度（ASHRAE Guideline 14）"),
    "mv_savings": ("Avoided energy and its uncertainty", "节能量及其不确定度"),
    "mv_settlement": ("Settlement by period", "分期结算"),
    "mv_annual": ("A year's savings before reporting data (for pricing and risk)", "报告期数据前一年节能量（用于定价与风险）"),
    "mv_effect": ("What the verified savings do to the appraisal", "经核证节能量对评估结果的影响"),
    "mv_data": ("Data", "数据"),
    "mv_notes": ("Data notes", "数据说明"),
    "mv_kind": ("Model", "模型形式"),
    "mv_form": ("Data form", "数据形式"),
    "mv_interval": ("Readings", "计量间隔"),
    "mv_intercept_only": ("mean (intercept only)", "均值模型（仅截距）"),
    "mv_hdd_only": ("heating change point (HDD)", "采暖变点模型（HDD）"),
    "mv_cdd_only": ("cooling change point (CDD)", "制冷变点模型（CDD）"),
    "mv_hdd_cdd": ("heating and cooling change points (HDD + CDD)", "采暖与制冷变点模型（HDD+CDD）"),
    "mv_daily": ("daily, ordinary least squares", "按日，普通最小二乘"),
    "mv_billing": ("billing periods, least squares weighted by days", "按账单期，按天数加权最小二乘"),
    "mv_heating_bp": ("Heating balance point", "采暖平衡点温度"),
    "mv_cooling_bp": ("Cooling balance point", "制冷平衡点温度"),
    "mv_drivers": ("Drivers", "其他自变量"),
    "mv_coefficient": ("Coefficient", "系数"),
    "mv_estimate": ("Estimate", "估计值"),
    "mv_std_error": ("Standard error", "标准误"),
    "mv_p_value": ("p-value", "p值"),
    "mv_engine": ("Engine (statsmodels)", "计算引擎（statsmodels）"),
    "mv_coef_intercept": ("Base load, kWh/day", "基础负荷，千瓦时/日"),
    "mv_coef_hdd": ("Heating slope, kWh per °C·day", "采暖斜率，千瓦时/（°C·日）"),
    "mv_coef_cdd": ("Cooling slope, kWh per °C·day", "制冷斜率，千瓦时/（°C·日）"),
    "mv_coef_driver": ("{name}, kWh/day per unit", "{name}，千瓦时/日/单位"),
    "mv_cv_rmse": ("CV(RMSE)", "CV(RMSE)"),
    "mv_nmbe": ("NMBE", "NMBE"),
    "mv_r2": ("R²", "R²"),
    "mv_rho": ("Lag-1 autocorrelation of residuals", "残差一阶自相关系数"),
    "mv_n": ("Baseline periods", "基期样本数"),
    "mv_p": ("Parameters (coefficients and balance points)", "参数个数（系数与平衡点）"),
    "mv_n_eff": ("Effective periods n′", "有效样本数n′"),
    "mv_limit": ("Limit", "限值"),
    "mv_result": ("Result", "结果"),
    "mv_meets": ("Meets ASHRAE Guideline 14", "满足ASHRAE Guideline 14"),
    "mv_fsu_68": ("Savings uncertainty at 68 %, share of savings", "68%置信度节能量不确定度（占节能量比例）"),
    "mv_baseline_kwh": ("Adjusted baseline, kWh", "调整后基期能耗，千瓦时"),
    "mv_reporting_kwh": ("Metered use, kWh", "报告期实测能耗，千瓦时"),
    "mv_avoided_kwh": ("Avoided energy, kWh", "节能量，千瓦时"),
    "mv_fraction": ("Savings fraction", "节能率"),
    "mv_u68": ("± at 68 %, kWh", "68%置信度±，千瓦时"),
    "mv_u90": ("± at 90 %, kWh", "90%置信度±，千瓦时"),
    "mv_fsu90": ("Fractional savings uncertainty at 90 %", "90%置信度节能量相对不确定度"),
    "mv_fsu_g14": ("Same, closed form (CalTRACK 4.3.2.4)", "同上，解析近似式（CalTRACK 4.3.2.4）"),
    "mv_period": ("Period", "结算期"),
    "mv_days": ("Days with data", "有效天数"),
    "mv_value": ("Value of savings", "节能效益"),
    "mv_contract_value": ("Verified savings of the contract (all measures)", "合同经核证节能效益（全部措施）"),
    "mv_provider": ("Provider's share", "节能服务公司分享"),
    "mv_host": ("Host keeps", "用能单位保留"),
    "mv_guaranteed": ("Guaranteed, kWh", "保证节能量，千瓦时"),
    "mv_shortfall": ("Shortfall paid by the guarantor", "保证方补偿差额"),
    "mv_annual_baseline": ("Baseline use in a year of the baseline's conditions, kWh", "基期条件下全年基期能耗，千瓦时"),
    "mv_expected": ("Expected savings fraction", "预期节能率"),
    "mv_model_sd": ("Standard deviation from the model's coefficients, kWh/yr (common to every year)",
                    "模型系数引起的标准差，千瓦时/年（各年共同）"),
    "mv_noise_sd": ("Standard deviation from a year's own residuals, kWh/yr (independent by year)",
                    "当年残差引起的标准差，千瓦时/年（各年独立）"),
    "mv_relative_sd": ("Standard deviation of a year's verified savings, share of the expected savings",
                       "一年经核证节能量的标准差（占预期节能量比例）"),
    "mv_expected_case": ("Expected (no reporting data)", "预期（无报告期数据）"),
    "mv_dscr_expected": ("DSCR, expected savings", "偿债备付率（预期节能量）"),
    "mv_dscr_verified": ("DSCR, verified savings", "偿债备付率（经核证节能量）"),
    "mv_verified_case": ("With the verified savings", "采用经核证节能量"),
    "mv_provider_irr": ("Provider IRR", "节能服务公司内部收益率"),
    "mv_min_dscr": ("Minimum DSCR", "最低偿债备付率"),
    "mv_chart_fit": ("Baseline: metered use per day against outdoor temperature, and the model",
                     "基期：日能耗与室外温度关系及模型曲线"),
    "mv_baseline": ("Adjusted baseline", "调整后基期能耗"),
    "mv_chart_resid": ("Baseline residuals (metered − model), kWh per day", "基期残差（实测−模型），千瓦时/日"),
    "mv_chart_compare": ("Adjusted baseline and metered use by settlement period", "各结算期调整后基期能耗与实测能耗"),
    "mv_chart_savings": ("Avoided energy by settlement period with its 90 % interval", "各结算期节能量及其90%置信区间"),
    "mv_temperature": ("Outdoor temperature, °C", "室外温度，°C"),
    "mv_use_per_day": ("kWh per day", "千瓦时/日"),
    "mv_metered": ("Metered", "实测"),
    "mv_model_line": ("Model", "模型"),
    "mv_method": ("Method: baseline model by CalTRACK 2.0 (daily or billing, balance points searched 30–90 °F), statistics by ASHRAE Guideline 14; avoided energy = adjusted baseline − metered use, only on days with metered energy and temperature; its uncertainty from the regression's prediction variance with AR(1) residuals (Guideline 14's autocorrelation adjustment), tested for coverage on synthetic data with known savings. Hourly data are summed to days.",
                  "方法：基期模型采用CalTRACK 2.0（按日或按账单期，平衡点在30–90°F范围内搜索），统计指标采用ASHRAE Guideline 14；节能量=调整后基期能耗−实测能耗，仅计有实测能耗与温度的日期；不确定度按回归预测方差并考虑残差一阶自相关（Guideline 14自相关修正）计算，并以已知节能量的合成数据检验覆盖率。小时数据按日汇总。"),
    "mv_sheet_note": ("Data and the regression as live formulas (LINEST); uncertainty values from finmodel (AR(1) residuals).",
                      "数据与回归为可重算公式（LINEST）；不确定度数值由finmodel计算（残差一阶自回归）。"),
    "mv_first_day": ("First day", "起始日"),
    "mv_days_col": ("Days", "天数"),
    "mv_energy": ("Metered energy, kWh", "实测能耗，千瓦时"),
    "mv_upd": ("Use per day, kWh", "日均能耗，千瓦时"),
    "mv_temp_col": ("Mean temperature, °C", "平均温度，°C"),
    "mv_hdd": ("HDD per day, °C·day", "日均采暖度日，°C·日"),
    "mv_cdd": ("CDD per day, °C·day", "日均制冷度日，°C·日"),
    "mv_fitted": ("Model, kWh/day", "模型值，千瓦时/日"),
    "mv_resid_day": ("Residual, kWh/day", "残差，千瓦时/日"),
    "mv_resid_total": ("Residual, kWh", "残差，千瓦时"),
    "mv_sqrt_days": ("√days (weight)", "√天数（权重）"),
    "mv_weighted": ("× √days: {what}", "×√天数：{what}"),
    "mv_predicted": ("Baseline prediction, kWh", "基期能耗预测，千瓦时"),
    "mv_adjustment": ("Non-routine adjustment, kWh", "非常规调整，千瓦时"),
    "mv_mean_use": ("Mean metered energy per period, kWh", "各期平均实测能耗，千瓦时"),
    "mv_uncertainty_values": ("Uncertainty (values computed by finmodel)", "不确定度（finmodel计算值）"),
    "mv_dof": ("Degrees of freedom of t", "t分布自由度"),
    # the pricing desk (finmodel serve): its pages, forms and messages
    "d_title": ("Pricing desk", "定价工作台"),
    "d_cases": ("Cases", "案例"),
    "d_offer": ("Offer", "报价"),
    "d_solve": ("Solve", "求解"),
    "d_scenarios": ("Scenarios", "方案"),
    "d_language": ("中文", "English"),
    "d_examples": ("Example cases", "示例案例"),
    "d_mine": ("Your cases ({folder})", "您的案例（{folder}）"),
    "d_mine_none": ("No case files in this folder yet: upload one below.", "该文件夹中还没有案例文件，请在下方上传。"),
    "d_open": ("Open", "打开"),
    "d_upload": ("Upload a case file (YAML, at most {kb} kB)", "上传案例文件（YAML，不超过{kb} kB）"),
    "d_upload_button": ("Validate and add", "校验并添加"),
    "d_problems": ("{n} problem(s) in the input", "输入中有{n}处问题"),
    "d_current": ("Case", "当前案例"),
    "d_terms_split": ("Cost split (the owner pays the rest)", "费用分摊（其余由投资方承担）"),
    "d_terms_financing": ("Financing terms", "融资条款"),
    "d_owner_share": ("{party} (the owner): the rest, {share}", "{party}（投资方）：其余部分，{share}"),
    "d_share_of": ("{party}'s share of {what}", "{party}承担的{what}比例"),
    "d_tranche_field": ("{field}, loan {tranche}", "贷款 {tranche}：{field}"),
    "d_bounds": ("from {lo} to {hi}", "范围 {lo}–{hi}"),
    "d_deterministic": ("Deterministic case", "确定性情景"),
    "d_computed_in": ("computed in {ms} ms", "计算用时 {ms} 毫秒"),
    "d_run_mc": ("Run P50/P90", "计算P50/P90"),
    "d_mc_paths": ("Monte Carlo paths", "蒙特卡洛路径数"),
    "d_running": ("Running: {done} of {total} paths", "计算中：已完成 {done}/{total} 条路径"),
    "d_running_trials": ("Running: {n} evaluation(s) done", "计算中：已完成 {n} 次试算"),
    "d_queued": ("Waiting for a worker", "排队等待计算资源"),
    "d_cancel": ("Cancel", "取消"),
    "d_cancelled": ("Cancelled.", "已取消。"),
    "d_timed_out": ("Stopped: the run took longer than the desk's limit of {s} s. Use fewer paths or cells.",
                    "已停止：计算超过了{s}秒的时限。请减少路径数或格点数。"),
    "d_busy": ("The desk is busy ({n} runs queued or running). Try again in a moment.",
               "工作台繁忙（{n}项计算排队或进行中），请稍后再试。"),
    "d_mc_title": ("Monte Carlo: {paths} paths, seed {seed}", "蒙特卡洛模拟：{paths} 条路径，随机种子 {seed}"),
    "d_p90_note": ("P90: reached or bettered on 90% of the paths (the 10th percentile for returns, the 90th for "
                   "payback).", "P90：90%的路径可达到或优于该值（收益类指标取第10百分位，回收期取第90百分位）。"),
    "d_host_savings": ("Host savings (share of its baseline energy bill)", "用能企业节省（占其基准能源费用比例）"),
    "d_first_year_met": ("First year all three are met", "三项指标首次全部达标年份"),
    "d_in_year": ("in {year}", "{year}年"),
    "d_sll_margin": ("SLL margin adjustment", "SLL利率调整"),
    "d_sll_range": ("{lo} to {hi} bp over the years (first operation year {first} bp)",
                    "各年 {lo} 至 {hi} 基点（运营首年 {first} 基点）"),
    "d_no_sll": ("no sustainability-linked loan", "无可持续发展挂钩贷款"),
    "d_field": ("Term to solve", "求解条款"),
    "d_targets": ("Targets (all must hold)", "目标（须全部满足）"),
    "d_add_target": ("Leave a row's metric empty to skip it.", "指标留空的行将被忽略。"),
    "d_level": ("Level", "置信水平"),
    "d_level_det": ("deterministic", "确定性"),
    "d_range": ("Search range (empty: the field's default range)", "搜索范围（留空：该字段默认范围）"),
    "d_dealzone_button": ("Map the deal zone", "绘制交易区间"),
    "d_axis_x": ("Columns (x)", "列（x）"),
    "d_axis_y": ("Rows (y)", "行（y）"),
    "d_steps": ("Steps", "格点数"),
    "d_solve_status": ("Status", "求解状态"),
    "d_status_solved": ("solved", "已求解"),
    "d_status_solved_intervals": ("solved (several feasible intervals)", "已求解（多个可行区间）"),
    "d_status_feasible_everywhere": ("every value in the range meets the targets", "范围内所有取值均满足目标"),
    "d_status_infeasible": ("no value in the range meets every target", "范围内没有同时满足全部目标的取值"),
    "d_best": ("Best reached", "最优可达值"),
    "d_fails": ("fails: {what}", "未满足：{what}"),
    "d_dz_legend": ("Green: every requirement holds. Each other cell names the requirements that fail there.",
                    "绿色：全部要求均满足。其余格点列出未满足的要求。"),
    "d_save": ("Save this offer as", "将当前报价保存为"),
    "d_save_button": ("Save", "保存"),
    "d_saved_none": ("No offers saved yet: save one on the Offer page.", "尚未保存报价：请在报价页面保存。"),
    "d_compare": ("Saved offers side by side (deterministic case)", "已保存报价对比（确定性情景）"),
    "d_delete": ("Delete", "删除"),
    "d_downloads": ("Download for the current terms", "下载当前条款的结果"),
    "d_download_json": ("JSON result", "JSON结果"),
    "d_download_xlsx": ("Workbook (Excel)", "工作簿（Excel）"),
    "d_download_pdf": ("PDF report", "PDF报告"),
    "d_download_yaml": ("Case file with these terms", "含当前条款的案例文件"),
    "d_download_note": ("The JSON equals `finmodel appraise CASE --paths N --seed S --json` on the case file with "
                        "these terms (apart from the time stamp and the output paths).",
                        "该JSON与对含当前条款的案例文件运行 `finmodel appraise CASE --paths N --seed S --json` 的结果相同（时间戳和输出路径除外）。"),
    "d_changed_terms": ("Terms changed from the case file", "相对案例文件修改的条款"),
    "d_no_changes": ("none: the case file's terms", "无：即案例文件的条款"),
    "d_error": ("Something went wrong", "出现错误"),
    "d_error_internal": ("The desk could not finish this request. Nothing was changed; the details are in the "
                         "desk's log.", "工作台未能完成此请求，未做任何更改；详情见工作台日志。"),
    "d_not_found": ("There is no such page or case.", "没有该页面或案例。"),
    "d_forbidden": ("Refused: the request did not come from this desk's own pages (cross-site request "
                    "protection). Reload the page and try again.",
                    "已拒绝：该请求并非来自本工作台页面（跨站请求防护）。请刷新页面后重试。"),
    "d_too_large": ("The file is larger than the desk accepts ({kb} kB).", "文件超过工作台允许的大小（{kb} kB）。"),
    "d_back": ("Back to the cases", "返回案例列表"),
    "d_not_a_number": ("expected a number, got {value!r}", "应为数字，实际为 {value!r}"),
    "d_shares_over": ("the other parties' shares add up to {total}, more than 100%", "其他各方比例合计 {total}，超过100%"),
    "d_outside": ("must be from {lo} to {hi}", "应在 {lo} 至 {hi} 之间"),
    "d_whole": ("must be a whole number", "应为整数"),
    "d_pick_field": ("choose a term to solve", "请选择求解条款"),
    "d_no_targets": ("give at least one target", "请至少给出一个目标"),
}
TERMS["ind_min_dscr"] = TERMS["min_dscr"]  # the indicator table's name for the same (lenders') indicator
# ROI and ROE are on the national method's bases in both tables (sheets/outputs.py)
TERMS["nat_roi"], TERMS["nat_roe"] = TERMS["ind_roi"], TERMS["ind_roe"]
TERMS["item"] = TERMS["label"]  # the statements' first column
# the desk's and the M&V section's names for terms the report already has
TERMS.update(d_park=TERMS["zcp_status"], d_terms_contract=TERMS["contract_terms"], d_tornado_button=TERMS["tornado"],
             d_solve_button=TERMS["d_solve"], mv_mwh=TERMS["en_mwh"], mv_pass=TERMS["ok"], mv_fail=TERMS["failed"],
             d_seed=TERMS["seed"], d_all_hold=TERMS["pr_ok"])

SHEETS: dict[str, tuple[str, str]] = {
    "Cover": ("Cover", "封面"), "Inputs": ("Inputs", "输入"), "Input series": ("Input series", "输入序列"),
    "Timeline": ("Timeline", "时间轴"), "Prices": ("Prices", "价格"), "Assets": ("Assets & energy", "资产与能量"),
    "Carbon": ("Park carbon", "园区碳核算"), "Contract": ("Contract", "合同"), "Tax": ("Tax & P&L", "税费与损益"),
    "Cashflow": ("Cash flow", "现金流量"), "Debt": ("Debt & reserves", "债务与准备金"),
    "Parties": ("Parties", "各方现金流"), "Economic": ("Economic analysis", "经济费用效益分析"), "Metrics": ("Metric workings", "指标计算"), "Outputs": ("Outputs", "输出"),
    "Checks": ("Checks", "校验"), "Monte Carlo": ("Monte Carlo", "蒙特卡洛"), "Sensitivity": ("Sensitivity", "敏感性"),
    "Pricing": ("Pricing", "定价"), "Deal zone": TERMS["dealzone"],
    "Working capital": ("Working capital", "流动资金"),
    # the national method's statements: 附表 n
    **{st.sheet: (f"T{st.number} {st.sheet_en}", f"附表{st.number} {st.zh}") for st in statement_rows.STATEMENTS},
    "Hourly": ("Hourly dispatch", "逐时调度"),
    "M&V baseline": ("M&V baseline", "测量验证-基期"), "M&V model": ("M&V model", "测量验证-模型"),
    "M&V reporting": ("M&V reporting", "测量验证-报告期"),
}

STATEMENTS = {st.key: (f"Table {st.number}: {st.en}", f"附表{st.number} {st.zh}") for st in statement_rows.STATEMENTS}
"""The statements' titles in the report, by their JSON name (statements.<key>)."""

STATEMENT_ROWS = {f"{st}.{r.key}": (r.en, r.zh) for st, rows in statement_rows.ROWS.items() for r in rows}
"""Every statement row's words by ``<statement>.<row key>`` (the JSON's statements.<key>.<row>);
a loan's rows on the debt schedule are ``<loan>_<row>``, the loan's name with the words of
:data:`LOAN_ROW_WORDS` (:func:`statement_row`)."""

LOAN_ROW_WORDS = {key: (en, zh) for key, _, en, zh in statement_rows.LOAN_ROWS}

SENSITIVITY_FACTORS = {
    "investment": ("Construction investment", "建设投资"),
    "price": ("Price", "产品价格"),
    "output": ("Output", "产量"),
    "opex": ("Operating cost", "经营成本"),
}

CONTRACTS = {
    "eaas": ("Energy as a service (EaaS)", "能源即服务（EaaS）"),
    "emc.shared_savings": ("EMC, shared savings", "合同能源管理——节能效益分享型"),
    "emc.guaranteed_savings": ("EMC, guaranteed savings", "合同能源管理——节能量保证型"),
    "emc.energy_cost_trusteeship": ("EMC, energy-cost trusteeship", "合同能源管理——能源费用托管型"),
    "ies": ("Integrated energy services (IES)", "综合能源服务"),
    "emc.finance_lease": ("EMC, finance lease", "合同能源管理——融资租赁型"),
    "emc.mixed": ("EMC, mixed (shared savings, then a lease or a guarantee)", "合同能源管理——混合型（效益分享后租赁或保证）"),
}

MATURITY = {
    "mature": ("mature", "成熟"),
    "early_adoption": ("early adoption", "早期应用"),
    "demonstration": ("demonstration", "示范"),
    "prototype": ("prototype", "原型"),
}

SIZING = {
    "gearing": ("maximum gearing", "最高债务比例"),
    "dscr": ("sized to a target DSCR", "按目标偿债覆盖率测算"),
    "amount": ("given amount", "给定金额"),
    "none": TERMS["sc_no_debt"],
}

REPAYMENT = {
    "annuity": ("annuity", "等额本息"),
    "equal_principal": ("equal principal", "等额本金"),
    "sculpted": ("sculpted to a target DSCR", "按目标偿债覆盖率雕刻"),
}

BASE_RATES = {
    "fixed": ("fixed rate", "固定利率"),
    "lpr_1y": ("1-year LPR", "1年期LPR"),
    "lpr_5y": ("5-year LPR", "5年期以上LPR"),
    "cerf": ("PBOC carbon-reduction facility", "人民银行碳减排支持工具"),
}

GRID_BASES_SHORT = {"regional": ("regional grid", "区域电网"), "national": ("national average", "全国平均"),
                    "residual": ("residual mix", "剩余电力组合"), "provincial": ("province", "省级")}

GRID_BASES = {
    "regional": ("regional grid's average factor (MEE/NBS 2023)", "区域电网平均排放因子（生态环境部、国家统计局2023年）"),
    "national": ("national average factor (MEE/NBS 2023)", "全国电网平均排放因子（生态环境部、国家统计局2023年）"),
    "residual": ("national factor excluding market-traded non-fossil power (residual mix, MEE/NBS 2022)",
                 "不包括市场化交易非化石能源电量的全国电力平均排放因子（剩余电力组合，生态环境部、国家统计局2022年）"),
    "provincial": ("province's factor (MEE/NBS), as the case gives it", "省级电力平均排放因子（生态环境部、国家统计局，案例提供）"),
}

CARBON_RULES = {
    "china_park": ("China zero-carbon park accounting (green power by procurement route)",
                   "中国零碳园区核算（绿电按获取方式计）"),
    "eu_cbam": ("EU CBAM (green power only under qualifying PPAs)", "欧盟碳边境调节机制（仅合格购电协议绿电计为零排放）"),
    "eu_battery": ("EU Battery Regulation carbon footprint", "欧盟电池法规碳足迹"),
}

COAL_EQ = {
    "calorific": ("calorific equivalent (当量值)", "当量值"),
    "primary": ("primary equivalent (等价值)", "等价值"),
}

KPIS = {
    "intensity_tco2_per_tce": ("Carbon intensity, tCO2/tce", "单位能耗碳排放（tCO2/tce）"),
    "clean_energy_share": TERMS["clean_share"],
    "green_direct_share": TERMS["direct_share"],
}

ENERGY = {"grid": ("Grid electricity", "电网电力"), "gas": ("Natural gas", "天然气"), "coal": ("Raw coal", "原煤"),
          "biomass": ("Biomass", "生物质"), "diesel": ("Diesel", "柴油")}

# carbon.energy_by_carrier: (en, zh, unit)
CARRIERS = {
    "grid_mwh": (*ENERGY["grid"], "MWh"),
    "onsite_mwh": ("On-site renewable power", "园区内可再生电力", "MWh"),
    "direct_mwh": ("Green power by direct line", "绿电直连电力", "MWh"),
    "gas_m3": (*ENERGY["gas"], "m³"),
    "coal_t": (*ENERGY["coal"], "t"),
    "heat_gj": ("Purchased heat", "外购热力", "GJ"),
    "biomass_t": (*ENERGY["biomass"], "t"),
    "diesel_t": (*ENERGY["diesel"], "t"),
}

# the case's park.baseline: (en, zh, unit)
BASELINE = {
    "grid_electricity_mwh": (*ENERGY["grid"], "MWh"),
    "natural_gas_m3": (*ENERGY["gas"], "m³"),
    "raw_coal_t": (*ENERGY["coal"], "t"),
    "diesel_t": (*ENERGY["diesel"], "t"),
    "purchased_heat_gj": ("Purchased heat/steam", "外购热力/蒸汽", "GJ"),
    "biomass_t": (*ENERGY["biomass"], "t"),
    "onsite_renewable_mwh": ("Existing on-site renewable power", "现有园区内可再生电力", "MWh"),
    "direct_green_mwh": ("Existing direct-line green power", "现有绿电直连电力", "MWh"),
    "green_trade_mwh": ("Green-power trades", "绿电交易电量", "MWh"),
    "gec_mwh": ("Green certificates surrendered", "注销的绿证电量", "MWh"),
    "process_co2_t": ("Industrial-process CO2", "工业过程二氧化碳", "t"),
}

CONVENTION_KEYS = {
    "degradation_start": ("Degradation starts in", "衰减起始年"),
    "escalation": ("Escalation", "价格上涨方式"),
    "tax_losses": ("Tax losses", "税务亏损"),
    "depreciation_first_year": ("Depreciation in the first year", "首年折旧"),
    "dscr_basis": ("DSCR basis (lenders')", "偿债覆盖率口径（贷款人）"),
    "drawdown": ("Interest during construction", "建设期利息计算"),
    "carbon_rule": TERMS["rule_used"],
    "coal_equivalent": TERMS["coal_eq_used"],
    "periods": ("Periods", "计算周期"),
    "signs": ("Signs", "符号"),
    "rates": ("Rates", "比率"),
    "irr": TERMS["irr"],
    "payback": TERMS["payback"],
    "npv": TERMS["npv"],
}

CONVENTION_VALUES = {
    "year1": ("operation year 1", "运营第1年"),
    "year2": ("operation year 2", "运营第2年"),
    "compound": ("compound", "复利"),
    "additive": ("additive", "单利"),
    "carry_forward": ("carried forward (5 years)", "向后结转（5年）"),
    "immediate": ("immediate tax benefit", "当期抵税"),
    "full": ("full year", "全年"),
    "half": ("half year", "半年"),
    "post_tax": ("CFADS after income tax", "所得税后可用于偿债的现金流"),
    "pre_tax": ("CFADS before income tax", "所得税前可用于偿债的现金流"),
    "mid_year": ("on the opening balance and half the year's drawdown", "按年初借款余额加当年借款额的一半计息"),
    "end_of_year": ("on the opening balance (drawdowns at year end)", "按年初借款余额计息（年末提款）"),
}

# Chinese text of the engine's fixed convention sentences (used only when the document carries
# exactly the English sentence below; anything else is printed as given).
CONVENTION_TEXT_ZH = {
    "annual; period 0 = first construction year; flows at period end; nominal currency":
        "按年计算；第0期为建设期第一年；现金流按期末计；名义货币",
    "each party's view: inflows positive": "从各方自身角度，流入为正",
    "fractions (0.08 = 8%)": "以小数表示（0.08 = 8%）",
    "rate where NPV = 0; null when flows do not change sign or several rates solve":
        "使净现值为零的折现率；现金流不变号或有多个解时为未定义",
    "years from the start of construction, interpolated; null when not reached":
        "自建设期开始计算的年数，年内插值；计算期内未回收时为未定义",
    "period 0 undiscounted, period t discounted by (1+r)^t": "第0期不折现，第t期按(1+r)^t折现",
}

REASONS_ZH = {
    "all cash flows have the same sign, so no rate makes NPV zero": "现金流符号全部相同，不存在使净现值为零的折现率",
    "no rate in the search range (by default -99% to 1000%) makes NPV zero": "搜索区间（默认-99%至1000%）内不存在使净现值为零的折现率",
    "several rates make NPV zero, so the IRR is not unique": "存在多个使净现值为零的折现率，内部收益率不唯一",
    "payback not reached within the horizon": "计算期内未能回收",
    "the cash flows or the discount rate contain NaN or infinite values": "现金流或折现率含有无效数值",
    "all cash flows are zero, so every rate makes NPV zero": "现金流全部为零",
    "the IRR iteration did not converge within the iteration limit": "内部收益率迭代未收敛",
    "the line has no value in any period (e.g. no debt service is due)": "各期均无数值（例如无还本付息）",
    "the denominator is zero": "分母为零",
    "the condition is met in no year of the horizon": "计算期内任何年份均未满足条件",
    "not applicable to this case (no debt)": "本案例不适用（无债务）",
    "the loans repay on fixed schedules: the 借款偿还期 applies to loans repaid from the funds available (最大能力还款法); "
    "the interest and debt service cover ratios judge these":
        "借款按固定计划还本：借款偿还期适用于按最大能力还款的借款，本项目以利息备付率和偿债备付率判断偿债能力",
    "no rise of the factor up to +100,000% brings the FIRR to the benchmark": "该因素上升至+100000%仍不能使内部收益率降至基准收益率",
    "no fall of the factor, down to −100%, brings the FIRR to the benchmark": "该因素下降至−100%仍不能使内部收益率达到基准收益率",
    "the project FIRR is undefined or zero, so no relative change of it exists": "项目财务内部收益率无定义或为零，无法计算敏感度系数",
    "not applicable to this case": "本案例不适用",
    "the cumulative cash flow is never negative: nothing is invested, so nothing is paid back":
        "累计现金流从未为负：没有投入，因而不存在回收期",
    "undefined": "无定义",
}

# groups of the assumption table: the first part of a field path
GROUPS = {
    "case": TERMS["case"],
    "park": ("Park baseline", "园区基准"),
    "market": TERMS["market"],
    "carbon": ("Carbon accounting", "碳核算"),
    "const": ("Constants", "常数"),
    "assets": ("Assets", "资产"),
    "contract": SHEETS["Contract"],
    "cost_split": TERMS["cost_split"],
    "financing": TERMS["s_financing"],
    "tax": TERMS["tax"],
    "conventions": TERMS["conventions"],
    "parties": ("Parties", "参与方"),
    "economic": SHEETS["Economic"],
    "energy": SHEETS["Hourly"],
    "mv": ("Measurement and verification", "测量与验证"),
    "construction": ("Construction", "建设期"),
    "working_capital": SHEETS["Working capital"],
    "national": ("National appraisal method", "国家评价方法"),
    "sensitivity": ("Sensitivity factors", "敏感性因素"),
}

CURRENCIES = {"CNY": ("CNY", "元")}

# the owner's revenue lines by asset (yearly.<asset>.<line>)
REVENUE_LINES = {"payment": ("service payment", "服务费"), "tenant_sales": ("sales to tenants", "向园区企业售能")}

# market prices with Monte Carlo fans
MARKET_PRICES = {"grid_tariff": ("Grid tariff", "电网电价"), "tou_spread": ("Peak–valley spread", "峰谷价差"),
                 "cea_price": ("Carbon allowance (CEA) price", "全国碳市场配额价格"),
                 "gec_price": ("Green certificate (GEC) price", "绿证价格")}

# parts of the Monte Carlo probability keys (carbon.meets_<what><when>, lender.<event>_any, x<level)
EVENT_WHAT = {"all": ("all three indicators met", "三项指标全部达标"),
              "intensity": ("carbon intensity at or below the threshold", "单位能耗碳排放达标"),
              "clean": ("clean-energy share at or above the threshold", "清洁能源消费占比达标"),
              "direct": ("direct green-power share at or above the threshold", "绿电直接供应占比达标")}
EVENT_WHEN = {":ever": ("in at least one year", "至少一年"), "@target_year": ("in the target year", "目标年")}
EVENT_ANY = {"default": ("Event of default in any year", "任一年发生违约"),
             "lockup": ("Distribution lock-up in any year", "任一年触发分红锁定")}
EVENT_LEVELS = {"hurdle": ("hurdle", "基准收益率"), "lockup": ("lock-up", "分红锁定线"),
                "default": ("default level", "违约线"), "threshold": ("threshold", "门槛值"),
                "benchmark": ("the method's benchmark", "评价方法基准值")}

# units: every unit string of the libraries, the case and the model lines, as the reports show it
# (whole strings first; otherwise each word of a compound unit such as "CNY/kW/yr" is looked up in
# UNIT_WORDS and the rest kept: SI and GB/T 2589 symbols such as kWh, GJ, tCO2, tce read the same
# in both languages)
UNITS = {
    "fraction": ("fraction", "比例"),
    "fraction/yr": ("fraction/yr", "比例/年"),
    "fraction of capex": ("fraction of capex", "占投资比例"),
    "fraction of VAT payable": ("fraction of VAT payable", "占应纳增值税比例"),
    "flag": ("yes/no", "是/否"),
    "x": TERMS["u_x"],
    "bp": TERMS["u_bp"],
    "years": TERMS["u_years"],
    "year": TERMS["year"],
    "operation year": ("operation year", "运营年序"),
    "period": ("period", "期序"),
    "months": ("months", "月"),
    "days": ("days", "天"),
    "factor": ("factor", "系数"),
    "index": ("index", "指数"),
    "COP (kWh_th/kWh_el)": ("COP (kWh heat/kWh electricity)", "能效比（kWh热/kWh电）"),
    "kWh_th/kWh_fuel (LHV)": ("kWh heat/kWh fuel (LHV)", "kWh热/kWh燃料（低位热值）"),
    "TRL (IEA 1-11)": TERMS["trl"],
    "kWh/kWh discharged": ("kWh per kWh discharged", "kWh/放电kWh"),
    "kg per pollution equivalent": ("kg per pollution equivalent", "kg/污染当量"),
}
UNIT_WORDS = {
    "CNY": CURRENCIES["CNY"], "USD": ("USD", "美元"), "IDR": ("IDR", "印尼盾"),
    "yr": ("yr", "年"), "month": ("month", "月"), "h": ("h", "小时"), "cycles": ("cycles", "次"),
    "kWth": ("kWth", "kW热"), "kWh_th": ("kWh heat", "kWh热"), "kWh_el": ("kWh electricity", "kWh电"),
    "MWh_th": ("MWh heat", "MWh热"), "MWh_per_yr": ("MWh/yr", "MWh/年"), "mwh": ("MWh", "MWh"), "gj": ("GJ", "GJ"),
    "m2": ("m²", "m²"), "m3": ("m³", "m³"), "1000m3": ("1000 m³", "千m³"),
    "t_co2": TERMS["u_tco2"], "t_co2_per_yr": ("tCO2/yr", "tCO2/年"),
    "pollution equivalent": ("pollution equivalent", "污染当量"),
    "tier": ("tier", "档"),
}

# an input's name, from its field path: the part after the group (and after the asset id, the
# tranche id or the party), as the reports and the workbook show it.  Keys qualified by their
# group ("carbon.grid_ef") win over bare ones; an asset's component replacements are
# "replace_<component>_every_years" / "_cost_fraction" with the component from COMPONENTS.
FIELDS = {
    # assets (technology values, the case's settings for the asset, the maturity rule)
    "availability": ("availability", "可用率"),
    "book_life_years": ("depreciation life", "折旧年限"),
    "capacity": TERMS["capacity"],
    "capex_input_vat_rate": ("input VAT rate on capex", "投资进项增值税税率"),
    "capex_overrun": ("capex overrun", "投资超支率"),
    "capex_per_unit": TERMS["capex_unit"],
    "ccer_eligible": ("eligible for CCER", "可申请CCER"),
    "commissioning_year": ("commissioning (operation year)", "投运时间（运营年序）"),
    "contingency": ("contingency", "不可预见费率"),
    "cycles_per_year": ("cycles per year", "年循环次数"),
    "degradation_annual": ("annual degradation", "年衰减率"),
    "degradation_first_year": ("first-year degradation", "首年衰减率"),
    "demand_reduction_share": ("reduction of the demand charge", "需量电费削减比例"),
    "depth_of_discharge": ("depth of discharge", "放电深度"),
    "direct_line": ("supplied by direct line", "绿电直连供电"),
    "displaced_efficiency": ("efficiency of the displaced equipment", "被替代设备效率"),
    "dr_hours_per_year": ("demand-response hours per year", "年需求响应小时数"),
    "duration_hours": ("storage duration", "储能时长"),
    "efficiency_or_cop": ("efficiency or COP", "效率或能效比（COP）"),
    "full_load_hours": ("full-load hours", "年满负荷小时数"),
    "life_years": ("technical life", "技术寿命"),
    "opex_fixed_per_unit_yr": ("fixed O&M per unit", "单位容量固定运维费"),
    "opex_variable_per_mwh": ("variable O&M per MWh", "单位电量可变运维费"),
    "parasitic_kwh_per_mwh_th": ("auxiliary power per MWh of heat", "单位热量厂用电"),
    "performance_factor": ("performance realisation", "性能实现率"),
    "performance_factor_expected": ("expected performance realisation (at signature)", "签约时预期性能实现率"),
    "replace_every_years": ("{component}: replacement interval", "{component}更换周期"),
    "replace_cost_fraction": ("{component}: replacement cost", "{component}更换费用"),
    "round_trip_efficiency": ("round-trip efficiency", "往返效率"),
    "salvage_fraction": ("salvage value", "残值率"),
    "savings_fraction": ("energy savings", "节能率"),
    "savings_fraction_of_park_electricity": ("savings in park electricity", "园区用电节约比例"),
    "self_consumption_share": ("self-consumption share", "自发自用比例"),
    "yield_hours": ("yield (full-load hours)", "年利用小时数"),
    "utilisation_hours": ("utilisation hours", "年使用小时数"),
    "kwh_per_kg_h2": ("electricity per kg of hydrogen", "单位制氢电耗"),
    "capacity_factor": ("capacity factor", "容量系数"),
    "electricity_kwh_per_t": ("electricity per t of CO2 captured", "单位捕集电耗"),
    "heat_gj_per_t": ("heat per t of CO2 captured", "单位捕集热耗"),
    # case
    "construction_years": TERMS["ph_construction"],
    "operation_years": TERMS["ph_operation"],
    "start_year": ("first construction year", "建设起始年份"),
    "discount_rate": ("discount rate", "折现率"),
    "maturity_risk_premium": ("technology maturity risk premium", "技术成熟度风险溢价"),
    # park
    "electricity_tariff_per_kwh": ("electricity tariff", "园区电价"),
    "ets_covered": ("covered by the national ETS", "纳入全国碳市场"),
    "load_growth": ("load growth", "负荷增长率"),
    # carbon
    "carbon.cbam_ppa_qualifies": ("PPAs qualify under CBAM", "购电协议绿电符合CBAM要求"),
    "carbon.ce_electricity_kgce_per_kwh": ("electricity to standard coal (factor used)", "采用的电力折标准煤系数"),
    "carbon.count_grid_nonfossil_as_clean": ("grid non-fossil power counted as clean", "电网非化石电力计入清洁能源"),
    "carbon.grid_ef": ("grid emission factor used", "采用的电网排放因子"),
    "carbon.grid_factor_decline": ("yearly decline of the grid factor", "电网排放因子年降幅"),
    "carbon.rule_battery": ("EU Battery Regulation rule applies", "适用欧盟电池法规规则"),
    "carbon.rule_cbam": ("EU CBAM rule applies", "适用欧盟CBAM规则"),
    "carbon.rule_china": ("China zero-carbon park rule applies", "适用中国零碳园区规则"),
    "carbon.sell_export_attribute": ("green attribute of exported power sold", "出售上网电量绿色属性"),
    "carbon.target_period": ("target year (period)", "目标年（期序）"),
    # constants
    "gj_per_mwh": ("GJ per MWh", "每MWh折合GJ"),
    "mj_per_kgce": ("MJ per kgce", "每kgce折合MJ"),
    "rounding_tolerance": ("rounding tolerance", "舍入容差"),
    # contract
    "term_years": ("contract term", "合同期限"),
    "rent_per_yr": ("rent per year", "年租金"),
    "insurance_rate": ("insurance (share of capex per year)", "年保险费率"),
    "discount_to_grid": ("discount to the grid tariff", "相对电网电价的折扣"),
    "subscription_per_yr": ("subscription per year", "年订阅费"),
    "subscription_escalation": ("subscription escalation", "订阅费年增长率"),
    "min_take_share": ("minimum take", "最低用量比例"),
    "availability_guarantee": ("availability guarantee", "可用率保证值"),
    "penalty_per_mwh": ("penalty per MWh short", "每MWh短缺违约金"),
    "buyout_breakage_share": ("buy-out breakage share", "提前买断补偿比例"),
    "guaranteed_share": ("guaranteed savings", "保证节能率"),
    "fee_per_yr": ("service fee per year", "年服务费"),
    "excess_share": ("provider's share of excess savings", "超额节能效益服务商分成比例"),
    "mv_cost_share": ("M&V cost (share of savings)", "节能量审核费用比例"),
    "tenant_tariff_discount": ("tenants' tariff discount", "入驻企业电价折扣"),
    "platform_fee_share": ("platform fee", "平台服务费比例"),
    "sell_gec_for_exports": ("sell certificates for exported power", "上网电量出售绿证"),
    "terminal_value_multiple": ("terminal value multiple", "期末价值倍数"),
    "grid_capacity_charge_per_kw_month": ("grid capacity charge", "电网容量费"),
    "direct_line_kw": ("direct-line capacity", "直连线路容量"),
    "system_charge_per_kwh": ("system charge", "系统运行费"),
    "provider_share": ("provider's share of savings", "服务商节能效益分成比例"),
    "provider_share_profile": ("provider's share of savings, by year (relative to the first)", "服务商分成比例逐年系数（相对首年）"),
    "host_default_probability": ("host default probability per year", "用能企业年违约概率"),
    "recovery_rate": ("recovery rate on default", "违约回收率"),
    "qualified_emc": ("qualified EMC project", "符合条件的合同能源管理项目"),
    "discount": ("discount on the energy bill", "能源费用折扣"),
    "fee_escalation": ("fee escalation", "服务费年增长率"),
    "contract.price": ("contract price schedule", "合同单价方案"),
    "price.per_kwh": ("contract price per kWh (base year)", "合同单价（基准年）"),
    "price.base_year": ("base year of the contract price", "合同单价基准年"),
    "price.escalation_rate": ("escalation of the contract price", "合同单价年调价率"),
    "price.floor_per_kwh": ("floor of the contract price", "合同单价保底价"),
    "price.cap_per_kwh": ("cap of the contract price", "合同单价封顶价"),
    "price.take_or_pay_mwh": ("take-or-pay volume per contract year", "每合同年照付不议电量"),
    "lease_rate": ("rate the rentals repay the capex at", "租金对应的租赁利率"),
    "sharing_years": ("years of shared savings", "节能效益分享年限"),
    # financing
    "lease.share_of_capex": ("share of the construction capex financed", "融资额占建设投资比例"),
    "lease.rate": ("lease rate", "租赁利率"),
    "lease.term_years": ("number of annual rentals", "租金期数（年）"),
    "lease.deposit_share": ("deposit (share of the amount)", "保证金比例"),
    "lease.handling_fee_share": ("handling fee (share of the amount)", "手续费率"),
    "lease.purchase_option": ("purchase option", "留购价"),
    "max_gearing": SIZING["gearing"],
    "target_dscr": TERMS["sculpt_dscr"],
    "sculpt_dscr": ("DSCR of the sculpted schedule", "雕刻还款采用的偿债备付率"),
    "debt_amount": TERMS["debt_amount"],
    "dsra_months": ("debt service reserve (months)", "偿债准备金（月数）"),
    "lockup_dscr": TERMS["lockup_dscr"],
    "default_dscr": TERMS["default_dscr"],
    "share_of_debt": ("share of the debt", "占债务比例"),
    "base_rate": TERMS["base_rate"],
    "fixed_rate": BASE_RATES["fixed"],
    "margin_bp": TERMS["margin"],
    "tenor_years": TERMS["tenor"],
    "grace_years": TERMS["grace"],
    "upfront_fee": ("upfront fee", "前端费率"),
    "commitment_fee": ("commitment fee", "承诺费率"),
    "cap_bp": TERMS["sll_cap"],
    "verification_cost_per_yr": ("verification cost per year", "年度第三方核查费用"),
    "step_down_bp": ("margin step-down when met", "达标时利率下调"),
    "step_up_bp": ("margin step-up when missed", "未达标时利率上调"),
    "target": TERMS["target"],
    "tested": ("tested this year", "当年考核"),
    # tax and conventions (flags)
    "vat_on": ("VAT applies", "计征增值税"),
    "input_vat_credit_on": ("input VAT credited", "进项税额抵扣"),
    "surcharges_on": ("surcharges apply", "计征附加税"),
    "income_tax_on": ("income tax applies", "计征企业所得税"),
    "cit_rate": ("income tax rate", "企业所得税税率"),
    "loss_carry_forward_years": ("tax loss carry-forward", "亏损结转年限"),
    "degradation_year2": ("degradation starts in operation year 2", "衰减自运营第2年开始"),
    "escalation_additive": ("additive escalation", "单利增长"),
    "tax_losses_immediate": ("tax losses relieved at once", "亏损当期抵税"),
    "depreciation_half_year": ("half-year depreciation in the first year", "首年按半年折旧"),
    "dscr_pre_tax": ("DSCR before income tax", "按所得税前计算偿债备付率"),
    # the national method: tax by year and what qualifies, construction, working capital, settings
    "cit_preferential_rate": ("preferential income tax rate", "企业所得税优惠税率"),
    "cit_preference_from_year": ("preferential rate from", "优惠税率起始年份"),
    "cit_preference_to_year": ("preferential rate until", "优惠税率截止年份"),
    "tax.holiday": ("income tax holiday (三免三减半) granted", "享受所得税三免三减半"),
    "land_area_m2": ("land area", "占地面积"),
    "land_use_tax_per_m2_yr": ("land-use tax rate", "城镇土地使用税税额"),
    "stamp_duty_loan_rate": ("stamp duty on loan contracts", "借款合同印花税税率"),
    "stamp_duty_purchase_rate": ("stamp duty on purchase contracts", "买卖合同印花税税率"),
    "capex_share": ("share of the capex in this year", "当年建设投资比例"),
    "equity_first": ("equity spent before the debt is drawn", "资本金先于借款投入"),
    "drawdown_mid_year": ("interest during construction on half the year's drawdown", "建设期当年借款按半年计息"),
    "working_capital.share": ("working capital, share of the base", "流动资金占计算基数比例"),
    "receivable_days": ("days of receivables", "应收账款周转天数"),
    "inventory_days": ("days of stocks", "存货周转天数"),
    "cash_days": ("days of cash", "现金周转天数"),
    "payable_days": ("days of payables", "应付账款周转天数"),
    "own_share": ("share from the owner's capital (铺底流动资金)", "铺底流动资金比例"),
    "loan_margin_bp": ("working-capital loan margin over the 1-year LPR", "流动资金借款利率加点（1年期LPR之上）"),
    "adjusted_tax_holiday": ("调整所得税 applies the holiday", "调整所得税计入税收减免"),
    "benchmark_irr": ("benchmark rate of return", "财务基准收益率"),
    "dscr_benchmark": ("偿债备付率 benchmark", "偿债备付率基准值"),
    "icr_benchmark": ("利息备付率 benchmark", "利息备付率基准值"),
    "dscr_deducts_maintenance": ("偿债备付率 deducts 维持运营投资", "偿债备付率扣减维持运营投资"),
    "normal_period": ("normal year for the break-even point", "盈亏平衡分析的正常年份（达产年）"),
    "registered_capital": ("registered capital", "注册资本"),
    "registered_capital_given": ("registered capital given by the case", "案例给定注册资本"),
    "statutory_reserve_rate": ("statutory surplus reserve rate", "法定盈余公积金提取比例"),
    "statutory_reserve_cap": ("statutory reserve cap (share of registered capital)", "法定盈余公积金累计上限（占注册资本）"),
    "sensitivity.investment": ("construction investment", "建设投资"),
    "sensitivity.price": ("product price", "产品价格"),
    "sensitivity.output": ("output", "产量"),
    "sensitivity.opex": ("operating cost", "经营成本"),
    "market.cit_preferences": ("preferential income tax rates", "企业所得税优惠政策"),
    "land_use_tax_cny_per_m2_yr": ("land-use tax rates by city class", "城镇土地使用税税额（按城市等级）"),
    "land_use_tax_poor_area_reduction": ("land-use tax: reduction allowed in poorer areas", "城镇土地使用税：经济落后地区可降低比例"),
    "working_capital_own_share": ("铺底流动资金 share", "铺底流动资金比例"),
    # market (national and regional values)
    "grid_ef_tco2_per_mwh": ("national average grid emission factor", "全国电网平均排放因子"),
    "grid_ef_tco2_per_mwh_region": ("regional grid emission factor", "区域电网排放因子"),
    "grid_ef_residual_tco2_per_mwh": ("grid factor excluding traded non-fossil power", "扣除市场化非化石电力的电网排放因子"),
    "grid_ef_fossil_tco2_per_mwh": ("fossil-only grid factor", "化石电源电网排放因子"),
    "ef_natural_gas_tco2_per_1000m3": ("emission factor of natural gas", "天然气排放因子"),
    "ef_raw_coal_tco2_per_t": ("emission factor of raw coal", "原煤排放因子"),
    "ef_diesel_tco2_per_t": ("emission factor of diesel", "柴油排放因子"),
    "ef_purchased_heat_tco2_per_gj": ("emission factor of purchased heat", "外购热力排放因子"),
    "ce_electricity_calorific_kgce_per_kwh": ("electricity to standard coal, calorific equivalent", "电力折标准煤系数（当量值）"),
    "ce_electricity_primary_kgce_per_kwh": ("electricity to standard coal, primary equivalent", "电力折标准煤系数（等价值）"),
    "ce_natural_gas_kgce_per_m3": ("natural gas to standard coal", "天然气折标准煤系数"),
    "ce_raw_coal_kgce_per_kg": ("raw coal to standard coal", "原煤折标准煤系数"),
    "ce_diesel_kgce_per_kg": ("diesel to standard coal", "柴油折标准煤系数"),
    "ce_heat_kgce_per_mj": ("heat to standard coal", "热力折标准煤系数"),
    "ce_biomass_kgce_per_kg": ("biomass to standard coal", "生物质折标准煤系数"),
    "cea_price_cny_per_t": MARKET_PRICES["cea_price"],
    "cea_long_run_cny_per_t": ("long-run CEA price", "全国碳市场配额长期价格"),
    "cea_reversion_speed": ("CEA price reversion speed", "配额价格均值回复速度"),
    "ccer_price": ("CCER price", "CCER价格"),
    "gec_price_cny_per_mwh": MARKET_PRICES["gec_price"],
    "green_power_premium_cny_per_kwh": ("green-power premium", "绿电环境溢价"),
    "lpr_1y": BASE_RATES["lpr_1y"],
    "lpr_5y": BASE_RATES["lpr_5y"],
    "cerf_rate": ("carbon-reduction facility rate", "碳减排支持工具利率"),
    "cerf_refinance_share": ("share refinanced by the carbon-reduction facility", "碳减排支持工具再贷款比例"),
    "vat_electricity": ("VAT rate on electricity", "电力增值税税率"),
    "vat_heat": ("VAT rate on heat", "热力增值税税率"),
    "vat_services": ("VAT rate on services", "服务增值税税率"),
    "vat_goods": ("VAT rate on goods", "货物增值税税率"),
    "surcharge_rate": ("surcharges (share of VAT payable)", "附加税费率"),
    "cit_holiday_free_years": ("income tax holiday: exempt years", "所得税免征年数"),
    "cit_holiday_half_years": ("income tax holiday: half-rate years", "所得税减半年数"),
    "zcp_intensity_small_tco2_per_tce": ("carbon intensity threshold (smaller parks)", "单位能耗碳排放门槛（较小园区）"),
    "zcp_intensity_large_tco2_per_tce": ("carbon intensity threshold (large parks)", "单位能耗碳排放门槛（大型园区）"),
    "zcp_large_park_threshold_tce": ("energy use from which a park counts as large", "大型园区能耗界限"),
    "zcp_clean_energy_share": ("clean-energy share threshold", "清洁能源消费占比门槛"),
    "zcp_direct_green_share": ("direct green-power share threshold", "绿电直接供应占比门槛"),
    "inflation": ("inflation", "通货膨胀率"),
    "tariff_ci_cny_per_kwh": ("C&I electricity tariff", "工商业电价"),
    "tariff_peak_cny_per_kwh": ("peak tariff", "尖峰电价"),
    "tariff_valley_cny_per_kwh": ("valley tariff", "低谷电价"),
    "tou_spread_cny_per_kwh": MARKET_PRICES["tou_spread"],
    "tou_spread_prior": ("peak–valley spread prior", "峰谷价差先验"),
    "coal_benchmark_cny_per_kwh": ("coal benchmark tariff", "燃煤发电基准价"),
    "mechanism_price_cny_per_kwh": ("mechanism price", "机制电价"),
    "demand_charge_cny_per_kw_month": ("demand charge", "需量电价"),
    "gas_price_cny_per_m3": ("natural gas price", "天然气价格"),
    "coal_price_cny_per_t": ("coal price", "煤炭价格"),
    "heat_price_cny_per_gj": ("heat price", "热力价格"),
    "biomass_price_cny_per_t": ("biomass price", "生物质燃料价格"),
    "pv_yield_hours": ("PV yield (full-load hours)", "光伏年利用小时数"),
    "wind_yield_hours": ("wind yield (full-load hours)", "风电年利用小时数"),
    "tariff_escalation": ("tariff escalation", "电价年增长率"),
    "dr_payment_cny_per_kw_yr": ("demand-response payment", "需求响应补偿"),
    "ev_service_fee_cny_per_kwh": ("EV charging service fee", "充电服务费"),
    "h2_price_cny_per_kg": ("hydrogen price", "氢气价格"),
    "land_rent_cny_per_m2_yr": ("land rent", "土地租金"),
    "roof_rent_cny_per_m2_yr": ("roof rent", "屋顶租金"),
    # Monte Carlo price paths (a factor, 1 in the base case)
    "risk.cea": ("CEA price path", "碳配额价格路径"),
    "risk.ccer": ("CCER price path", "CCER价格路径"),
    "risk.gec": ("GEC price path", "绿证价格路径"),
    "risk.green_premium": ("green-power premium path", "绿电环境溢价路径"),
    "risk.tariff": ("grid tariff path", "电网电价路径"),
    "risk.tou_spread": ("peak–valley spread path", "峰谷价差路径"),
    "risk.host_default": ("host default (by year)", "用能企业违约（逐年）"),
    # carbon accounting, the indicators' tiers and green-power purchases (case/resolve.py)
    "tou": ("time-of-use periods", "分时电价时段"),
    "zcp_intensity_paths": ("carbon intensity paths", "碳排放强度路径"),
    "grid_factor_decline": ("grid factor decline", "电网排放因子年降幅"),
    "zcp_small_park_threshold_tce": ("smallest park tier (energy use)", "最小园区档能耗下限"),
    "carbon.primary_equivalent": ("electricity at its equivalent value (等价值)", "电力按等价值折标"),
    "carbon.path_threshold": ("intensity threshold on the case's path", "案例路径的碳排放强度门槛"),
    "carbon.own_threshold": ("threshold for a park below the tiers", "低于分档下限园区的门槛值"),
    "carbon.path_on": ("intensity path of the case", "采用案例的碳排放强度路径"),
    "carbon.green_power.solve_intensity": ("green power solved for the intensity", "按碳排放强度求解绿电交易量"),
    "carbon.green_power.target": ("green-power solve target", "绿电交易求解目标"),
    "carbon.green_power.from_period": ("green-power target met from (period)", "绿电目标起始期序"),
    "carbon.green_power.cap_on": ("green-power purchases capped", "绿电交易量设上限"),
    "carbon.green_power.cap_mwh": ("green-power purchase cap", "绿电交易量上限"),
    # the economic analysis (national method, 3rd ed.) and its pollutant values
    "social_discount_rate": ("social discount rate", "社会折现率"),
    "shadow_exchange_rate_factor": ("shadow exchange rate factor", "影子汇率换算系数"),
    "imported_capex_share": ("imported share of capex", "投资中进口设备比例"),
    "carbon_value_case": ("carbon value set by the case", "案例设定碳价值"),
    "carbon_value_per_t": ("carbon value", "碳价值"),
    "coal_power_so2_g_per_kwh": ("coal power SO2 emission", "煤电二氧化硫排放"),
    "coal_power_nox_g_per_kwh": ("coal power NOx emission", "煤电氮氧化物排放"),
    "coal_power_pm_g_per_kwh": ("coal power particulate emission", "煤电颗粒物排放"),
    "gas_boiler_nox_g_per_m3": ("gas boiler NOx emission", "燃气锅炉氮氧化物排放"),
    "gas_boiler_so2_g_per_m3": ("gas boiler SO2 emission", "燃气锅炉二氧化硫排放"),
    "air_pollution_tax_cny_per_equivalent": ("air pollutant tax", "大气污染物环境保护税额"),
    "so2_kg_per_equivalent": ("SO2 pollution equivalent", "二氧化硫污染当量值"),
    "nox_kg_per_equivalent": ("NOx pollution equivalent", "氮氧化物污染当量值"),
    "pm_kg_per_equivalent": ("particulate pollution equivalent", "烟尘污染当量值"),
    # storage life, set by the dispatch (energy/study.py) and the measured savings (mv/case.py)
    "cycle_life": ("cycle life", "循环寿命"),
    "calendar_life_years": ("calendar life", "日历寿命"),
    "curtailed_share": TERMS["en_curtailed_share"],
    "kappa_spread": ("saving per kWh discharged at the spread", "每放电千瓦时的价差节省系数"),
    "kappa_valley": ("grid energy per kWh discharged at the valley price", "每放电千瓦时的谷电量系数"),
    "kappa_pv": ("PV moved into the park per kWh discharged", "每放电千瓦时转移的光伏自用电量"),
    "energy.spread_cny_per_kwh": ("peak–valley spread of the dispatch", "调度所用峰谷价差"),
    "energy.pv_mwh": ("PV generation of the dispatch", "调度所用光伏发电量"),
    "mv.model_error_kwh": ("model error of the verified savings", "核定节能量的模型误差"),
    "mv.model_sd_kwh": ("standard deviation from the model's coefficients", "模型系数导致的标准差"),
    "mv.noise_sd_kwh": ("standard deviation from a year's residuals", "当年残差导致的标准差"),
    "mv.settled": ("year settled on metered savings", "按实测节能量结算的年份"),
    "mv.verified_mwh": ("verified savings", "核定节能量"),
    "risk.mv_noise_kwh": ("M&V: a year's residual noise", "测量与验证：当年残差波动"),
}

# the coefficients of the dispatch's response surface (energy.<quantity>.<term>, sheets/energy.py):
# x is the change of the TOU spread, y the change of PV generation, from the dispatched ones
SURFACE_TERMS = {"dx": ("response-surface coefficient of the spread", "响应面系数（价差一次项）"),
                 "dy": ("response-surface coefficient of PV", "响应面系数（光伏一次项）"),
                 "dxx": ("response-surface coefficient of the spread squared", "响应面系数（价差二次项）"),
                 "dxy": ("response-surface coefficient of spread times PV", "响应面系数（交叉项）"),
                 "dyy": ("response-surface coefficient of PV squared", "响应面系数（光伏二次项）")}

FIELDS.update(holiday_free_years=FIELDS["cit_holiday_free_years"],  # the case's tax holiday is the market's
              holiday_half_years=FIELDS["cit_holiday_half_years"])

# replaced components of the technologies (library.component_key of their names)
COMPONENTS = {
    "vfd_power_electronics": ("VFD power electronics", "变频器功率电子器件"),
    "battery_cells_modules": ("battery cells/modules", "电池电芯/模组"),
    "cell_stacks_and_membranes": ("cell stacks and membranes", "电堆与隔膜"),
    "central_string_inverters": ("central/string inverters", "集中式/组串式逆变器"),
    "compressors": ("compressors", "压缩机"),
    "compressors_incl_mechanical_vapour_recompression_stage": ("compressors (incl. MVR stage)", "压缩机（含机械蒸汽再压缩级）"),
    "electrodes_heating_elements": ("electrodes / heating elements", "电极/加热元件"),
    "electrolyser_stacks": ("electrolyser stacks", "电解槽电堆"),
    "grate_and_refractory": ("grate and refractory", "炉排与耐火材料"),
    "heat_exchanger_bundles": ("heat-exchanger bundles", "换热管束"),
    "major_components_gearbox_generator_blade_repairs": ("major components", "主要部件（齿轮箱/发电机/叶片）"),
    "power_modules": ("power modules", "功率模块"),
    "software_and_edge_hardware_refresh": ("software and edge hardware", "软件与边缘硬件更新"),
    "solvent_inventory_and_column_packing": ("solvent and column packing", "吸收剂与塔填料"),
    "string_inverters": ("string inverters", "组串式逆变器"),
}

# the engine's fixed source phrases (case/resolve.py, risk/uncertainty.py) in Chinese; "{name}"
# stands for any text, shown as given, except the names below, which are looked up: {party}
# (PARTY_SHORT_NAMES), {maturity} (MATURITY), {technology} (the library's name), {basis}
# (GRID_BASIS), {rule} (CARBON_RULES), {unit} (UNITS), {source} (a source, looked up again),
# {method} (the dispatch method, TERMS en_method_*), {model} and {form} (the M&V model, TERMS mv_*).
# Patterns are tried in order: one whose placeholder could swallow another phrase comes after it.
# A source the table does not match is shown phrase by phrase ("; "), each as given when unknown
# (the libraries' and the user's sources are quoted, never translated).
SOURCES_ZH = {
    "default: the first operation year": "默认：首个运营年",
    "default: the lease rate": "默认：租赁利率",
    "case file": "案例文件",
    "case": "案例文件",
    "case file: no holiday": "案例文件：不享受所得税减免",
    "case file (first contract year; later years follow the case's steps in proportion)":
        "案例文件（合同首年；以后各年按案例设定的阶梯同比例变化）",
    "default: the {party} pays": "默认：由{party}承担",
    "default: the owner sells the green attribute of exported power": "默认：投资方出售上网电量的绿色属性",
    "solved by finmodel: DSCR the sculpted schedule is set on": "由finmodel求解：雕刻还款计划所依据的偿债备付率",
    "solved by finmodel (debt sizing)": "由finmodel求解（债务规模测算）",
    "solved by finmodel": "由finmodel求解",
    "base case: no overrun (Monte Carlo draws it)": "基准情景：无超支（蒙特卡洛模拟中随机抽取）",
    "maturity rule for {maturity} (TRL {trl})": "{maturity}技术的成熟度规则（技术成熟度{trl}级）",
    "maturity rule for {maturity}: mean performance realisation": "{maturity}技术的成熟度规则：平均性能实现率",
    "{source}; less {share} maturity haircut": "{source}；扣减{share}成熟度折扣",
    "expected performance at contract signature (fixed; the guarantee is set on it)":
        "签约时的预期性能（固定值；保证值据此设定）",
    "EMC: depreciated over the contract term; transferred assets are treated as fully depreciated "
    "(财税〔2010〕110号 [S3])": "合同能源管理：按合同期折旧；移交资产视为已提足折旧（财税〔2010〕110号 [S3]）",
    "+{share} maturity risk premium for {maturity} technology {technology}":
        "另加{share}技术成熟度风险溢价（{maturity}技术：{technology}）",
    "{basis} grid factor: {source} (the {rule} rule uses the national average)":
        "{basis}电网排放因子：{source}（{rule}采用全国平均值）",
    "{basis} grid factor: {source}": "{basis}电网排放因子：{source}",
    "period of the target year {year}": "目标年{year}年所在期序",
    "1-year LPR as the lenders' cost of funds: {source}": "以1年期LPR作为贷款方资金成本：{source}",
    "GB/T 2589-2020: 1 kgce = 29,307.6 kJ": "GB/T 2589-2020：1 kgce = 29,307.6 kJ",
    "definition of the watt-hour (3.6 MJ/kWh)": "瓦时的定义（3.6 MJ/kWh）",
    "E: 发改环资〔2025〕910号 sets no threshold for a park using less than 0.2 Mtce/yr and the case gave none: "
    "finmodel applies the smallest tier's value ({source})":
        "E：发改环资〔2025〕910号未对年综合能耗低于20万吨标准煤的园区设定门槛，案例亦未设定：finmodel采用最小分档的门槛值（{source}）",
    "the case's own threshold for a park below the notice's tiers: {source}": "案例为低于通知分档的园区设定的门槛值：{source}",
    "period of the year {year} from which the target is met": "自{year}年起达标所在期序",
    "case file: {source}": "案例文件：{source}",
    "not used: the carbon value is the national ETS allowance (CEA) price path (prices sheet)":
        "未使用：碳价值取全国碳市场配额（CEA）价格路径（价格工作表）",
    # the hourly dispatch (energy/study.py) and M&V (mv/case.py, risk/uncertainty.py)
    "hourly dispatch (method {method})": "逐时调度（{method}）",
    "hourly dispatch (method {method}): the spread it ran on": "逐时调度（{method}）：调度所用的峰谷价差",
    "hourly dispatch (method {method}): the PV generation it ran on": "逐时调度（{method}）：调度所用的光伏发电量",
    "typed override ({source}); hourly dispatch (method {method}) gives {value}":
        "手工输入值（{source}）；逐时调度（{method}）结果为{value}",
    "response surface: least squares on typical-day dispatches at {n} spread x {m} PV points (finmodel.sheets.energy)":
        "响应面：对{n}个价差 × {m}个光伏发电量取值下典型日调度结果的最小二乘拟合",
    "M&V: error of a year's verified savings from the baseline model's coefficients, common to every year; 0 in the "
    "base case, drawn N(0, mv.model_sd_kwh) by Monte Carlo":
        "测量与验证：基期模型系数导致的年度核定节能量误差，各年相同；基准情景取0，蒙特卡洛模拟中按N(0, 模型系数导致的标准差)抽取",
    "{source}: standard deviation of a year's avoided energy from the model's coefficients (AR(1) residuals)":
        "{source}：模型系数导致的年度节能量标准差（AR(1)残差）",
    "{source}: standard deviation of a year's avoided energy from that year's residuals; Monte Carlo draws it "
    "independently each year (risk.mv_noise_kwh)":
        "{source}：当年残差导致的年度节能量标准差；蒙特卡洛模拟中逐年独立抽取",
    "M&V of {file}: CalTRACK {form} {model} model (balance points {heating} / {cooling}), CV(RMSE) {cv}, n = {n}, "
    "residual autocorrelation {rho}":
        "{file}的测量与验证：CalTRACK方法，{model}，{form}，平衡点温度{heating} / {cooling}，CV(RMSE) {cv}，样本数{n}，"
        "残差自相关系数{rho}",
    "M&V: expected savings of the metered baseline ({source})": "测量与验证：计量基期的预期节能量（{source}）",
    "M&V: savings fraction measured over the reporting data": "测量与验证：按报告期数据测得的节能率",
    "M&V: N(0, {sd} kWh) fitted to the meter data": "测量与验证：按计量数据拟合的N(0, {sd} kWh)",
    # the national method's settings (case/resolve.py)
    "case file: no land-use tax": "案例文件：不缴纳城镇土地使用税",
    "case file: not claimed": "案例文件：未申请",
    "claimed, not granted: no rule grants a holiday to this technology": "已申请，未获准：无规定对该技术给予所得税减免",
    "claimed, not granted: public-infrastructure projects built for the owner's own use (内部自建自用) are excluded "
    "(第87条)": "已申请，未获准：内部自建自用的公共基础设施项目不享受（第87条）",
    "claimed, not granted: the ESCO funds {share} of the investment, below the 70% a qualified EMC project needs "
    "(财税〔2010〕110号)": "已申请，未获准：节能服务公司出资占投资的{share}，低于合格合同能源管理项目所需的70%（财税〔2010〕110号）",
    "qualified EMC shared-savings project (财税〔2010〕110号 [N25])": "合格的节能效益分享型合同能源管理项目（财税〔2010〕110号 [N25]）",
    "no preferential rate: the standard rate": "无优惠税率：适用法定税率",
    "no preferential rate": "无优惠税率",
    "default: registered capital = the 资本金 paid in": "默认：注册资本＝实缴项目资本金",
    "default: 维持运营投资 is deducted from the funds available for debt service (the method's rule as exam texts "
    "quote it [N10b])": "默认：维持运营投资从可用于还本付息的资金中扣减（考试用书引述的方法规定 [N10b]）",
    "the case's discount rate: {source}": "案例的折现率：{source}",
    "the first operation year in which every asset operates (达产年), for the break-even point":
        "各项资产全部投运的第一个运营年（达产年），用于盈亏平衡分析",
    "the national method's sensitivity analysis: 1 in the appraisal; its table moves it by ±10 % and ±20 % [N14]":
        "敏感性分析因素：评价中取1，敏感性分析表按±10%和±20%变动 [N14]",
    "relative size below which a cumulative cash flow counts as zero in the payback rows":
        "回收期计算中累计现金流视为零的相对阈值",
    # Monte Carlo defaults (risk/uncertainty.py)
    "default: library capex range {low}–{high} around {central} widened x{m} ({maturity} maturity rule)":
        "默认：数据库投资区间{low}–{high}（中值{central}）放大{m}倍（{maturity}技术的成熟度规则）",
    "default: truncated normal N({mean}, {sd}) on [0, {high}] ({maturity} maturity rule)":
        "默认：截断正态分布N({mean}, {sd})，取值区间[0, {high}]（{maturity}技术的成熟度规则）",
    "default: log-OU speed {speed}/yr, volatility {volatility} (market cea_path)":
        "默认：对数OU过程，回复速度{speed}/年，波动率{volatility}（市场数据的配额价格路径）",
    "default: market prior {low}–{high} {unit} held for the horizon": "默认：市场先验区间{low}–{high} {unit}，计算期内保持不变",
    "default: TOU revisions −10 %/−15 %/−20 % from operation years 2/4/6, each with probability 30 % "
    "(E, after the −10 to −40 % policy risk)":
        "默认：分时电价自运营第2/4/6年起分别下调10%/15%/20%，每次概率30%（E，依据价差下调10%至40%的政策风险）",
}
PRICING_STATUS = {"solved": TERMS["d_status_solved"], "solved_intervals": TERMS["d_status_solved_intervals"],
                  "feasible_everywhere": ("every value in the range meets the targets", "区间内所有取值均满足目标"),
                  "infeasible": ("no value in the range meets the targets", "区间内没有满足目标的取值")}
GRID_BASIS = {"regional": ("regional", "区域"), "national": ("national", "全国"), "residual": ("residual", "剩余")}

# the Monte Carlo run's notices (risk/notices.py codes) in Chinese; {input} and {metric} are
# named in words, numbers keep the English text's format
NOTICES_ZH = {
    "input_not_read": "{input}：模型未使用该输入，其概率分布不起作用",
    "too_few_paths_for_correlation": "不确定性相关系数：{random_paths}条随机路径不足以在{inputs}个输入之间引入相关性，已按独立抽样",
    "sobol_unbalanced": "Sobol抽样在2^m + 1条路径时均衡；本次为{paths}条路径",
    "central_differs": "{input}：概率分布的中心值{central:g}与案例取值{base:g}不同；第0条路径（确定性情景）采用{base:g}",
    "fraction_above_limit": "{input}：{share:.1%}的路径抽到高于{limit:g}的比例值；请用low/high限定该分布",
    "precision_undefined": "{metric}：所有路径均无定义，无法判断其精度",
    "precision_not_reached": "{metric}：均值标准误为{se:.3g}，高于要求的{target:.3g}；约需{need:,}条路径才能达到",
}


# the terms the pricing desk offers, by the case file's field name
OFFER_FIELDS = {
    "term_years": ("Contract term, years", "合同期限（年）"),
    "rent_per_yr": ("Roof/land rent paid by the owner", "投资方支付的屋顶/场地租金"),
    "insurance_rate": ("Insurance per year, share of the initial capex", "年保险费（占初始投资比例）"),
    "discount_to_grid": ("Tariff discount to the host's grid tariff", "相对用能企业电网电价的折扣"),
    "subscription_per_yr": ("Fixed subscription paid by the host", "用能企业支付的固定订阅费"),
    "subscription_escalation": ("Annual escalation of the subscription", "订阅费年增长率"),
    "min_take_share": ("Take-or-pay share of the expected supply", "照付不议比例（占预期供能）"),
    "per_kwh": ("Contract price per kWh in the base year", "基准年合同单价"),
    "escalation_rate": ("Annual escalation of the contract price", "合同单价年调价率"),
    "floor_per_kwh": ("Floor of the contract price", "合同单价保底价"),
    "cap_per_kwh": ("Cap of the contract price", "合同单价封顶价"),
    "take_or_pay_mwh": ("Take-or-pay volume per contract year", "每合同年照付不议电量"),
    "availability_guarantee": ("Availability guaranteed by the provider", "服务商保证的可用率"),
    "penalty_per_mwh": ("Provider's penalty per MWh below the guarantee", "低于保证值时服务商每MWh罚金"),
    "buyout_breakage_share": ("Breakage added to the buy-out value", "回购价值附加违约补偿比例"),
    "provider_share": ("Provider's share of verified savings", "服务商节能效益分享比例"),
    "mv_cost_share": ("M&V cost paid by the provider, share of savings", "服务商承担的节能量审核费用（占节能效益比例）"),
    "host_default_probability": ("Annual probability the host fails to pay", "用能企业年度违约概率"),
    "recovery_rate": ("Share of a defaulted payment recovered", "违约款项回收比例"),
    "qualified_emc": ("Qualifies for the EMC tax holiday (三免三减半)", "符合合同能源管理税收优惠（三免三减半）"),
    "guaranteed_share": ("Savings guaranteed by the provider, share of expected", "服务商保证的节能量（占预期比例）"),
    "fee_per_yr": ("Provider's annual fee paid by the host", "用能企业支付服务商的年度服务费"),
    "excess_share": ("Provider's share of savings above the guarantee", "服务商分享超额节能效益的比例"),
    "discount": ("Discount on the host's baseline energy cost", "相对用能企业基准能源费用的折扣"),
    "fee_escalation": ("Annual escalation of the trusteeship fee", "托管费年增长率"),
    "lease_rate": ("Rate the host's rentals repay the capex at", "用能企业租金对应的租赁利率"),
    "sharing_years": ("Years of shared savings", "节能效益分享年限"),
    "tenant_tariff_discount": ("Discount to the grid tariff for tenants", "向入驻企业售电相对电网电价的折扣"),
    "platform_fee_share": ("Platform company's fee, share of energy sales", "平台公司服务费（占售能收入比例）"),
    "sell_gec_for_exports": ("Sell the green attribute of exported power", "出售上网电量的绿色属性"),
    "terminal_value_multiple": ("Terminal value, multiple of the last operating margin", "期末价值（末年经营利润倍数）"),
    "grid_capacity_charge_per_kw_month": ("Capacity charge for near-site supply", "就近供电容量费"),
    "direct_line_kw": ("Contracted capacity of the direct line", "直连线路合同容量"),
    "system_charge_per_kwh": ("System operation charge on direct-line power", "直连电量系统运行费"),
    "max_gearing": ("Maximum gearing (debt share of the debt-funded cost)", "最高债务比例（占债务融资对应投资）"),
    "target_dscr": ("Target DSCR for debt sizing", "债务测算目标偿债备付率"),
    "amount": TERMS["debt_amount"],
    "dsra_months": ("Debt service reserve, months of debt service", "偿债准备金（还本付息月数）"),
    "lockup_dscr": TERMS["lockup_dscr"],
    "default_dscr": TERMS["default_dscr"],
    "margin_bp": ("Margin over the reference rate", "利率加点"),
    "tenor_years": ("Tenor, years", "贷款期限（年）"),
    "grace_years": ("Grace (interest only), years", "宽限期（只付息，年）"),
    "upfront_fee": ("Upfront fee, share of the commitment", "前端费（占承诺额比例）"),
    "commitment_fee": ("Commitment fee on undrawn amounts, per year", "未提款承诺费（年）"),
    "fixed_rate": ("All-in fixed rate", "固定综合利率"),
}

# units of the desk's inputs (a switch has none: the page shows no unit for it)
OFFER_UNITS = {
    "pct": TERMS["u_pct"], "bp": TERMS["u_bp"], "years": TERMS["u_years"], "months": ("months", "个月"),
    "x": TERMS["u_x"], "money": TERMS["u_money"], "money_yr": ("{cur}/yr", "{cur}/年"),
    "money_mwh": ("{cur}/MWh", "{cur}/MWh"), "money_kwh": ("{cur}/kWh", "{cur}/kWh"),
    "money_kw_month": ("{cur}/kW/month", "{cur}/千瓦·月"), "kw": TERMS["en_kw"], "mwh_yr": UNIT_WORDS["MWh_per_yr"],
}

PARTY_SHORT_NAMES = {
    "provider": ("Provider", "服务商"), "host": ("Host", "用能企业"), "platform": ("Platform", "平台公司"),
    "tenants": ("Tenants", "入驻企业"), "lender": MODEL_PARTY_NAMES["lender"], "tax": MODEL_PARTY_NAMES["tax"],
    "market": ("Market / grid", "市场/电网"), "insurer": ("Insurer", "保险公司"), "mv": ("M&V agent", "节能量审核机构"),
    "lessor": ("Lessor", "租赁公司"),
    "project": ("Project", "项目"),
}
# the model's parties (named where the workbook's party lines are built) and the others a report shows
PARTY_FULL_NAMES = {**MODEL_PARTY_NAMES, "project": ("Project (all capital)", "项目（全部投资）"),
                    **{p: PARTY_SHORT_NAMES[p] for p in ("market", "insurer", "mv")}}


def statement_row(statement: str, key: str, lang: str) -> str:
    """The words of row ``key`` of a statement (its JSON key), in ``lang``; a loan's row on the debt
    schedule is the loan's name (a tranche id, or the working-capital loan) and the row's words."""
    if f"{statement}.{key}" in STATEMENT_ROWS:
        return pick(STATEMENT_ROWS, f"{statement}.{key}", lang)
    for row in LOAN_ROW_WORDS:
        if key.endswith(f"_{row}"):
            loan = key.removesuffix(f"_{row}")
            wc = statement_rows.WORKING_CAPITAL_LOAN
            name = (wc[2] if lang == "zh" else wc[1]) if loan == wc[0] else loan
            return f"{name}{'：' if lang == 'zh' else ': '}{pick(LOAN_ROW_WORDS, row, lang)}"
    return key


def pick(table: dict, key: str, lang: str, **kw) -> str:
    """``table[key]`` is ``(en, zh, …)``; unknown keys are printed as given."""
    v = table.get(key)
    if v is None:
        return str(key)
    s = v[1] if lang == "zh" else v[0]
    return s.format(**kw) if kw else s


def text(lang: str, key: str, **kw) -> str:
    """The term ``key`` of :data:`TERMS` in ``lang`` (the key itself when there is none)."""
    return pick(TERMS, key, lang, **kw)


def in_lang(table: dict, lang: str) -> dict[str, str]:
    """A whole table in one language: ``{key: word}``."""
    return {k: pick(table, k, lang) for k in table}


def paren(s: str, lang: str) -> str:
    """``s`` as an aside in parentheses: ``（s）`` in Chinese, `` (s)`` in English."""
    return f"（{s}）" if lang == "zh" else f" ({s})"


def party_name(p: str, lang: str, custom: str | None = None) -> str:
    """Display name of a party; a custom name from the case is appended (it is user text)."""
    label = pick(PARTY_FULL_NAMES, p, lang)
    return f"{label}{paren(custom, lang)}" if custom else label


def short_party(p: str, lang: str) -> str:
    """Short party label for table headers and charts."""
    return pick(PARTY_SHORT_NAMES, p, lang)


def reason(lang: str, why: str | None) -> str | None:
    """An engine reason (English) in the report's language."""
    if why is None:
        return None
    return REASONS_ZH.get(why, why) if lang == "zh" else why
