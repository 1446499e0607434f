"""Number formatting shared by the report text, its tables, its charts and the workbooks.

One function per kind of number, so the same value reads the same everywhere:

==============  ==========================  ===========================================
kind            example                     rule
==============  ==========================  ===========================================
``money``       ``2,872,029``               whole currency units, thousands separators
``money_k``     ``2,872``                   thousands of currency units (tables)
``statement``   ``287.20`` / ``2,872``       the statements' amounts: 万 (10,000) with 2 decimals in
                                            Chinese, as the method's tables are kept; thousands in English
``pct``         ``16.39%``                  fraction shown as a percentage, 2 decimals
``ratio``       ``1.16``                    cover ratios (DSCR, LLCR, ICR …), 2 decimals
``intensity``   ``2.051``                   tCO2/tce, 3 decimals (thresholds are 0.2/0.3)
``price``       ``0.5600``                  a unit price per kWh, 4 decimals
``years``       ``8.8``                     durations in years, 1 decimal
``year``        ``2026``                    calendar years, no separator
``qty``         ``12,000``                  physical quantities, thousands separators
``bp``          ``15.0``                    basis points, 1 decimal
``number``      ``0.03412`` / ``1,839.09``  general: up to 6 significant digits
==============  ==========================  ===========================================

An undefined value (JSON ``null``) prints as ``none`` (English) or ``未定义`` (Chinese); the
reason, when the result document gives one under ``notes``, is shown next to it by the caller
(:func:`undefined` returns both).  Negative numbers use the ASCII hyphen-minus; a value that
rounds to zero never prints as ``-0``.

Every kind is one row of :data:`NUMBER_FORMATS`: its text formatter and its one Excel number
format, which the appraisal workbook and the screening workbook both use, so a number shows the
same digits in the PDF, in the CSV and in every workbook cell.  The Excel formats follow what a
lender's model auditor expects (FAST-style models): money with thousands separators and a minus
sign, in red on screen (the sign keeps a negative readable on a black-and-white print and in the
text export; red makes it stand out in the sheet); cover ratios to two decimals, as covenants are
written (1.20×); percentages to two decimals; physical quantities in whole units.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from .words import text


def _finite(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None if v is None else float(v)
    try:
        x = float(v)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


def _fixed(x: float, decimals: int, sep: bool = True) -> str:
    s = f"{x:,.{decimals}f}" if sep else f"{x:.{decimals}f}"
    if s.startswith("-") and float(s[1:].replace(",", "")) == 0.0:
        s = s[1:]
    return s


def none_text(lang: str = "en") -> str:
    return text(lang, "none")


def _dec(v: Any, lang: str, decimals: int, mul: float = 1.0, div: float = 1.0, suffix: str = "") -> str:
    """``v * mul / div`` with ``decimals`` decimals and separators, then ``suffix``; the undefined
    text when ``v`` is missing or not finite."""
    x = _finite(v)
    return none_text(lang) if x is None else _fixed(x * mul / div, decimals) + suffix


def money(v: Any, lang: str = "en") -> str:
    """Whole currency units with thousands separators: ``2,872,029``."""
    return _dec(v, lang, 0)


def money_k(v: Any, lang: str = "en") -> str:
    """Thousands of currency units, no decimals: ``2,872`` for 2,872,029."""
    return _dec(v, lang, 0, div=1000.0)


def statement(v: Any, lang: str = "en") -> str:
    """The statements' amounts: ``287.20`` (万) for 2,872,029 in Chinese, ``2,872`` (thousands) in English."""
    return _dec(v, lang, 2, div=1e4) if lang == "zh" else money_k(v, lang)


def pct(v: Any, lang: str = "en", decimals: int = 2) -> str:
    """A fraction as a percentage with 2 decimals: ``0.16389`` → ``16.39%``."""
    return _dec(v, lang, decimals, mul=100.0, suffix="%")


def ratio(v: Any, lang: str = "en") -> str:
    """Cover ratios, 2 decimals: ``1.16``."""
    return _dec(v, lang, 2)


def price(v: Any, lang: str = "en") -> str:
    """A unit price per kWh, 4 decimals: ``0.5600``."""
    return _dec(v, lang, 4)


def intensity(v: Any, lang: str = "en") -> str:
    """Carbon intensity in tCO2/tce, 3 decimals: ``2.051``."""
    return _dec(v, lang, 3)


def years(v: Any, lang: str = "en") -> str:
    """A duration in years, 1 decimal: ``8.8``."""
    return _dec(v, lang, 1)


def year(v: Any, lang: str = "en") -> str:
    """A calendar year: ``2026`` (no thousands separator)."""
    x = _finite(v)
    return none_text(lang) if x is None else str(int(round(x)))


def qty(v: Any, lang: str = "en") -> str:
    """A physical quantity, whole units with separators: ``12,000``."""
    return _dec(v, lang, 0)


def bp(v: Any, lang: str = "en") -> str:
    """Basis points, 1 decimal: ``15.0``."""
    return _dec(v, lang, 1)


def number(v: Any, lang: str = "en", digits: int = 6) -> str:
    """General number: integers with separators, others with up to ``digits`` significant digits
    (trailing zeros removed): ``0.03412``, ``29.3076``, ``1,839.09``, ``16,500,000``."""
    x = _finite(v)
    if x is None:
        return none_text(lang)
    if x == int(x) and abs(x) < 1e15:
        return _fixed(x, 0)
    whole = len(str(int(abs(x)))) if abs(x) >= 1 else 1
    decimals = max(0, digits - whole)
    if abs(x) < 1:  # keep `digits` significant digits for small numbers
        lead = -int(math.floor(math.log10(abs(x)))) - 1
        decimals = min(10, lead + digits - 1)
    s = _fixed(x, decimals)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def flag(v: Any, lang: str = "en") -> str:
    """A 0/1 flag or boolean as yes/no (是/否)."""
    x = _finite(v)
    if x is None:
        return none_text(lang)
    return text(lang, "yes" if x else "no")


@dataclass(frozen=True)
class NumberFormat:
    """How one kind of number is shown: as text (``None`` where the reports never print that
    kind as text) and as an Excel number format showing the same digits."""

    text: Callable[[Any, str], str] | None
    excel: str


NUMBER_FORMATS: dict[str, NumberFormat] = {
    "money": NumberFormat(money, "#,##0;[Red]-#,##0"),
    "money_k": NumberFormat(money_k, "#,##0,;[Red]-#,##0,"),
    # the statements' text in the report; the workbook's statement sheets keep currency units
    "statement": NumberFormat(statement, "#,##0;[Red]-#,##0"),
    "pct": NumberFormat(pct, "0.00%"),
    "ratio": NumberFormat(ratio, "0.00"),
    "intensity": NumberFormat(intensity, "0.000"),
    "years": NumberFormat(years, "0.0"),
    "year": NumberFormat(year, "0"),
    "qty": NumberFormat(qty, "#,##0"),
    "bp": NumberFormat(bp, "0.0"),
    "number": NumberFormat(number, "General"),
    "flag": NumberFormat(flag, "0"),
    "price": NumberFormat(price, "0.0000"),  # tariffs and prices per unit: 0.4153 CNY/kWh
    "factor": NumberFormat(None, "0.0000"),  # escalation indices, degradation factors
    "index": NumberFormat(None, "0"),  # period counters, ages
    "temperature": NumberFormat(None, "0.0"),  # °C and degree-days
    "estimate": NumberFormat(None, "#,##0.000"),  # regression coefficients and their statistics
}
FORMATTERS = {k: f.text for k, f in NUMBER_FORMATS.items() if f.text is not None}
EXCEL_FORMATS = {k: f.excel for k, f in NUMBER_FORMATS.items()}


def fmt(v: Any, kind: str, lang: str = "en") -> str:
    """Format ``v`` as ``kind`` (a key of :data:`FORMATTERS`)."""
    return FORMATTERS[kind](v, lang)


def undefined(lang: str, reason: str | None) -> tuple[str, str | None]:
    """Text for an undefined value and its reason (``None`` when no reason is known)."""
    return none_text(lang), reason


def unit_kind(unit: str | None) -> str:
    """The kind of number an assumption with this unit string is: fractions are ``pct``, flags
    ``flag``, calendar years ``year``, anything else a general ``number``."""
    u = (unit or "").strip().lower()
    if u == "flag":
        return "flag"
    if u.startswith("fraction"):
        return "pct"
    return "year" if u == "year" else "number"


def by_unit(v: Any, unit: str | None, lang: str = "en") -> str:
    """Format an assumption value by its unit string (fractions as %, flags as yes/no …)."""
    kind = unit_kind(unit)
    if kind == "pct":
        x = _finite(v)
        if x is not None and abs(x) > 10:  # not a fraction whatever the unit says: print the number
            return number(x, lang)
        if x is not None and x != 0 and abs(x) < 0.0001:
            return number(x * 100.0, lang) + "%"
    return fmt(v, kind, lang)
