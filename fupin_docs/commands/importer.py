"""fupin-docs import: make a project folder from a 建档立卡 export and 学籍 exports."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

from fupin_docs.data.imports import enrolment, registry
from fupin_docs.data.imports.combine import Summary, combine
from fupin_docs.data.imports.headers import Layout, find_header, missing_columns
from fupin_docs.data.imports.tables import read_tables
from fupin_docs.errors import DataError, FupinError, Location, Problem
from fupin_docs.i18n import tr

REGISTRY, ENROLMENT, ROSTER = "registry", "enrolment", "roster"
KIND_NAMES = {REGISTRY: "建档立卡", ENROLMENT: "学籍", ROSTER: "花名册"}


@dataclass
class Imported:
    """What `fupin-docs import` made: the folder, its files, what it found, what to fill."""

    folder: Path
    files: list[Path]
    kinds: dict[str, str]  # file name -> registry, enrolment or roster
    summary: Summary
    school: str | None
    warnings: list[Problem] = field(default_factory=list)
    #: what `check` still says is missing (the county, say), once the folder is written
    to_fill: list[Problem] = field(default_factory=list)


def kind_of(path: Path, name: str) -> tuple[str | None, list[Problem]]:
    """Return which kind of file `path` is (by its header), or None and why it is none."""
    tables, problems = read_tables(path, name)
    if problems:
        return None, problems
    from fupin_docs.data.roster_columns import REQUIRED, map_headers
    from fupin_docs.data.roster_columns import find_header as roster_header

    partial: list[tuple[int, list[Problem]]] = []
    for table in tables:
        layout: Layout
        for kind, layout in ((REGISTRY, registry.LAYOUT), (ENROLMENT, enrolment.LAYOUT)):
            header = find_header(table.rows, layout)
            if header is None:
                continue
            missing = missing_columns(table, header, layout)
            if not missing:
                return kind, []
            partial.append((len(header.columns), missing))
        found = roster_header(table.rows)
        if found is not None and all(
                c in map_headers(found[1]).columns.values() for c in REQUIRED):
            return ROSTER, []
    if partial:
        return None, max(partial, key=lambda p: p[0])[1]
    from fupin_docs.data.roster_columns import REQUIRED as ROSTER_COLUMNS

    table = tables[0]
    first = next((i for i, row in enumerate(table.rows)
                  if any(v is not None and str(v).strip() for v in row)), 0)
    seen = "、".join(str(v).strip() for v in table.rows[first]
                     if v is not None and str(v).strip())[:80]
    return None, [Problem(
        tr(f"看不出这是什么表：既不是建档立卡导出表，也不是学籍导出表或花名册（第{first + 1}行是："
           f"{seen}）", "neither a 建档立卡 export, a 学籍 export nor a roster"),
        Location(table.file, first + 1),
        tr(f"建档立卡导出表的表头应包含 {registry.LAYOUT.expected()}；学籍导出表应包含 "
           f"{enrolment.LAYOUT.expected()}；花名册应包含 "
           + "、".join(c.label for c in ROSTER_COLUMNS),
           "a 建档立卡 export needs " + registry.LAYOUT.expected() + "; a 学籍 export "
           + enrolment.LAYOUT.expected()))]


def import_files(files: list[Path], folder: Path, school: str | None = None,
                 report_date: dt.date | None = None) -> Imported:
    """Make a project folder from exports: copy them in, write school.yaml naming them.

    Nothing is written when a file cannot be read or is none of the known kinds, or when the
    folder already holds files."""
    on = report_date or dt.date.today()
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise FupinError(tr(f"{folder} 已存在且不是空文件夹，为免覆盖未做任何改动；"
                            "请换一个文件夹名",
                            f"{folder} exists and is not empty; nothing was changed"))
    names = [f.name for f in files]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise FupinError(tr(f"有两个文件都叫 {'、'.join(twice)}，请改名后再导入",
                            f"two files are named {', '.join(twice)}"))
    problems: list[Problem] = []
    kinds: dict[str, str] = {}
    for f in files:
        if not f.is_file():
            problems.append(Problem(tr(f"找不到文件：{f}", f"file not found: {f}"),
                                    Location(f.name)))
            continue
        kind, why = kind_of(f, f.name)
        problems += why
        if kind is not None:
            kinds[f.name] = kind
    if not problems and REGISTRY not in kinds.values() and ROSTER not in kinds.values():
        problems.append(Problem(tr("没有建档立卡导出表（或花名册）：户和子女从它读出",
                                   "no 建档立卡 export or roster among the files"),
                                hint=tr("把建档立卡系统导出的文件一并写上",
                                        "add the 建档立卡 export")))
    if problems:
        raise DataError(problems)
    by_name = {f.name: f for f in files}
    regs = [registry.read_registry(by_name[n], n) for n, k in kinds.items() if k == REGISTRY]
    pupils = [enrolment.read_enrolment(by_name[n], n) for n, k in kinds.items()
              if k == ENROLMENT]
    if school is None:
        named = combine([], pupils, on, set()).summary.schools
        school = named.most_common(1)[0][0] if named else None
    from fupin_docs.data.model import Child

    found = combine(regs, pupils, on, {school} if school else set(), None,
                    set(Child.model_fields) | {"class"})
    from fupin_docs.data.roster import read_roster

    for n, k in kinds.items():
        if k != ROSTER:
            continue
        homes, _, roster_problems = read_roster(by_name[n], n)
        found.problems += roster_problems
        found.summary.households += len(homes)
        for home in homes:
            unit = home.get("unit")
            if isinstance(unit, str) and unit not in found.summary.units:
                found.summary.units.append(unit)
            for child in home.get("children", []):
                found.summary.children[str(child.get("stage", ""))] += 1
    if any(p.is_error for p in found.problems):
        raise DataError(found.problems)
    written = _write(folder, files, _school_yaml(kinds, found.summary, school, on))
    result = Imported(folder, written, kinds, found.summary, school,
                      [p for p in found.problems if not p.is_error])
    from fupin_docs.data.project import load_project

    try:
        load_project(folder)
    except DataError as exc:
        result.to_fill = [p for p in exc.problems if p.is_error]
    return result


def _write(folder: Path, files: list[Path], yaml_text: str) -> list[Path]:
    """Write the folder: the files copied in and school.yaml; all or nothing."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FupinError(tr(f"无法建立文件夹 {folder}：{exc.strerror}",
                            f"cannot create {folder}: {exc.strerror}")) from None
    contents = [(f.name, f.read_bytes()) for f in files]
    contents.append(("school.yaml", yaml_text.encode("utf-8")))
    written: list[Path] = []
    for name, data in contents:
        target = folder / name
        try:
            with open(target, "xb") as out:  # O_EXCL: never through a link, never over a file
                out.write(data)
        except OSError as exc:
            for done in written:
                done.unlink()
            raise FupinError(tr(f"无法写入 {target}：{exc.strerror}，未做任何改动",
                                f"cannot write {target}: {exc.strerror}")) from None
        written.append(target)
    return written


def _q(text: str) -> str:
    """Return `text` as a YAML scalar (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _school_yaml(kinds: dict[str, str], summary: Summary, school: str | None, on: dt.date
                 ) -> str:
    """Return the commented school.yaml of an imported project."""
    lines = ["# 由 fupin-docs import 生成。以 # 开头的是说明，不会被读取。",
             "# 导出表重新导出后，用同名文件替换本文件夹中的旧文件即可，不用改这里。",
             "# 填好后运行：fupin-docs check 本文件夹，再 fupin-docs build 本文件夹", "",
             "school:"]

    def item(key: str, value: str | None, note: str) -> None:
        if value:
            lines.append(f"  {key}: {_q(value)}".ljust(36) + f"  # {note}")
        else:
            lines.append(f"  {key}:".ljust(36) + f"  # ← 请填写：{note}")

    item("name", school, "学校全称（与学籍中“就读学校”的写法相同）")
    lines.append("  # short_name: 某某完小              # 简称，写进正文")
    item("county", summary.county, "所在县")
    item("town", summary.town, "所在镇")
    lines.append(f"  report_date: {on.isoformat()}".ljust(36)
                 + "  # 成文日期；孩子的年龄按这一天算")
    lines.append("  # phone: 0874-1234567              # 学校电话")
    exported = [(key, [n for n, k in kinds.items() if k == kind])
                for kind, key in ((REGISTRY, "建档立卡"), (ENROLMENT, "学籍"))]
    if any(names for _, names in exported):
        lines += ["", "imports:"]
        lines += [f"  {key}: [{', '.join(_q(n) for n in names)}]" for key, names in exported
                  if names]
        lines.append("  # 本校名称: [学籍中本校的其他写法]")
    rosters = [n for n, k in kinds.items() if k == ROSTER]
    if rosters:
        lines += ["", f"roster: [{', '.join(_q(n) for n in rosters)}]"]
    if summary.units:
        lines += ["", "# 导出表中的村（连队）。可补上全部农户的户数、人口（不只是建档立卡户）：",
                  "# - {id: 上村, name: 上村, households: 20, people: 80}", "units:"]
        lines += [f"  - {{id: {_q(u)}, name: {_q(u)}}}" for u in summary.units]
    lines += ["", "# 教师和结对帮扶（可在 teachers.yaml 中另写）：",
              "# teachers:", "#   - {id: T01, name: 张老师, role: 校长, phone: \"13800000001\"}",
              "# pairings:", "#   - {teacher: T01, unit: 上村}", ""]
    return "\n".join(lines)


def describe(result: Imported) -> str:
    """Return what an import found, as the command prints it."""
    s = result.summary
    stages = "、".join(f"{stage} {n}" for stage, n in s.children.items() if n)
    taken = sum(s.children.values())
    lines = [tr(f"已新建项目 {result.folder}：{'、'.join(p.name for p in result.files)}",
                f"created {result.folder}: {', '.join(p.name for p in result.files)}")]
    for name, kind in result.kinds.items():
        lines.append(tr(f"  {name}：{KIND_NAMES[kind]}", f"  {name}: {kind}"))
    lines.append(tr(f"建档立卡：{s.homes} 户，其中 {s.households} 户有在校或适龄子女；"
                    f"子女 {taken} 人" + (f"（{stages}）" if stages else ""),
                    f"建档立卡: {s.homes} households, {s.households} with children; "
                    f"{taken} children"))
    lines.append(tr(f"村（连队）{len(s.units)} 个：{'、'.join(s.units)}",
                    f"{len(s.units)} villages: {', '.join(s.units)}"))
    if s.schools or s.pupils_here:
        lines.append(tr(f"学籍：本校（{result.school or '未定'}）学生 {s.pupils_here} 人，"
                        f"其中建档立卡户子女 {s.matched_here} 人，"
                        f"其余 {s.pupils_here - s.matched_here} 人不是建档立卡户子女",
                        f"学籍: {s.pupils_here} pupils here, {s.matched_here} of registered "
                        "households"))
        if s.not_enrolled:
            lines.append(tr(f"学籍中没有找到的在校子女 {len(s.not_enrolled)} 人："
                            + "、".join(s.not_enrolled),
                            f"{len(s.not_enrolled)} children in school are in no 学籍 "
                            "export: " + ", ".join(s.not_enrolled)))
    return "\n".join(lines)
