"""Names in words: every field path, unit, engine source phrase and Monte Carlo notice of the shipped
examples and libraries has Chinese (and readable English), pinned on a few hand-written cases."""
from __future__ import annotations

import pickle
import re
import string

import pytest
import yaml

from finmodel import library
from finmodel.case import schema
from finmodel.engine import appraise
from finmodel.report import words as W
from finmodel.report.names import Names, short_name
from finmodel.risk.notices import NOTICES, Notice

from tests.conftest import EXAMPLES
from tests.unit.report.latin import ROOT, latin_words

_CACHE: dict = {}


def _appraisal(path):
    if path not in _CACHE:
        _CACHE[path] = appraise(path)
    return _CACHE[path]


@pytest.fixture(scope="module")
def ies():
    return _appraisal(next(p for p in EXAMPLES if p.stem == "ies_sll"))


def test_names_pinned(ies):
    zh, en = Names.of(ies, "zh"), Names.of(ies, "en")
    assert zh.field("assets.pv.capex_overrun") == "地面光伏电站：投资超支率"
    assert en.field("assets.pv.capex_overrun") == "Ground-mounted PV: capex overrun"
    assert zh.field("assets.pv.capex_overrun", group=False) == "投资超支率"
    assert en.field("assets.pv.capex_overrun", group=False) == "Capex overrun"
    assert zh.field_heading("assets.pv.capex_overrun") == "地面光伏电站（pv）"
    assert zh.field("financing.senior.margin_bp") == "贷款 senior：加点"
    assert zh.field("cost_split.capex.host") == "费用分摊：建设投资（用能企业）"
    assert zh.field("parties.provider.discount_rate") == "服务商：折现率"
    assert zh.field("assets.pv.replace_central_string_inverters_every_years") == "地面光伏电站：集中式/组串式逆变器更换周期"
    assert zh.field("tax.holiday_free_years") == "税费：所得税免征年数"
    assert zh.field("risk.cea") == "碳配额价格路径"
    assert zh.metric("provider.irr") == "服务商内部收益率" and en.metric("provider.irr") == "Provider IRR"
    # the lenders' DSCR on CFADS is 偿债覆盖率 (贷款人口径), apart from the national method's 偿债备付率
    assert zh.metric("project.min_dscr") == "最低偿债覆盖率（贷款人口径，DSCR）"
    assert zh.event("lender.min_dscr<lockup") == "贷款银行最低偿债覆盖率（贷款人口径，DSCR） < 分红锁定线"
    assert zh.target("provider.irr>=0.08@P90") == "服务商内部收益率 ≥ 8.00%（P90）"
    assert en.target("prob(provider.irr<0.06)<=0.1") == "probability that Provider IRR < 6.00% ≤ 10.00%"
    assert zh.unit("CNY/kW/yr") == "元/kW/年" and en.unit("CNY/kW/yr") == "CNY/kW/yr"
    assert zh.unit("CNY/(t_co2/yr)/yr") == "元/(tCO2/年)/年" and zh.unit("fraction") == "比例"
    assert zh.unit("currency/t") == "元/t" and en.unit("flag") == "yes/no"
    assert zh.percentile("p10") == "第10百分位数" and en.percentile("p90") == "90th percentile"
    # the engine's phrases in Chinese, a library's source inside one quoted as given
    assert zh.source("default: the provider pays") == "默认：由服务商承担"
    lpr = ies.rc.assumptions["parties.lender.discount_rate"].source
    assert zh.source(lpr).startswith("以1年期LPR作为贷款方资金成本：") and lpr.split(": ", 1)[1] in zh.source(lpr)
    assert zh.source("case file; E: estimate") == "案例文件；E: estimate"
    assert zh.source("E: estimate; a user's note") == "E: estimate; a user's note"  # nothing of ours: as given
    assert en.source("case file") == "case file"


def test_short_technology_names():
    assert short_name("地面光伏电站(136号文后市场化上网)") == "地面光伏电站"
    assert short_name("Industrial air-source heat pump, hot water below 90 °C") == "Industrial air-source heat pump"
    assert short_name("Plain name") == "Plain name"


def _library_fields() -> set[str]:
    """Field paths a case can resolve to beyond the examples': every technology's performance and
    replacement keys (on an asset ``x``), every market value and every contract type's terms."""
    fields = {f"assets.x.{k}" for keys in library.PERFORMANCE_KEYS.values() for k in keys}
    techs = yaml.safe_load((ROOT / "assumptions" / "technologies.yaml").read_text(encoding="utf-8"))["technologies"]
    for t in techs.values():
        for r in t.get("replacements") or []:
            key = library.component_key(r["component"])
            fields |= {f"assets.x.replace_{key}_every_years", f"assets.x.replace_{key}_cost_fraction"}
    fields |= {f"market.{k}" for k in library.NationalMarket.model_fields if k not in ("cea_price_history", "cea_path")}
    fields |= {f"market.{k}" for k in library.RegionMarket.model_fields
               if k not in ("name_en", "name_zh", "grid_region")}
    for contract in (schema.Eaas, schema.SharedSavings, schema.GuaranteedSavings, schema.Trusteeship, schema.Ies):
        fields |= {f"contract.{k}" for k in contract.model_fields if k != "type"}
    return fields


def test_every_field_has_a_name():
    """Every field of every example, and of the libraries, is named in words in both languages."""
    cases = [(a, set(a.rc.assumptions) | set(a.inputs.scalars) | set(a.inputs.series))
             for a in map(_appraisal, EXAMPLES)]
    first = cases[0][0]
    cases.append((first, {f.replace("assets.x.", f"assets.{first.rc.case.assets[0].id}.") for f in _library_fields()}))
    assert sum(len(f) for _, f in cases) > 800
    for a, fields in cases:
        for lang in ("zh", "en"):
            names = Names.of(a, lang)
            bad = {}
            ids = set(a.rc.case.financing.tranches) | {x.id for x in a.rc.case.assets}
            for f in sorted(fields):
                shown = names.field(f)
                bare = re.sub("|".join(map(re.escape, sorted(ids, key=len, reverse=True))), "", shown)
                if re.search(r"\w\.\w|_", bare):  # a dotted path or a key with underscores shown as is
                    bad[f] = shown
                elif lang == "zh" and latin_words(shown, a):
                    bad[f] = (shown, latin_words(shown, a))
            assert not bad, (lang, bad)


def _units() -> set[str]:
    units: set[str] = set()

    def walk(o):
        if isinstance(o, dict):
            units.update(v for k, v in o.items() if k == "unit" and isinstance(v, str))
            any(walk(v) for v in o.values())
        elif isinstance(o, list):
            any(walk(v) for v in o)
    for f in [ROOT / "assumptions" / "technologies.yaml", *(ROOT / "assumptions" / "markets").glob("*.yaml")]:
        walk(yaml.safe_load(f.read_text(encoding="utf-8")))
    for path in EXAMPLES:
        a = _appraisal(path)
        units |= {x.unit for x in a.rc.assumptions.values()} | {line.unit for line in a.model.lines.values()}
        units |= {o.unit for o in a.model.outputs.values()} | {t.capacity_unit for t in a.rc.technologies.values()}
    from finmodel.risk.montecarlo import FANS
    return units | {u for _, u in FANS.values()}


def test_every_unit_has_chinese():
    units = _units()
    assert len(units) > 60
    a = _appraisal(EXAMPLES[0])
    zh, en = Names.of(a, "zh"), Names.of(a, "en")
    bad = {u: zh.unit(u) for u in units if latin_words(zh.unit(u), a) or "_" in en.unit(u) + zh.unit(u)}
    assert not bad
    # English that was not fit to read is made so; what was is kept
    assert en.unit("MWh_per_yr") == "MWh/yr" and en.unit("m3") == "m³" and en.unit("CNY/kWh") == "CNY/kWh"


def test_every_engine_source_of_the_examples_reads_in_chinese():
    """What is left of a source once the libraries' and the user's text is taken out is Chinese."""
    for path in EXAMPLES:
        a = appraise(path, paths=17, seed=3)  # the Monte Carlo run's default distributions have sources too
        zh = Names.of(a, "zh")
        sources = {x.source for x in a.rc.assumptions.values()}
        sources |= {m["source"] for m in a.monte_carlo.to_dict()["inputs"].values()}
        bad = {s: latin_words(zh.source(s), a) for s in sources if latin_words(zh.source(s), a)}
        assert not bad, (path.stem, bad)


def _placeholders(s: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(s) if name}


def test_every_notice_has_chinese_with_the_same_parameters():
    assert len(NOTICES) >= 7 and set(W.NOTICES_ZH) == set(NOTICES)
    for code, en in NOTICES.items():
        assert _placeholders(W.NOTICES_ZH[code]) == _placeholders(en), code


def test_a_notice_is_its_english_sentence_and_says_it_in_chinese(ies):
    n = Notice("precision_not_reached", metric="project.equity_irr", se=0.0023, target=0.001, need=5290)
    assert n == ("project.equity_irr: the standard error of the mean is 0.0023, above the 0.001 asked for; "
                 "about 5,290 paths would reach it")
    again = pickle.loads(pickle.dumps(n))  # the screen runs cases in other processes
    assert again == n and again.code == n.code and again.params == n.params
    zh = Names.of(ies, "zh").notice(n)
    assert zh == "股东内部收益率（按贷款协议现金流分配）：均值标准误为0.0023，高于要求的0.001；约需5,290条路径才能达到"
    assert Names.of(ies, "zh").notice("a sentence without a code") == "a sentence without a code"
    m = Notice("fraction_above_limit", input="assets.pv.capex_overrun", share=0.125, limit=1.0)
    assert Names.of(ies, "zh").notice(m) == "地面光伏电站：投资超支率：12.5%的路径抽到高于1的比例值；请用low/high限定该分布"
    assert not re.search(r"[A-Za-z]{3,}", Names.of(ies, "zh").notice(m).replace("low/high", ""))
