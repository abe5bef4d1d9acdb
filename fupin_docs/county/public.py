"""县公示名单: the county's public list of aided pupils, one per school (posted at the school).

Each lists the school's own pupils (its 公示名单's rows: the same pupils, items and amounts),
IDs masked, issued by the county's 学生资助中心 (or bureau) with the county's 公示期 and
监督电话. Word (landscape, header repeated, 第X页 共Y页) and text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from fupin_docs.cnformat import keep, ymd
from fupin_docs.county.common import COUNTY_ORDER, base_context, county_context, county_records
from fupin_docs.county.facts import CountyFacts
from fupin_docs.county.summary import SchoolSummary
from fupin_docs.documents.privacy import privacy_for
from fupin_docs.documents.public import list_form, list_widths
from fupin_docs.documents.registry import Audience, Document, Orientation, Paper, Scope, register

PRIVACY = privacy_for(Audience.public)


def publicity(cf: CountyFacts) -> dict[str, Any]:
    """Return the county's 公示期 (from, to, days) and 监督电话."""
    notice = cf.county.config.public_notice
    info = cf.county.config.county
    start = notice.start or info.report_date
    end = start + dt.timedelta(days=notice.days - 1)
    return {"start": ymd(start), "end": ymd(end), "days": notice.days,
            "phone": keep(notice.phone or info.phone or ""),
            "bureau_phone": keep(notice.bureau_phone or "")}


def school_list(cf: CountyFacts, school: SchoolSummary | None) -> dict[str, Any]:
    """Return one school's list: its pupils, each with the items it receives (loans left out)
    and the yearly amount; without a school, an empty list (`templates check`)."""
    ctx = base_context(cf)
    ctx["publicity"] = publicity(cf)
    ctx["school"] = {"name": school.name if school else "", "short_name": school.short_name
                     if school else ""}
    names = {c.item.id: c.item.name for c in cf.categories}
    loans = {c.item.id for c in cf.categories if c.is_loan}
    rows: list[dict[str, Any]] = []
    total = Decimal(0)
    for p in school.pupils if school else ():
        kind = school.aids[p.aid] if school else None
        assert kind is not None
        items = [keep(names[e.item]) for e in kind.entitled if e.item not in loans]
        rows.append({"number": len(rows) + 1, "unit": keep(PRIVACY.text(p.unit)),
                     "head": keep(PRIVACY.text(p.head)), "name": keep(PRIVACY.text(p.name)),
                     "stage_text": keep(kind.stage_text),
                     "id_masked": keep(PRIVACY.id_number(p.id_number)),
                     "items": "、".join(items), "amount": kind.total})
        total += kind.total
    ctx.update({"public_rows": rows, "public_total": total})
    ctx["widths"] = {"public": list_widths(rows)}
    return ctx


def records(cf: CountyFacts) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    """Yield one list per school, named after the school."""
    for school in cf.schools:
        yield (school.short_name,), school_list(cf, school)


def word_template() -> Any:
    """Return the Word template: the school's public list, posted by the county."""
    return list_form("根据资助政策公开、金额公开、资助对象公开的要求，现将{{ school.name }}"
                     "建档立卡贫困家庭学生{{ county.school_year }}享受资助情况公示如下。"
                     "公示期：{{ publicity.start }}至{{ publicity.end }}"
                     "（{{ publicity.days }}天）。如有异议，请在公示期内向"
                     "{{ county.aid_centre or county.bureau }}反映，监督电话："
                     "{{ publicity.phone or \"（未填写）\" }}"
                     "{% if publicity.bureau_phone %}；{{ county.bureau }}监督电话："
                     "{{ publicity.bureau_phone }}{% endif %}。",
                     "{{ county.aid_centre or county.signing_unit }}　{{ county.date_text }}")


COUNTY_PUBLIC = register(Document(
    key="county_public", label="县公示名单", template="county_public", scope=Scope.county,
    audience=Audience.public, context=county_context(lambda cf: school_list(cf, None)),
    records=county_records(records), word_template=word_template,
    paper=Paper(orientation=Orientation.landscape, unbreakable=("name", "id", "amount"),
                page_numbers=True),
    summary="县公示名单：每校一份，列本校就读的受助学生（三公开），身份证号打码，县学生资助中心公示",
    order=COUNTY_ORDER + 20))
