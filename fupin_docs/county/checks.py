"""Checks across schools, and the county's stated figures against what its schools add up to.

Each warning names both places: the two schools' lines for a child or a household, or the
line of county.yaml and the schools whose sum differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from fupin_docs.cnformat import mask_id, wan, yuan
from fupin_docs.county.facts import Category, CountyFacts
from fupin_docs.county.model import WrittenMoney
from fupin_docs.county.summary import Item, Person, SchoolSummary
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

#: schools named in a message before "等 N 所学校"
NAMED = 6


def check_county(cf: CountyFacts) -> list[Problem]:
    """Return every cross-school finding and every stated figure that does not add up."""
    return [*_on_two_rolls(cf), *_paired_twice(cf), *_elsewhere(cf), *_missing_but_enrolled(cf),
            *_school_years(cf), *_stated(cf), *_stated_parts(cf)]


def _warn(message: str, where: Location | None, hint: str | None = None,
          also: Location | None = None) -> Problem:
    return Problem(message, where, hint, "warning", also)


def _who(person: Person) -> str:
    """Return how a message tells a child: its masked ID number, or its birth date."""
    if person[0] == "id":
        return tr(f"身份证号 {mask_id(person[1])}", f"ID {mask_id(person[1])}")
    return tr(f"出生日期 {person[2]}", f"born {person[2]}")


def _on_two_rolls(cf: CountyFacts) -> Iterator[Problem]:
    """Yield each child on the rolls of two schools or more."""
    for person, places in cf.roll_index.items():
        schools = sorted({si for si, _ in places})
        if len(schools) < 2:
            continue
        first = [next(p for p in places if p[0] == si) for si in schools]
        pupil = cf.schools[first[0][0]].pupils[first[0][1]]
        names = "、".join(cf.schools[si].short_name for si in schools)
        yield _warn(
            tr(f"同一学生{pupil.name}（{_who(person)}）同时在{names}的建档立卡学生名单中："
               f"全县的人次和资助金额把该生计了{len(schools)}次",
               f"{pupil.name} ({_who(person)}) is on the rolls of {names}: the county's "
               f"figures count the pupil {len(schools)} times"),
            pupil.where, tr("核实该生在哪所学校就读，在另一所学校的资料中写明其就读学校"
                            "（school: …），或删去", "find where the pupil studies and set "
                                                    "school: in the other school's data"),
            cf.schools[first[1][0]].pupils[first[1][1]].where)


def _paired_twice(cf: CountyFacts) -> Iterator[Problem]:
    """Yield each household that teachers of two schools are paired with."""
    for group in cf.households:
        paired = [(si, hi) for si, hi in group if cf.schools[si].homes[hi].teachers]
        schools = sorted({si for si, _ in paired})
        if len(schools) < 2:
            continue
        places = [next(p for p in paired if p[0] == si) for si in schools]
        first = cf.schools[places[0][0]].homes[places[0][1]]
        who = "；".join(f"{cf.schools[si].short_name}的"
                       f"{'、'.join(cf.schools[si].homes[hi].teachers)}"
                       for si, hi in places)
        yield _warn(
            tr(f"{first.head}户（{first.unit}）由两所学校的教师结对帮扶：{who}",
               f"household {first.head} ({first.unit}) is paired by teachers of two schools: "
               f"{who}"),
            first.where, tr("一户由一名教师结对：与另一所学校商定由谁帮扶，删去另一处的结对",
                            "agree with the other school who is paired, and drop the other"),
            cf.schools[places[1][0]].homes[places[1][1]].where)


def _school_names(school: SchoolSummary) -> set[str]:
    """Return the ways a child's `school:` may name `school`."""
    return {school.name, school.short_name, school.key, school.key.rsplit("/", 1)[-1]}


def _elsewhere(cf: CountyFacts) -> Iterator[Problem]:
    """Yield each child a school says studies elsewhere in the county that no roll has."""
    by_name = {name: s for s in cf.schools for name in _school_names(s)}
    for school in cf.schools:
        for child in school.elsewhere:
            if child.out_of_county or child.person is None or child.person in cf.roll_index:
                continue
            named = by_name.get(child.school)
            if named is not None:
                hint = tr(f"核对{named.short_name}的名单：该生若在那里就读，请在{named.short_name}"
                          "的资料中补上；若已转走，改写其就读学校",
                          f"check {named.short_name}'s roll, or correct the school")
            else:
                hint = tr(f"“{child.school}”不在本县汇总的学校中：在县外就读的写 "
                          "out_of_county: 是；在本县其他学校就读的，请把那所学校加入 "
                          "county.yaml", f"'{child.school}' is not among the county's schools: "
                          "set out_of_county: 是, or add the school to county.yaml")
            yield _warn(
                tr(f"{child.name}（{child.head}户，{_who(child.person)}）写明在“{child.school}”"
                   "就读，但全县各校的建档立卡学生名单中都没有这个孩子",
                   f"{child.name} ({child.head}) studies at '{child.school}', says "
                   f"{school.short_name}, but no school of the county has the child on its "
                   "roll"), child.where, hint)


def _missing_but_enrolled(cf: CountyFacts) -> Iterator[Problem]:
    """Yield each child a school says is enrolled nowhere that another school has on its
    roll."""
    for school in cf.schools:
        for child in school.missing:
            places = cf.roll_index.get(child.person) if child.person else None
            if not places:
                continue
            other = cf.schools[places[0][0]]
            yield _warn(
                tr(f"{school.short_name}写明{child.name}（{child.head}户）未入学，但"
                   f"{other.short_name}的建档立卡学生名单中有这个孩子",
                   f"{school.short_name} says {child.name} is enrolled nowhere, but "
                   f"{other.short_name} has the child on its roll"),
                child.where, tr("核实后把学段改为实际就读的学段，并写明就读学校（school: …）",
                                "set the stage and school: once checked"),
                other.pupils[places[0][1]].where)


def _school_years(cf: CountyFacts) -> Iterator[Problem]:
    """Yield each school whose report date falls in another school year than the county's."""
    start, text = cf.school_year
    stated = re.search(r"\d{4}", cf.county.config.county.school_year or "")
    year = int(stated.group()) if stated else start
    for school in cf.schools:
        if school.school_year_start != year:
            yield _warn(
                tr(f"{school.short_name}的成文日期属于{school.school_year}，县里汇总的是{text}："
                   "两处的年龄、资助按不同学年计算",
                   f"{school.short_name}'s report date is in {school.school_year}, the "
                   f"county's school year is {text}"),
                school.school_year_where, tr("把学校的成文日期改在县里汇总的学年内",
                                             "move the school's report date into the county's "
                                             "school year"),
                cf.county.where("county", "school_year") or cf.county.where(
                    "county", "report_date"))


def _schools_text(parts: list[tuple[str, str]]) -> str:
    """Return 城关小学 12人、石桥中学 8人 … for a message, the first NAMED of them."""
    shown = "、".join(f"{name} {value}" for name, value in parts[:NAMED])
    more = len(parts) - NAMED
    return shown + (tr(f" 等{len(parts)}所学校", f" and {more} more") if more > 0 else "")


def _money_text(amount: Decimal, written: WrittenMoney) -> str:
    """Return `amount` at the precision `written` was given in: 665.86万元, or 1750元."""
    if written.step >= 100:
        exponent = (written.step / 10000).normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        return wan(amount, places) + "万元"
    return yuan(amount)


def _close(stated: WrittenMoney, amount: Decimal) -> bool:
    """Return True when `amount` rounds to `stated` at the precision it was written in."""
    return abs(stated.yuan - amount) * 2 <= stated.step


def _stated(cf: CountyFacts) -> Iterator[Problem]:
    """Yield each figure county.yaml states that differs from what the schools add up to."""
    f = cf.county.config.figures
    schools = cf.schools

    def each(value: object) -> list[tuple[str, str]]:
        return [(s.short_name, str(value(s))) for s in schools]  # type: ignore[operator]

    counts: list[tuple[str, int | None, int, str, str, list[tuple[str, str]]]] = [
        ("schools", f.schools, len(schools), "学校", "所", [(s.short_name, "") for s in schools]),
        ("pupils", f.pupils, cf.pupils, "建档立卡学生", "人",
         each(lambda s: f"{len(s.pupils)}人")),
        ("households", f.households, cf.registered_households, "建档立卡家庭", "户",
         each(lambda s: f"{s.registered_households}户")),
        ("teachers", f.teachers, cf.teachers, "教师", "人", each(lambda s: f"{len(s.teachers)}人")),
        ("paired_teachers", f.paired_teachers, cf.paired_teachers, "结对帮扶教师", "人",
         each(lambda s: f"{s.paired_teachers}人")),
        ("out_of_county", f.out_of_county, cf.outside["pupils"], "县外就读学生", "人",
         each(lambda s: f"{sum(1 for c in s.elsewhere if c.out_of_county)}人")),
    ]
    for key, stated, counted, noun, unit, parts in counts:
        if stated is not None and stated != counted:
            yield _mismatch(cf, ("figures", key), f"{noun} {stated}{unit}",
                            f"{counted}{unit}", _schools_text(parts) if key != "schools"
                            else "、".join(name for name, _ in parts), key == "households")
    aid = f.aid
    if aid is None:
        return
    cats = _matched(cf, aid.parts)
    total = cf.aid
    if aid.total is not None and all(c is not None for c in cats):
        if not _close(aid.total, total["amount"]):
            yield _mismatch(cf, ("figures", "aid", "total"),
                            f"资助金额合计 {_money_text(aid.total.yuan, aid.total)}",
                            _money_text(total["amount"], aid.total), _schools_text(
                                [(s.short_name, _money_text(s.own_total, aid.total))
                                 for s in schools]))
    for key, stated, counted, noun, unit in (("pupils", aid.pupils, total["pupils"],
                                              "受助学生", "人"),
                                             ("times", aid.times, total["times"], "受助", "人次")):
        if stated is not None and stated != counted:
            yield _mismatch(cf, ("figures", "aid", key), f"{noun} {stated}{unit}",
                            f"{counted}{unit}", "", key == "pupils")
    for i, (part, cat) in enumerate(zip(aid.parts, cats)):
        if cat is None:
            continue
        at = ("figures", "aid", "parts", i)
        if part.amount is not None and not _close(part.amount, cat.amount):
            yield _mismatch(cf, (*at, "amount"),
                            f"{cat.item.name} {_money_text(part.amount.yuan, part.amount)}",
                            _money_text(cat.amount, part.amount), _schools_text(
                                [(s.short_name, _money_text(cat.by_school[s.key][1],
                                                            part.amount))
                                 for s in schools if s.key in cat.by_school]))
        for key, stated, counted, unit in (("pupils", part.pupils, cat.pupils, "人"),
                                           ("times", part.times, cat.times, "人次")):
            if stated is not None and stated != counted:
                yield _mismatch(cf, (*at, key), f"{cat.item.name} {stated}{unit}",
                                f"{counted}{unit}", _schools_text(
                                    [(s.short_name, f"{cat.by_school[s.key][0]}人次")
                                     for s in schools if s.key in cat.by_school]),
                                key == "pupils")


def _matched(cf: CountyFacts, parts: list) -> list[Category | None]:
    """Return the category each stated part names (by item id or name), or None."""
    found = {c.item.id: c for c in cf.categories}
    found.update({c.item.name: c for c in cf.categories})
    names = {i.id for i in cf.policy.items} | {i.name for i in cf.policy.items}
    out: list[Category | None] = []
    for part in parts:
        cat = found.get(part.item)
        if cat is None and part.item in names:  # an item of the table no pupil receives
            item = next(i for i in cf.policy.items if part.item in (i.id, i.name))
            cat = Category(Item(item.id, item.name, item.kind, item.source or ""))
        out.append(cat)
    return out


def _mismatch(cf: CountyFacts, path: tuple, stated: str, counted: str, schools: str,
              once: bool = False) -> Problem:
    """Return a warning at `path` of county.yaml: stated there, counted from the schools."""
    detail = tr(f"（{schools}）", f" ({schools})") if schools else ""
    note = tr("，同一人（户）只计一次", ", each counted once") if once else ""
    return _warn(tr(f"县里写明{stated}，各校资料合计 {counted}{detail}{note}",
                    f"the county states {stated}; the schools add up to {counted}{detail}"),
                 cf.county.where(*path),
                 tr("核对这个数字和各校的资料；若各校资料不全，请补全后再汇总",
                    "check the figure and the schools' data"))


def _stated_parts(cf: CountyFacts) -> Iterator[Problem]:
    """Yield a stated aid total its stated parts do not add up to (amounts, and 人次)."""
    aid = cf.county.config.figures.aid
    if aid is None or not aid.parts:
        return
    where = cf.county.where("figures", "aid", "total")
    also = cf.county.where("figures", "aid", "parts")
    amounts = [p.amount for p in aid.parts]
    if aid.total is not None and all(a is not None for a in amounts):
        added = sum((a.yuan for a in amounts if a is not None), Decimal(0))
        if not _close(aid.total, added):
            terms = "+".join(_money_text(a.yuan, a).removesuffix("万元") if a.step >= 100
                             else str(a.yuan) for a in amounts if a is not None)
            yield _warn(
                tr(f"写明资助金额合计 {_money_text(aid.total.yuan, aid.total)}，"
                   f"其中各项相加为 {_money_text(added, aid.total)}（{terms}）",
                   f"the aid total is {_money_text(aid.total.yuan, aid.total)}, its parts add "
                   f"up to {_money_text(added, aid.total)}"),
                where, tr("核对合计和各项金额", "check the total and its parts"), also)
    times = [p.times for p in aid.parts]
    if aid.times is not None and all(t is not None for t in times):
        added_times = sum(t for t in times if t is not None)
        if added_times != aid.times:
            yield _warn(tr(f"写明受助 {aid.times}人次，其中各项相加为 {added_times}人次",
                           f"{aid.times} times stated, the parts add up to {added_times}"),
                        cf.county.where("figures", "aid", "times"),
                        tr("核对合计和各项人次", "check the total and its parts"), also)
