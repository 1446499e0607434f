"""What every section of the report reads: :class:`Ctx`, the document, the appraisal and the language.

Sections read the result document (and, for what it does not carry — technology names, TRL,
contract line labels, the codes of the Monte Carlo warnings — the appraisal) through one
:class:`Ctx`, which also holds the words (:mod:`finmodel.report.words`), the names of fields,
metrics and units in words (:mod:`finmodel.report.names`), the number formats
(:mod:`finmodel.report.format`) and the folder the charts are written to.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import format as F
from ..names import Names
from ..words import CURRENCIES, party_name, pick, short_party, text

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal


class Ctx:
    """Everything the report needs, read once from the document and the appraisal."""

    def __init__(self, a: "Appraisal", doc: dict, lang: str, chart_dir: Path):
        self.a, self.doc, self.lang, self.chart_dir = a, doc, lang, chart_dir
        self.cur = doc.get("currency") or "CNY"
        self.cur_word = pick(CURRENCIES, self.cur, lang)
        self.notes = doc.get("notes") or {}
        self.A = {x["field"]: x for x in doc.get("assumptions") or []}
        self.years = list(doc["yearly"]["year"])
        self.owner = doc.get("owner") or "provider"
        self.case = a.rc.case if a is not None else None
        self.names = Names.of(a, lang, self.cur)
        self.n_charts = 0

    # the document ------------------------------------------------------------------------------
    @property
    def case_name(self) -> str:
        if self.lang == "zh" and self.case is not None and self.case.case.name_zh:
            return self.case.case.name_zh
        return self.doc.get("case") or ""

    @property
    def construction_years(self) -> int:
        v = self.value("case.construction_years")
        return int(1 if v is None else v)

    @property
    def mc(self) -> dict | None:
        """The document's Monte Carlo block; None when the run had none."""
        mc = self.doc.get("monte_carlo")
        return mc if isinstance(mc, dict) and mc else None

    def mc_metric(self, *names: str) -> tuple[str, dict] | tuple[None, None]:
        """The first of ``names`` the Monte Carlo run summarised, and its summary."""
        metrics = (self.mc or {}).get("metrics") or {}
        for name in names:
            if name in metrics and isinstance(metrics[name], dict):
                return name, metrics[name]
        return None, None

    # words -----------------------------------------------------------------------------------
    def t(self, key: str, **kw) -> str:
        return text(self.lang, key, **kw)

    def f(self, v: Any, kind: str) -> str:
        return F.fmt(v, kind, self.lang)

    @property
    def money_unit(self) -> str:
        return self.t("u_money", cur=self.cur_word)

    @property
    def money_k_unit(self) -> str:
        return self.t("u_money_k", cur=self.cur_word)

    def party(self, p: str, short: bool = False) -> str:
        if short:
            return short_party(p, self.lang)
        custom = None
        if self.case is not None and p in self.case.parties:
            custom = self.case.parties[p].name
        return party_name(p, self.lang, custom)

    def value(self, field: str) -> float | None:
        x = self.A.get(field)
        return None if x is None else x.get("value")

    def party_rate(self, p: str) -> float | None:
        return self.value(f"parties.{p}.discount_rate")

    # charts ------------------------------------------------------------------------------------
    def chart(self, svg: str, caption: str, cls: str = "") -> dict:
        """Write a chart's SVG into the chart folder (numbered in the order of the report, so a
        context built without drawing (:func:`~finmodel.report.charts.not_drawn`, ``svg`` empty)
        names the files a drawing one writes)."""
        self.n_charts += 1
        path = self.chart_dir / f"chart-{self.n_charts:02d}.svg"
        if svg:
            path.write_text(svg, encoding="utf-8")
        return {"src": path.as_uri(), "caption": caption, "cls": cls}
