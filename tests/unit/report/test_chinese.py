"""The Chinese report and workbook are Chinese throughout: no field path, English label, unit,
reason, source phrase or warning of ours is left in them (user text and the abbreviations and unit
symbols Chinese reports keep aside: tests/unit/report/latin.py), for every shipped example with a
Monte Carlo run, and with a price and a deal zone."""
from __future__ import annotations

import pytest

from finmodel.engine import appraise
from finmodel.pricing.run import dealzone, price
from finmodel.report import words as W
from finmodel.report.excel.workbook import write_workbook

from tests.conftest import EXAMPLES
from tests.unit.report.latin import latin_words, report_text, workbook_text

pytestmark = pytest.mark.slow
FLAGSHIP = next(p for p in EXAMPLES if p.stem == "rooftop_pv_eaas")


def _with_pricing(a):
    a.pricing = price(a.rc, "contract.discount_to_grid", ["provider.irr>=0.08@P90", "host.npv>=0"], paths=40)
    a.dealzone = dealzone(a.rc, "contract.discount_to_grid:0.1:0.3:3", "assets.pv.capex_per_unit:2500:3500:2",
                          ["provider.irr>=0.08", "host.npv>=0@P50"], paths=20)
    return a


@pytest.fixture(scope="module")
def appraisals():
    # 60 paths: enough for every risk table, chart and convergence warning the report can show
    out = {p.stem: appraise(p, paths=60, seed=11) for p in EXAMPLES}
    _with_pricing(out[FLAGSHIP.stem])
    return out


@pytest.mark.parametrize("case", [p.stem for p in EXAMPLES])
def test_chinese_report_has_no_english(appraisals, case):
    a = appraisals[case]
    doc = a.to_dict()
    if a.pricing is not None:
        doc["pricing"], doc["dealzone"] = a.pricing, a.dealzone
    text = report_text(a, doc, "zh")
    assert "执行摘要" in text and "风险分析" in text and (W.text("zh", "s_pricing") in text) == (a.pricing is not None)
    assert latin_words(text, a, doc) == {}


def test_chinese_workbook_has_no_english(appraisals, tmp_path):
    a = appraisals[FLAGSHIP.stem]
    path = tmp_path / "zh.xlsx"
    write_workbook(a, path, lang="zh")
    text = workbook_text(path, W.text("zh", "key"))
    assert W.pick(W.SHEETS, "Deal zone", "zh") in text and "第10百分位数" in text
    assert latin_words(text, a, a.to_dict()) == {}


def test_the_english_report_reads_in_words_too(appraisals):
    """English keeps reading well: names, not field paths or keys."""
    a = appraisals[FLAGSHIP.stem]
    doc = a.to_dict()
    doc["pricing"], doc["dealzone"] = a.pricing, a.dealzone
    text = report_text(a, doc, "en")
    for raw in ("capex_per_unit", "deterministic.", "discount_to_grid", "provider.irr", "p5–p95", "MWh_per_yr"):
        assert raw not in text, raw
    assert "Capex per unit" in text and "10th percentile" in text
