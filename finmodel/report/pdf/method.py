"""10 Method, conventions and audit trail: conventions, the audit block, model checks, undefined values."""
from __future__ import annotations

from .. import format as F
from ..words import CARBON_RULES, COAL_EQ, CONVENTION_KEYS, CONVENTION_TEXT_ZH, CONVENTION_VALUES, pick, reason
from .context import Ctx
from .tables import c, col, table


def build(ctx: Ctx) -> dict:
    doc, lang = ctx.doc, ctx.lang
    audit = doc.get("audit") or {}
    conv = audit.get("conventions") or {}
    rows = []
    for k, v in conv.items():
        label = pick(CONVENTION_KEYS, k, lang)
        if k == "carbon_rule":
            val = pick(CARBON_RULES, v, lang)
        elif k == "coal_equivalent":
            val = pick(COAL_EQ, v, lang)
        elif isinstance(v, str) and v in CONVENTION_VALUES:
            val = pick(CONVENTION_VALUES, v, lang)
        elif lang == "zh" and isinstance(v, str) and v in CONVENTION_TEXT_ZH:
            val = CONVENTION_TEXT_ZH[v]
        else:
            val = str(v)
        rows.append([c(label), c(val)])
    conv_t = table([col(ctx.t("conventions")), col(ctx.t("value"))], rows, widths=["30%", "70%"])
    kv = [(ctx.t("version"), str(audit.get("finmodel_version", ""))),
          (ctx.t("input_hash"), str(audit.get("input_hash", ""))),
          (ctx.t("seed"), str(audit.get("seed", ""))),
          (ctx.t("paths"), F.qty(audit.get("paths")))]
    if audit.get("timestamp"):
        kv.append((ctx.t("timestamp"), str(audit["timestamp"])))
    checks = doc.get("checks") or {}
    crow = []
    for name, ok in checks.items():
        label = name
        if ctx.a is not None:
            chk = next((ch for ch in ctx.a.model.checks if ch.name == name), None)
            if chk is not None:
                label = getattr(chk, "zh" if lang == "zh" else "en", name) or name
        crow.append({"cells": [c(label), c(ctx.t("ok") if ok else ctx.t("failed"))], "cls": "" if ok else "bad"})
    checks_t = table([col(ctx.t("check")), col(ctx.t("status"))], crow, widths=["75%", "25%"]) if crow else None
    nrows = [[c(ctx.names.metric(_metric_of(k))), c(reason(lang, v))] for k, v in ctx.notes.items()]
    notes_t = table([col(ctx.t("metric")), col(ctx.t("undefined_reason"))], nrows,
                    widths=["40%", "60%"]) if nrows else None
    return {"conventions": conv_t, "kv": [{"k": k, "v": v} for k, v in kv], "checks": checks_t, "notes": notes_t,
            "disclaimer": ctx.t("disclaimer")}


def _metric_of(note_key: str) -> str:
    """The metric a note of the document is about: ``deterministic.parties.host.irr`` → ``host.irr``."""
    return note_key.removeprefix("deterministic.").removeprefix("parties.")
