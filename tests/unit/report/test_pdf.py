"""The PDF report: every example renders in Chinese (and one in English with Monte Carlo,
pricing and deal-zone sections), the key figures appear exactly as ``format.py`` formats them
from the JSON, no placeholder leaks, every page rasterises, user text is escaped, the resource
fetcher refuses anything outside the report's folders, and a failed render leaves no file."""
from __future__ import annotations

import copy
import os
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import yaml

from finmodel.engine import appraise
from finmodel.report import format as F
from finmodel.report import pdf as P
from finmodel.report.pdf import render
from finmodel.report.pdf.context import Ctx
from finmodel.report.pdf.summary import verdict
from finmodel.report.pdf.tables import selected_years, year_groups

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = sorted((ROOT / "assumptions" / "examples").glob("*.yaml"))
FIRST = ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml"
if not FIRST.exists() and EXAMPLES:  # pragma: no cover - the examples folder is curated elsewhere
    FIRST = EXAMPLES[0]

INJECTION = '<script>alert(1)</script><img src="file:///etc/passwd">'
PLACEHOLDERS = [re.compile(r"\{\{"), re.compile(r"\{%"), re.compile(r"\bNone\b"), re.compile(r"\bnan\b", re.I),
                re.compile(r"\binf\b")]
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None or shutil.which("pdftoppm") is None,
                                   reason="poppler-utils (pdftotext, pdftoppm) not installed")


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------
_CACHE: dict[str, object] = {}


def _appraisal(path: Path):
    key = str(path)
    if key not in _CACHE:
        _CACHE[key] = appraise(path)
    return _CACHE[key]


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def rasterise(path: Path, tmp: Path) -> int:
    """Render every page to PNG (like a reader's viewer would); return the number of images."""
    out = tmp / "png"
    out.mkdir(exist_ok=True)
    res = subprocess.run(["pdftoppm", "-r", "30", "-png", str(path), str(out / "page")], capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stderr
    assert "Error" not in res.stderr, res.stderr
    return len(list(out.glob("page-*.png")))


def key_figures(doc: dict) -> list[str]:
    """The decision numbers, formatted the way the report must print them."""
    proj = doc["deterministic"]["project"]
    figs = [F.pct(proj["equity_irr"]) if proj["equity_irr"] is not None else F.none_text("en"),
            F.money(proj["npv"])]
    if proj["min_dscr"] is not None:
        figs.append(F.ratio(proj["min_dscr"]))
    figs.append(F.intensity(doc["carbon"]["intensity_tco2_per_tce"][-1]))
    for p, d in doc["deterministic"]["parties"].items():
        if d["npv"] is not None:
            figs.append(F.money(d["npv"]))
    return figs


def check_pdf(pdf: Path, doc: dict, tmp: Path, lang: str) -> str:
    assert pdf.exists() and pdf.stat().st_size > 10_000
    text = pdf_text(pdf)
    for fig in key_figures(doc):
        if lang == "zh" and fig == "none":
            fig = F.none_text("zh")
        assert fig in text, f"{fig!r} missing from the {lang} PDF text"
    for rx in PLACEHOLDERS:
        m = rx.search(text)
        assert m is None, f"placeholder {m.group(0)!r} in the PDF: …{text[max(0, m.start() - 80):m.end() + 80]}…"
    n = page_count(pdf)
    assert 8 <= n <= 60, n  # the national method's 附表 appendix adds about 13 pages to the flagship's
    assert rasterise(pdf, tmp) == n
    return text


def assert_in_report(a, doc: dict, lang: str, needles: list[str]) -> None:
    """Find every needle in the text of the report in ``lang`` (white space ignored in Chinese,
    collapsed in English): the HTML WeasyPrint lays out and the charts' text.  Rendering the same
    document to PDF is what test_examples_render_in_chinese and the English report tests check; a
    section's content is checked here without paying for the layout twice per language."""
    from tests.unit.report.latin import report_text

    flat = re.sub(r"\s+", "" if lang == "zh" else " ", report_text(a, doc, lang))
    for needle in needles:
        needle = re.sub(r"\s+", "" if lang == "zh" else " ", needle)
        assert needle in flat, f"{needle!r} missing from the {lang} report"


def synthetic_monte_carlo(doc: dict) -> dict:
    """A Monte Carlo block shaped like ``MonteCarlo.to_dict()`` (for the risk section layout)."""
    rng = np.random.default_rng(3)
    irr0 = doc["deterministic"]["project"]["equity_irr"] or 0.1
    irr = rng.normal(irr0, 0.03, 2000)
    npv = rng.normal(doc["deterministic"]["project"]["npv"], 2e6, 2000)
    dscr = rng.normal(1.3, 0.15, 2000)

    def q(x):
        return {"mean": float(x.mean()), "std": float(x.std()), "se": float(x.std() / np.sqrt(x.size)),
                **{f"p{p}": float(np.percentile(x, p)) for p in (5, 10, 50, 90, 95)}}
    years = doc["yearly"]["year"]
    cf = np.array([v or 0.0 for v in doc["yearly"]["cfads"]])
    return {"paths": 2000, "seed": 11,
            "metrics": {"project.equity_irr": q(irr), "project.npv": q(npv), "project.min_dscr": q(dscr)},
            "probabilities": {"project.equity_irr<hurdle": 0.0123, "lender.min_dscr<lockup": 0.0456},
            "fans": {"yearly.cfads": {"year": years, **{f"p{p}": (cf * (1 + (p - 50) / 200)).tolist()
                                                        for p in (5, 10, 50, 90, 95)}}},
            "tornado": [{"input": "assets.pv.capex_per_unit", "metric": "project.equity_irr", "low": irr0 + 0.03,
                         "high": irr0 - 0.03, "base": irr0},
                        {"input": "market.tariff_ci_cny_per_kwh", "metric": "project.equity_irr", "low": irr0 - 0.04,
                         "high": irr0 + 0.04, "base": irr0}],
            "convergence": {"project.equity_irr": {"se": 0.0007}}}


# ------------------------------------------------------------------------------------------------
# formatting
# ------------------------------------------------------------------------------------------------
def test_format_rules():
    assert F.pct(0.16389168) == "16.39%"
    assert F.money(2872029.488) == "2,872,029"
    assert F.money_k(2872029.488) == "2,872"
    assert F.ratio(1.15581998) == "1.16"
    assert F.intensity(2.0513974) == "2.051"
    assert F.years(8.830261) == "8.8"
    assert F.year(2026.0) == "2026"
    assert F.money(-0.4) == "0" and F.pct(-0.000001) == "0.00%"
    assert F.money(-1234567.8) == "-1,234,568"
    assert F.number(0.03412) == "0.03412" and F.number(1839.09) == "1,839.09" and F.number(16500000.0) == "16,500,000"
    assert F.pct(None) == "none" and F.pct(None, "zh") == "未定义" and F.ratio(float("nan")) == "none"
    assert F.by_unit(0.0045, "fraction/yr") == "0.45%" and F.by_unit(1.0, "flag", "zh") == "是"
    assert F.undefined("zh", "why") == ("未定义", "why")


def test_autoescape_is_on():
    env = P.environment()
    assert env.autoescape is True
    html = env.from_string("{{ x }}").render(x=INJECTION)
    assert "<script>" not in html and "&lt;script&gt;" in html


# ------------------------------------------------------------------------------------------------
# the fetcher
# ------------------------------------------------------------------------------------------------
def test_fetcher_serves_only_report_folders(tmp_path):
    charts = tmp_path / "charts"
    charts.mkdir()
    (charts / "chart-01.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    (charts / "notes.txt").write_text("x", encoding="utf-8")
    outside = tmp_path / "secret.svg"
    outside.write_text("<svg/>", encoding="utf-8")
    os.symlink(outside, charts / "link.svg")
    f = P.SafeFetcher([P.TEMPLATES, charts])

    assert f.resolve((P.TEMPLATES / "report.css").as_uri()) == (P.TEMPLATES / "report.css").resolve()
    resp = f.fetch((charts / "chart-01.svg").as_uri())
    assert resp.read().startswith(b"<svg")
    css = f((P.TEMPLATES / "report.css").as_uri())
    assert "text/css" in (css.content_type if hasattr(css, "content_type") else css["mime_type"])

    refused = ["file:///etc/passwd", "http://example.com/report.css", "https://example.com/x.svg",
               "ftp://example.com/x.svg", "data:image/svg+xml,<svg/>", "file://evil.example.com/etc/passwd",
               P.TEMPLATES.as_uri() + "/../pyproject.toml", P.TEMPLATES.as_uri() + "/%2e%2e/pyproject.toml",
               (charts / "link.svg").as_uri(), (charts / "notes.txt").as_uri(), (charts / "missing.svg").as_uri(),
               charts.as_uri(), "report.css", "//example.com/x.css"]
    for url in refused:
        with pytest.raises(P.RefusedURL):
            f.fetch(url)
    assert len(f.refused) == len(refused)


def test_fetcher_used_by_weasyprint_refuses_outside_resources(tmp_path):
    """WeasyPrint asks the fetcher; refused resources are left out and the PDF still renders."""
    f = P.SafeFetcher([P.TEMPLATES, tmp_path])
    html = ('<html><head><link rel="stylesheet" href="report.css">'
            '<link rel="stylesheet" href="http://127.0.0.1:9/evil.css"></head>'
            '<body><p>x</p><img src="file:///etc/passwd"><img src="https://example.com/a.png"></body></html>')
    target = tmp_path / "t.pdf"
    P.render_pdf(html, target, f)
    assert target.exists()
    assert "file:///etc/passwd" in f.refused
    assert any(u.startswith("http://127.0.0.1") for u in f.refused)
    assert any(u.startswith("https://example.com") for u in f.refused)
    assert all(not u.endswith("report.css") for u in f.refused)


# ------------------------------------------------------------------------------------------------
# rendering the examples
# ------------------------------------------------------------------------------------------------
@needs_poppler
@pytest.mark.slow
@pytest.mark.parametrize("case", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_render_in_chinese(case, tmp_path):
    a = _appraisal(case)
    doc = a.to_dict()
    out = tmp_path / f"{case.stem}.pdf"
    P.write_pdf(a, doc, out, lang="zh")
    text = check_pdf(out, doc, tmp_path, "zh")
    assert "执行摘要" in text and "目录" in text and "零碳园区" in text
    assert "减排量" in text and "经济费用效益分析" in text
    assert "风险分析" not in text  # no Monte Carlo in the document, no risk section
    # the national method: its section, its indicators beside their benchmarks, the statement pack
    nat = doc["deterministic"]["national"]
    assert "财务评价（《建设项目经济评价方法与参数》口径）" in text and "敏感性分析" in text
    for title in ("附表1 项目总投资使用计划与资金筹措表", "附表2 总成本费用估算表", "附表3 利润与利润分配表",
                  "附表4 项目投资现金流量表", "附表5 项目资本金现金流量表", "附表6 财务计划现金流量表", "附表7 资产负债表",
                  "附表8 借款还本付息计划表"):
        assert title in text, title
    assert F.pct(nat["firr_pre_tax"]) in text
    if nat["dscr_min"] is not None:
        assert F.ratio(nat["dscr_min"]) in text and "偿债备付率" in text
    for english in ("Total investment", "Balance sheet", "Sensitivity analysis", "Switching value", "Benchmark",
                    "Working capital", "Debt service cover"):
        assert english not in text, english
    assert not list(tmp_path.glob(".*.part"))


@needs_poppler
@pytest.mark.slow
def test_english_report_with_monte_carlo_pricing_and_deal_zone(tmp_path):
    a = _appraisal(FIRST)
    doc = copy.deepcopy(a.to_dict())
    doc["monte_carlo"] = synthetic_monte_carlo(doc)
    # real pricing and deal-zone documents, from the commands' own functions (deterministic, fast)
    from finmodel.pricing.run import dealzone, price

    doc["pricing"] = price(a.rc, "contract.discount_to_grid", ["provider.irr>=0.08"])
    doc["dealzone"] = dealzone(a.rc, "contract.discount_to_grid:0.1:0.3:3", "assets.pv.capex_per_unit:2500:3500:2",
                               ["provider.irr>=0.08"])
    out = tmp_path / "en.pdf"
    P.write_pdf(a, doc, out, lang="en")
    text = check_pdf(out, doc, tmp_path, "en")
    for heading in ("Executive summary", "Contents", "Assumptions", "Financing", "Risk (Monte Carlo)",
                    "Pricing and deal zone", "Method, conventions and audit trail",
                    "Financial appraisal by the national method", "Table 7: Balance sheet",
                    "Table 8: Loan repayment and interest schedule"):
        assert heading in text
    mc = doc["monte_carlo"]
    assert F.pct(mc["metrics"]["project.equity_irr"]["p50"]) in text  # P50 in the summary and risk table
    assert F.pct(mc["probabilities"]["lender.min_dscr<lockup"]) in text  # probability of breach
    assert F.pct(doc["pricing"]["solved_value"]) in text  # recommended price
    assert doc["audit"]["input_hash"] in text


@needs_poppler
@pytest.mark.slow
def test_reviewer_reads_the_basis_the_tier_the_reductions_and_the_economic_analysis(tmp_path):
    """The 攀枝花 case: the grid factor and its source, the statement that 910号 sets no threshold
    for a park of its size, the reductions against the 40,000 t claim, and the economic section,
    in both languages."""
    a = _appraisal(ROOT / "assumptions" / "examples" / "panzhihua_pv_flow.yaml")
    doc = a.to_dict()
    c, e = doc["carbon"], doc["economic"]
    first = F.qty(c["avoided_tco2"][1])
    for lang, needles in (
            ("en", ["regional grid's average factor (MEE/NBS 2023) [S17]: 0.2472 tCO2/MWh",
                    "The notice sets no threshold for a park of this size", "a claimed 40,000 tCO2/yr",
                    "national average 0.5306", first, "Economic cost-benefit analysis",
                    "Economic internal rate of return (EIRR)", F.pct(e["eirr"])]),
            ("zh", ["区域电网平均排放因子（生态环境部、国家统计局2023年）[S17]计算：0.2472tCO2/MWh",
                    "该通知未对此规模的园区设定门槛值", "所称的每年40,000tCO2减排量", first, "经济费用效益分析",
                    "经济内部收益率（EIRR）", F.pct(e["eirr"])])):
        assert_in_report(a, doc, lang, needles)


@needs_poppler
@pytest.mark.slow
def test_monte_carlo_run_renders_its_risk_section(tmp_path):
    """A real Monte Carlo run (the engine's own ``monte_carlo`` block and per-path values)."""
    pytest.importorskip("finmodel.risk.montecarlo")
    case = next((p for p in EXAMPLES if "sll" in p.stem or "ies" in p.stem), FIRST)
    a = appraise(case, paths=400, seed=7)
    doc = a.to_dict()
    mc = doc["monte_carlo"]
    assert mc and mc["paths"] == 400
    out = tmp_path / "mc.pdf"
    P.write_pdf(a, doc, out, lang="zh")
    text = check_pdf(out, doc, tmp_path, "zh")
    assert "风险分析" in text and "龙卷风图" in text and "扇形图" in text
    irr = mc["metrics"]["project.equity_irr"]
    assert F.pct(irr["p50"]) in text and F.pct(irr["p10"]) in text  # P50 and P90 (10th percentile)
    breach = mc["probabilities"].get("lender.min_dscr<lockup")
    if breach is not None:
        assert F.pct(breach) in text


@needs_poppler
@pytest.mark.slow
def test_case_without_debt(tmp_path):
    case = yaml.safe_load(FIRST.read_text(encoding="utf-8"))
    case["financing"] = {}
    path = tmp_path / "nodebt.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    a = appraise(path)
    doc = a.to_dict()
    assert doc["deterministic"]["project"]["min_dscr"] is None
    out = tmp_path / "nodebt.pdf"
    P.write_pdf(a, doc, out, lang="zh")
    text = check_pdf(out, doc, tmp_path, "zh")
    assert "本案例无债务融资" in text


@needs_poppler
@pytest.mark.slow
def test_user_text_is_escaped_and_nothing_is_fetched(tmp_path, monkeypatch):
    case = yaml.safe_load(FIRST.read_text(encoding="utf-8"))
    case["case"]["name"] = INJECTION
    case["case"].pop("name_zh", None)
    case["case"]["notes"] = "notes " + INJECTION
    case["park"]["name"] = "park " + INJECTION
    case.setdefault("parties", {}).setdefault("provider", {})["name"] = "<b>ESCO</b>"
    path = tmp_path / "inject.yaml"
    path.write_text(yaml.safe_dump(case, allow_unicode=True), encoding="utf-8")
    a = appraise(path)
    doc = a.to_dict()
    assert doc["case"] == INJECTION

    seen: list[P.SafeFetcher] = []
    real = render.render_pdf

    def spy(html, target, fetcher):
        assert "<script>" not in html and '<img src="file:///etc/passwd">' not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        seen.append(fetcher)
        real(html, target, fetcher)

    monkeypatch.setattr(render, "render_pdf", spy)
    out = tmp_path / "inject.pdf"
    P.write_pdf(a, doc, out, lang="en")
    assert seen and seen[0].refused == []  # the escaped <img> is text: nothing was even requested
    text = pdf_text(out)
    flat = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", INJECTION) in flat  # visible as text
    assert "<b>ESCO</b>" in text


def test_chart_labels_are_plain_text_not_mathtext_or_markup():
    # party names reach chart legends; matplotlib would typeset "$...$" as mathtext by default
    from xml.etree import ElementTree

    from finmodel.report import charts

    svg = charts.cumulative_by_party([2026, 2027], {r"$\alpha$ Energy <b>": [1.0, 2.0], "host": [0.0, 1.0]}, "k")
    texts = ["".join(t.itertext()) for t in ElementTree.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]
    assert r"$\alpha$ Energy <b>" in texts  # verbatim, as one text element
    assert "α" not in svg


# ------------------------------------------------------------------------------------------------
# atomic output
# ------------------------------------------------------------------------------------------------
def test_failed_render_leaves_no_file(tmp_path, monkeypatch):
    import weasyprint

    a = _appraisal(FIRST)
    doc = a.to_dict()

    def broken(self, target=None, *args, **kwargs):
        Path(target).write_bytes(b"%PDF-1.7 partial")
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", broken)
    target = tmp_path / "report.pdf"
    with pytest.raises(RuntimeError, match="renderer crashed"):
        P.write_pdf(a, doc, target, lang="zh")
    assert list(tmp_path.iterdir()) == []

    target.write_bytes(b"previous report")
    with pytest.raises(RuntimeError):
        P.write_pdf(a, doc, target, lang="en")
    assert target.read_bytes() == b"previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def _forking(monkeypatch):
    if not hasattr(os, "fork"):
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(render, "can_fork", lambda: True)


def test_charts_drawn_in_a_child_process_are_those_drawn_here(tmp_path, monkeypatch):
    from finmodel.report import charts

    a = _appraisal(FIRST)
    doc = a.to_dict()
    here = tmp_path / "here"
    here.mkdir()
    drawn_html = render.render_html(P.build_context(a, doc, "zh", here))
    drawn = {p.name: p.read_text(encoding="utf-8") for p in here.iterdir()}
    assert len(drawn) >= 3 and all(svg.startswith("<?xml") for svg in drawn.values())

    _forking(monkeypatch)
    seen = {}

    def capture(html, target, fetcher):  # what WeasyPrint gets: the HTML, and the charts through the fetcher
        folder = Path(re.search(r'src="file://([^"]+)/chart-01\.svg"', html).group(1))
        seen["html"] = html.replace(folder.as_uri(), here.as_uri())
        seen["charts"] = {name: fetcher.resolve((folder / name).as_uri()).read_text(encoding="utf-8") for name in drawn}
        seen["drawn_here"] = charts._DRAWING.get()
        Path(target).write_bytes(b"%PDF-1.7")

    monkeypatch.setattr(render, "render_pdf", capture)
    P.write_pdf(a, doc, tmp_path / "r.pdf", lang="zh")
    assert seen["html"] == drawn_html  # the same report, naming the same chart files
    assert seen["charts"] == drawn  # which the child drew
    assert seen["drawn_here"] is True  # drawing is switched off only while the context is built


def test_a_chart_that_fails_in_the_child_process_fails_the_report(tmp_path, monkeypatch):
    from finmodel.report import charts

    a = _appraisal(FIRST)
    doc = a.to_dict()
    _forking(monkeypatch)

    def broken(fig):  # only the child draws
        raise RuntimeError("matplotlib broke")

    def like_weasyprint(html, target, fetcher):  # asks for the charts, leaves out what fails
        Path(target).write_bytes(b"%PDF-1.7 partial")
        for url in re.findall(r'src="(file://[^"]+\.svg)"', html):
            try:
                fetcher.resolve(url)
            except Exception:
                pass

    monkeypatch.setattr(charts, "_svg", broken)
    monkeypatch.setattr(render, "render_pdf", like_weasyprint)
    with pytest.raises(RuntimeError, match="matplotlib broke"):
        P.write_pdf(a, doc, tmp_path / "report.pdf", lang="zh")
    assert list(tmp_path.iterdir()) == []


def test_bad_language_is_refused(tmp_path):
    a = _appraisal(FIRST)
    with pytest.raises(ValueError):
        P.write_pdf(a, a.to_dict(), tmp_path / "x.pdf", lang="fr")
    assert not (tmp_path / "x.pdf").exists()


def test_condensed_years_and_selected_years():
    assert year_groups(21, 1) == [[i] for i in range(21)]
    groups = year_groups(32, 2)
    assert groups[:12] == [[i] for i in range(12)]
    assert groups[-1] == [31]
    assert sorted(i for g in groups for i in g) == list(range(32))
    assert max(len(g) for g in groups) == 5
    assert selected_years(21, 1) == [0, 1, 6, 11, 16, 20]


def test_verdict_is_plain_words_from_the_numbers():
    a = _appraisal(FIRST)
    doc = a.to_dict()
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        ctx = Ctx(a, doc, "en", Path(tmp))
        lines = verdict(ctx)
    proj = doc["deterministic"]["project"]
    first = lines[0]
    assert F.pct(proj["equity_irr"]) in first
    hurdle = next(x["value"] for x in doc["assumptions"] if x["field"] == f"parties.{doc['owner']}.discount_rate")
    assert F.pct(hurdle) in first
    assert ("clears" in first) == (proj["equity_irr"] >= hurdle)
    if proj["min_dscr"] is not None:
        assert any(F.ratio(proj["min_dscr"]) in line for line in lines)


@needs_poppler
@pytest.mark.slow
def test_contract_price_schedule_renders_in_both_languages(tmp_path):
    """The fixed-price example: its price schedule table, the rule and the years the cap binds,
    and the take-or-pay payment among who pays whom, in both languages."""
    a = _appraisal(ROOT / "assumptions" / "examples" / "fixed_price_pv_eaas.yaml")
    doc = a.to_dict()
    ps = doc["contract_price"]
    assert ps["cap_binding_years"] == [2044, 2045, 2046] and not ps["floor_binding_years"]
    last = F.price(ps["price"][-1])
    for lang, needles in (
            ("en", ["Contract price schedule (per kWh delivered)", "0.5600 CNY/kWh in 2027, escalating with the grid "
                    "tariff (1.00% a year", "Years the floor binds: none; years the cap binds: 2044, 2045, 2046.", last,
                    "Take-or-pay payment for the shortfall"]),
            ("zh", ["合同单价及结算（按供能量）", "2027年单价0.5600元/千瓦时，随电网电价调整（每年1.00%",
                    "保底价生效年份：无；封顶价生效年份：2044、2045、2046。", last, "照付不议差额付费"])):
        assert_in_report(a, doc, lang, needles)


@needs_poppler
@pytest.mark.slow
def test_finance_lease_renders_in_both_languages(tmp_path):
    """The sale-and-leaseback example: the lease's terms, the lessor's IRR and its schedule in the
    financing section, the lessor among the parties and in who pays whom."""
    a = _appraisal(ROOT / "assumptions" / "examples" / "pv_sale_leaseback.yaml")
    doc = a.to_dict()
    lease = doc["financing"]["lease"]
    irr_text, amount = F.pct(lease["lessor_irr"]), F.money(lease["amount_financed"])
    for lang, needles in (
            ("en", ["Finance lease", "sale and leaseback (售后回租): VAT 6 % on the interest part", amount, irr_text,
                    "Lessor's IRR", "Amount financed net of the deposit"]),
            ("zh", ["融资租赁", "售后回租：租金中的利息部分按6%缴纳增值税", amount, irr_text, "出租人现金流",
                    "融资额（扣除保证金）", "租赁公司"])):
        assert_in_report(a, doc, lang, needles)
