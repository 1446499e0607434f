"""Writing an appraisal's outputs: the JSON result, the workbook and the PDF, all or nothing."""
from __future__ import annotations

from pathlib import Path

from ..files import staged_outputs
from ..jsondoc import dumps

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
    out = Path(out)
    doc = appraisal.to_dict() if doc is None else doc
    names = {k: f"{stem}.{k}" for k in FORMATS if k in formats}
    doc["outputs"] = {k: str(out / v) for k, v in names.items()}
    with staged_outputs(out) as stage:
        (stage / names["json"]).write_text(dumps(doc), encoding="utf-8")
        if "xlsx" in names:
            from .excel.workbook import write_workbook

            write_workbook(appraisal, stage / names["xlsx"], lang=lang)
        if "pdf" in names:
            from .pdf import write_pdf

            write_pdf(appraisal, doc, stage / names["pdf"], lang=lang)
    return doc["outputs"]
