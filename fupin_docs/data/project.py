"""Load a project folder: merge its YAML files and rosters, validate, resolve references."""

from __future__ import annotations

import difflib
import gc
import unicodedata
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fupin_docs.data.imports.merge import WORKBOOK, merge_sources
from fupin_docs.data.inherit import load_with_inherit
from fupin_docs.data.labels import dig, label
from fupin_docs.data.model import Household, Project
from fupin_docs.data.photos import check_photos
from fupin_docs.data.placeholders import placeholder_problems
from fupin_docs.data.roots import Roots, outside_message
from fupin_docs.data.validate import RECORDS, validate_project
from fupin_docs.data.values import file_name_key, file_name_part, invisible_character
from fupin_docs.data.yamlfile import KeyPath, Positions
from fupin_docs.errors import DataError, FupinError, Location, Problem, has_errors, sort_problems
from fupin_docs.i18n import tr

YAML_SUFFIXES = (".yaml", ".yml")
#: YAML files in a project folder that are not school data (read by their own loaders)
NOT_PROJECT_DATA = ("policies.yaml", "policies.yml", "pack.yaml")


@dataclass
class LoadedProject:
    """A validated project with the positions of everything written in it."""

    project: Project
    root: Path
    positions: Positions
    inputs: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    #: the folders it may read from (its own, and those named with --root)
    roots: Roots | None = None
    #: every error found (from read_project): then `project` holds only what could be read
    errors: list[Problem] = field(default_factory=list)
    #: the sections not wholly read (school, households …; "references" when one fails): the
    #: checks that need them wait until they are fixed
    incomplete: frozenset[str] = frozenset()

    def complete(self, *sections: str) -> bool:
        """Return True when every one of `sections` was read whole and without a problem."""
        return self.incomplete.isdisjoint(sections)

    def where(self, *path: Any) -> Location | None:
        """Return where the value at `path` was written."""
        return self.positions.of_value(tuple(path))

    def forget_positions(self) -> None:
        """Drop the positions once every check that cites a line has run (they are large)."""
        self.positions = Positions()


def project_files(path: Path) -> list[Path]:
    """Return the YAML files of a project: the file itself, or every YAML file in the folder."""
    if path.is_file():  # a workbook is a project of its own (fupin-docs init --excel)
        return [] if path.suffix.lower() in (".xlsx", ".xlsm") else [path]
    if not path.is_dir():
        raise FupinError(tr(f"找不到项目：{path}（应是一个文件夹或 YAML 文件）",
                            f"project not found: {path} (a folder or YAML file)"))
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in YAML_SUFFIXES and p.is_file()
                   and p.name.lower() not in NOT_PROJECT_DATA)
    if not files and (path / WORKBOOK).is_file():
        return []  # the folder's 资料.xlsx holds the project
    if not files:
        raise FupinError(tr(f"文件夹 {path} 里没有 .yaml 文件。"
                            f"可以用 “fupin-docs init {path}” 新建项目",
                            f"no .yaml files in {path}; try 'fupin-docs init {path}'"))
    return files


def load_project(path: Path, roots: Iterable[Path] = ()) -> LoadedProject:
    """Return the validated project at `path`; raise DataError listing every problem.

    It reads only inside its folder and the `roots` named besides (and $FUPIN_ROOTS).
    """
    loaded = read_project(path, roots)
    if loaded.errors:
        raise DataError(sort_problems(loaded.errors + loaded.warnings))
    return loaded


def read_project(path: Path, roots: Iterable[Path] = ()) -> LoadedProject:
    """Return what can be read of the project at `path` (see _read_project), read with the
    cyclic garbage collector paused: loading makes about 40 objects per household and frees
    none, and the collector, run every 700 new objects, would walk them all again and again
    (a quarter of the time at 10,000 households)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _read_project(path, roots)
    finally:
        if collecting:
            gc.enable()


def _read_project(path: Path, roots: Iterable[Path] = ()) -> LoadedProject:
    """Return what can be read of the project at `path`, with every problem found in one pass.

    Syntax, values, rosters and references are all checked in one run: a file that cannot be
    read is left out (and says so) while the others are read; each record is validated on its
    own and the valid ones kept; references are checked against every id that could be read.
    `errors` lists what is wrong and `incomplete` the sections the later checks cannot trust.
    """
    path = Path(path)
    root = path if path.is_dir() else path.parent
    allowed = Roots.of_project(root, roots)
    files = project_files(path)
    data: dict[str, Any] = {}
    positions = Positions()
    problems: list[Problem] = []
    inherited: list[Path] = []
    unread = False  # a file could not be read: what it holds is unknown
    for file in files:
        if not allowed.allows(file):
            message, hint = outside_message("资料文件", file.name, allowed)
            problems.append(Problem(message, Location(file.name), hint))
            unread = True
            continue
        loaded = load_with_inherit(file, file.name, inherited, allowed)
        problems += loaded.problems
        unread = unread or not loaded.complete
        if loaded.data is None:
            continue
        if not isinstance(loaded.data, dict):
            problems.append(Problem(tr("文件顶层应是“字段: 值”的形式，如 school: …",
                                       "the top level should be 'key: value' pairs"),
                                    loaded.positions.of_value(())))
            unread = True
            continue
        for key, value in loaded.data.items():
            if key in data:
                problems.append(Problem(
                    tr(f"“{key}” 在两个文件中都写了", f"'{key}' is written in two files"),
                    loaded.positions.of_key((key,)), tr("只保留一处", "keep only one"),
                    also=positions.of_key((key,))))
                continue
            data[key] = value
        positions.update(loaded.positions)
    inputs = list(files) + inherited
    merged = merge_sources(data, positions, path, inputs, allowed, alone=not files)
    merged += _merge_rosters(data, positions, root, inputs, allowed)
    problems += merged
    problems += list(placeholder_problems(data, positions))
    # a section under a misspelt key (techers:) is not missing: do not report it as if it were
    unread = unread or any(key not in _SECTIONS for key in data)
    known = _known_ids(data, unread, merged)
    read = validate_project(data, positions, unread=unread)
    problems += read.problems
    incomplete = read.incomplete | {key for key, ids in known.items() if ids is None}
    if has_errors(merged):
        incomplete.add("households")
    if unread:
        incomplete |= {key for key in ("school", *RECORDS) if key not in data}
    project = read.project
    # an invisible character in an id is often why a reference is "missing": say both
    hidden = list(invisible_characters(project, positions)) + list(look_alike_ids(project,
                                                                                 positions))
    ref_problems = list(check_references(project, positions, known))
    if ref_problems:
        incomplete.add("references")
    problems += ref_problems
    problems += check_photos(project, positions, root, allowed, inputs)
    return LoadedProject(project, root, positions, inputs,
                         [p for p in problems if not p.is_error] + hidden, allowed,
                         errors=[p for p in problems if p.is_error],
                         incomplete=frozenset(incomplete))


#: the top-level keys of a project
_SECTIONS = {key for name, info in Project.model_fields.items() for key in (name, info.alias)
             if key}


def _known_ids(data: dict[str, Any], unread: bool, merged: list[Problem]
               ) -> dict[str, set[str] | None]:
    """Return every id written in the raw data, valid record or not, per kind: references
    are checked against these. None where some may be missing: in a file that could not be
    read, or in a roster or export whose table could not be read (its cells are all read
    when an error names a cell)."""
    known: dict[str, set[str] | None] = {}
    for section in ("teachers", "units", "households"):
        items = data.get(section)
        if unread and section not in data:
            known[section] = None
        else:
            known[section] = {str(item["id"]) for item in items or ()
                              if isinstance(item, dict) and _is_id(item.get("id"))} \
                if isinstance(items, list) else set()
    students: set[str] = set()
    for home in data.get("households") or ():
        if not isinstance(home, dict) or not isinstance(home.get("children"), list):
            continue
        for j, child in enumerate(home["children"]):
            if isinstance(child, dict) and _is_id(child.get("id")):
                students.add(str(child["id"]))
            elif _is_id(home.get("id")):
                students.add(f"{home['id']}-{j + 1}")
    known["students"] = None if known["households"] is None else students
    if any(p.is_error and (p.where is None or not isinstance(p.where.column, str))
           for p in merged):
        known["households"] = known["students"] = None
    return known


def _is_id(value: Any) -> bool:
    """Return True for what the model reads as an id: text, or a number."""
    return isinstance(value, (str, int)) and not isinstance(value, bool)


def _merge_rosters(data: dict[str, Any], positions: Positions, root: Path,
                   inputs: list[Path], roots: Roots) -> list[Problem]:
    """Append the households of each roster file named in `roster:` to `households`."""
    names = data.get("roster") or []
    names = [names] if isinstance(names, str) else names
    if not isinstance(names, list) or not names:
        return []  # the model reports a wrong type
    from fupin_docs.data.roster import read_roster

    households = data.setdefault("households", [])
    if not isinstance(households, list):
        return []
    problems: list[Problem] = []
    for i, name in enumerate(names):
        file = root / str(name)
        if not roots.allows(file):
            message, hint = outside_message("花名册", str(name), roots)
            problems.append(Problem(message, positions.of_value(("roster", i)), hint))
            continue
        if not file.is_file():
            problems.append(Problem(tr(f"花名册文件不存在：{name}", f"roster not found: {name}"),
                                    positions.of_value(("roster", i)),
                                    tr("文件应与 YAML 放在同一文件夹，检查文件名",
                                       "check the file name")))
            continue
        inputs.append(file)
        rows, roster_positions, roster_problems = read_roster(file, str(name))
        problems += roster_problems
        _unit_names_to_ids(rows, data.get("units"))
        offset = len(households)
        households.extend(rows)
        for key, loc in roster_positions.items():
            positions.set_value(("households", offset + key[0]) + tuple(key[1:]), loc)
    return problems


def _unit_names_to_ids(rows: list[dict], units: Any) -> None:
    """Let a roster name its village or 连队 by name where the YAML gives units other ids."""
    if not isinstance(units, list):
        return
    by_name = {u.get("name"): u.get("id") for u in units if isinstance(u, dict)}
    ids = set(by_name.values())
    for row in rows:
        if row.get("unit") not in ids and row.get("unit") in by_name:
            row["unit"] = by_name[row["unit"]]


def check_references(project: Project, positions: Positions,
                     known: dict[str, set[str] | None] | None = None) -> Iterable[Problem]:
    """Yield a problem for each duplicate id and each reference to something that does not exist.

    `known` adds the ids of records that are not in `project` (they had errors of their own);
    None for a kind means some of its ids could not be read: references to it are not judged.
    """
    teachers = yield from _unique_ids("teachers", [t.id for t in project.teachers], positions)
    units = yield from _unique_ids("units", [u.id for u in project.units], positions)
    households = yield from _unique_ids("households", [h.id for h in project.households], positions)
    yield from _file_names(project, positions)
    students = yield from _unique_children(project.households, positions)
    found: dict[str, set[str] | None] = {"teachers": teachers, "units": units,
                                         "households": households, "students": students}
    if known is not None:
        for kind, ids in known.items():
            found[kind] = None if ids is None else (found.get(kind) or set()) | ids

    def missing(ref: str, kind: str, path: KeyPath) -> Iterator[Problem]:
        return _missing(ref, found[kind], path, positions, lambda at: dig(project, at))

    lead = project.leadership
    if lead is not None:
        refs: list[tuple[KeyPath, str]] = [(("leadership", "leader"), lead.leader)]
        refs += [(("leadership", "deputies", i), t) for i, t in enumerate(lead.deputies)]
        refs += [(("leadership", "members", i), t) for i, t in enumerate(lead.members)]
        if lead.office_director:
            refs.append((("leadership", "office_director"), lead.office_director))
        for path, ref in refs:
            yield from missing(ref, "teachers", path)
    for i, h in enumerate(project.households):
        yield from missing(h.unit, "units", ("households", i, "unit"))
    for i, p in enumerate(project.pairings):
        yield from missing(p.teacher, "teachers", ("pairings", i, "teacher"))
        if p.unit:
            yield from missing(p.unit, "units", ("pairings", i, "unit"))
        for j, ref in enumerate(p.households):
            yield from missing(ref, "households", ("pairings", i, "households", j))
        for j, ref in enumerate(p.students):
            yield from missing(ref, "students", ("pairings", i, "students", j))


def _names_and_ids(project: Project) -> Iterator[tuple[KeyPath, str, str]]:
    """Yield (path, what, text) for every name and id, and every reference to an id."""
    teacher, unit = tr("教师编号", "teacher id"), tr("自然村/连队编号", "unit id")
    household, student = tr("户编号", "household id"), tr("学生编号", "student id")
    for i, t in enumerate(project.teachers):
        yield ("teachers", i, "id"), teacher, t.id
        yield ("teachers", i, "name"), tr("教师姓名", "teacher's name"), t.name
    for i, u in enumerate(project.units):
        yield ("units", i, "id"), unit, u.id
        yield ("units", i, "name"), tr("自然村/连队名称", "unit name"), u.name
    for i, h in enumerate(project.households):
        yield ("households", i, "id"), household, h.id
        yield ("households", i, "head"), tr("户主姓名", "head of household"), h.head
        yield ("households", i, "unit"), unit, h.unit
        for j, c in enumerate(h.children):
            if c.id is not None:
                yield ("households", i, "children", j, "id"), student, c.id
            yield ("households", i, "children", j, "name"), tr("子女姓名", "child's name"), c.name
    lead = project.leadership
    if lead is not None:
        yield ("leadership", "leader"), teacher, lead.leader
        if lead.office_director:
            yield ("leadership", "office_director"), teacher, lead.office_director
        for key, refs in (("deputies", lead.deputies), ("members", lead.members)):
            for j, ref in enumerate(refs):
                yield ("leadership", key, j), teacher, ref
    for i, p in enumerate(project.pairings):
        yield ("pairings", i, "teacher"), teacher, p.teacher
        if p.unit:
            yield ("pairings", i, "unit"), unit, p.unit
        for key, what, refs in (("households", household, p.households),
                                ("students", student, p.students)):
            for j, ref in enumerate(refs):
                yield ("pairings", i, key, j), what, ref


def invisible_characters(project: Project, positions: Positions) -> Iterator[Problem]:
    """Yield a warning for each name or id holding a zero-width or direction-changing
    character: it looks like another name, yet sorts, searches and matches differently."""
    for path, what, text in _names_and_ids(project):
        char = invisible_character(text)
        if char is None:
            continue
        code = ord(char)
        turns = unicodedata.bidirectional(char) in ("LRE", "RLE", "LRO", "RLO", "PDF", "LRI",
                                                    "RLI", "FSI", "PDI", "LRM", "RLM", "ALM")
        name = unicodedata.name(char, "")
        zh, en = (f"{name}，", f"{name}, ") if name else ("", "")
        noun = what[-2:]  # 姓名, 名称, 编号
        effect = (tr(f"（{zh}会改变其后文字的显示方向）：显示出来的不是写的样子",
                     f" ({en}it turns the text after it around)") if turns else
                  tr(f"（{zh}不占位置）：看着一样，排序、查找和引用时却是另一个{noun}",
                     f" ({en}it takes no room): it looks the same, yet sorts and matches "
                     "differently"))
        yield Problem(
            tr(f"{what}“{text}”中有看不见的字符 U+{code:04X}{effect}",
               f"{what} '{text}' holds the invisible character U+{code:04X}{effect}"),
            positions.of_value(path),
            tr(f"删除该字符（U+{code:04X}）；它看不见，可把这个{noun}整个删掉重新输入",
               f"delete the character U+{code:04X}: retype the {what}"),
            "warning")


def _unique_ids(section: str, ids: list[str], positions: Positions
                ) -> Generator[Problem, None, set[str]]:
    """Yield a problem per repeated id in `section`; return the set of ids."""
    seen: dict[str, int] = {}
    for i, ident in enumerate(ids):
        if ident in seen:
            yield Problem(tr(f"{label((section, i, 'id'), Project)}“{ident}”重复",
                             f"duplicate id '{ident}'"),
                          positions.of_value((section, i, "id")),
                          tr("每个编号只能用一次", "each id must be unique"),
                          also=positions.of_value((section, seen[ident], "id")))
        else:
            seen[ident] = i
    return set(seen)


def household_file_name(household: Household, unit_name: str) -> str:
    """Return the name of a household's own files (output.naming.file_stem): its unit, id and
    head, as a file name can hold them."""
    return "_".join(file_name_part(text) for text in (unit_name, household.id, household.head))


def _file_names(project: Project, positions: Positions) -> Iterator[Problem]:
    """Yield an error for each household whose files would overwrite an earlier one's: ids
    that differ only in case (H01 and h01) or in what a file name cannot hold (H/01 and H_01,
    H01. and H01), with one head in one unit, are one file on Windows and macOS."""
    units = {u.id: u.name for u in project.units}
    first_of: dict[str, int] = {}
    ids: set[str] = set()
    for i, h in enumerate(project.households):
        if h.id in ids:
            continue  # the same id twice: reported as such
        ids.add(h.id)
        name = household_file_name(h, units.get(h.unit, h.unit))
        key = file_name_key(name)
        if key not in first_of:
            first_of[key] = i
            continue
        first = project.households[first_of[key]]
        earlier = household_file_name(first, units.get(first.unit, first.unit))
        if h.id.casefold() == first.id.casefold():
            why = tr("只差大小写", "differ only in case")
        elif file_name_key(file_name_part(h.id)) == file_name_key(file_name_part(first.id)):
            why = tr("在文件名中是同一个编号（/ \\ : * ? \" < > | 换成 _，末尾的点和空格去掉）",
                     "are one id in a file name (/ \\ : * ? \" < > | become _, trailing dots "
                     "and spaces go)")
        else:
            why = tr("与所在村、户主连起来是同一个文件名", "make one file name with unit and head")
        files = (tr(f"都叫 “{name}”", f"are both named '{name}'") if name == earlier else
                 tr(f"“{earlier}” 和 “{name}” 在 Windows 和 macOS 上是同一个文件",
                    f"'{earlier}' and '{name}' are one file on Windows and macOS"))
        yield Problem(
            tr(f"户编号 “{h.id}” 与前面的 “{first.id}” {why}：两户（户主都是{h.head}）"
               f"生成的文件{files}，后一户会覆盖前一户",
               f"household id '{h.id}' and the earlier '{first.id}' {why}: the files of the "
               f"two households {files}"),
            positions.of_value(("households", i, "id")),
            tr(f"改用与 “{first.id}” 明显不同的户编号（引用它的结对也要改）",
               f"give it an id clearly different from '{first.id}' (and update its pairings)"),
            also=positions.of_value(("households", first_of[key], "id")))


def look_alike_ids(project: Project, positions: Positions) -> Iterator[Problem]:
    """Yield a warning for each household id that differs from an earlier one only in case or
    in what a file name cannot hold (H01 and h01, H/01 and H_01) when their files differ (the
    heads or units do; otherwise _file_names refuses them): easily taken for each other."""
    units = {u.id: u.name for u in project.units}
    first_of: dict[str, int] = {}
    for i, h in enumerate(project.households):
        key = file_name_key(file_name_part(h.id))
        if key not in first_of:
            first_of[key] = i
            continue
        first = project.households[first_of[key]]
        if first.id == h.id or file_name_key(household_file_name(h, units.get(h.unit, h.unit))) \
                == file_name_key(household_file_name(first, units.get(first.unit, first.unit))):
            continue  # the same id, or the same files: errors of their own
        why = (tr("只差大小写", "differ only in case") if h.id.casefold() == first.id.casefold()
               else tr("在文件名中是同一个编号", "are one id in a file name"))
        yield Problem(
            tr(f"户编号 “{h.id}” 与前面的 “{first.id}”（{first.head}户）{why}：两户的户主或村不同，"
               f"文件不会互相覆盖，但两个编号容易看错、引用错",
               f"household id '{h.id}' and the earlier '{first.id}' ({first.head}) {why}: "
               f"easily taken for each other"),
            positions.of_value(("households", i, "id")),
            tr(f"改用与 “{first.id}” 明显不同的户编号", f"give it an id unlike '{first.id}'"),
            "warning", positions.of_value(("households", first_of[key], "id")))


def _unique_children(households: list[Household], positions: Positions
                     ) -> Generator[Problem, None, set[str]]:
    """Yield a problem per repeated student id; return the set of student ids."""
    seen: dict[str, KeyPath] = {}
    for i, h in enumerate(households):
        for j in range(len(h.children)):
            ident, path = h.child_id(j), ("households", i, "children", j)
            if ident in seen:
                yield Problem(tr(f"{label(path, Project, lambda at: dig(households, at[1:]))}"
                                 f"的学生编号“{ident}”重复", f"duplicate student id '{ident}'"),
                              positions.of_value(path + ("id",)),
                              tr("每个编号只能用一次", "each id must be unique"),
                              also=positions.of_value(seen[ident]))
            else:
                seen[ident] = path
    return set(seen)


def _missing(ref: str, known: set[str] | None, path: KeyPath, positions: Positions,
             value_at: Callable[[KeyPath], Any]) -> Iterator[Problem]:
    """Yield a problem if `ref` is not among `known`, suggesting the closest id; nothing when
    the ids it may name are not all known."""
    if known is None or ref in known:
        return
    close = difflib.get_close_matches(ref, sorted(known), n=1, cutoff=0.5)
    hint = (tr(f"是不是 “{close[0]}”？", f"did you mean '{close[0]}'?") if close else
            tr("已有的：" + "、".join(sorted(known)[:20]),
               "known: " + ", ".join(sorted(known)[:20])))
    what = label(path, Project, value_at)
    yield Problem(tr(f"{what}“{ref}”不存在", f"{what} '{ref}' does not exist"),
                  positions.of_value(path), hint)
