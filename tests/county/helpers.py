"""Small counties written in the tests: schools made of a few households each."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.helpers import write_tree


def child(name: str, born: str, *, id_number: str | None = None, stage: str = "小学",
          grade: int | None = 3, extra: str = "") -> str:
    """Return one child as a YAML flow mapping."""
    parts = [f"name: {name}", "gender: 女", f"birth_date: {born}", f"stage: {stage}"]
    if id_number:
        parts.append(f'id_number: "{id_number}"')
    if grade is not None:
        parts.append(f"grade: {grade}")
    return "{" + ", ".join(parts) + (f", {extra}" if extra else "") + "}"


def household(hid: str, head: str, unit: str, children: list[str],
              id_number: str | None = None) -> str:
    """Return one household as YAML (indented for households:)."""
    lines = [f"  - id: {hid}", f"    head: {head}", f"    unit: {unit}"]
    if id_number:
        lines.append(f'    id_number: "{id_number}"')
    lines.append("    children:")
    lines += [f"      - {c}" for c in children]
    return "\n".join(lines)


def school(name: str, short: str, households: list[str], *, units: tuple[str, ...] = ("上村",),
           pairings: str | None = None, extra: str = "") -> str:
    """Return a school.yaml: two teachers, `units`, the households, each paired with T01 by
    default."""
    ids = [h.split("id: ", 1)[1].split("\n", 1)[0] for h in households]
    pairs = pairings if pairings is not None else \
        f"  - {{teacher: T01, households: [{', '.join(ids)}]}}"
    unit_lines = "\n".join(f"  - {{id: {u}, name: {u}}}" for u in units)
    return (f"school:\n  name: 测试县{name}\n  short_name: {short}\n  county: 测试县\n"
            f"  report_date: 2018-07-10\n"
            "teachers:\n  - {id: T01, name: 张明华, phone: \"13800000001\"}\n"
            "  - {id: T02, name: 王建国, phone: \"13800000002\"}\n"
            f"units:\n{unit_lines}\npairings:\n{pairs}\nhouseholds:\n"
            + "\n".join(households) + "\n" + extra)


def county(root: Path, schools: dict[str, str], county_yaml: str = "") -> Path:
    """Write a county with `schools` (folder → school.yaml) and its county.yaml."""
    files: dict[str, str | bytes] = {f"{folder}/school.yaml": text
                                     for folder, text in schools.items()}
    files["county.yaml"] = textwrap.dedent(county_yaml).lstrip("\n") or (
        "county:\n  name: 测试县\n  report_date: 2018-07-20\n")
    return write_tree(root, files)


COUNTY_HEAD = "county:\n  name: 测试县\n  bureau: 测试县教育局\n  report_date: 2018-07-20\n"
