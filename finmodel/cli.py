"""Command line: ``finmodel appraise | validate | schema | price | dealzone | screen``.

Bad input exits with code 2 and a message naming file, field path and problem; no traceback,
no output written.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
import typer
from rich.console import Console
from rich.table import Table

from .errors import InputError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Appraise zero-carbon industrial park investments and business models.")
err_console = Console(stderr=True, soft_wrap=True)
console = Console(soft_wrap=True)


def fail(exc: InputError) -> None:
    """Print input problems and exit with code 2 (no traceback, nothing written)."""
    err_console.print(f"[bold red]error:[/] {len(exc.problems)} problem(s) in the input", highlight=False)
    for p in exc.problems:
        err_console.print(f"  {p}", highlight=False, markup=False)
    raise typer.Exit(2)


def _fmt(v, kind: str) -> str:
    if v is None:
        return "none"
    if kind == "pct":
        return f"{v:.2%}"
    if kind == "x":
        return f"{v:.2f}"
    if kind == "years":
        return f"{v:.1f}"
    return f"{v:,.0f}"


def _summary(doc: dict) -> None:
    t = Table(title=f"{doc['case']} — {doc['contract']} ({doc['currency']})")
    t.add_column("metric")
    t.add_column("value", justify="right")
    p = doc["deterministic"]["project"]
    rows = [("project IRR after tax", p["project_irr_after_tax"], "pct"), ("equity IRR", p["equity_irr"], "pct"),
            ("project NPV", p["npv"], "money"), ("payback, years", p["payback_years"], "years"),
            ("min DSCR", p["min_dscr"], "x"), ("LLCR", p["llcr"], "x")]
    for party, d in doc["deterministic"]["parties"].items():
        rows.append((f"{party} IRR", d["irr"], "pct"))
        rows.append((f"{party} NPV", d["npv"], "money"))
    c = doc["carbon"]
    rows.append(("zero-carbon park: first year all indicators met", c["first_year_met"], "year"))
    for name, v, kind in rows:
        t.add_row(name, str(v) if kind == "year" and v is not None else _fmt(v, kind))
    console.print(t)
    mc = doc.get("monte_carlo")
    if mc:
        console.print(f"Monte Carlo: {mc['paths']:,} paths, seed {mc['seed']}")
    for f in doc["flags"]:
        console.print(f"[yellow]flag:[/] {f['message']}", highlight=False)


@app.command()
def appraise(case: Path = typer.Argument(..., help="Case file (YAML)"),
             paths: int = typer.Option(1, "--paths", min=1, max=10_000_000, help="Monte Carlo paths (1 = deterministic)"),
             seed: int = typer.Option(20260101, "--seed", help="Random seed"),
             out: Path = typer.Option(Path("reports"), "--out", help="Output folder"),
             lang: str = typer.Option("zh", "--lang", help="Report language: zh or en"),
             json_out: bool = typer.Option(False, "--json", help="Print the result document as JSON"),
             no_report: bool = typer.Option(False, "--no-report", help="Write no workbook or PDF")):
    """Appraise a case: JSON result, Excel workbook with live formulas, PDF report."""
    from .engine import appraise as run
    from .outputs import dumps, output_stem, staged_outputs

    if lang not in ("zh", "en"):
        fail(InputError.single("--lang", "", f"expected zh or en, got {lang!r}"))
    try:
        result = run(case, paths=paths, seed=seed, progress=not json_out)
    except InputError as exc:
        fail(exc)
    doc = result.to_dict()
    stem = output_stem(case)
    names = {"json": f"{stem}.json"}
    if not no_report:
        names.update(xlsx=f"{stem}.xlsx", pdf=f"{stem}.pdf")
    doc["outputs"] = {k: str(out / v) for k, v in names.items()}
    with staged_outputs(out) as stage:
        (stage / names["json"]).write_text(dumps(doc), encoding="utf-8")
        if not no_report:
            from .report.excel import write_workbook
            from .report.pdf import write_pdf

            write_workbook(result, stage / names["xlsx"], lang=lang)
            write_pdf(result, doc, stage / names["pdf"], lang=lang)
    if json_out:
        sys.stdout.write(dumps(doc) + "\n")
    else:
        _summary(doc)
        for k, v in doc["outputs"].items():
            console.print(f"wrote {k}: {v}", highlight=False)


@app.command()
def validate(case: Path = typer.Argument(..., help="Case file (YAML)")):
    """Validate a case file against the schema and the libraries; nothing is computed or written."""
    from .case.loader import load_case

    try:
        rc = load_case(case)
    except InputError as exc:
        fail(exc)
    console.print(f"{case}: valid ({rc.case.contract.type}, {len(rc.case.assets)} assets, "
                  f"{len(rc.assumptions)} resolved assumptions)", highlight=False)


@app.command()
def schema():
    """Print the JSON Schema of the case file (for editors)."""
    from .case.schema import Case

    sys.stdout.write(json.dumps(Case.model_json_schema(), indent=2, ensure_ascii=False) + "\n")


def main() -> None:
    try:
        app()
    except InputError as exc:  # pragma: no cover - commands catch their own
        for p in exc.problems:
            err_console.print(str(p), markup=False)
        sys.exit(2)

