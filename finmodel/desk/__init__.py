"""The pricing desk: a local web page to negotiate an offer across the table (``finmodel serve``).

Built only on finmodel's public Python API (``load_case_text``, ``case_text``, ``appraise``,
``price``, ``dealzone``, ``write_reports``).  Modules: :mod:`.app` (the application, request
guard, error pages), :mod:`.routes` (pages and actions), :mod:`.jobs` (worker lanes, queue
limits, time limit, progress, cancel), :mod:`.forms` (the offer's terms from the case schema),
:mod:`.security` (sessions, CSRF, origin and host checks, upload limits), :mod:`.cases` (examples
and the user's folder), :mod:`.state` (per-session terms and scenarios), :mod:`.views` (what the
pages show, from the JSON result).
"""
from __future__ import annotations

from pathlib import Path


def serve(host: str = "127.0.0.1", port: int = 8765, cases: str | Path = "cases", library=None,
          time_limit_s: float = 60.0) -> None:
    """Run the desk with uvicorn until interrupted."""
    import uvicorn

    from .app import DeskConfig, create_app

    app = create_app(DeskConfig(cases_dir=Path(cases), host=host, port=port, library=library,
                                time_limit_s=time_limit_s))
    uvicorn.run(app, host=host, port=port, log_level="warning")
