"""1 Executive summary: the decision numbers by party and a verdict in plain words."""
from __future__ import annotations

from .. import format as F
from ..words import GRID_BASES_SHORT, paren, pick, reason
from .context import Ctx
from .metrics import metric_label
from .national import lowest
from .pricing import recommended_price
from .tables import Notes, c, col, n, table


def _min_dscr_year(ctx: Ctx) -> int | None:
    """The year of the lowest DSCR (``financing.covenants.min_dscr_year``); None without debt."""
    return ((ctx.doc.get("financing") or {}).get("covenants") or {}).get("min_dscr_year")


def _national_dscr(ctx: Ctx) -> tuple[float | None, int | None]:
    """The national method's lowest 偿债备付率 and its year (the debt schedule's row)."""
    row = (((ctx.doc.get("statements") or {}).get("debt_schedule") or {}).get("debt_service_cover")) or []
    return lowest(row, ctx.years)


def _breach_probability(ctx: Ctx) -> tuple[str, float] | None:
    mc = ctx.mc
    if not mc:
        return None
    probs = mc.get("probabilities") or {}
    for k, v in probs.items():
        if "dscr" in k.lower() and "lockup" in k.lower() and v is not None:
            return k, v
    for k, v in probs.items():
        if "dscr" in k.lower() and v is not None:
            return k, v
    return None


def build(ctx: Ctx) -> dict:
    doc, lang = ctx.doc, ctx.lang
    det = doc["deterministic"]
    parties = det.get("parties") or {}
    nt = Notes(lang, ctx.notes)
    mc = ctx.mc
    cols = [col(ctx.t("party")), col(ctx.t("hurdle"), ctx.t("u_pct"), "num"), col(ctx.t("irr"), ctx.t("u_pct"), "num"),
            col(ctx.t("npv_at"), ctx.money_unit, "num"), col(ctx.t("payback"), ctx.t("u_years"), "num")]
    if mc:
        cols += [col(f"{ctx.t('irr')} P50", ctx.t("u_pct"), "num"), col(f"{ctx.t('irr')} P90", ctx.t("u_pct"), "num"),
                 col(f"{ctx.t('npv')} P50", ctx.money_unit, "num"), col(f"{ctx.t('npv')} P90", ctx.money_unit, "num")]
    rows = []
    for p, d in parties.items():
        label = ctx.party(p, short=True)
        if p == ctx.owner:
            label += paren(ctx.t("owner"), lang)
        row = [c(label), n(ctx.f(ctx.party_rate(p), "pct")),
               n(nt.val(d.get("irr"), "pct", f"deterministic.parties.{p}.irr")),
               n(nt.val(d.get("npv"), "money", f"deterministic.parties.{p}.npv")),
               n(nt.val(d.get("payback_years"), "years", f"deterministic.parties.{p}.payback_years"))]
        if mc:  # P90 = the value exceeded on 90 % of the paths = the 10th percentile
            _, m = ctx.mc_metric(f"{p}.irr", *(("project.equity_irr",) if p == ctx.owner else ()))
            _, v = ctx.mc_metric(f"{p}.npv")
            row += [n(ctx.f(m.get("p50") if m else None, "pct")), n(ctx.f(m.get("p10") if m else None, "pct")),
                    n(ctx.f(v.get("p50") if v else None, "money")), n(ctx.f(v.get("p10") if v else None, "money"))]
        rows.append(row)
    party_table = table(cols, rows, notes=nt.lines() + ([ctx.t("p90_note")] if mc else []), cls="summary")

    # key indicators (label, value)
    nt = Notes(lang, ctx.notes)
    kv = []
    proj = det["project"]
    kv.append((ctx.t("ind_equity_irr"), nt.val(proj.get("equity_irr"), "pct", "deterministic.project.equity_irr")))
    kv.append((ctx.t("ind_project_irr_after_tax"),
               nt.val(proj.get("project_irr_after_tax"), "pct", "deterministic.project.project_irr_after_tax")))
    kv.append((ctx.t("ind_npv") + paren(ctx.t("at_rate", rate=ctx.f(ctx.value("case.discount_rate"), "pct")), lang),
               f"{nt.val(proj.get('npv'), 'money', 'deterministic.project.npv')} {ctx.money_unit}"))
    dyear = _min_dscr_year(ctx)
    if proj.get("min_dscr") is not None:
        s = f"{ctx.f(proj['min_dscr'], 'ratio')}×"
        if dyear is not None:
            s += paren(ctx.f(dyear, "year"), lang)
        kv.append((ctx.t("min_dscr"), s))
    else:
        kv.append((ctx.t("min_dscr"), nt.val(None, "ratio", "deterministic.project.min_dscr")))
    br = _breach_probability(ctx)
    if br is not None:
        kv.append((ctx.t("p_breach"), ctx.f(br[1], "pct")))
    nat = det.get("national")
    if nat:
        dscr, year = _national_dscr(ctx)
        if dscr is not None:
            kv.append((ctx.t("kv_national_dscr"), ctx.t(
                "kv_national_dscr_value", value=ctx.f(dscr, "ratio"), year=ctx.f(year, "year"),
                bench=ctx.f(nat["benchmarks"]["dscr"], "ratio"),
                verdict=ctx.t("met") if nat["dscr_meets_benchmark"] else ctx.t("not_met"))))
        kv.append((ctx.t("kv_survival"), ctx.t("viable") if nat.get("financially_viable") else ctx.t("not_viable")))
    carbon = doc.get("carbon") or {}
    fy = carbon.get("first_year_met")
    kv.append((ctx.t("zcp_status"), ctx.t("zcp_met_from", year=ctx.f(fy, "year")) if fy is not None
               else ctx.t("zcp_never")))
    if carbon.get("intensity_tco2_per_tce"):
        last = carbon["intensity_tco2_per_tce"][-1]
        thr = (carbon.get("threshold_tco2_per_tce") or [None])[-1]
        kv.append((f"{ctx.t('intensity')} {ctx.f(carbon['year'][-1], 'year')}",
                   f"{ctx.f(last, 'intensity')} {ctx.t('u_intensity')}"
                   + paren(f"{ctx.t('threshold').lower()} {ctx.f(thr, 'intensity')}", lang)))
    if carbon.get("avoided_tco2"):  # what a government reviewer reads first, with the basis it rests on
        i = min(ctx.construction_years, len(carbon["avoided_tco2"]) - 1)
        basis = (carbon.get("grid_factor") or {}).get("basis", "")
        kv.append((ctx.t("sum_avoided", year=ctx.f(carbon["year"][i], "year")),
                   ctx.t("sum_avoided_value", first=F.qty(carbon["avoided_tco2"][i]),
                         total=F.qty(carbon["avoided_tco2_total"]), basis=pick(GRID_BASES_SHORT, basis, lang))))
    eco = doc.get("economic") or {}
    if eco:
        kv.append((ctx.t("e_eirr"), nt.val(eco.get("eirr"), "pct", "economic.eirr")
                   + paren(f"{ctx.t('e_sdr')} {F.pct(eco['social_discount_rate'], decimals=0)}", lang)))
    price = recommended_price(ctx)
    if price:
        kv.append((ctx.t("recommended_price"), price))
    kv.append((ctx.t("flags_count"), str(len(doc.get("flags") or []))))
    return {"party_table": party_table, "kv": [{"k": k, "v": v} for k, v in kv], "kv_notes": nt.lines(),
            "verdict": verdict(ctx)}


def verdict(ctx: Ctx) -> list[str]:
    """A short verdict in plain words, generated from the numbers (no judgement beyond them)."""
    doc = ctx.doc
    out = []
    det = doc["deterministic"]
    proj = det["project"]
    parties = det.get("parties") or {}
    owner = ctx.owner
    od = parties.get(owner, {})
    hurdle = ctx.party_rate(owner)
    irr = proj.get("equity_irr")
    npv = od.get("npv")
    name = ctx.party(owner, short=True)
    if irr is None:
        why = reason(ctx.lang, ctx.notes.get("deterministic.project.equity_irr")) or F.none_text(ctx.lang)
        out.append(ctx.t("v_owner_irr_none", party=name, reason=why, npv=ctx.f(npv, "money"), cur=ctx.cur_word))
    else:
        key = "v_owner_irr_ok" if hurdle is None or irr >= hurdle else "v_owner_irr_low"
        out.append(ctx.t(key, party=name, irr=ctx.f(irr, "pct"), hurdle=ctx.f(hurdle, "pct"),
                         npv=ctx.f(npv, "money"), cur=ctx.cur_word))
    for p, d in parties.items():
        if p in (owner, "lender") or d.get("npv") is None:
            continue
        share = ""
        if p == "host" and d.get("savings_share") is not None:
            share = ctx.t("v_share", share=ctx.f(d["savings_share"], "pct"))
        key = "v_party_npv_pos" if d["npv"] >= 0 else "v_party_npv_neg"
        out.append(ctx.t(key, party=ctx.party(p, short=True), npv=ctx.f(d["npv"], "money"), cur=ctx.cur_word,
                         rate=ctx.f(ctx.party_rate(p), "pct"), share=share))
    fin = doc.get("financing") or {}
    cov = fin.get("covenants") or {}
    dyear = _min_dscr_year(ctx)
    if proj.get("min_dscr") is not None:
        lock, default = cov.get("lockup_dscr"), cov.get("default_dscr")
        dm = proj["min_dscr"]
        yr = ctx.f(dyear, "year")
        if default is not None and dm < default:
            out.append(ctx.t("v_dscr_default", dscr=ctx.f(dm, "ratio"), year=yr, default=ctx.f(default, "ratio")))
        elif lock is not None and dm < lock:
            nlock = sum(1 for v in doc["yearly"]["dscr"] if v is not None and v < lock)
            out.append(ctx.t("v_dscr_lock", dscr=ctx.f(dm, "ratio"), year=yr, lockup=ctx.f(lock, "ratio"), n=nlock))
        elif lock is not None:
            out.append(ctx.t("v_dscr_ok", dscr=ctx.f(dm, "ratio"), year=yr, lockup=ctx.f(lock, "ratio"),
                             headroom=ctx.f(dm - lock, "ratio")))
    elif not fin.get("tranches"):
        out.append(ctx.t("v_no_debt"))
    nat = det.get("national")
    if nat and nat.get("dscr_min") is not None:
        dscr, year = _national_dscr(ctx)
        bench = nat["benchmarks"]
        surplus = ((doc.get("statements") or {}).get("cash_plan") or {}).get("cumulative_surplus") or []
        short = next((y for v, y in zip(surplus, ctx.years) if v is not None and v < -0.5), None)
        survival = ctx.t("v_viable") if nat.get("financially_viable") else \
            ctx.t("v_not_viable", year=ctx.f(short, "year"))
        out.append(ctx.t("v_national", dscr=ctx.f(dscr, "ratio"), year=ctx.f(year, "year"),
                         cmp=ctx.t("v_meets" if nat["dscr_meets_benchmark"] else "v_below"),
                         bench=ctx.f(bench["dscr"], "ratio"), icr=ctx.f(nat.get("icr_min"), "ratio"),
                         ibench=ctx.f(bench["icr"], "ratio"), firr=ctx.f(nat.get("firr_pre_tax"), "pct"),
                         ic=ctx.f(bench["irr"], "pct"), survival=survival))
    mc = ctx.mc
    if mc:
        mname, m = ctx.mc_metric("project.equity_irr", f"{owner}.irr")
        if m:
            out.append(ctx.t("v_mc", paths=ctx.f(mc.get("paths"), "qty"), metric=metric_label(ctx, mname),
                             p50=ctx.f(m.get("p50"), "pct"), p90=ctx.f(m.get("p10"), "pct")))
        br = _breach_probability(ctx)
        if br is not None:
            out.append(ctx.t("v_breach", p=ctx.f(br[1], "pct")))
    carbon = doc.get("carbon") or {}
    if carbon.get("year"):
        fy = carbon.get("first_year_met")
        if fy is not None:
            out.append(ctx.t("v_zcp_met", year=ctx.f(fy, "year")))
        else:
            th = carbon.get("thresholds") or {}
            out.append(ctx.t("v_zcp_not", year=ctx.f(carbon["year"][-1], "year"),
                             int=ctx.f(carbon["intensity_tco2_per_tce"][-1], "intensity"),
                             thr=ctx.f(carbon["threshold_tco2_per_tce"][-1], "intensity"),
                             clean=ctx.f(carbon["clean_energy_share"][-1], "pct"),
                             tclean=ctx.f(th.get("clean_energy_share"), "pct"),
                             direct=ctx.f(carbon["green_direct_share"][-1], "pct"),
                             tdirect=ctx.f(th.get("green_direct_share"), "pct")))
    price = recommended_price(ctx)
    if price:
        out.append(ctx.t("v_price", price=price))
    if doc.get("flags"):
        out.append(ctx.t("v_flags", n=len(doc["flags"])))
    return out
