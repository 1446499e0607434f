"""From context to PDF: jinja2 renders the templates, WeasyPrint lays the HTML out.

jinja2 renders ``templates/report.html.j2`` with autoescaping on: case, park and party names,
notes and sources are user text and reach the page as text, never as markup.  WeasyPrint lays
the HTML out with ``base_url`` = the templates folder and a :class:`~.fetcher.SafeFetcher` that
serves files from the templates folder and the chart folder only (no network, no other file).
The PDF is written to a temporary file next to the target and renamed into place, so a failure
never leaves a partial PDF.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ...files import Child, can_fork, waiting_for
from ...resources import TEMPLATES_DIR
from ..charts import not_drawn
from .document import build_context
from .fetcher import SafeFetcher

if TYPE_CHECKING:  # pragma: no cover
    from ...engine import Appraisal


TEMPLATES = TEMPLATES_DIR
TEMPLATE = "report.html.j2"


def environment() -> Environment:
    """The jinja2 environment: templates folder, autoescaping on, undefined names are errors."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def render_html(context: dict) -> str:
    """The report's HTML from :func:`~.document.build_context`'s context."""
    return environment().get_template(TEMPLATE).render(**context)


def render_pdf(html: str, target: Path, fetcher: SafeFetcher) -> None:
    """Lay ``html`` out as a PDF at ``target``, resources through ``fetcher`` only."""
    from weasyprint import HTML

    HTML(string=html, base_url=TEMPLATES.as_uri() + "/", url_fetcher=fetcher).write_pdf(str(target))


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_pdf(appraisal: "Appraisal", doc: dict, path: str | os.PathLike, lang: str = "zh") -> None:
    """Render the appraisal report as a PDF at ``path`` (``lang`` ``"zh"`` or ``"en"``).

    The PDF appears at ``path`` complete or not at all: it is written to a temporary file in the
    same folder and renamed into place; on any error the temporary file is removed and an
    existing file at ``path`` is left as it was.
    """
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', got {lang!r}")
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="finmodel-charts-") as tmp:
        chart_dir = Path(tmp)
        # where it can, a child process draws the charts (matplotlib) while WeasyPrint parses the
        # HTML and computes its styles here; the first chart WeasyPrint reads waits for the child
        drawing = [Child(lambda: build_context(appraisal, doc, lang, chart_dir), "drawing the charts")] \
            if can_fork() else []
        fd, part = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        try:
            # WeasyPrint leaves out an image it fails to get: the child's error is raised after it
            with waiting_for(drawing):
                with not_drawn() if drawing else nullcontext():
                    html = render_html(build_context(appraisal, doc, lang, chart_dir))
                render_pdf(html, Path(part), SafeFetcher([TEMPLATES, chart_dir], {chart_dir: c.wait for c in drawing}))
            os.chmod(part, 0o666 & ~_umask())  # mkstemp creates 0600; give the usual file mode
            os.replace(part, target)
        except BaseException:
            try:
                os.unlink(part)
            except FileNotFoundError:
                pass
            raise
