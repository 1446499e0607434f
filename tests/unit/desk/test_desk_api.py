"""The pricing desk's endpoints under FastAPI's test client: pages, results against independent
runs of the public API and the CLI, bad input, limits and cross-site protection.

References: the CLI (``finmodel appraise``/``price``/``validate`` run in-process by typer's
runner on the same case file and seed) and the public Python API on the same case; the desk must
show the same numbers.  A higher tariff discount moves money from the provider to the host, so the
provider's IRR falls and the host's savings rise (a property of the EaaS contract, DESIGN
"Composition of a case")."""
from __future__ import annotations

from markupsafe import escape
import io
import json
import re

import openpyxl
import pytest
from typer.testing import CliRunner

import finmodel
from finmodel.cli import app as cli
from finmodel.report.words import TERMS
from tests.conftest import ROOT
from tests.unit.desk.conftest import EAAS, make, values

EXAMPLE = ROOT / "assumptions" / "examples" / "rooftop_pv_eaas.yaml"
BAD = ROOT / "tests" / "data" / "bad_cases"
runner = CliRunner()


def test_every_page_renders_in_both_languages(desk):
    for url in ("/cases", f"/offer?case={EAAS}", "/solve", "/scenarios"):
        zh = desk.get(url)
        assert zh.status_code == 200 and TERMS["d_title"][1] in zh.text
    r = desk.post("/lang", {"lang": "en", "back": "/offer"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/offer"
    for url in ("/cases", "/offer", "/solve", "/scenarios"):
        en = desk.get(url)
        assert en.status_code == 200 and TERMS["d_title"][0] in en.text and TERMS["d_title"][1] not in en.text
    assert desk.get("/static/htmx.min.js").text.startswith("var htmx=function()")


def test_the_offer_shows_what_the_cli_computes_for_the_same_terms(desk, tmp_path):
    """The desk's deterministic results for a 12 % discount equal `finmodel appraise --json` on
    the case file with that discount written in (the desk's own YAML download)."""
    r = desk.post("/offer/evaluate", {"case": EAAS, "contract.discount_to_grid": "12"})
    assert r.status_code == 200
    case_file = tmp_path / "offer.yaml"
    case_file.write_bytes(desk.post("/download/yaml").content)
    assert "discount_to_grid: 12%" in case_file.read_text(encoding="utf-8")
    out = runner.invoke(cli, ["appraise", str(case_file), "--json", "--no-report", "--out", str(tmp_path / "o")])
    doc = json.loads(out.stdout)
    for party, d in doc["deterministic"]["parties"].items():
        for m in ("irr", "npv", "payback_years"):
            assert values(r.text, f"{party}.{m}") == [d[m]]
    assert values(r.text, "project.min_dscr") == [doc["deterministic"]["project"]["min_dscr"]]
    assert values(r.text, "host.savings_share") == [doc["deterministic"]["parties"]["host"]["savings_share"]]


def test_a_larger_discount_moves_money_from_provider_to_host(desk):
    irr, savings = [], []
    for discount in ("5", "15", "25"):
        r = desk.post("/offer/evaluate", {"case": EAAS, "contract.discount_to_grid": discount})
        irr += values(r.text, "provider.irr")
        savings += values(r.text, "host.savings_share")
    assert irr[0] > irr[1] > irr[2]
    assert savings[0] < savings[1] < savings[2]


def test_bad_terms_get_the_cli_message_with_the_field_path(desk, tmp_path):
    r = desk.post("/offer/evaluate", {"case": EAAS, "contract.discount_to_grid": "120"},
                  headers={"HX-Request": "true"})
    assert r.status_code == 422
    with pytest.raises(finmodel.errors.InputError) as exc:
        finmodel.load_case_text(EXAMPLE.read_text(encoding="utf-8"), "rooftop_pv_eaas.yaml",
                                changes={"contract.discount_to_grid": "120%"})
    assert str(escape(str(exc.value.problems[0]))) in r.text
    assert "rooftop_pv_eaas.yaml:" in r.text and "contract.discount_to_grid" in r.text and "<html" not in r.text
    r = desk.post("/offer/evaluate", {"case": EAAS, "financing.tranches.senior.margin_bp": "ten"})
    assert r.status_code == 422 and "financing.tranches.senior.margin_bp" in r.text
    r = desk.post("/offer/evaluate", {"case": EAAS, "cost_split.capex.host": "70", "cost_split.capex.platform": "40"})
    assert r.status_code == 422 and "cost_split.capex" in r.text


def test_the_cost_split_leaves_the_owner_the_rest(desk):
    desk.post("/offer/evaluate", {"case": EAAS, "cost_split.capex.host": "33.3"})
    text = desk.post("/download/yaml").text
    assert "capex:\n    host: 33.3%\n    provider: 66.7%" in text


def test_upload_is_validated_as_the_cli_validates(desk, tmp_path):
    good = EXAMPLE.read_bytes()
    r = desk.post("/cases/upload", files={"file": ("my case.yaml", good)}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/offer?case=mine/my_case.yaml"
    assert "mine/my_case.yaml" in desk.get("/cases").text
    for bad in ("discount_as_percent_number.yaml", "duplicate_key.yaml", "billion_laughs.yaml"):
        r = desk.post("/cases/upload", files={"file": (bad, (BAD / bad).read_bytes())})
        assert r.status_code == 422, bad
        cli_out = runner.invoke(cli, ["validate", str(BAD / bad)])
        assert cli_out.exit_code == 2
        for line in cli_out.stderr.splitlines()[1:]:  # each problem, the file named as uploaded
            assert str(escape(line.strip().replace(str(BAD / bad), bad))) in r.text, line
        assert not (tmp_path / "cases" / bad).exists()
        assert "Traceback" not in r.text


def test_uploads_above_the_limit_are_refused_before_parsing(tmp_path):
    desk = make(tmp_path, upload_limit_bytes=4096)
    r = desk.post("/cases/upload", files={"file": ("big.yaml", b"# " + b"x" * 200_000)})
    assert r.status_code == 413 and not (tmp_path / "cases" / "big.yaml").exists()
    r = desk.post("/cases/upload", files={"file": ("big.yaml", b"# " + b"x" * 5000)})
    assert r.status_code == 413


def test_user_text_is_shown_as_text(desk):
    evil = EXAMPLE.read_text(encoding="utf-8").replace('name: "Suzhou factory rooftop PV — EaaS"',
                                                      'name: "<script>alert(1)</script>"').replace(
        'name_zh: "苏州工厂屋顶光伏——能源即服务"', 'name_zh: "<script>alert(2)</script>"')
    r = desk.post("/cases/upload", files={"file": ("<b>evil</b>.yaml", evil.encode())})
    assert r.status_code == 200
    assert "<script>alert(2)</script>" not in r.text and "&lt;script&gt;alert(2)&lt;/script&gt;" in r.text
    assert "<b>evil" not in desk.get("/cases").text


def test_state_changing_requests_need_the_token_and_the_desks_origin(desk):
    assert desk.client.post("/offer/evaluate", data={"case": EAAS}).status_code == 403
    assert desk.post("/offer/evaluate", {"case": EAAS}, headers={"X-CSRF-Token": "0" * 64}).status_code == 403
    r = desk.post("/offer/evaluate", {"case": EAAS}, headers={"Origin": "http://evil.example"})
    assert r.status_code == 403 and "Traceback" not in r.text
    assert desk.post("/offer/evaluate", {"case": EAAS}, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert desk.post("/offer/evaluate", {"case": EAAS}, headers={"Origin": "http://testserver"}).status_code == 200
    assert desk.get("/cases", headers={"Host": "evil.example"}).status_code == 403
    fresh = desk.client.__class__(desk.client.app)  # a browser the desk never served: no session
    assert fresh.post("/lang", data={"lang": "en", "csrf_token": desk.token}).status_code == 403
    cookie = desk.client.cookies.get("finmodel_desk_session")
    assert cookie and "httponly" in desk.client.get("/cases").headers.get("set-cookie", "httponly").lower()


def test_unknown_things_get_a_page_not_a_trace(desk):
    for url in ("/offer?case=../../etc/passwd", "/offer?case=examples/nope.yaml", "/jobs/1-abc", "/nope"):
        r = desk.get(url)
        assert r.status_code == 404 and "Traceback" not in r.text and TERMS["d_not_found"][1] in r.text
    assert desk.post("/download/exe").status_code == 404
    assert desk.post("/offer/montecarlo", {"case": EAAS, "paths": "1e9"}).status_code == 422
    assert desk.post("/solve/price", {"field": ""}).status_code == 422


def test_p50_p90_are_the_monte_carlo_percentiles_of_the_same_run(desk):
    """P90 of a return is its 10th percentile (reached on 90 % of paths); the desk's chunked run
    with progress gives the percentiles of finmodel.appraise on the same case and seed."""
    started = desk.post("/offer/montecarlo", {"case": EAAS, "contract.discount_to_grid": "12", "paths": "1000",
                                              "seed": "11"})
    r = desk.wait(started)
    rc = finmodel.load_case_text(EXAMPLE.read_text(encoding="utf-8"), "x.yaml",
                                 changes={"contract.discount_to_grid": "12%"})
    mc = finmodel.appraise(rc, paths=1000, seed=11).to_dict()["monte_carlo"]["metrics"]
    assert values(r.text, "provider.irr", "P90") == [mc["provider.irr"]["p10"]]
    assert values(r.text, "provider.irr", "P50") == [mc["provider.irr"]["p50"]]
    assert values(r.text, "provider.payback_years", "P90") == [mc["provider.payback_years"]["p90"]]


def test_solve_at_p90_gives_what_finmodel_price_gives(desk, tmp_path):
    r = desk.wait(desk.post("/solve/price", {"field": "contract.discount_to_grid", "metric0": "provider.irr",
                                             "op0": ">=", "value0": "0.08", "level0": "P90", "paths": "500",
                                             "seed": "7"}))
    solved = float(re.search(r'id="solved-value" data-value="([^"]+)"', r.text).group(1))
    out = runner.invoke(cli, ["price", str(EXAMPLE), "--solve", "contract.discount_to_grid", "--target",
                              "provider.irr>=0.08@P90", "--paths", "500", "--seed", "7", "--json", "--no-report",
                              "--out", str(tmp_path)])
    assert solved == json.loads(out.stdout)["solved_value"]
    assert r.text.count("<tr><td>") == json.loads(out.stdout)["evaluations"]  # the whole trace


def test_the_deal_zone_names_the_failing_requirement_in_each_cell(desk):
    reqs = {"metric0": "provider.irr", "op0": ">=", "value0": "0.08", "level0": "det",
            "metric1": "host.npv", "op1": ">=", "value1": "0", "level1": "det"}
    r = desk.wait(desk.post("/solve/dealzone", {"x_field": "contract.discount_to_grid", "x_low": "0.05",
                                                "x_high": "0.4", "x_steps": "4", "y_field": "cost_split.capex.host",
                                                "y_low": "0", "y_high": "0.5", "y_steps": "3", **reqs}))
    ref = finmodel.dealzone(finmodel.load_case(EXAMPLE), "contract.discount_to_grid:0.05:0.4:4",
                            "cost_split.capex.host:0:0.5:3", ["provider.irr>=0.08", "host.npv>=0"])
    assert int(re.search(r'id="dz-feasible">(\d+)<', r.text).group(1)) == ref["feasible_cells"]
    cells = re.findall(r'<td class="(ok|fail) met', r.text)
    expected = [("ok" if ref["feasible"][j][i] else "fail") for j in reversed(range(3)) for i in range(4)]
    assert cells == expected
    fails_irr = sum(not h for row in ref["requirements"][0]["holds"] for h in row)
    assert r.text.count('data-requirement="provider.irr&gt;=0.08"') == fails_irr
    assert "✗ Provider IRR ≥ 8.00%" in r.text or "✗ 服务商内部收益率 ≥ 8.00%" in r.text  # in words, not the key


def test_tornado_lists_the_uncertain_inputs(desk):
    r = desk.wait(desk.post("/solve/tornado", {"paths": "200", "seed": "3"}))
    assert 'data-input="assets.pv.capex_overrun"' in r.text and "<svg" in r.text
    assert ">assets.pv.capex_overrun<" not in r.text  # the bar is labelled in words


def test_a_run_can_be_cancelled_and_is_stopped_at_its_time_limit(tmp_path):
    desk = make(tmp_path, time_limit_s=0.05)
    r = desk.wait(desk.post("/offer/montecarlo", {"case": EAAS, "paths": "20000"}))
    assert 'data-state="timed_out"' in r.text
    desk = make(tmp_path)
    started = desk.post("/offer/montecarlo", {"case": EAAS, "paths": "20000"})
    job = re.search(r'hx-get="/jobs/([^"]+)"', started.text).group(1)
    desk.post(f"/jobs/{job}/cancel")
    assert 'data-state="cancelled"' in desk.wait(started).text


def test_the_heavy_lane_refuses_runs_beyond_its_queue_limit(tmp_path):
    desk = make(tmp_path, heavy_workers=1, heavy_limit=1)
    first = desk.post("/offer/montecarlo", {"case": EAAS, "paths": "20000"})
    second = desk.post("/offer/montecarlo", {"case": EAAS, "paths": "200"})
    assert second.status_code == 503 and TERMS["d_busy"][1].split("（")[0] in second.text
    assert desk.post("/offer/evaluate", {"case": EAAS}).status_code == 200  # the quick lane still answers
    job = re.search(r'hx-get="/jobs/([^"]+)"', first.text).group(1)
    desk.post(f"/jobs/{job}/cancel")
    desk.wait(first)


def test_scenarios_are_saved_compared_and_deleted(desk):
    desk.post("/offer/evaluate", {"case": EAAS, "contract.discount_to_grid": "10"})
    desk.post("/scenarios/save", {"name": "ten"})
    desk.post("/offer/evaluate", {"case": EAAS, "contract.discount_to_grid": "20"})
    desk.post("/scenarios/save", {"name": "twenty"})
    page = desk.get("/scenarios").text
    assert "ten" in page and "twenty" in page and '<span class="change" title="contract.discount_to_grid">' in page
    assert "相对电网电价的折扣 = 10%" in page  # the changed term in words, its field path in the title
    table = re.search(r'<table class="nums" id="compare">.*?</table>', page, re.S).group(0)
    row = re.search(r"<tr><th>[^<]*内部收益率</th>(.*?)</tr>", table).group(1)
    a, b = (float(v) for v in re.findall(r'data-value="([^"]+)"', row)[:2])
    assert a > b  # the provider's IRR at 10 % off exceeds that at 20 % off
    sid = re.findall(r'name="scenario" value="(\d+)"', page)[0]
    desk.post("/scenarios/delete", {"scenario": sid})
    assert desk.get("/scenarios").text.count('name="scenario"') == 1


def test_the_json_download_is_the_clis_for_the_same_terms_and_seed(desk, tmp_path):
    desk.post("/offer/evaluate", {"case": EAAS, "contract.discount_to_grid": "12"})
    got = json.loads(desk.post("/download/json", {"paths": "300", "seed": "5"}).content)
    case_file = tmp_path / "offer.yaml"
    case_file.write_bytes(desk.post("/download/yaml").content)
    out = runner.invoke(cli, ["appraise", str(case_file), "--paths", "300", "--seed", "5", "--json", "--no-report",
                              "--out", str(tmp_path / "o")])
    want = json.loads(out.stdout)
    for d in (got, want):
        del d["audit"]["timestamp"], d["outputs"]
    assert got == want


def test_the_workbook_download_opens(desk):
    r = desk.post("/download/xlsx", {"paths": "1"})
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    assert len(wb.sheetnames) > 5
