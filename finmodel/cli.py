"""Command line: ``finmodel appraise | validate | schema | price | dealzone | screen | mv | serve | energy``.

Bad input exits with code 2 and a message naming file, field path and problem; no traceback,
no output written.
"""
from __future__ import annotations

import json
import math
import sys
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

import finmodel

from .about import DEFAULT_SEED
from .bounds import option_problem
from .errors import InputError
from .files import output_stem
from .report.write import write_reports
from .safetext import for_terminal

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Appraise zero-carbon industrial park investments and business models.")
# markup off: user text ("[red]", "[link=…]") is printed as written, never interpreted;
# control characters in user text are shown as escapes (safetext.for_terminal)
err_console = Console(stderr=True, soft_wrap=True, markup=False)
console = Console(soft_wrap=True, markup=False)


MAX_PROBLEMS_SHOWN = 50
"""Problems printed for one run; a file with thousands of bad rows lists the first ones."""


def _in_range(option: str):
    """Typer callback: a numeric option's value inside its range (:data:`finmodel.bounds.OPTIONS`),
    or exit 2 with one line naming the option (typer's own range errors print a multi-line box)."""
    def check(value):
        problem = None if value is None else option_problem(option, value)
        if problem:
            fail(InputError.single(option, "", problem))
        return value
    return check


def fail(exc: InputError) -> None:
    """Print input problems and exit with code 2 (no traceback, nothing written)."""
    err_console.print(Text.assemble(("error:", "bold red"), f" {len(exc.problems)} problem(s) in the input"),
                      highlight=False)
    for p in exc.problems[:MAX_PROBLEMS_SHOWN]:
        err_console.print(f"  {p}", highlight=False)
    if len(exc.problems) > MAX_PROBLEMS_SHOWN:
        err_console.print(f"  … and {len(exc.problems) - MAX_PROBLEMS_SHOWN} more", highlight=False)
    raise typer.Exit(2)


@app.callback()
def _numerics_quiet() -> None:
    """Undefined numbers (an IRR that does not exist, an R² of data that do not vary) become
    null with their reason under ``notes``; the RuntimeWarnings numpy and statsmodels raise on
    the way there would only print library internals on the terminal."""
    warnings.filterwarnings("ignore", category=RuntimeWarning)


# options several commands share (each command keeps its own default)
CaseFile = Annotated[Path, typer.Argument(help="Case file (YAML)")]
Seed = Annotated[int, typer.Option("--seed", callback=_in_range("--seed"), help="Random seed (a whole number ≥ 0)")]
OutDir = Annotated[Path, typer.Option("--out", help="Output folder")]
Lang = Annotated[str, typer.Option("--lang", help="Report language: zh or en")]
Library = Annotated[Path | None, typer.Option("--library", help="Folder with your own copy of the assumption "
                                              "libraries (technologies.yaml, markets/); default: the shipped ones")]


@contextmanager
def _input_errors() -> Iterator[None]:
    """Report an InputError raised while writing (an --out that cannot be written) like any other."""
    try:
        yield
    except InputError as exc:
        fail(exc)


def _check_out(out: Path, names: list[str], inputs: list[Path]) -> None:
    """Refuse an --out that is not a writable folder or would overwrite an input, before any work."""
    from .files import check_output_folder

    try:
        check_output_folder(out, names, inputs)
    except InputError as exc:
        fail(exc)


def _report_names(stem: str, no_report: bool) -> list[str]:
    return [f"{stem}.{ext}" for ext in (("json",) if no_report else ("json", "xlsx", "pdf"))]


def _fmt(v, kind: str) -> str:
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "none"
    if kind == "pct":
        return f"{v:.2%}"
    if kind == "x":
        return f"{v:.2f}"
    if kind == "years":
        return f"{v:.1f}"
    if kind == "n1":
        return f"{v:,.1f}"
    if kind == "r2":
        return f"{v:.4f}"
    return f"{v:,.0f}"


def _summary(doc: dict) -> None:
    t = Table(title=f"{for_terminal(doc['case'])} — {doc['contract']} ({doc['currency']})")
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
        console.print(Text.assemble(("flag:", "yellow"), f" {for_terminal(f['message'], 1000)}"), highlight=False)


def _g(v) -> str:
    """A solved or reached value on the terminal; an undefined one is "none"."""
    return "none" if v is None or not math.isfinite(v) else f"{v:.6g}"


def _write_outputs(result, doc: dict, case: Path, out: Path, lang: str, no_report: bool, suffix: str = "") -> None:
    """Write the JSON (and the workbook and PDF) into ``out``, named after the case file."""
    write_reports(result, out, output_stem(case) + suffix, lang=lang, doc=doc,
                  formats=("json",) if no_report else ("json", "xlsx", "pdf"))


def _print_written(outputs: dict[str, str]) -> None:
    for k, v in outputs.items():
        console.print(f"wrote {k}: {for_terminal(v)}", highlight=False)


def _check_lang(lang: str) -> None:
    if lang not in ("zh", "en"):
        fail(InputError.single("--lang", "", f"expected zh or en, got {lang!r}"))


@app.command()
def appraise(case: CaseFile,
             paths: int = typer.Option(1, "--paths", callback=_in_range("--paths"), help="Monte Carlo paths (1 = deterministic)"),
             seed: Seed = DEFAULT_SEED,
             out: OutDir = Path("reports"),
             lang: Lang = "zh",
             json_out: bool = typer.Option(False, "--json", help="Print the result document as JSON"),
             no_report: bool = typer.Option(False, "--no-report", help="Write no workbook or PDF"),
             library: Library = None):
    """Appraise a case: JSON result, Excel workbook with live formulas, PDF report."""
    from .jsondoc import dumps

    _check_lang(lang)
    _check_out(out, _report_names(output_stem(case), no_report), [case])
    try:
        result = finmodel.appraise(finmodel.load_case(case, library), paths=paths, seed=seed, progress=not json_out)
    except InputError as exc:
        fail(exc)
    doc = result.to_dict()
    with _input_errors():
        _write_outputs(result, doc, case, out, lang, no_report)
    if json_out:
        sys.stdout.write(dumps(doc) + "\n")
    else:
        _summary(doc)
        _print_written(doc["outputs"])


def _parse_range(text: str | None) -> tuple[float, float] | None:
    if text is None:
        return None
    try:
        lo, hi = (float(x) for x in text.split(":"))
    except ValueError:
        fail(InputError.single("--range", "", f"expected LOW:HIGH, got {text!r}"))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        fail(InputError.single("--range", "", f"LOW and HIGH must be finite numbers, got {text!r}"))
    return lo, hi


@app.command()
def price(case: CaseFile,
          solve: str = typer.Option(..., "--solve", help="Field to solve, e.g. contract.discount_to_grid"),
          target: list[str] = typer.Option(..., "--target", help='e.g. "provider.irr>=0.08@P90" (repeatable)'),
          paths: int = typer.Option(1, "--paths", callback=_in_range("--paths"), help="Monte Carlo paths"),
          seed: Seed = DEFAULT_SEED,
          value_range: str = typer.Option(None, "--range", help="LOW:HIGH search range of the field"),
          out: OutDir = Path("reports"),
          lang: Lang = "zh",
          json_out: bool = typer.Option(False, "--json", help="Print the pricing result as JSON"),
          no_report: bool = typer.Option(False, "--no-report", help="Write only the pricing JSON"),
          library: Library = None):
    """Solve a term (tariff, discount, share, fee, margin, debt, tenor…) for targets at a confidence level."""
    from .jsondoc import dumps

    _check_lang(lang)
    stem = output_stem(case) + "-price"
    _check_out(out, _report_names(stem, no_report), [case])
    try:
        rc = finmodel.load_case(case, library)
        res = finmodel.price(rc, solve, target, paths=paths, seed=seed, value_range=_parse_range(value_range))
    except InputError as exc:
        fail(exc)
    if res["solved_value"] is not None:
        appraisal = finmodel.appraise(rc.with_values({res["field"]: res["solved_value"]}), paths=paths, seed=seed)
        appraisal.pricing = res
        doc = appraisal.to_dict()
        with _input_errors():
            _write_outputs(appraisal, doc, case, out, lang, no_report, suffix="-price")
        res["outputs"] = doc["outputs"]
    else:
        from .files import staged_outputs

        name = f"{stem}.json"
        with _input_errors(), staged_outputs(out) as stage:
            (stage / name).write_text(dumps(res), encoding="utf-8")
        res["outputs"] = {"json": str(out / name)}
    if json_out:
        sys.stdout.write(dumps(res) + "\n")
        return
    t = Table(title=f"solve {res['field']} for {' and '.join(res['targets'])}")
    t.add_column("item")
    t.add_column("value", justify="right")
    t.add_row("status", res["status"])
    t.add_row("solved value", _g(res["solved_value"]))
    t.add_row("feasible interval(s)", "; ".join(f"[{a:.6g}, {b:.6g}]" for a, b in res["feasible_intervals"]) or "none")
    t.add_row("binding target", str(res["binding"]))
    t.add_row("evaluations", str(res["evaluations"]))
    for k, v in res["best"].items():
        t.add_row(f"best reached: {for_terminal(k)}", _g(v))
    console.print(t)
    _print_written(res["outputs"])


@app.command()
def dealzone(case: CaseFile,
             x: str = typer.Option(..., "--x", help="FIELD:LOW:HIGH:STEPS"),
             y: str = typer.Option(..., "--y", help="FIELD:LOW:HIGH:STEPS"),
             require: list[str] = typer.Option(..., "--require", help='e.g. "provider.irr>=0.08@P90" (repeatable)'),
             paths: int = typer.Option(1, "--paths", callback=_in_range("--paths"), help="Monte Carlo paths per cell"),
             seed: Seed = DEFAULT_SEED,
             out: OutDir = Path("reports"),
             lang: Lang = "zh",
             json_out: bool = typer.Option(False, "--json", help="Print the grid as JSON"),
             no_report: bool = typer.Option(False, "--no-report", help="Write only the deal-zone JSON"),
             library: Library = None):
    """Map where every party's requirement holds on a grid of two terms."""
    from .jsondoc import dumps

    _check_lang(lang)
    _check_out(out, _report_names(output_stem(case) + "-dealzone", no_report), [case])
    try:
        rc = finmodel.load_case(case, library)
        res = finmodel.dealzone(rc, x, y, require, paths=paths, seed=seed)
    except InputError as exc:
        fail(exc)
    appraisal = finmodel.appraise(rc, paths=1, seed=seed)
    appraisal.dealzone = res
    doc = appraisal.to_dict()
    with _input_errors():
        _write_outputs(appraisal, doc, case, out, lang, no_report, suffix="-dealzone")
    res["outputs"] = doc["outputs"]
    if json_out:
        sys.stdout.write(dumps(res) + "\n")
        return
    xs, ys = res["x"]["values"], res["y"]["values"]
    t = Table(title=f"deal zone: {res['y']['field']} (rows) × {res['x']['field']} (columns); ✓ = every requirement holds")
    t.add_column(res["y"]["field"])
    for xv in xs:
        t.add_column(f"{xv:.4g}", justify="center")
    for j, yv in enumerate(ys):
        t.add_row(f"{yv:.4g}", *["✓" if res["feasible"][j][i] else "·" for i in range(len(xs))])
    console.print(t)
    console.print(f"{res['feasible_cells']} of {res['cells']} cells meet every requirement", highlight=False)
    _print_written(res["outputs"])


@app.command()
def screen(cases: list[Path] = typer.Argument(..., help="Case files, folders (every *.yaml inside) or CSV/Excel "
                                              "sheets whose rows override fields of a template case"),
           paths: int = typer.Option(1000, "--paths", callback=_in_range("--paths"), help="Monte Carlo paths per case"),
           seed: int = typer.Option(DEFAULT_SEED, "--seed", callback=_in_range("--seed"), help="Random seed (the same for every case)"),
           scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address, e.g. tcp://host:8786 "
                                         "(default: a local cluster of this machine's cores)"),
           out: OutDir = Path("reports"),
           workers: int = typer.Option(None, "--workers", callback=_in_range("--workers"),
                                       help="Worker processes of the local cluster (default: the cores)"),
           chunk_size: int = typer.Option(None, "--chunk-size", callback=_in_range("--chunk-size"),
                                          help="Paths per task (default: about 4 tasks per worker, at least 5000)"),
           template: Path = typer.Option(None, "--template", help="Template case for sheet rows without a "
                                         "'template' column"),
           lang: Lang = "zh",
           json_out: bool = typer.Option(False, "--json", help="Print the screening document as JSON"),
           library: Library = None):
    """Screen many parks: ranked table (JSON, CSV, Excel) and a portfolio PDF, computed on Dask."""
    from .jsondoc import dumps
    from .report import format as F
    from .screening import write_outputs
    from .screening.outputs import OUTPUT_NAMES

    _check_lang(lang)
    _check_out(out, list(OUTPUT_NAMES.values()), [*cases, *([template] if template else [])])
    try:
        result = finmodel.screen(cases, paths=paths, seed=seed, scheduler=scheduler, workers=workers,
                                 chunk_size=chunk_size, template=template, library=library, progress=not json_out,
                                 log=lambda m: err_console.print(for_terminal(m, 1000), highlight=False))
    except InputError as exc:
        fail(exc)
    with _input_errors():
        doc = write_outputs(result, out, lang=lang)
    if json_out:
        sys.stdout.write(dumps(doc) + "\n")
        return
    t = Table(title=f"{len(doc['parks'])} parks, {paths:,} paths each, seed {seed} — {result.cluster}")
    for name, just in (("#", "right"), ("park", "left"), ("region", "left"), ("equity IRR P50", "right"),
                       ("P90", "right"), ("NPV P50", "right"), ("min DSCR P90", "right"), ("P(breach)", "right"),
                       ("ZCP first year", "right"), ("met by target", "center"), ("payback flags", "right")):
        text_col = name in ("park", "region")
        t.add_column(name, justify=just, max_width={"park": 28, "region": 14}.get(name),
                     min_width=None if text_col else 5, overflow="ellipsis", no_wrap=text_col)
    for r in doc["parks"]:
        if r["status"] != "ok":
            t.add_row("–", for_terminal(r["name"]), for_terminal(r["region_en"]), Text("failed", "red"), "", "", "", "",
                      "", "", "")
            continue
        c = r["carbon"]
        t.add_row(str(r["rank"]), for_terminal(r["name"]), for_terminal(r["region_en"]), F.pct(r["equity_irr"]["p50"]),
                  F.pct(r["equity_irr"]["p90"]), F.money(r["project_npv"]["p50"]), F.ratio(r["min_dscr"]["p90"]),
                  F.pct(r["p_covenant_breach"]) if r["p_covenant_breach"] is not None else "no debt",
                  F.year(c["first_year_met"]), "yes" if c["met_by_target_year"] else "no", str(r["payback_flags"]))
    console.print(t)
    for r in doc["parks"]:
        if r["status"] != "ok":
            console.print(Text.assemble(("failed:", "red"), f" {for_terminal(r['source'])}"), highlight=False)
            console.print(f"  {for_terminal(r['message'], 1000)}", highlight=False)
    console.print(f"screened in {result.seconds:.1f} s", highlight=False)
    _print_written(doc["outputs"])


def _mv_options(columns: str | None, adjust: list[str], price_kwh: float | None, share: str | None,
                guarantee: float | None, expected: str | None, settle: str):
    """The ``mv`` command's options, checked (InputError naming the option)."""
    import numpy as np

    from .mv import Adjustment, Columns, Terms
    from .rates import parse_rate

    def rate(text: str, opt: str) -> float:
        try:
            return parse_rate(text)
        except ValueError as exc:
            raise InputError.single(opt, "", str(exc)) from None

    cols = Columns.parse(columns)
    adjustments = []
    for text in adjust:
        parts = text.split(":", 3)
        try:
            start, end = np.datetime64(parts[0], "D"), np.datetime64(parts[1], "D")
            kwh = float(parts[2])
        except (ValueError, IndexError):
            raise InputError.single("--adjust", "", f"expected START:END:KWH_PER_DAY[:REASON] with dates as "
                                    f"2027-03-01, got {text!r}") from None
        if end < start or not np.isfinite(kwh):
            raise InputError.single("--adjust", "", f"{text!r}: the end is before the start, or the kWh is not finite")
        adjustments.append(Adjustment(start, end, kwh, parts[3] if len(parts) > 3 else ""))
    if share is not None and guarantee is not None:
        raise InputError.single("--share", "", "give --share (shared savings) or --guarantee (guaranteed savings), "
                                "not both")
    if (share is not None or guarantee is not None) and price_kwh is None:
        raise InputError.single("--price", "", "payments need the value of a saved kWh: give --price")
    if guarantee is not None and guarantee < 0:
        raise InputError.single("--guarantee", "", "the guaranteed kWh per year cannot be negative")
    terms = Terms(price_kwh, rate(share, "--share") if share is not None else None, guarantee) \
        if price_kwh is not None else None
    if settle not in ("month", "quarter", "year"):
        raise InputError.single("--settle", "", f"expected month, quarter or year, got {settle!r}")
    return cols, tuple(adjustments), terms, rate(expected, "--expected-savings") if expected is not None else None


@app.command()
def mv(baseline: Annotated[Path, typer.Argument(help="Baseline meter data (CSV or Excel, one row per reading)")],
       reporting: Path = typer.Option(None, "--reporting", help="Reporting-period meter data (after the measures)"),
       weather: Path = typer.Option(None, "--weather", help="Weather file: time and outdoor temperature (°C)"),
       columns: str = typer.Option(None, "--columns", help="Which column is which: time=COL,energy=COL,"
                                   "temperature=COL,end=COL (bills), NAME=COL (a driver, e.g. occupancy=occ)"),
       adjust: list[str] = typer.Option([], "--adjust", help="Non-routine adjustment START:END:KWH_PER_DAY[:REASON] "
                                        "added to the baseline (repeatable)"),
       price_kwh: float = typer.Option(None, "--price", callback=_in_range("--price"), help="Value of a saved kWh (currency/kWh), for payments"),
       share: str = typer.Option(None, "--share", help="Shared savings: the provider's share, e.g. 80%"),
       guarantee: float = typer.Option(None, "--guarantee", callback=_in_range("--guarantee"), help="Guaranteed savings, kWh per year (shortfall paid "
                                       "by the guarantor)"),
       expected: str = typer.Option(None, "--expected-savings", help="Expected savings as a share of the baseline "
                                    "(e.g. 30%): the uncertainty of a year's savings before reporting data"),
       settle: str = typer.Option("month", "--settle", help="Settlement periods: month, quarter or year"),
       out: OutDir = Path("reports"),
       lang: Lang = "zh",
       json_out: bool = typer.Option(False, "--json", help="Print the M&V document as JSON"),
       no_report: bool = typer.Option(False, "--no-report", help="Write only the JSON")):
    """Measurement and verification of savings from meter data (CalTRACK daily/billing, ASHRAE Guideline 14)."""
    from .jsondoc import dumps
    from .mv import measure
    from .mv.write import mv_document, write_mv

    _check_lang(lang)
    _check_out(out, _report_names(output_stem(baseline) + "-mv", no_report),
               [p for p in (baseline, reporting, weather) if p is not None])
    try:
        cols, adjustments, terms, expected_fraction = _mv_options(columns, adjust, price_kwh, share, guarantee,
                                                                  expected, settle)
        res = measure(baseline, reporting, weather, cols, adjustments, terms, settle)
    except InputError as exc:
        fail(exc)
    doc = mv_document(res, expected_fraction)
    with _input_errors():
        write_mv(res, doc, out, output_stem(baseline) + "-mv", lang=lang,
                 formats=("json",) if no_report else ("json", "xlsx", "pdf"))
    if json_out:
        sys.stdout.write(dumps(doc) + "\n")
        return
    m = doc["mv"]
    t = Table(title=f"M&V: {for_terminal(baseline)} — {m['model']} ({m['form']}, {m['interval']} data)")
    t.add_column("item")
    t.add_column("value", justify="right")
    bp = lambda v: "none" if v is None else f"{v:.1f} °C"  # noqa: E731
    rows = [("heating / cooling balance point", f"{bp(m['heating_balance_c'])} / {bp(m['cooling_balance_c'])}"),
            *((f"coefficient {k}", _fmt(v, "n1")) for k, v in m["coefficients"].items()),
            ("CV(RMSE)", _fmt(m["cv_rmse"], "pct")), ("NMBE", _fmt(m["nmbe"], "pct")), ("R²", _fmt(m["r2"], "r2")),
            ("meets ASHRAE Guideline 14", "yes" if m["meets_guideline14"] else "no"),
            ("avoided energy, kWh", _fmt(m["avoided_kwh"], "money")),
            ("± at 68 % / 90 %, kWh", f"{_fmt(m['uncertainty_68'], 'money')} / {_fmt(m['uncertainty_90'], 'money')}"),
            ("savings fraction", _fmt(m["savings_fraction"], "pct")),
            ("FSU at 68 % / 90 %", f"{_fmt(m['fsu_68'], 'pct')} / {_fmt(m['fsu_90'], 'pct')}")]
    for name, v in rows:
        t.add_row(name, v)
    console.print(t)
    for note in m["data_notes"]:
        console.print(f"note: {for_terminal(note, 1000)}", highlight=False)
    _print_written(doc["outputs"])


@app.command()
def energy(case: CaseFile,
           method: str = typer.Option(None, "--method", help="optimal, rolling, rule or typical_days "
                                      "(default: the case's energy.method)"),
           out: OutDir = Path("reports"),
           json_out: bool = typer.Option(False, "--json", help="Print the energy section as JSON"),
           library: Library = None):
    """Dispatch the case's hours: print the park's energy balance, write the hourly CSV."""
    from .energy.dispatch import METHODS
    from .energy.hourly import hourly_frame
    from .files import staged_outputs
    from .jsondoc import clean, dumps

    if method is not None and method not in METHODS:
        fail(InputError.single("--method", "", f"must be one of {', '.join(METHODS)}, got {method!r}"))
    _check_out(out, [f"{output_stem(case)}_hourly_{m}.csv" for m in METHODS], [case])
    try:
        rc = finmodel.load_case(case, library, energy_method=method)
        if rc.energy is None:
            raise InputError.single(str(case), "energy", "the case has no energy: block (load and PV site) "
                                    "to dispatch")
    except InputError as exc:
        fail(exc)
    doc = clean(rc.energy.to_dict())
    name = f"{output_stem(case)}_hourly_{rc.energy.method}.csv"
    with _input_errors(), staged_outputs(out) as stage:
        hourly_frame(rc.energy).to_csv(stage / name, index=False, float_format="%.6g")
    if json_out:
        sys.stdout.write(dumps(doc) + "\n")
        return
    _energy_summary(doc)
    _print_written({"csv": str(Path(out) / name)})


def _energy_summary(doc: dict) -> None:
    t = Table(title=f"energy balance — dispatch method {doc['method']}")
    t.add_column("")
    t.add_column("value", justify="right")
    bat = doc["battery"]
    rows = [("load incl. heat pumps, MWh", _fmt(doc["load_mwh"], "n")), ("PV, MWh", _fmt(doc["pv_mwh"], "n")),
            ("PV self-consumption", _fmt(doc["self_consumption_share"], "pct")),
            ("exported, MWh", _fmt(doc["export_mwh"], "n")), ("curtailed, MWh", _fmt(doc["curtailed_mwh"], "n")),
            *((f"grid import {k}, MWh", _fmt(v, "n")) for k, v in doc["grid_import_mwh"].items()),
            ("green direct share", _fmt(doc["green_direct_share"], "pct")),
            ("battery discharge, MWh", _fmt(bat["throughput_mwh"], "n")),
            ("battery equivalent full cycles", _fmt(bat["equivalent_full_cycles"], "n")),
            ("battery arbitrage value / yr", _fmt(bat["arbitrage_value"], "n")),
            ("battery demand-charge saving / yr", _fmt(bat["demand_charge_saving"], "n")),
            ("battery replacement year", _fmt(bat["replacement_year"], "n"))]
    for k, v in rows:
        t.add_row(k, v)
    console.print(t)
    p = Table(title="monthly maximum demand, kW")
    for col in ("month", "before", "after"):
        p.add_column(col, justify="right")
    for m, (before, after) in doc["peak_demand_kw"].items():
        p.add_row(m, _fmt(before, "n"), _fmt(after, "n"))
    console.print(p)


@app.command()
def validate(case: CaseFile, library: Library = None):
    """Validate a case file against the schema and the libraries; nothing is computed or written."""
    try:
        rc = finmodel.load_case(case, library)
    except InputError as exc:
        fail(exc)
    console.print(f"{for_terminal(case)}: valid ({rc.case.contract.type}, {len(rc.case.assets)} assets, "
                  f"{len(rc.assumptions)} resolved assumptions)", highlight=False)


@app.command()
def serve(host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (default: this machine only)"),
          port: int = typer.Option(8765, "--port", callback=_in_range("--port"), help="Port"),
          cases: Path = typer.Option(Path("cases"), "--cases", help="Folder of your case files (uploads go here)"),
          time_limit: float = typer.Option(60.0, "--time-limit", callback=_in_range("--time-limit"), help="Seconds a run may take"),
          library: Library = None):
    """Start the pricing desk in the browser: open http://HOST:PORT/ (Ctrl-C stops it)."""
    from .desk import serve as _serve

    if cases.exists() and not cases.is_dir():
        fail(InputError.single("--cases", "", f"{for_terminal(cases)} is not a folder"))
    if library is not None:
        try:
            from .library.load import library_root

            library_root(library)
        except InputError as exc:
            fail(exc)
    console.print(f"finmodel pricing desk: open http://{for_terminal(host)}:{port}/  (cases: {for_terminal(cases)}; "
                  "Ctrl-C stops it)", highlight=False)
    _serve(host=host, port=port, cases=cases, library=library, time_limit_s=time_limit)


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
            err_console.print(str(p))
        sys.exit(2)

