"""Template data every county document shares: the county, its pack's wording, its figures.

The county's kinds are declared in the registry like a school's; their builders are given the
county's facts (CountyFacts) where a school's are given a school's, through `county_kind`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, cast

from fupin_docs.cnformat import keep, ym, ymd
from fupin_docs.county.facts import CountyFacts
from fupin_docs.documents.registry import ContextBuilder, RecordsBuilder, WorkbookBuilder

COUNTY_ORDER = 200  # county kinds come after every school kind in lists


def county_context(builder: Callable[[CountyFacts], Mapping[str, Any]]) -> ContextBuilder:
    """Return `builder` as the registry holds context builders: given the county's facts."""
    return cast(ContextBuilder, lambda facts, _household=None: builder(facts))


def county_records(builder: Callable[[CountyFacts], Iterable[tuple[tuple[str, ...],
                                                                    Mapping[str, Any]]]]
                   ) -> RecordsBuilder:
    """Return `builder` as the registry holds records builders."""
    return cast(RecordsBuilder, builder)


def county_workbook(builder: Callable[[CountyFacts, Mapping[str, Any] | None], bytes]
                    ) -> WorkbookBuilder:
    """Return `builder` as the registry holds workbook builders."""
    return cast(WorkbookBuilder, builder)


def base_context(cf: CountyFacts) -> dict[str, Any]:
    """Return a fresh copy of what every county document shares (made once per build)."""
    base = cf.shared.get("base")
    if base is None:
        base = cf.shared["base"] = _base(cf)
    return {"county": base["county"], "numbers": base["numbers"], "pack": base["pack"]}


def _base(cf: CountyFacts) -> dict[str, Any]:
    info = cf.county.config.county
    pack = dict(cf.boilerplate or {})
    bureau = info.bureau or pack.get("bureau") or f"{info.name}教育局"
    _, year = cf.school_year
    county = {
        "name": info.name, "bureau": bureau, "aid_centre": info.aid_centre or "",
        "signing_unit": info.signing_unit or bureau,
        "report_title": info.report_title or f"{info.name}教育扶贫工作汇报",
        "report_date": info.report_date, "school_year": year,
        "date_text": (ymd if getattr(info.report_date, "has_day", True) else ym)(
            info.report_date),
        "phone": keep(info.phone or ""),
    }
    pack.setdefault("documents", {})
    for key in ("bureau", "bureau_short", "letterhead", "town_word", "county_word", "seal",
                "name"):
        pack[key] = pack.get(key) or ""
    return {"county": county, "numbers": numbers(cf), "pack": pack}


def numbers(cf: CountyFacts) -> dict[str, Any]:
    """Return the county's figures, as its documents state them."""
    aid, outside, ages = cf.aid, cf.outside, cf.school_age
    return {
        "schools": len(cf.schools), "skipped": len(cf.skipped), "pupils": cf.pupils,
        "households": cf.registered_households, "teachers": cf.teachers,
        "paired_teachers": cf.paired_teachers, "paired_households": cf.paired_households,
        "aid_amount": aid["amount"], "aid_times": aid["times"], "aid_pupils": aid["pupils"],
        "outside_pupils": outside["pupils"], "outside_amount": outside["amount"],
        "compulsory": ages["total"], "compulsory_here": ages["here"],
        "compulsory_elsewhere": ages["elsewhere"], "compulsory_home_taught": ages["home_taught"],
        "out_of_school": ages["missing"],
        "investment_total": sum((i["amount"] for i in cf.investments), Decimal(0)),
    }


def dropout_text(school_age: Mapping[str, int]) -> str:
    """Return a school's 控辍保学 status in a few words: 全部在学, or 未入学2人."""
    if school_age.get("missing"):
        return f"未入学{school_age['missing']}人"
    return "全部在学" if school_age.get("total") else "无适龄儿童"
