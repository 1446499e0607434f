"""The files of ``finmodel mv``: the JSON document, the workbook and the PDF, all or nothing.

The document is ``{finmodel_version, generated, mv, outputs}`` with ``mv`` the section of
:mod:`.result`; the workbook is :mod:`finmodel.report.excel.mv`'s (the data and the regression as
live formulas), the PDF :mod:`finmodel.report.pdf.mv`'s M&V report, in Chinese or English.
"""
from __future__ import annotations

import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

from ..about import __version__
from ..files import write_document
from .result import mv_section
from .run import MvResult

FORMATS = ("json", "xlsx", "pdf")


def mv_document(res: MvResult, expected_savings: float | None = None) -> dict:
    return {"finmodel_version": __version__, "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "mv": mv_section(res, expected_savings)}


def write_mv(res: MvResult, doc: dict, out: str | Path, stem: str, *, lang: str = "zh",
             formats: tuple[str, ...] = FORMATS) -> dict[str, str]:
    """Write ``<stem>.json`` (and ``.xlsx``, ``.pdf``) into ``out``; returns the paths written."""
    writers = {}
    if "xlsx" in formats:
        from ..report.excel.mv import write_mv_workbook

        writers["xlsx"] = lambda path: write_mv_workbook(res, path, lang=lang)
    if "pdf" in formats:
        writers["pdf"] = lambda path: write_mv_pdf(res, doc["mv"], path, lang=lang)
    return write_document(out, stem, doc, writers)


def write_mv_pdf(res: MvResult, m: dict, path: Path, lang: str = "zh") -> None:
    """``finmodel mv``'s report: the M&V section (:mod:`finmodel.report.pdf.mv`) on its own pages."""
    from ..report.pdf import SafeFetcher, render_pdf
    from ..report.pdf.mv import TEMPLATE, chart_writer, section
    from ..report.pdf.render import TEMPLATES, environment
    from ..report.words import text

    with tempfile.TemporaryDirectory(prefix="finmodel-mv-") as tmp:
        chart_dir = Path(tmp)
        data = section(res, m, lang, chart_writer(chart_dir))
        html = environment().get_template(TEMPLATE).render(
            lang=lang, html_lang="zh-CN" if lang == "zh" else "en", d=data, date=date.today().isoformat(),
            t={k: text(lang, k) for k in ("mv_title", "mv_subtitle", "mv_savings", "mv_annual", "mv_notes")},
            files=[m["baseline_data"]["file"], *([m["reporting_data"]["file"]] if m["reporting_data"] else []),
                   *([m["weather_file"]] if m["weather_file"] else [])])
        render_pdf(html, path, SafeFetcher([TEMPLATES, chart_dir]))
