"""Technology and market libraries: loading, sources, maturity rules, error reporting."""
from __future__ import annotations

import copy
import json
import math
import re
import shutil
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

import finmodel
from finmodel.cli import app
from finmodel.errors import InputError
from finmodel.library import (
    KIND_CAPACITY_UNIT,
    MATURITY_CLASSES,
    MATURITY_RULES,
    PERFORMANCE_KEYS,
    ResolvedMarket,
    Sourced,
    SourcedRange,
    SourcedRate,
    SourcedRateRange,
    Technology,
    assumption_records,
    get_technology,
    list_markets,
    load_market,
    load_technologies,
    maturity_class_for_trl,
    maturity_rule,
    unsourced_numbers,
)
from finmodel.resources import ASSUMPTIONS_DIR
from finmodel.screening import collect_cases
from finmodel.yamlio import read_yaml

from tests.conftest import ROOT

TECH_FILE = ASSUMPTIONS_DIR / "technologies.yaml"
MARKET_FILES = sorted((ASSUMPTIONS_DIR / "markets").glob("*.yaml"))
LIBRARY_FILES = [TECH_FILE, *MARKET_FILES]

REQUIRED_TECH_IDS = [
    "pv_rooftop_ci", "pv_ground", "wind_onshore", "bess_li_ci", "flow_battery_vanadium",
    "heat_pump_air", "heat_pump_ht_steam", "waste_heat_recovery", "electric_boiler_storage",
    "biomass_boiler", "electrolyser_alk", "ccus_post_combustion", "ev_charging_v2g",
    "vpp_platform", "efficiency_retrofit",
]
CHINA_REGIONS = ["jiangsu", "guangdong", "zhejiang", "inner_mongolia", "qinghai", "sichuan"]


def _all_refs() -> list[str]:
    refs = []
    for f in MARKET_FILES:
        data = read_yaml(f).data
        refs += [f"{f.stem}/{r}" for r in data["regions"]]
    return refs


def _copy_library(tmp_path: Path) -> Path:
    """A private copy of assumptions/ to break things in."""
    root = tmp_path / "assumptions"
    shutil.copytree(ASSUMPTIONS_DIR, root, ignore=shutil.ignore_patterns("examples"))
    return root


def _replace_once(path: Path, old: str, new: str) -> int:
    """Replace a unique snippet in a file; return the 1-based line where it sits."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"snippet not unique in {path.name}: {old!r}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new), encoding="utf-8")
    return line


# ---------------------------------------------------------------------------------------------
# Everything loads and validates
# ---------------------------------------------------------------------------------------------

def test_every_required_technology_loads_and_validates():
    library = load_technologies()
    missing = [t for t in REQUIRED_TECH_IDS if t not in library]
    assert not missing
    for tech_id, tech in library.items():
        assert isinstance(tech, Technology), tech_id
        assert tech.capacity_unit == KIND_CAPACITY_UNIT[tech.kind], tech_id
        assert set(PERFORMANCE_KEYS[tech.kind]) <= set(tech.performance), tech_id
        assert tech.capex.central > 0, tech_id
        assert tech.maturity_class == maturity_class_for_trl(int(tech.trl.value)), tech_id


def test_heat_technologies_name_their_input_carrier():
    library = load_technologies()
    for tech in library.values():
        assert (tech.input_carrier is not None) == (tech.kind == "heat")
    assert library["biomass_boiler"].input_carrier == "biomass"
    assert library["heat_pump_air"].input_carrier == "electricity"


@pytest.mark.parametrize("ref", _all_refs())
def test_every_market_region_loads(ref):
    market = load_market(ref)
    assert isinstance(market, ResolvedMarket)
    assert market.ref == ref
    assert market.region.tariff_valley_cny_per_kwh.value <= market.region.tariff_peak_cny_per_kwh.value


def test_required_markets_and_regions_exist():
    assert {"china-2025", "indonesia-2025"} <= set(list_markets())
    for region in CHINA_REGIONS:
        assert load_market(f"china-2025/{region}").currency == "CNY"


def test_overseas_market_uses_host_rules():
    m = load_market("indonesia-2025/central_java")
    assert m.currency in ("USD", "IDR") and m.fx_cny_per_unit.value != 1
    n = m.national
    assert n.cerf_refinance_share.value == 0 and n.cerf_rate.value == 0
    assert n.cit_rate.value == pytest.approx(0.22)
    assert n.vat_goods.value == pytest.approx(0.11)
    assert "I-REC" in (n.gec_price_cny_per_mwh.note or "")
    assert "IFI" in n.grid_ef_tco2_per_mwh.source


def test_pv_and_onshore_wind_earn_no_ccer():
    library = load_technologies()
    for tech_id in ("pv_rooftop_ci", "pv_ground", "wind_onshore"):
        assert library[tech_id].carbon_credit.eligible is False


def test_loaded_library_is_cached_but_not_shared():
    a, b = load_technologies(), load_technologies()
    assert a == b and a is not b
    a.pop("pv_rooftop_ci")
    assert "pv_rooftop_ci" in load_technologies()


# ---------------------------------------------------------------------------------------------
# Every number has a source
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: p.name)
def test_every_number_has_a_source(path):
    assert unsourced_numbers(read_yaml(path).data) == []


@pytest.mark.parametrize("path", LIBRARY_FILES, ids=lambda p: p.name)
def test_sources_cite_publications_not_the_reference_file(path):
    text = path.read_text(encoding="utf-8")
    assert "/work/shared" not in text and "china-park-finance.md" not in text


def test_source_check_fails_when_one_source_is_removed():
    data = read_yaml(TECH_FILE).data
    broken = copy.deepcopy(data)
    del broken["technologies"]["pv_rooftop_ci"]["capex"]["source"]
    assert unsourced_numbers(broken) == [
        "technologies.pv_rooftop_ci.capex.low",
        "technologies.pv_rooftop_ci.capex.mode",
        "technologies.pv_rooftop_ci.capex.high",
    ]
    blank = copy.deepcopy(data)
    blank["technologies"]["bess_li_ci"]["performance"]["cycles_per_year"]["source"] = "   "
    assert unsourced_numbers(blank) == ["technologies.bess_li_ci.performance.cycles_per_year.value"]
    # the original is untouched and still clean
    assert unsourced_numbers(data) == []


def test_source_check_fails_on_a_market_file_too():
    data = copy.deepcopy(read_yaml(MARKET_FILES[0]).data)
    del data["national"]["cea_price_history"][0]["source"]
    assert unsourced_numbers(data) == ["national.cea_price_history[0].price_cny_per_t"]


def test_models_refuse_an_empty_source():
    with pytest.raises(ValidationError, match="needs a source"):
        Sourced(value=1.0, unit="CNY/kW", source="  ")
    with pytest.raises(ValidationError, match="needs a source"):
        SourcedRange(low=1, high=2, unit="CNY/kW", source="")


def test_assumption_records_carry_sources():
    market = load_market("china-2025/guangdong")
    records = assumption_records(market)
    assert records and all(r["source"].strip() for r in records)
    fields = {r["field"]: r for r in records}
    assert fields["region.tou_spread_cny_per_kwh"]["value"] == pytest.approx(1.297)
    assert fields["region.tou_spread_prior.low"]["value"] == pytest.approx(1.10)
    assert fields["national.cea_path.start"]["unit"] == "CNY/t"
    tech = load_technologies()["pv_rooftop_ci"]
    tech_records = {r["field"]: r for r in assumption_records(tech, "assets[0]")}
    assert tech_records["assets[0].capex.mode"]["value"] == 3000
    assert tech_records["assets[0].capex.mode"]["unit"] == "CNY/kW"
    assert "assets[0].replacements[0].every_years" in tech_records


# ---------------------------------------------------------------------------------------------
# Maturity
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("trl,expected", [
    (1, "prototype"), (4, "prototype"), (6, "prototype"), (7, "demonstration"),
    (8, "demonstration"), (9, "early_adoption"), (10, "early_adoption"), (11, "mature"),
])
def test_trl_maps_to_class(trl, expected):
    assert maturity_class_for_trl(trl) == expected


@pytest.mark.parametrize("bad", [0, 12, 7.5, True])
def test_trl_outside_scale_is_refused(bad):
    with pytest.raises(ValueError):
        maturity_class_for_trl(bad)


def test_maturity_rules_move_with_risk_as_trl_falls():
    rules = [MATURITY_RULES[c] for c in MATURITY_CLASSES]  # mature -> prototype
    for safer, riskier in zip(rules, rules[1:]):
        assert riskier.contingency > safer.contingency
        assert riskier.capex_spread_multiplier > safer.capex_spread_multiplier
        assert riskier.derate_mean < safer.derate_mean
        assert riskier.derate_sd > safer.derate_sd
        assert riskier.availability_haircut >= safer.availability_haircut
        assert riskier.delay_probability > safer.delay_probability
        assert riskier.delay_years >= safer.delay_years
        assert riskier.risk_premium >= safer.risk_premium
    # the documented derate distributions
    assert [(r.derate_mean, r.derate_sd) for r in rules] == [
        (0.98, 0.02), (0.95, 0.04), (0.90, 0.08), (0.80, 0.15)]


def test_library_maturity_follows_trl_monotonically():
    techs = sorted(load_technologies().values(), key=lambda t: -t.trl.value)
    for higher, lower in zip(techs, techs[1:]):  # TRL non-increasing along the list
        a, b = maturity_rule(higher), maturity_rule(lower)
        assert b.contingency >= a.contingency
        assert b.capex_spread_multiplier >= a.capex_spread_multiplier
        assert b.derate_sd >= a.derate_sd
        assert b.delay_probability >= a.delay_probability
    library = load_technologies()
    assert maturity_rule(library["heat_pump_ht_steam"]).contingency > \
        maturity_rule(library["waste_heat_recovery"]).contingency


def test_trl_class_contradiction_is_rejected(tmp_path):
    root = _copy_library(tmp_path)
    tech_file = root / "technologies.yaml"
    text = tech_file.read_text(encoding="utf-8")
    start = text.index("  waste_heat_recovery:")
    old = "    maturity_class: mature\n"
    line = text[: text.index(old, start)].count("\n") + 1
    tech_file.write_text(text[:start] + text[start:].replace(old, "    maturity_class: early_adoption\n", 1),
                         encoding="utf-8")
    with pytest.raises(InputError) as info:
        load_technologies(root)
    (problem,) = info.value.problems
    assert problem.file == str(tech_file)
    assert problem.path == "technologies.waste_heat_recovery.maturity_class"
    assert problem.line == line
    assert "contradicts TRL 11" in problem.message and "'mature'" in problem.message


def test_every_source_tag_has_an_entry_in_the_references():
    """Each [Sn] and [Nn] tag in the libraries, the examples, the code and the docs is listed in
    docs/references.md (S: the domain reference's sources; N: the national method's)."""
    listed = set(re.findall(r"^\| ([SN]\d+[a-z]?) \|", (ROOT / "docs" / "references.md").read_text(encoding="utf-8"),
                            re.MULTILINE))
    used: dict[str, str] = {}
    for f in [*(ROOT / "assumptions").rglob("*.yaml"), *(ROOT / "finmodel").rglob("*.py"),
              *(f for f in (ROOT / "templates").rglob("*") if f.is_file()),
              *(f for f in (ROOT / "docs").glob("*.md") if f.name != "references.md")]:
        for group in re.findall(r"\[([SN]\d+[a-z]?\b[^\]]*)\]", f.read_text(encoding="utf-8")):
            for tag in re.findall(r"\b[SN]\d+[a-z]?\b", group):
                used.setdefault(tag, str(f.relative_to(ROOT)))
    assert len(used) > 40 and any(t.startswith("N") for t in used)
    assert {tag: where for tag, where in used.items() if tag not in listed} == {}


# ---------------------------------------------------------------------------------------------
# Errors a user can act on
# ---------------------------------------------------------------------------------------------

def test_unknown_technology_suggests_close_ids():
    with pytest.raises(InputError) as info:
        get_technology("pv_rooftop")
    assert "unknown technology 'pv_rooftop' — did you mean pv_rooftop_ci, pv_ground?" in str(info.value)


def test_unknown_technology_error_points_to_where_it_was_written():
    with pytest.raises(InputError) as info:
        get_technology("heat_pmp_air", file="case.yaml", path="assets[2].technology", line=14)
    (problem,) = info.value.problems
    assert (problem.file, problem.path, problem.line) == ("case.yaml", "assets[2].technology", 14)
    assert "did you mean heat_pump_air" in problem.message


@pytest.mark.parametrize("ref,expected", [
    ("china-2025/jiansu", "unknown region 'jiansu' in market 'china-2025' — did you mean jiangsu?"),
    ("china-2024/jiangsu", "unknown market 'china-2024' — did you mean china-2025?"),
    ("china-2025", "must be MARKET/REGION"),
])
def test_unknown_market_or_region(ref, expected):
    with pytest.raises(InputError) as info:
        load_market(ref)
    assert expected in str(info.value)


def test_broken_library_file_names_file_field_and_line(tmp_path):
    root = _copy_library(tmp_path)
    tech_file = root / "technologies.yaml"
    line_a = _replace_once(tech_file, "high: 3600, unit: CNY/kW", 'high: "lots", unit: CNY/kW')
    line_b = _replace_once(tech_file, "      cycles_per_year: {value: 330, unit: cycles/yr, source: \"E: estimate, "
                           "reasoning: one full cycle", "      cycles_per_yr: {value: 330, unit: cycles/yr, "
                           "source: \"E: estimate, reasoning: one full cycle")
    with pytest.raises(InputError) as info:
        load_technologies(root)
    problems = {p.path: p for p in info.value.problems}
    capex = problems["technologies.pv_rooftop_ci.capex.high"]
    assert capex.file == str(tech_file) and capex.line == line_a
    assert "expected a number" in capex.message
    perf = problems["technologies.bess_li_ci.performance"]
    assert "cycles_per_year missing" in perf.message
    lines = tech_file.read_text(encoding="utf-8").splitlines()
    perf_line = max(i + 1 for i in range(line_b) if lines[i] == "    performance:")
    assert perf.line == perf_line  # the 'performance:' key of bess_li_ci
    # the rendered error names file:line: path
    assert f"{tech_file}:{line_a}: technologies.pv_rooftop_ci.capex.high:" in str(info.value)


def test_unknown_field_is_reported(tmp_path):
    root = _copy_library(tmp_path)
    market_file = root / "markets" / "china-2025.yaml"
    line = _replace_once(market_file, "  lpr_1y: {value: 0.030,", "  lpr_1y: {valeu: 0.030,")
    with pytest.raises(InputError) as info:
        load_market("china-2025/jiangsu", root)
    paths = {p.path: p for p in info.value.problems}
    assert paths["national.lpr_1y.valeu"].message.startswith("unknown field")
    assert paths["national.lpr_1y.valeu"].line == line
    assert paths["national.lpr_1y.value"].message == "required field is missing"


def test_market_id_must_match_file_name(tmp_path):
    root = _copy_library(tmp_path)
    shutil.copy(root / "markets" / "china-2025.yaml", root / "markets" / "china-2026.yaml")
    with pytest.raises(InputError, match="must equal the file name"):
        load_market("china-2026/jiangsu", root)


def test_empty_source_in_a_file_is_reported_with_its_line(tmp_path):
    root = _copy_library(tmp_path)
    market_file = root / "markets" / "china-2025.yaml"
    line = _replace_once(market_file, 'cit_rate: {value: 0.25, unit: fraction, source: "企业所得税法 Art. 4: standard CIT 25%"',
                         'cit_rate: {value: 0.25, unit: fraction, source: ""')
    with pytest.raises(InputError) as info:
        load_market("china-2025/jiangsu", root)
    (problem,) = info.value.problems
    assert (problem.path, problem.line) == ("national.cit_rate.source", line)


# ---------------------------------------------------------------------------------------------
# Rates
# ---------------------------------------------------------------------------------------------

def test_bare_number_above_one_is_refused_for_a_rate():
    with pytest.raises(ValidationError, match="13 is not a rate"):
        Sourced(value=13, unit="fraction", source="s")
    with pytest.raises(ValidationError, match="13 is not a rate"):
        SourcedRate(value=13, source="s")
    with pytest.raises(ValidationError, match="not a rate"):
        SourcedRateRange(low=5, high=10, source="s")


def test_rate_13_in_a_library_file_is_refused(tmp_path):
    root = _copy_library(tmp_path)
    market_file = root / "markets" / "china-2025.yaml"
    line = _replace_once(market_file, "vat_electricity: {value: 0.13,", "vat_electricity: {value: 13,")
    with pytest.raises(InputError) as info:
        load_market("china-2025/jiangsu", root)
    (problem,) = info.value.problems
    assert problem.path == "national.vat_electricity.value"
    assert problem.line == line
    assert "13 is not a rate" in problem.message and "13%" in problem.message


def test_percent_strings_are_accepted_for_rates_only():
    assert SourcedRate(value="13%", source="s").value == pytest.approx(0.13)
    assert Sourced(value="2.5%", unit="fraction/yr", source="s").value == pytest.approx(0.025)
    irr = SourcedRateRange(low="-5%", mode="2%", high=0.1, source="s")
    assert (irr.low, irr.mode, irr.high) == pytest.approx((-0.05, 0.02, 0.1))
    with pytest.raises(ValidationError, match="percentages are only accepted for rates"):
        Sourced(value="13%", unit="CNY/kW", source="s")
    with pytest.raises(ValidationError, match="unit must start with 'fraction'"):
        SourcedRate(value=0.1, unit="CNY/kWh", source="s")


def test_fraction_performance_keys_must_be_fractions():
    raw = read_yaml(TECH_FILE).data["technologies"]["bess_li_ci"]
    bad = copy.deepcopy(raw)
    bad["performance"]["round_trip_efficiency"] = {"value": 86, "unit": "percent", "source": "s"}
    with pytest.raises(ValidationError, match="round_trip_efficiency is a fraction"):
        Technology.model_validate(bad)
    ok = copy.deepcopy(raw)
    ok["performance"]["round_trip_efficiency"]["value"] = "86%"
    assert Technology.model_validate(ok).performance["round_trip_efficiency"].value == pytest.approx(0.86)


# ---------------------------------------------------------------------------------------------
# Ranges and the carbon-price prior
# ---------------------------------------------------------------------------------------------

def test_range_central_and_order():
    assert SourcedRange(low=1, mode=2, high=6, unit="x", source="s").central == 2
    assert SourcedRange(low=1, high=6, unit="x", source="s").central == 3.5
    with pytest.raises(ValidationError, match="mode"):
        SourcedRange(low=1, mode=7, high=6, unit="x", source="s")
    with pytest.raises(ValidationError, match="above high"):
        SourcedRange(low=9, high=6, unit="x", source="s")


def test_cea_prior_reproduces_the_reference_quantiles():
    path = load_market("china-2025/jiangsu").national.cea_path
    # 2026 (t = 0): lognormal, median 65, sigma 25 %
    assert path.median(0) == pytest.approx(65)
    assert path.log_sd(0) == pytest.approx(0.25, abs=1e-3)
    # 2030 (t = 4): reference low/base/high 50/90/140, read as P5/median/P95
    z95 = 1.6449
    median, sd = path.median(4), path.log_sd(4)
    assert median == pytest.approx(90, rel=0.05)
    assert median * math.exp(-z95 * sd) == pytest.approx(50, rel=0.05)
    assert median * math.exp(z95 * sd) == pytest.approx(140, rel=0.05)


# ---------------------------------------------------------------------------------------------
# A user's own copy of the libraries (--library DIR)
# ---------------------------------------------------------------------------------------------

PV_CASE = ASSUMPTIONS_DIR / "examples" / "rooftop_pv_eaas.yaml"
PV_CAPEX = "capex: {low: 2500, mode: 3000, high: 3600, unit: CNY/kW"


def test_a_copied_library_with_one_changed_number_changes_the_result(tmp_path):
    root = _copy_library(tmp_path)
    _replace_once(root / "technologies.yaml", PV_CAPEX, PV_CAPEX.replace("mode: 3000", "mode: 3300"))
    shipped, own = finmodel.load_case(PV_CASE), finmodel.load_case(PV_CASE, library=root)
    assert shipped.value("assets.pv.capex_per_unit") == 3000
    assert own.value("assets.pv.capex_per_unit") == 3300
    npv = {name: finmodel.appraise(rc).to_dict()["deterministic"]["project"]["npv"]
           for name, rc in (("shipped", shipped), ("own", own))}
    assert npv["own"] < npv["shipped"]


def test_every_library_command_takes_the_library_option(tmp_path):
    root = _copy_library(tmp_path)
    _replace_once(root / "technologies.yaml", PV_CAPEX, PV_CAPEX.replace("mode: 3000", "mode: 3300"))
    runner = CliRunner()
    res = runner.invoke(app, ["appraise", str(PV_CASE), "--library", str(root), "--json", "--no-report",
                              "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    capex = next(a for a in doc["assumptions"] if a["field"] == "assets.pv.capex_per_unit")
    assert capex["value"] == 3300
    for command in ("validate", "price", "dealzone", "screen"):
        assert "--library" in runner.invoke(app, [command, "--help"]).output


@pytest.mark.parametrize("exists", [False, True])
def test_a_folder_that_is_no_library_is_a_clean_error(tmp_path, exists):
    folder = tmp_path / "my_library"
    if exists:  # a folder, but without technologies.yaml and with no market file
        (folder / "markets").mkdir(parents=True)
    res = CliRunner().invoke(app, ["validate", str(PV_CASE), "--library", str(folder)])
    assert res.exit_code == 2
    assert f"{folder}:" in res.output and "technologies.yaml and markets/*.yaml" in res.output
    assert "Traceback" not in res.output
    with pytest.raises(InputError) as info:  # once for the screen, not once per case
        collect_cases([PV_CASE, PV_CASE], library=folder)
    (problem,) = info.value.problems
    assert problem.file == str(folder)


def test_a_broken_market_in_a_copied_library_is_named_in_its_own_file(tmp_path):
    root = _copy_library(tmp_path)
    market_file = root / "markets" / "china-2025.yaml"
    line = _replace_once(market_file, "vat_electricity: {value: 0.13,", "vat_electricity: {value: 13,")
    with pytest.raises(InputError) as info:
        finmodel.load_case(PV_CASE, library=root)
    (problem,) = info.value.problems
    assert (problem.file, problem.path, problem.line) == (str(market_file), "national.vat_electricity.value", line)
