"""The vocabulary is well formed, and every word the reports ask for by a literal key exists."""
from __future__ import annotations

import re
from pathlib import Path

from finmodel.report import words as W

REPORT = Path(W.__file__).parent


def test_every_entry_is_english_then_chinese():
    tables = {name: t for name, t in vars(W).items() if name.isupper() and isinstance(t, dict)
              and not name.endswith("_ZH")}  # *_ZH: Chinese for the engine's English, keyed by it
    assert "TERMS" in tables and "SHEETS" in tables and "CONTRACTS" in tables
    for name, table in tables.items():
        for key, entry in table.items():
            assert isinstance(entry, tuple) and len(entry) >= 2, (name, key)  # a missing comma joins en and zh
            assert all(isinstance(x, str) and x for x in entry), (name, key)


def test_every_literal_key_in_the_report_code_is_a_term():
    asked = set()
    for path in REPORT.rglob("*.py"):
        src = path.read_text(encoding="utf-8")
        asked |= set(re.findall(r"""(?:ctx\.t|\btext)\((?:lang, |self\.lang, )?["'](\w+)["']""", src))
        asked |= set(re.findall(r"""W\.text\(lang, ["'](\w+)["']""", src))
    assert len(asked) > 100
    assert not asked - set(W.TERMS)


def test_lookups_fall_back_to_the_key():
    assert W.text("zh", "irr") == "内部收益率" and W.text("en", "irr") == "IRR"
    assert W.text("zh", "no_such_term") == "no_such_term"
    assert W.pick(W.CONTRACTS, "ies", "zh") == "综合能源服务" and W.pick(W.CONTRACTS, "other", "zh") == "other"
    assert W.party_name("provider", "zh", "ESCO") == "节能服务公司/综合能源服务商（ESCO）"
    assert W.party_name("provider", "en", "ESCO") == "Provider (ESCO / service company) (ESCO)"


def test_every_statement_row_has_its_words_in_both_languages():
    """The JSON's statements.<statement>.<row> keys all have words in the vocabulary (the loans'
    rows on the debt schedule through the loan's name)."""
    from finmodel.engine import appraise
    from tests.conftest import EXAMPLES

    doc = appraise(next(p for p in EXAMPLES if p.stem == "ies_sll")).to_dict()
    for statement, rows in doc["statements"].items():
        assert statement in W.STATEMENTS
        for key in rows:
            if key == "year":
                continue
            en, zh = W.statement_row(statement, key, "en"), W.statement_row(statement, key, "zh")
            assert en != key and zh != key and en != zh, (statement, key)
    assert W.statement_row("debt_schedule", "senior_principal", "zh") == "senior：其中：还本"
    assert W.statement_row("debt_schedule", "working_capital_loan_interest", "zh") == "流动资金借款：当期应计利息"


def test_every_reason_the_engine_gives_has_chinese():
    from finmodel.finance import national_sensitivity
    from finmodel.lines.metrics import REASONS
    from finmodel.report import result

    reasons = {r for r in REASONS.values() if r} | {result.NOT_APPLICABLE, result.NOT_APPLICABLE_NO_DEBT,
                                                     result.UNKNOWN_REASON, result.FIXED_SCHEDULES,
                                                     *national_sensitivity.REASONS}
    assert len(reasons) >= 14
    missing = sorted(r for r in reasons if r not in W.REASONS_ZH)
    assert not missing, missing
    assert not set(W.REASONS_ZH) - reasons  # no entry for a sentence the engine no longer writes
    for r in reasons:
        assert W.reason("zh", r) != r and W.reason("en", r) == r


def test_no_term_is_written_twice():
    """Each (English, Chinese) pair is written once in words.py (another table that needs it refers
    to that entry), and two terms share a Chinese word only where that is meant."""
    import ast
    from collections import defaultdict

    written = defaultdict(list)
    for node in ast.walk(ast.parse((REPORT / "words.py").read_text(encoding="utf-8"))):
        if isinstance(node, ast.Tuple) and len(node.elts) >= 2 and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts[:2]):
            written[(node.elts[0].value, node.elts[1].value)].append(node.lineno)
    assert len(written) > 500
    assert {k: v for k, v in written.items() if len(v) > 1} == {}

    meant = {frozenset({"target", "pr_targets"}),  # one target (SLL KPI), the targets of a price
             frozenset({"probability", "probabilities"}),  # a column and a section heading
             frozenset({"case", "d_cases"}),  # a case and the desk's page of cases
             frozenset({"avoided_year", "d_in_year"})}  # a column headed by its year and "in <year>"
    by_zh = defaultdict(list)
    for key, entry in W.TERMS.items():
        if not any(entry is W.TERMS[k] for k in by_zh[entry[1]]):  # an alias of an entry is that entry
            by_zh[entry[1]].append(key)
    assert {zh: keys for zh, keys in by_zh.items() if len(keys) > 1 and frozenset(keys) not in meant} == {}
