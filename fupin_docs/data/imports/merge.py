"""Put what a project's `imports:` and `workbook:` name into its data, as if written in YAML."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from fupin_docs.data import values
from fupin_docs.data.imports.combine import ELSEWHERE, Imported, combine
from fupin_docs.data.imports.enrolment import EnrolmentFile, read_enrolment
from fupin_docs.data.imports.registry import RegistryFile, read_registry
from fupin_docs.data.positions import KeyPath, Positions
from fupin_docs.data.roots import Roots, outside_message
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

#: the workbook `fupin-docs init --excel` writes; a folder holding it and no YAML is a project
WORKBOOK = "资料.xlsx"
#: the keys of `imports:`, with the Chinese names a secretary may write instead
IMPORT_KEYS = {"registry": ("registry", "建档立卡"), "enrolment": ("enrolment", "学籍"),
               "school_names": ("school_names", "本校名称"), "units_from": ("units_from", "村")}


def merge_sources(data: dict[str, Any], positions: Positions, path: Path,
                  inputs: list[Path], roots: Roots, alone: bool = False) -> list[Problem]:
    """Add the workbook and the exports a project names to `data`; return every problem.

    With `alone`, the project has no YAML: `path` is its workbook, or a folder holding it."""
    root = path if path.is_dir() else path.parent
    problems: list[Problem] = []
    book = (path if path.is_file() else path / WORKBOOK) if alone else None
    named = data.get("workbook")
    if book is not None or isinstance(named, str):
        from fupin_docs.data.imports.workbook import merge_workbook

        where: KeyPath = ("workbook",)
        if book is not None and not roots.allows(book):
            message, hint = outside_message(tr("资料表", "workbook"), book.name, roots)
            problems.append(Problem(message, Location(book.name), hint))
            book = None
            named = None
        file = book if book is not None else (
            _resolve(root, str(named), where, positions, roots, tr("资料表", "workbook"),
                     problems) if isinstance(named, str) else None)
        if file is not None:
            inputs.append(file)
            problems += merge_workbook(file, file.name, data, positions)
    imports = data.get("imports")
    if isinstance(imports, dict):
        problems += _merge_imports(imports, data, positions, root, inputs, roots)
    return problems


def _resolve(root: Path, name: str, where: KeyPath, positions: Positions, roots: Roots,
             what: str, problems: list[Problem]) -> Path | None:
    """Return the file `name` of the project, or None with the problem recorded."""
    file = root / name
    if not roots.allows(file):
        message, hint = outside_message(what, name, roots)
        problems.append(Problem(message, positions.of_value(where), hint))
        return None
    if not file.is_file():
        problems.append(Problem(tr(f"{what}文件不存在：{name}", f"{what} not found: {name}"),
                                positions.of_value(where),
                                tr("文件应放在项目文件夹中，检查文件名", "check the file name")))
        return None
    return file


def _get(imports: dict[str, Any], key: str) -> tuple[Any, str]:
    """Return the value of an `imports:` key written in English or Chinese, and the key used."""
    for name in IMPORT_KEYS[key]:
        if name in imports:
            return imports[name], name
    return None, key


def _files(imports: dict[str, Any], key: str) -> list[tuple[str, KeyPath]]:
    """Return the file names under an `imports:` key and where each is written."""
    value, used = _get(imports, key)
    if isinstance(value, str):
        return [(value, ("imports", used))]
    if isinstance(value, list):
        return [(v, ("imports", used, i)) for i, v in enumerate(value) if isinstance(v, str)]
    return []  # the model reports a wrong type


def report_date(data: dict[str, Any]) -> dt.date:
    """Return the report date written in the data (ages are counted on it), else today."""
    school = data.get("school")
    if isinstance(school, dict) and school.get("report_date") is not None:
        try:
            return values.parse_date(school["report_date"])
        except values.BadDate:
            pass  # the model says what is wrong
    return dt.date.today()


def school_names(data: dict[str, Any], extra: Any = None) -> set[str]:
    """Return the names this school goes by: full, short, and those `imports` adds."""
    school = data.get("school")
    names = {str(school.get(k)) for k in ("name", "short_name")
             if isinstance(school, dict) and school.get(k)}
    if isinstance(extra, str):
        extra = [extra]
    if isinstance(extra, list):
        names |= {str(n) for n in extra if n}
    return names


def _merge_imports(imports: dict[str, Any], data: dict[str, Any], positions: Positions,
                   root: Path, inputs: list[Path], roots: Roots) -> list[Problem]:
    """Read the exports of `imports:` and add their households and villages to `data`."""
    problems: list[Problem] = []
    registries: list[RegistryFile] = []
    enrolments: list[EnrolmentFile] = []
    for key in ("registry", "enrolment"):
        for name, where in _files(imports, key):
            file = _resolve(root, name, where, positions, roots,
                            tr("导出表", "export"), problems)
            if file is None:
                continue
            inputs.append(file)
            if key == "registry":
                registries.append(read_registry(file, name))
            else:
                enrolments.append(read_enrolment(file, name))
    if not registries:
        if enrolments and not _files(imports, "registry"):
            problems.append(Problem(
                tr("只给了学籍导出表：户和子女来自建档立卡导出表，请同时写上 建档立卡: 文件名",
                   "a 学籍 export alone names no household; add the 建档立卡 export"),
                positions.of_value(("imports",)),
                tr("如 imports: {建档立卡: 建档立卡.xlsx, 学籍: 学籍.xls}",
                   "e.g. imports: {registry: a.xlsx, enrolment: b.xls}")))
        return problems
    from fupin_docs.data.model import Child

    extra, _ = _get(imports, "school_names")
    units_from, _ = _get(imports, "units_from")
    found = combine(registries, enrolments, report_date(data), school_names(data, extra),
                    units_from if isinstance(units_from, str) else None,
                    set(Child.model_fields) | {"class"})
    problems += found.problems
    if found.summary.not_enrolled:
        names = found.summary.not_enrolled
        problems.append(Problem(
            tr(f"{len(names)} 名在校的建档立卡户子女不在所给的学籍导出表中，按“{ELSEWHERE}”"
               f"就读处理：{'、'.join(names[:20])}" + ("…" if len(names) > 20 else ""),
               f"{len(names)} registered children in school are in no 学籍 export given"),
            Location(enrolments[0].name),
            tr("若他们在本校就读，请重新导出学籍；在外校的，可一并导入那所学校的学籍导出表",
               "re-export the 学籍 if they study here"), "warning"))
    add_households(found, data, positions)
    return problems


def add_households(found: Imported, data: dict[str, Any], positions: Positions) -> None:
    """Append the households `found` to `data`, and the villages it names to its units."""
    households = data.setdefault("households", [])
    units = data.setdefault("units", [])
    if not isinstance(households, list) or not isinstance(units, list):
        return  # the model reports a wrong type
    by_name = {u.get("name"): u.get("id") for u in units if isinstance(u, dict)}
    ids = {u.get("id") for u in units if isinstance(u, dict)}
    for name, where in found.units.items():
        if name in ids or name in by_name:
            continue
        positions.set_value(("units", len(units)), where)
        positions.set_value(("units", len(units), "id"), where)
        positions.set_value(("units", len(units), "name"), where)
        units.append({"id": name, "name": name})
        by_name[name] = ids_name = name
        ids.add(ids_name)
    offset = len(households)
    for house in found.households:
        if house["unit"] not in ids and house["unit"] in by_name:
            house["unit"] = by_name[house["unit"]]
        households.append(house)
    for key, loc in found.positions.items():
        positions.set_value(("households", offset + key[0]) + tuple(key[1:]), loc)
