"""The report as the template receives it: the sections in order, each built from the document.

A section is a module with ``build(ctx) -> dict | None`` (None leaves it out: risk without
``monte_carlo``, pricing without ``pricing``/``dealzone``, carbon without a carbon account) and a
partial template ``templates/sections/<key>.html.j2``; a new section is one more row of
:data:`SECTIONS`.  Every number arrives formatted and every word translated: the templates only
place what they are given.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..words import CONTRACTS, pick
from . import (assumptions, carbon, economic, energy, financial, financing, method, mv, national, pricing, project,
               risk, statements, summary)
from .context import Ctx

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal


SECTIONS = (("summary", "s_summary", summary.build),
            ("project", "s_project", project.build),
            ("assumptions", "s_assumptions", assumptions.build),
            ("financial", "s_financial", financial.build),
            ("national", "s_national", national.build),
            ("financing", "s_financing", financing.build),
            ("carbon", "s_carbon", carbon.build),
            ("energy", "s_energy", energy.build),
            ("economic", "s_economic", economic.build),
            ("risk", "s_risk", risk.build),
            ("pricing", "s_pricing", pricing.build),
            ("mv", "s_mv", mv.build),
            ("method", "s_method", method.build),
            ("statements", "s_statements", statements.build))


def build_context(a: "Appraisal", doc: dict, lang: str, chart_dir: Path) -> dict:
    """The template's input: every section, with numbers formatted and words translated."""
    ctx = Ctx(a, doc, lang, chart_dir)
    sections = []
    for key, title_key, build in SECTIONS:
        data = build(ctx)
        if data is not None:
            sections.append({"key": key, "id": f"s-{key}", "num": len(sections) + 1, "title": ctx.t(title_key),
                             "data": data})
    audit = doc.get("audit") or {}
    date = str(audit.get("timestamp") or "")[:10]
    return {
        "lang": lang,
        "html_lang": "zh-CN" if lang == "zh" else "en",
        "t": {k: ctx.t(k) for k in ("title", "subtitle", "contents", "decision_numbers", "verdict", "assets", "baseline",
                                    "contract_structure", "contract_terms", "price_schedule", "cost_split", "timeline",
                                    "assumptions_intro", "flags", "flags_none", "party_returns", "returns",
                                    "nat_indicators",
                                    "pf_indicators", "yearly_cf", "party_cf", "sizing", "tranches", "lease", "schedule",
                                    "covenants", "sll", "sll_margin_path", "carbon_indicators", "energy_by_carrier",
                                    "basis_title", "tier_title", "avoided_title", "coal_eq_title", "green_title", "e_flows",
                                    "percentiles", "probabilities", "convergence", "convergence_note", "warnings",
                                    "pricing", "dealzone", "conventions", "audit", "checks", "disclaimer_title",
                                    "recommended_price", "undefined_reason", "mv_savings", "mv_annual", "mv_notes")},
        "case_name": ctx.case_name,
        "contract": pick(CONTRACTS, doc.get("contract", ""), lang),
        "park": ctx.case.park.name if ctx.case is not None else "",
        "date": date,
        "footer": f"finmodel {audit.get('finmodel_version', '')} · {ctx.t('hash')} {str(audit.get('input_hash', ''))[:12]}",
        "sections": sections,
        "by_key": {s["key"]: s for s in sections},
    }
