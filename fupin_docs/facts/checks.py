"""Compare every stated figure with what the data lets us recompute, and flag risky records."""

from __future__ import annotations

from collections.abc import Iterator

from fupin_docs.data.policy_table import PolicyTable
from fupin_docs.data.project import LoadedProject
from fupin_docs.errors import Problem
from fupin_docs.facts import idcheck
from fupin_docs.facts.entitlements import unmatched
from fupin_docs.facts.facts import Facts
from fupin_docs.facts.schoolage import school_age_problems
from fupin_docs.facts.stats import Stats
from fupin_docs.i18n import tr


def warn(message: str, loaded: LoadedProject, path: tuple, also: tuple | None = None,
         hint: str | None = None) -> Problem:
    """Return a warning located at `path` (and `also`, the other figure's place)."""
    return Problem(message, loaded.where(*path), hint, "warning",
                   loaded.where(*also) if also else None)


def check_project(facts: Facts) -> list[Problem]:
    """Return every mismatch and risk found in a school's data, as warnings.

    When the data has errors, a check runs only if the sections it reads were read whole
    (LoadedProject.incomplete): a figure compared with a list that lost a household would be a
    false alarm, and is left until the errors are fixed.
    """
    loaded, stats, table = facts.loaded, facts.stats, facts.policy
    ready = loaded.complete
    return [*(_figures(loaded, stats) if ready("figures") else ()),
            *(_units(loaded, stats) if ready("school", "figures", "units") else ()),
            *(_pairings(loaded, stats) if ready(*_PAIRED) else ()),
            *_people(loaded, stats),
            *(school_age_problems(loaded, facts.school_age) if ready(*_PAIRED, "school")
              else ()),
            *_policies(loaded, table)]


#: what resolving the pairings reads: with an error in any, a pairing may point nowhere
_PAIRED = ("households", "pairings", "teachers", "units", "references")


def _policies(loaded: LoadedProject, table: PolicyTable) -> Iterator[Problem]:
    """Yield children at school whose stage or grade no item of the policy table covers."""
    for hi, ci in unmatched(table, loaded.project):
        h = loaded.project.households[hi]
        c = h.children[ci]
        grade = f"{c.grade}年级" if c.grade else ""
        yield warn(tr(f"{c.name}（{h.head}户，{c.stage.value}{grade}）在资助政策表“{table.name}”中"
                      f"没有对应的项目", f"{c.name} ({c.stage.value} {grade}) matches no item "
                      f"of the policy table"), loaded, ("households", hi, "children", ci, "stage"),
                   hint=tr("核对学段、年级，或在 policies.yaml 中补充该学段的资助项目",
                           "check stage and grade, or add items to policies.yaml"))


def _figures(loaded: LoadedProject, stats: Stats) -> Iterator[Problem]:
    """Yield mismatches between stated student figures and the household data."""
    f = loaded.project.figures
    if f.registered_by_grade and f.registered_students is not None:
        total = sum(f.registered_by_grade.values())
        if total != f.registered_students:
            yield warn(tr(f"各年级建档立卡学生人数合计 {total} 人，与写明的建档立卡学生 "
                          f"{f.registered_students} 人不符",
                          f"per-grade counts add up to {total}, but registered_students says "
                          f"{f.registered_students}"),
                       loaded, ("figures", "registered_by_grade"),
                       ("figures", "registered_students"),
                       tr("核对各年级人数或总人数", "check the per-grade counts or the total"))
    listed = loaded.complete("households")  # the counts are of a whole list
    for grade, stated in sorted(f.registered_by_grade.items() if listed else ()):
        counted = stats.by_grade.get(grade, 0)
        if stated != counted:
            yield warn(tr(f"{grade}年级写明建档立卡学生 {stated} 人，名单中有 {counted} 人",
                          f"grade {grade}: stated {stated}, the household list has {counted}"),
                       loaded, ("figures", "registered_by_grade", grade))
    pairs = [("registered_students", len(stats.registered_students), "建档立卡学生", "人"),
             ("registered_households", len(stats.registered_households), "建档立卡学生涉及家庭",
              "户"),
             ("teachers", len(loaded.project.teachers), "教师", "人")]
    for key, counted, label, measure in pairs:
        stated = getattr(f, key)
        whole = loaded.complete("teachers" if key == "teachers" else "households")
        if stated is not None and stated != counted and whole:
            yield warn(tr(f"写明{label} {stated} {measure}，名单中有 {counted} {measure}",
                          f"{key}: stated {stated}, the data has {counted}"),
                       loaded, ("figures", key))
    if f.enrolment is not None:
        if f.boarders is not None and f.boarders > f.enrolment:
            yield warn(tr(f"寄宿生 {f.boarders} 人多于在校生 {f.enrolment} 人",
                          f"boarders {f.boarders} exceed enrolment {f.enrolment}"),
                       loaded, ("figures", "boarders"), ("figures", "enrolment"))
        boarding = stats.boarders
        if f.boarders is not None and boarding > f.boarders and listed:
            yield warn(tr(f"名单中寄宿的建档立卡学生有 {boarding} 人，"
                          f"多于写明的寄宿生 {f.boarders} 人",
                          f"{boarding} registered students board, more than the {f.boarders} "
                          f"boarders stated"), loaded, ("figures", "boarders"))
        if f.boarders == f.enrolment and boarding < len(stats.registered_students) and listed:
            yield warn(tr(f"写明全部学生寄宿，但名单中有 "
                          f"{len(stats.registered_students) - boarding} 名建档立卡学生未标为寄宿",
                          "all students are stated to board, but some registered students "
                          "are not marked boarding"), loaded, ("figures", "boarders"))
        registered = f.registered_students if f.registered_students is not None else len(
            stats.registered_students)
        if registered > f.enrolment and (listed or f.registered_students is not None):
            yield warn(tr(f"建档立卡学生 {registered} 人多于在校生 {f.enrolment} 人",
                          f"registered students {registered} exceed enrolment {f.enrolment}"),
                       loaded, ("figures", "enrolment"))


def _units(loaded: LoadedProject, stats: Stats) -> Iterator[Problem]:
    """Yield mismatches between per-unit households/people and the stated totals."""
    f = loaded.project.figures
    for key, counted, label in (("unit_households", stats.unit_households, "户数"),
                                ("unit_people", stats.unit_people, "人口")):
        stated = getattr(f, key)
        if stated is not None and counted is not None and stated != counted:
            yield warn(tr(f"各{loaded.project.school.unit_word or '单位'}{label}合计 {counted}，"
                          f"与写明的总{label} {stated} 不符",
                          f"units add up to {counted}, but {key} says {stated}"),
                       loaded, ("figures", key), ("units",))
    registered: dict[str, int] = {}
    for h in loaded.project.households if loaded.complete("households") else ():
        registered[h.unit] = registered.get(h.unit, 0) + 1
    for i, unit in enumerate(loaded.project.units):
        if unit.households is not None and registered.get(unit.id, 0) > unit.households:
            yield warn(tr(f"{unit.name}：建档立卡户 {registered[unit.id]} 户，多于该"
                          f"{loaded.project.school.unit_word or ''}总户数 {unit.households} 户",
                          f"{unit.name}: {registered[unit.id]} registered households exceed "
                          f"its {unit.households} households"),
                       loaded, ("units", i, "households"))


def _pairings(loaded: LoadedProject, stats: Stats) -> Iterator[Problem]:
    """Yield students without a teacher, idle teachers and teachers paired beyond the limit."""
    positions = {h.child_id(ci): ("households", hi, "children", ci)
                 for hi, h in enumerate(loaded.project.households) for ci in range(len(h.children))}
    for s in stats.unpaired_students:
        yield warn(tr(f"学生 {s.child.name}（{s.household.head}户）没有结对教师",
                      f"student {s.child.name} ({s.household.head}) has no paired teacher"),
                   loaded, positions[s.id],
                   hint=tr("在 pairings 中为其所在的户、村或本人安排教师",
                           "add a pairing for the student, household or unit"))
    paired = {tp.teacher.id for tp in stats.pairings}
    if loaded.project.pairings:
        idle = [t for t in loaded.project.teachers if t.id not in paired]
        if idle:
            names = "、".join(t.name for t in idle)
            yield warn(tr(f"共 {len(loaded.project.teachers)} 名教师，结对了 {len(paired)} 名；"
                          f"未结对：{names}",
                          f"{len(paired)} of {len(loaded.project.teachers)} teachers are paired; "
                          f"not paired: {names}"), loaded, ("pairings",), ("teachers",))
    limit = loaded.project.pair_limit
    for tp in stats.pairings:
        if len(tp.households) > limit:
            index = next(i for i, p in enumerate(loaded.project.pairings)
                         if p.teacher == tp.teacher.id)
            yield warn(tr(f"教师 {tp.teacher.name} 结对 {len(tp.households)} 户，"
                          f"超过上限 {limit} 户",
                          f"teacher {tp.teacher.name} has {len(tp.households)} households, "
                          f"over the limit of {limit}"), loaded, ("pairings", index),
                       hint=tr("分给其他教师，或调整 pair_limit", "rebalance, or raise pair_limit"))


def _people(loaded: LoadedProject, stats: Stats) -> Iterator[Problem]:
    """Yield ID numbers, phones and ages that do not add up (控辍保学: facts.schoolage)."""
    for hi, h in enumerate(loaded.project.households):
        if h.id_number:
            for message in idcheck.id_problems(h.id_number):
                yield warn(message, loaded, ("households", hi, "id_number"))
        if h.phone and not idcheck.phone_ok(h.phone):
            yield warn(tr(f"电话号码 “{h.phone}” 格式不对", f"phone '{h.phone}' looks wrong"),
                       loaded, ("households", hi, "phone"),
                       hint=tr("手机 11 位，固话写成 0874-1234567",
                               "11-digit mobile or 0874-1234567"))
        for ci, c in enumerate(h.children):
            path = ("households", hi, "children", ci)
            if c.id_number:
                for message in idcheck.id_problems(c.id_number, c.birth_date):
                    yield warn(message, loaded, path + ("id_number",))
            age = stats.age(c) if loaded.complete("school") else None
            if age is not None and c.grade and c.stage.value in ("小学", "初中"):
                expected = c.grade + 5  # 一年级 at 6
                if abs(age - expected) > 3:
                    yield warn(tr(f"{c.name} {age} 岁读{c.grade}年级，年龄与年级相差较大，请核对",
                                  f"{c.name} is {age} and in grade {c.grade}; please check"),
                               loaded, path + ("grade",))
