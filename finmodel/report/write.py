"""Writing an appraisal's outputs: the JSON result, the workbook and the PDF, all or nothing."""
from __future__ import annotations

from pathlib import Path

from ..files import write_document

FORMATS = ("json", "xlsx", "pdf")


def write_reports(appraisal, out: str | Path, stem: str, *, lang: str = "zh", formats=FORMATS,
                  doc: dict | None = None) -> dict[str, str]:
    """Write ``<stem>.json`` (and ``.xlsx``, ``.pdf``) of an appraisal into the folder ``out``.

    Every file is written to a staging folder first and moved into place only when all are
    complete (:func:`finmodel.files.staged_outputs`).  ``doc`` is the result document when the
    caller already has it (``appraisal.to_dict()`` otherwise); its ``outputs`` entry is set to the
    paths written, which are also returned.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown or "json" not in formats:
        raise ValueError(f"formats must include json and be among {FORMATS}, got {tuple(formats)}")
    doc = appraisal.to_dict() if doc is None else doc
    writers = {}
    if "xlsx" in formats:
        from .excel.workbook import write_workbook

        writers["xlsx"] = lambda path: write_workbook(appraisal, path, lang=lang)
    if "pdf" in formats:
        from .pdf import write_pdf

        writers["pdf"] = lambda path: write_pdf(appraisal, doc, path, lang=lang)
    return write_document(out, stem, doc, writers)
