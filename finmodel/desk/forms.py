"""The offer form: which terms of a case the desk offers, with units and bounds from the case
schema, and the submitted form read back into changes of the case file.

The terms are the contract's numbers and switches (the fields of the case's contract type in
:mod:`finmodel.case.schema`), the cost split (each non-owner party's share of capex, O&M and
overruns; the owner pays the rest, as the resolver has it) and the financing (sizing, reserve,
covenants and each tranche's margin, tenor, grace and fees).  Each is addressed by its field path
in the case file, so a submitted offer is the case file with those fields replaced
(:func:`finmodel.load_case_text` validates it exactly as a file: same messages, same field
paths).  Only the terms that differ from the case file become changes.

Bounds come from the schema's constraints (``ge``/``le``/``gt``/``lt``; a ``Rate`` is a fraction
in [0, 1]); shares and rates are typed in percent, as a case file may write them ("12%").
"""
from __future__ import annotations

import math
import typing
from dataclasses import dataclass
from typing import Mapping

import annotated_types as at

from ..case import schema as S
from ..case.resolve import ResolvedCase
from ..errors import InputError, Problem
from ..report.words import OFFER_FIELDS, OFFER_UNITS, pick, party_name, text

SPLIT_ITEMS = ("capex", "opex", "overrun")
FINANCING_FIELDS = (("sizing", "max_gearing"), ("sizing", "target_dscr"), ("sizing", "amount"),
                    (None, "dsra_months"), (None, "lockup_dscr"), (None, "default_dscr"))
TRANCHE_FIELDS = ("margin_bp", "tenor_years", "grace_years", "upfront_fee", "commitment_fee", "fixed_rate")
UNIT_BY_SUFFIX = (("_per_kw_month", "money_kw_month"), ("_per_kwh", "money_kwh"), ("_per_mwh", "money_mwh"),
                  ("_mwh", "mwh_yr"),
                  ("_per_yr", "money_yr"), ("_bp", "bp"), ("_years", "years"), ("_months", "months"),
                  ("_kw", "kw"), ("_dscr", "x"), ("_multiple", "x"), ("amount", "money"))


@dataclass(frozen=True)
class Field:
    """One input of the offer form.

    ``path`` is the field path in the case file (the input's name), ``assumption`` the resolved
    assumption it sets (its current value), ``kind`` one of ``pct`` (a fraction typed in percent),
    ``number``, ``int`` or ``bool``; ``low``/``high`` are bounds in the unit typed (None: open),
    ``strict_low`` when the bound itself is excluded."""

    path: str
    assumption: str
    group: str  # contract | cost_split | financing
    kind: str
    unit: str  # key of words.OFFER_UNITS
    low: float | None
    high: float | None
    strict_low: bool
    value: float
    label_key: str
    tranche: str | None = None
    party: str | None = None
    item: str | None = None

    def shown(self) -> float:
        """The current value in the unit typed (percent for fractions)."""
        return self.value * 100 if self.kind == "pct" else self.value

    def label(self, lang: str) -> str:
        if self.group == "cost_split":
            return text(lang, "d_share_of", party=party_name(self.party, lang), what=text(lang, f"cs_{self.item}"))
        label = pick(OFFER_FIELDS, self.label_key, lang)
        return text(lang, "d_tranche_field", field=label, tranche=self.tranche) if self.tranche else label

    def unit_label(self, lang: str, currency: str) -> str:
        cur = pick({"CNY": ("CNY", "元")}, currency, lang) if currency == "CNY" else currency
        return pick(OFFER_UNITS, self.unit, lang, cur=cur)


def _constraints(info) -> list:
    """A field's constraints and validators, also those inside ``Rate | list[Rate]``."""
    out = list(info.metadata)
    for arg in typing.get_args(info.annotation):
        if typing.get_origin(arg) is typing.Annotated:
            out += [m for m in typing.get_args(arg)[1:]]
    return out


def _bounds(constraints: list) -> tuple[float | None, float | None, bool]:
    """(low, high, low excluded) from a field's constraints; a ``Rate`` is [0, 1]."""
    low = high = None
    strict = False
    for m in constraints:
        if isinstance(m, at.Ge):
            low = float(m.ge)
        elif isinstance(m, at.Gt):
            low, strict = float(m.gt), True
        elif isinstance(m, at.Le):
            high = float(m.le)
        elif isinstance(m, at.Lt):
            high = float(m.lt)
        elif getattr(m, "func", None) is S._rate:
            low, high = 0.0, 1.0
    return low, high, strict


def _is_rate(info, constraints: list) -> bool:
    return (info.json_schema_extra or {}).get("unit") == "fraction" or any(
        getattr(m, "func", None) in (S._rate, S._signed_rate) for m in constraints)


def _field(model: type, name: str, path: str, assumption: str, group: str, rc: ResolvedCase, **kw) -> Field | None:
    info = model.model_fields[name]
    if assumption not in rc.assumptions:
        return None
    constraints = _constraints(info)
    low, high, strict = _bounds(constraints)
    if info.annotation is bool:
        kind, unit, low, high = "bool", "flag", 0.0, 1.0
    elif _is_rate(info, constraints):
        kind, unit = "pct", "pct"
        low = None if low is None else low * 100
        high = None if high is None else high * 100
    else:
        kind = "int" if info.annotation is int else "number"
        unit = next((u for suffix, u in UNIT_BY_SUFFIX if name.endswith(suffix)), "x")
    return Field(path, assumption, group, kind, unit, low, high, strict, rc.value(assumption), name, **kw)


def offer_fields(rc: ResolvedCase) -> list[Field]:
    """The terms of ``rc`` the desk offers, in the order of the form."""
    case = rc.case
    contract_type = type(case.contract)
    out: list[Field | None] = []
    for name in contract_type.model_fields:
        if name not in ("type", "price") and not isinstance(getattr(case.contract, name), list):
            out.append(_field(contract_type, name, f"contract.{name}", f"contract.{name}", "contract", rc))
    if getattr(case.contract, "price", None) is not None:  # the price schedule's terms (not its base year)
        for name in S.ContractPrice.model_fields:
            if name not in ("base_year", "escalation"):
                path = f"contract.price.{name}"
                out.append(_field(S.ContractPrice, name, path, path, "contract", rc))
    for item in SPLIT_ITEMS:
        for party in S.PARTIES:
            if party != rc.owner:
                key = f"cost_split.{item}.{party}"
                out.append(Field(key, key, "cost_split", "pct", "pct", 0.0, 100.0, False, rc.value(key),
                                 "share", party=party, item=item))
    fin = case.financing
    for section, name in FINANCING_FIELDS:
        if name == "amount" and fin.sizing.method != "amount":
            continue
        model = S.Sizing if section else S.Financing
        path = f"financing.{section}.{name}" if section else f"financing.{name}"
        out.append(_field(model, name, path, "financing.debt_amount" if name == "amount" else f"financing.{name}",
                          "financing", rc))
    for tid, tranche in fin.tranches.items():
        for name in TRANCHE_FIELDS:
            if name == "fixed_rate" and tranche.base_rate != "fixed":
                continue
            assumption = f"financing.{tid}.{'base_rate' if name == 'fixed_rate' else name}"
            out.append(_field(S.Tranche, name, f"financing.tranches.{tid}.{name}", assumption, "financing", rc,
                              tranche=tid))
    return [f for f in out if f is not None]


def _number(field: Field, raw: str, file: str, lang: str) -> float:
    try:
        x = float(raw.strip().rstrip("%"))
    except ValueError:
        raise InputError.single(file, field.path, text(lang, "d_not_a_number", value=raw)) from None
    if not math.isfinite(x):
        raise InputError.single(file, field.path, text(lang, "d_not_a_number", value=raw))
    return x


def _percent(fraction: float) -> str:
    """A fraction as the percentage text a case file may hold: 0.333 -> "33.3%"."""
    return f"{fraction * 100:.10g}%"


def read_terms(fields: list[Field], form: Mapping[str, str], file: str, lang: str = "en") -> dict:
    """The submitted ``form`` as changes of the case file (field path -> value), only where a
    term differs from the case; raises :class:`InputError` with each bad field's path.  Bounds
    are left to the case schema (its messages are the CLI's); the form only checks that numbers
    are numbers and that the non-owner cost shares leave the owner a share."""
    changes: dict = {}
    problems: list[Problem] = []
    shares: dict[str, dict[str, float]] = {}
    for f in fields:
        if f.kind == "bool":
            value = float(form.get(f.path) in ("on", "true", "1"))
            if value != f.value:
                changes[f.path] = bool(value)
            continue
        raw = form.get(f.path)
        if raw is None or raw.strip() == "":
            value = f.value
        else:
            try:
                x = _number(f, raw, file, lang)
            except InputError as exc:
                problems += exc.problems
                continue
            value = x / 100 if f.kind == "pct" else x
        if f.group == "cost_split":
            shares.setdefault(f.item, {})[f.party] = value
            continue
        if abs(value - f.value) > 1e-12 * max(1.0, abs(f.value)):
            if f.kind == "pct":
                changes[f.path] = _percent(value)
            elif f.kind == "int" and float(value).is_integer():
                changes[f.path] = int(value)
            else:
                changes[f.path] = value
    for item, by_party in shares.items():
        current = {f.party: f.value for f in fields if f.group == "cost_split" and f.item == item}
        if all(abs(v - current[p]) <= 1e-12 for p, v in by_party.items()):
            continue
        others = sum(by_party.values())
        if others > 1 + 1e-12:
            problems.append(Problem(file, f"cost_split.{item}", text(lang, "d_shares_over", total=f"{others:.4g}")))
            continue
        owner = next(p for p in S.PARTIES if p not in by_party)  # the form offers every party but the owner
        split = {p: _percent(v) for p, v in by_party.items() if v > 0}  # as a user writes shares
        split[owner] = _percent(1.0 - others)
        changes[f"cost_split.{item}"] = split
    if problems:
        raise InputError(problems)
    return changes
