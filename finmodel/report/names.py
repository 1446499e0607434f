"""Words for the names a result carries: assumption field paths, metric and event keys, pricing
targets, units, the engine's source phrases and Monte Carlo notices, in the report's language.

The result document and the workbook's key columns keep the engine's names
(``assets.pv.capex_overrun``, ``provider.irr>=0.08@P90``, ``CNY/kW``: DESIGN "Interfaces"); a
reader is shown words: ``地面光伏电站：投资超支率`` / ``Ground-mounted PV: capex overrun``.  One
:class:`Names` per report or workbook, built from the appraisal (:meth:`Names.of`, so an asset is
named by its technology), serves the PDF's sections, its charts and the workbook's sheets alike.
Every word comes from :mod:`finmodel.report.words`; a part the vocabulary does not know is shown
readably (underscores as spaces), never as a dotted path.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

from ..pricing.targets import parse_target
from . import format as F
from .words import (BASELINE, CARBON_RULES, COMPONENTS, CURRENCIES, EVENT_ANY, EVENT_LEVELS, EVENT_WHAT, EVENT_WHEN,
                    FIELDS, GRID_BASIS, GROUPS, KPIS, MATURITY, NOTICES_ZH, PARTY_SHORT_NAMES, SENSITIVITY_FACTORS,
                    SOURCES_ZH, SURFACE_TERMS, TERMS, UNIT_WORDS, UNITS, paren, pick, text)

if TYPE_CHECKING:  # pragma: no cover
    from ..engine import Appraisal

PARTY_METRICS = {"irr": "irr", "npv": "npv", "payback_years": "payback", "discounted_payback_years": "dyn_payback",
                 "min_dscr": "min_dscr"}
"""A party's metrics named by party and term (``provider.irr`` → ``服务商内部收益率``)."""

OPERATORS = {"<=": "≤", ">=": "≥", "<": "<", ">": ">", "==": "="}


def metric_kind(name: str) -> str:
    """Format kind of a metric from its name (IRR → %, DSCR → ratio, NPV → money …)."""
    s = name.lower()
    tail = s.rsplit(".", 1)[-1]
    if "intensity" in s:
        return "intensity"
    if "payback" in s:
        return "years"
    if tail in ("year", "first_year_met") or tail.endswith("_year") or tail.startswith("first_year"):
        return "year"
    if any(k in tail for k in ("dscr", "llcr", "plcr", "icr")):
        return "ratio"
    if any(k in tail for k in ("irr", "share", "roi", "roe", "gearing")) or tail.endswith("rate") or tail == "se" \
            and "irr" in s:
        return "pct"
    if "_bp" in tail or tail.endswith("bp"):
        return "bp"
    if any(k in tail for k in ("npv", "amount", "cost", "saved", "price", "value", "cash", "cfads", "revenue",
                               "opex", "capex", "tax", "debt_service")):
        return "money"
    return "number"


def short_name(name: str) -> str:
    """A technology's name without its qualifier: ``地面光伏电站(136号文后…)`` → ``地面光伏电站``."""
    return re.split(r"\s*[(（,，]", name, maxsplit=1)[0].strip() or name


_UNIT_TOKEN = re.compile(r"pollution equivalent|[A-Za-z0-9_]+")  # the one unit of two words first


@lru_cache(maxsize=None)
def _source_patterns() -> list[tuple[re.Pattern, str]]:
    """:data:`~finmodel.report.words.SOURCES_ZH` as anchored patterns, ``{name}`` matching any text."""
    out = []
    for en, zh in SOURCES_ZH.items():
        parts = re.split(r"\{(\w+)\}", en)
        rx = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
        out.append((re.compile(f"^{rx}$", re.S), zh))
    out.sort(key=lambda p: "(?P<" in p[0].pattern)  # a whole phrase before a pattern that would also match it
    return out


@dataclass
class Names:
    """Names in words, in one language; ``assets`` and ``technologies`` map an asset id and a
    technology key to the technology's ``(en, zh)`` name, ``outputs`` a model output to its label."""

    lang: str
    assets: dict[str, tuple[str, str]] = field(default_factory=dict)
    technologies: dict[str, tuple[str, str]] = field(default_factory=dict)
    outputs: dict[str, tuple[str, str]] = field(default_factory=dict)
    currency: str = "CNY"

    @classmethod
    def of(cls, a: "Appraisal | None", lang: str, currency: str = "CNY") -> "Names":
        """The names of an appraisal's case and model (the vocabulary alone without one)."""
        if a is None:
            return cls(lang, currency=currency)
        techs = a.rc.technologies
        short = {aid: (short_name(t.name_en), short_name(t.name_zh)) for aid, t in techs.items()}
        assets = {}
        for aid, (en, zh) in short.items():  # two assets of one technology: tell them apart by id
            twin = sum(1 for v in short.values() if v == (en, zh)) > 1
            assets[aid] = (f"{en}{paren(aid, 'en')}", f"{zh}{paren(aid, 'zh')}") if twin else (en, zh)
        by_key = {x.technology: short[x.id] for x in a.rc.case.assets}
        outputs = {name: (o.en, o.zh) for name, o in a.model.outputs.items()}
        return cls(lang, assets, by_key, outputs, a.rc.case.case.currency)

    # ---------------------------------------------------------------------------------------------
    def _w(self, pair: tuple) -> str:
        return pair[1] if self.lang == "zh" else pair[0]

    @property
    def sep(self) -> str:
        """Between a name and what it qualifies: ``：`` or ``: ``."""
        return "：" if self.lang == "zh" else ": "

    def _cap(self, s: str) -> str:
        return s[:1].upper() + s[1:] if self.lang == "en" else s

    def percentile(self, key: str) -> str:
        """A summary's percentile key in words: ``p10`` → ``第10百分位数`` / ``10th percentile``
        (the 10th percentile is what lenders call P90: the value exceeded on 90 % of the paths)."""
        return text(self.lang, "pctl", n=key.removeprefix("p"))

    def join(self, items) -> str:
        """Items of a list in one line: ``a；b`` or ``a; b``."""
        return ("；" if self.lang == "zh" else "; ").join(items)

    @staticmethod
    def _readable(parts: list[str]) -> str:
        return " ".join(parts).replace("_", " ")

    def asset(self, aid: str) -> str:
        """An asset by its technology's short name (the id when the case has no such asset)."""
        return self._w(self.assets[aid]) if aid in self.assets else aid

    def _low(self, s: str) -> str:
        """A term inside a name starts in lower case in English (``Capex`` → ``capex``, ``CEA`` stays)."""
        return s[:1].lower() + s[1:] if self.lang == "en" and s[1:2].islower() else s

    def _term(self, parts: list[str], group: str) -> str:
        key = ".".join(parts)
        for k in (f"{group}.{key}", key):
            if k in FIELDS:
                return self._low(self._w(FIELDS[k]))
        m = re.fullmatch(r"(\w+)\.(dx|dy|dxx|dxy|dyy)", key)  # the dispatch's response surface (sheets/energy.py)
        if m:
            return f"{self._term([m.group(1)], group)}{self.sep}{self._w(SURFACE_TERMS[m.group(2)])}"
        m = re.fullmatch(r"replace_(\w+?)_(every_years|cost_fraction)", key)
        if m:
            comp = COMPONENTS.get(m.group(1))
            return self._w(FIELDS[f"replace_{m.group(2)}"]).format(
                component=self._w(comp) if comp else m.group(1).replace("_", " "))
        return self._readable(parts)

    def _field(self, path: str) -> tuple[str, str, bool]:
        """``(heading, label, whole)``: the group a table lists the field under, its label there, and
        whether the label alone already names the field (it says whose or which)."""
        head, *rest = path.split(".")
        sep = self.sep
        heading = pick(GROUPS, head, self.lang) if head in GROUPS else head.replace("_", " ")
        if head == "assets" and len(rest) >= 2:
            return self.asset(rest[0]), self._term(rest[1:], head), False
        if head == "financing" and rest[:1] == ["sll"] and len(rest) >= 2:
            kpi = [self._low(pick(KPIS, rest[1], self.lang))] if len(rest) > 2 else []
            return heading, sep.join(["SLL", *kpi, self._term(rest[-1:], head)]), True
        if head == "national" and rest[:2] == ["sensitivity", "switching_value"] and len(rest) == 3:
            factor = pick(SENSITIVITY_FACTORS, rest[2], self.lang) if rest[2] in SENSITIVITY_FACTORS else rest[2]
            return heading, f"{text(self.lang, 'switching')}{sep}{factor}", True
        if head == "financing" and rest[:1] == ["lease"] and len(rest) >= 2:  # financing.lease.<term>
            return heading, f"{text(self.lang, 'lease')}{sep}{self._term(rest[1:], 'lease')}", True
        if head == "financing" and len(rest) >= 2:
            tranche = f"{text(self.lang, 'tranche')} {rest[0]}"
            return heading, f"{tranche}{sep}{self._term(rest[1:], head)}", True
        if head == "cost_split" and len(rest) == 2:
            item = self._low(text(self.lang, f"cs_{rest[0]}")) if f"cs_{rest[0]}" in TERMS else rest[0]
            return heading, f"{item}{paren(pick(PARTY_SHORT_NAMES, rest[1], self.lang), self.lang)}", False
        if head == "parties" and len(rest) == 2:
            return heading, f"{pick(PARTY_SHORT_NAMES, rest[0], self.lang)}{sep}{self._term(rest[1:], head)}", True
        if head == "tax" and rest[:1] == ["holiday"] and len(rest) == 2:  # tax.holiday.<asset>
            return heading, f"{self.asset(rest[1])}{sep}{self._w(FIELDS['tax.holiday'])}", True
        if head == "park" and rest[:1] == ["baseline"] and len(rest) == 2:
            return heading, self._low(pick(BASELINE, rest[1], self.lang)) if rest[1] in BASELINE else rest[1], False
        return heading, self._term(rest, head), head in ("case", "risk")

    def field(self, path: str, group: bool = True) -> str:
        """An input's name from its field path: with its group (``光伏：投资超支率``), or, with
        ``group=False``, as a row under a heading that already shows the group."""
        heading, label, whole = self._field(path)
        return self._cap(label if whole or not group else f"{heading}{self.sep}{label}")

    def field_heading(self, path: str) -> str:
        """The heading a table lists ``path`` under: the group, or the asset with its id."""
        head, *rest = path.split(".")
        if head == "assets" and len(rest) >= 2:
            name, tag = self.asset(rest[0]), paren(rest[0], self.lang)
            return name if name.endswith(tag) or name == rest[0] else name + tag
        return self._cap(self._field(path)[0])

    # ---------------------------------------------------------------------------------------------
    def metric(self, name: str | None) -> str:
        """Words for a metric key such as ``project.equity_irr`` or ``provider.npv``."""
        if not name:
            return ""
        head, _, tail = name.partition(".")
        if head == "yearly":
            return text(self.lang, {"equity_cash_flow": "equity_cf"}.get(tail, tail))
        if head == "project" and f"ind_{tail}" in TERMS:
            return text(self.lang, f"ind_{tail}")
        if head == "national" and f"nat_{tail}" in TERMS:  # the national method's indicators (pdf/national.py)
            return text(self.lang, f"nat_{tail}")
        if tail in PARTY_METRICS and head in PARTY_SHORT_NAMES:
            sep = "" if self.lang == "zh" else " "
            return f"{pick(PARTY_SHORT_NAMES, head, self.lang)}{sep}{text(self.lang, PARTY_METRICS[tail])}"
        if name in self.outputs:
            return self._w(self.outputs[name])
        return self.field(name)

    def event(self, key: str) -> str:
        """Words for a probability key: ``lender.min_dscr<lockup``, ``carbon.meets_all@target_year`` …"""
        lang = self.lang
        m = re.match(r"^(carbon\.meets_(\w+?))(:ever|@target_year)$", key)
        if m:
            return text(lang, "ev_zcp", what=pick(EVENT_WHAT, m.group(2), lang),
                        when=pick(EVENT_WHEN, m.group(3), lang), zcp=text(lang, "zcp_status"))
        m = re.match(r"^sll\.(\w+)\.met_every_test$", key)
        if m:
            return text(lang, "ev_sll_met", kpi=pick(KPIS, m.group(1), lang))
        m = re.match(r"^([A-Za-z0-9_.]+):undefined$", key)
        if m:
            return text(lang, "ev_undefined", metric=self.metric(m.group(1)))
        m = re.match(r"^lender\.(default|lockup)_any$", key)
        if m:
            return pick(EVENT_ANY, m.group(1), lang)
        m = re.match(r"^\s*([A-Za-z0-9_.]+)\s*(<=|>=|<|>|==)\s*(.+?)\s*$", key)
        if not m:
            return key
        metric, op, rhs = m.groups()
        rhs_txt = pick(EVENT_LEVELS, rhs, lang)
        try:
            rhs_txt = F.fmt(float(rhs), metric_kind(metric), lang)
        except ValueError:
            pass
        return f"{self.metric(metric)} {OPERATORS[op]} {rhs_txt}"

    def target(self, spec: str) -> str:
        """A pricing target or deal-zone requirement in words: ``provider.irr>=0.08@P90`` →
        ``服务商内部收益率 ≥ 8.00%（P90）``; a text that is not one is shown as given."""
        try:
            t = parse_target(spec)
        except ValueError:
            return spec
        kind = metric_kind(t.metric)
        if t.level == "prob":
            cond = f"{self.metric(t.metric)} {OPERATORS[t.inner_op]} {F.fmt(t.inner_value, kind, self.lang)}"
            return f"{text(self.lang, 'pr_prob', cond=cond)} {OPERATORS[t.op]} {F.pct(t.value, self.lang)}"
        s = f"{self.metric(t.metric)} {OPERATORS[t.op]} {F.fmt(t.value, kind, self.lang)}"
        if t.level == "mean":
            return s + paren(text(self.lang, "mean"), self.lang)
        return s + paren(t.level.upper(), self.lang) if t.level != "det" else s

    # ---------------------------------------------------------------------------------------------
    def unit(self, u: str | None) -> str:
        """A unit string as the reader sees it: ``CNY/kW/yr`` → ``元/kW/年``, ``fraction`` → ``比例``."""
        if not u:
            return ""
        u = u.replace("currency", self.currency)
        if u in UNITS:
            return self._w(UNITS[u])
        return _UNIT_TOKEN.sub(lambda m: self._w(UNIT_WORDS[m.group(0)]) if m.group(0) in UNIT_WORDS else m.group(0), u)

    @property
    def currency_word(self) -> str:
        return pick(CURRENCIES, self.currency, self.lang)

    def source(self, s: str | None) -> str:
        """An assumption's source: the engine's own phrases in the report's language, the
        libraries' and the user's sources as given."""
        if not s or self.lang != "zh":
            return s or ""
        hit = self._phrase(s)
        if hit is not None:
            return hit
        parts = s.split("; ")
        said = [self._phrase(p) for p in parts]
        if len(parts) == 1 or all(x is None for x in said):
            return s
        return "；".join(x if x is not None else p for x, p in zip(said, parts))

    def _phrase(self, s: str) -> str | None:
        for rx, zh in _source_patterns():
            m = rx.match(s)
            if m:
                return zh.format(**{k: self._placeholder(k, v) for k, v in m.groupdict().items()})
        return None

    def _placeholder(self, name: str, value: str) -> str:
        tables = {"party": PARTY_SHORT_NAMES, "maturity": MATURITY, "technology": self.technologies,
                  "basis": GRID_BASIS, "rule": CARBON_RULES}
        if name in tables:
            return self._w(tables[name][value]) if value in tables[name] else value
        prefix = {"method": "en_method_", "model": "mv_", "form": "mv_"}.get(name)
        if prefix and prefix + value in TERMS:
            return text(self.lang, prefix + value)
        if name == "unit":
            return self.unit(value)
        if name == "source":
            return self.source(value)
        return value

    def notice(self, w: str) -> str:
        """A Monte Carlo warning (:class:`~finmodel.risk.notices.Notice`) in the report's language."""
        code = getattr(w, "code", None)
        if self.lang != "zh" or code not in NOTICES_ZH:
            return str(w)
        params = dict(w.params)
        if "input" in params:
            params["input"] = self.field(params["input"])
        if "metric" in params:
            params["metric"] = self.metric(params["metric"])
        return NOTICES_ZH[code].format(**params)
