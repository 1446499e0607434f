"""What may stay in Latin letters in the Chinese report and workbook, and what is left when it is taken out.

The Chinese outputs are Chinese throughout, with these exceptions, decided once:

* user text, shown as written: the case's, park's and parties' names, the case notes, asset and
  tranche ids, the market file, the libraries' and the user's sources, the technologies' and
  regions' names as the library gives them, the meter files and their driver columns;
* abbreviations that Chinese appraisal and finance texts keep, always next to their Chinese name
  somewhere in the report (最低偿债备付率（DSCR）, 可持续发展挂钩贷款（SLL）, 1年期LPR …);
* unit symbols of GB 3100 and GB/T 2589 (kW, kWh, MWh, GJ, t, tCO2, tce, kgce …), as Chinese
  technical documents write them;
* the names of methods and standards (CalTRACK, ASHRAE Guideline 14, Sobol, Brent) and the
  statistics' symbols (p, n, CV(RMSE), NMBE, AR(1));
* the tool's name, the input hash, standard numbers (GB/T 2589-2020), SHA-256, UTC, Excel, the
  case-file keys a warning asks the user to set (low/high), E and R (the sources' flags for
  estimates and unconfirmed figures), the NPV formula's r and t, and a workbook column (F).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from finmodel.report.names import Names

ROOT = Path(__file__).resolve().parents[3]

ABBREVIATIONS = {"IRR", "NPV", "DSCR", "LLCR", "PLCR", "ICR", "ROI", "ROE", "SLL", "LPR", "CEA", "GEC", "CCER", "CBAM",
                 "EaaS", "TRL", "IEA", "COP", "LHV", "OU", "N", "Sobol", "P10", "P50", "P90", "EIRR", "ENPV",
                 "HDD", "CDD", "CV", "RMSE", "NMBE", "AR"}
UNIT_SYMBOLS = {"W", "kW", "MW", "kWh", "MWh", "GJ", "MJ", "kJ", "t", "kg", "g", "m", "C", "tCO2", "CO2", "tce", "kgce",
                "Mtce"}
OTHER = {"finmodel", "GB", "T", "SHA", "UTC", "Excel", "Brent", "CNY", "low", "high", "E", "R", "r", "F", "p", "n",
         "CalTRACK", "ASHRAE", "Guideline"}
ALLOWED = ABBREVIATIONS | UNIT_SYMBOLS | OTHER
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
NOT_WORDS = re.compile(r"\b(?:[0-9a-f]{12,64}|[SN]\d+[a-z]?|\d{4}-\d\d-\d\dT[\d:.+]+)\b")  # hashes, [Sn]/[Nn] tags, timestamps


@lru_cache(maxsize=None)
def library_sources() -> frozenset[str]:
    """Every source written in the shipped libraries (quoted as given in every language)."""
    out: set[str] = set()

    def walk(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k in ("source", "name_en", "name_zh", "note") and isinstance(v, str):
                    out.add(v)
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)
    for f in [ROOT / "assumptions" / "technologies.yaml", *(ROOT / "assumptions" / "markets").glob("*.yaml")]:
        walk(yaml.safe_load(f.read_text(encoding="utf-8")))
    return frozenset(out)


_USER: dict[tuple[str, ...], list[str]] = {}


def user_text(a, doc: dict | None = None) -> list[str]:
    """The user's and the libraries' text in an appraisal, longest first."""
    rc, c = a.rc, a.rc.case
    out = {c.case.name, c.case.name_zh or "", c.park.name, c.case.notes or "", (doc or {}).get("market") or ""}
    out |= {p.name or "" for p in c.parties.values()} | {x.id for x in c.assets} | set(c.financing.tranches)
    out |= {rc.market.region.name_zh, rc.market.region.name_en}
    out |= {t.name_zh for t in rc.technologies.values()} | {t.name_en for t in rc.technologies.values()}
    zh = Names.of(a, "zh")
    for x in rc.assumptions.values():  # a source the case file gives is the user's (the engine's own are not)
        if x.overridden and zh.source(x.source) == x.source:
            out.add(x.source)
    if c.mv is not None:  # the meter files, their driver columns and the expected savings' source are the user's
        out |= {Path(f).name for f in (c.mv.baseline, c.mv.weather, c.mv.reporting, c.mv.result) if f}
        out |= set(c.mv.columns) | set(c.mv.columns.values())
        out.add(getattr(c.mv.expected_savings, "source", "") or "")
        out |= set(((doc or {}).get("mv") or {}).get("drivers", []))
    out |= library_sources()
    return sorted((s for s in out if s), key=len, reverse=True)


def latin_words(text: str, a, doc: dict | None = None) -> dict[str, str]:
    """Latin words left in ``text`` once user text is taken out, each with where it stands."""
    key = (a.rc.case.case.name, a.rc.case.park.name, a.rc.market.id, (doc or {}).get("market") or "")
    if key not in _USER:
        _USER[key] = user_text(a, doc)
    for s in _USER[key]:
        text = text.replace(s, " ")
    text = NOT_WORDS.sub(" ", text)
    out = {}
    for m in WORD.finditer(text):
        if m.group(0) not in ALLOWED:
            out.setdefault(m.group(0), text[max(0, m.start() - 60):m.end() + 40].replace("\n", " | "))
    return out


def report_text(a, doc: dict, lang: str) -> str:
    """What a reader of the PDF sees: the rendered HTML's text and the text of its charts (SVG)."""
    import html
    import tempfile
    from html.parser import HTMLParser

    from finmodel.report.pdf import build_context, render_html

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.out: list[str] = []
            self.skip = 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("style", "title")

        def handle_endtag(self, tag):
            self.skip -= tag in ("style", "title")

        def handle_data(self, data):
            if not self.skip:
                self.out.append(data)

    with tempfile.TemporaryDirectory() as d:
        page = Text()
        page.feed(render_html(build_context(a, doc, lang, Path(d))))
        charts = [html.unescape(t) for f in sorted(Path(d).glob("*.svg"))
                  for t in re.findall(r"<text[^>]*>(.*?)</text>", f.read_text(encoding="utf-8"), re.S)]
    return "\n".join(page.out + charts)


def workbook_text(path: Path, key_heading: str) -> str:
    """The workbook's text cells, leaving out its key columns (the model's names, for audit)."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    out = list(wb.sheetnames)
    for ws in wb.worksheets:
        keys = {c.column for row in ws.iter_rows(max_row=8) for c in row if c.value == key_heading}
        for row in ws.iter_rows():
            out += [c.value for c in row if isinstance(c.value, str) and not c.value.startswith("=")
                    and (c.column not in keys or c.value == key_heading)]
        out += [ch.title.tx.rich.p[0].r[0].t for ch in ws._charts if ch.title is not None and ch.title.tx is not None
                and ch.title.tx.rich is not None]
    return "\n".join(out)
