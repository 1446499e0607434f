"""Technology and market libraries: sourced assumptions, validated.

The files are ``assumptions/technologies.yaml`` and ``assumptions/markets/*.yaml`` (or a user's
own copy of that folder, ``--library DIR``).  One module per concept:

* :mod:`~finmodel.library.sourced`: a number with its unit and source; ranges; rate checks.
* :mod:`~finmodel.library.maturity`: maturity classes from the TRL and their risk rules.
* :mod:`~finmodel.library.technology`: the technology entries.
* :mod:`~finmodel.library.market`: market files, and one region of one as a case uses it.
* :mod:`~finmodel.library.load`: finding, validating and caching the files; lookups by id.
* :mod:`~finmodel.library.records`: the source trail (assumption records, unsourced numbers).

The names below are the package's public interface (``from finmodel import library`` then
``library.load_market(...)``).
"""
from .load import (
    get_technology,
    library_root,
    list_markets,
    load_market,
    load_market_file,
    load_technologies,
)
from .market import CeaPath, CeaPricePoint, GridServiceMarket, Market, NationalMarket, RegionMarket, ResolvedMarket
from .maturity import MATURITY_CLASSES, MATURITY_RULES, MaturityRule, maturity_class_for_trl, maturity_rule
from .records import assumption_records, unsourced_numbers
from .sourced import (
    Sourced,
    SourcedRange,
    SourcedRate,
    SourcedRateRange,
    SourcedSignedRate,
    is_rate_unit,
)
from .technology import (
    KIND_CAPACITY_UNIT,
    MIN_TAX_LIFE_YEARS,
    PERFORMANCE_KEYS,
    CarbonCredit,
    Degradation,
    Depreciation,
    Replacement,
    Technology,
    TechnologyLibrary,
    component_key,
)

__all__ = [
    "CarbonCredit",
    "CeaPath",
    "CeaPricePoint",
    "Degradation",
    "Depreciation",
    "KIND_CAPACITY_UNIT",
    "MATURITY_CLASSES",
    "MATURITY_RULES",
    "MIN_TAX_LIFE_YEARS",
    "Market",
    "MaturityRule",
    "NationalMarket",
    "PERFORMANCE_KEYS",
    "GridServiceMarket",
    "RegionMarket",
    "Replacement",
    "ResolvedMarket",
    "Sourced",
    "SourcedRange",
    "SourcedRate",
    "SourcedRateRange",
    "SourcedSignedRate",
    "Technology",
    "TechnologyLibrary",
    "assumption_records",
    "component_key",
    "get_technology",
    "is_rate_unit",
    "library_root",
    "list_markets",
    "load_market",
    "load_market_file",
    "load_technologies",
    "maturity_class_for_trl",
    "maturity_rule",
    "unsourced_numbers",
]
