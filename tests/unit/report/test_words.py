"""The vocabulary is well formed, and every word the reports ask for by a literal key exists."""
from __future__ import annotations

import re
from pathlib import Path

from finmodel.report import words as W

REPORT = Path(W.__file__).parent


def test_every_entry_is_english_then_chinese():
    tables = {name: t for name, t in vars(W).items() if name.isupper() and isinstance(t, dict)
              and name not in ("CONVENTION_TEXT_ZH", "REASONS_ZH")}
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
