"""The PDF appraisal report (WeasyPrint), in Chinese or English.

:func:`write_pdf` turns an appraisal and its result document into a PDF:

1. :func:`~.document.build_context` builds every section (one module each: :mod:`.summary`,
   :mod:`.project`, :mod:`.assumptions`, :mod:`.financial`, :mod:`.financing`, :mod:`.carbon`,
   :mod:`.risk`, :mod:`.pricing`, :mod:`.mv`, :mod:`.method`) from the result document through one
   :class:`~.context.Ctx`: numbers as formatted text, words in the report's language, tables
   as :mod:`.tables` dicts.
2. Charts (:mod:`finmodel.report.charts`) are written as SVG files into a private temporary
   folder.
3. :mod:`.render` renders the templates and lays the PDF out, fetching files only through the
   :class:`~.fetcher.SafeFetcher`.
"""
from .document import build_context
from .fetcher import RefusedURL, SafeFetcher
from .render import TEMPLATES, environment, render_html, render_pdf, write_pdf

__all__ = ["TEMPLATES", "RefusedURL", "SafeFetcher", "build_context", "environment", "render_html", "render_pdf",
           "write_pdf"]
