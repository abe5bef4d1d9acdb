"""The placeholders `fupin-docs init` writes (templates/init): a project still holding one is not
filled in, and `check` and `build` say where, as errors.

Each entry says where the starter files put a placeholder, how to know it, and what to write
instead. tests/data/test_placeholders.py holds this list and the starter files to each other: every
placeholder line of the starter files is reported, and every entry is found in them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fupin_docs.data.labels import dig, label
from fupin_docs.data.model import Project
from fupin_docs.data.positions import KeyPath, Positions
from fupin_docs.errors import Problem
from fupin_docs.i18n import tr

ANY = "*"


@dataclass(frozen=True)
class Placeholder:
    """Text of the starter files that must be replaced: where it is and how it is known."""

    #: where it may be: keys, with ANY for every entry of a list or mapping
    path: tuple[str, ...]
    #: the value holds one of these …
    holds: tuple[str, ...] = ()
    #: … or is one of these
    equals: tuple[str, ...] = ()
    #: what to write instead
    hint: tuple[str, str] = ("", "")

    def matches(self, value: str) -> bool:
        """Return True when `value` is this placeholder."""
        text = value.strip()
        return text in self.equals or any(word in text for word in self.holds)


SOMEONE = "某某"  # 某某县, 李某某: the starter files' word for a name to fill in

PLACEHOLDERS = (
    Placeholder(("school", "name"), (SOMEONE,),
                hint=("请填写学校的真实名称（全称），如 师宗县雄壁镇扯乐完全小学",
                      "write the school's real full name")),
    Placeholder(("school", "short_name"), (SOMEONE,),
                hint=("请填写学校的简称，如 扯乐完小；不用简称就删去这一行",
                      "write the school's short name, or delete the line")),
    Placeholder(("school", "county"), (SOMEONE,),
                hint=("请填写学校所在县的名称（兵团写所在师，如 第五师）",
                      "write the county (or division) the school is in")),
    Placeholder(("school", "town"), (SOMEONE,),
                hint=("请填写学校所在镇的名称（兵团写所在团），或删去这一行",
                      "write the town (or regiment), or delete the line")),
    Placeholder(("school", "area"), (SOMEONE,),
                hint=("请填写学校服务的片区，如 扯乐村委会，或删去这一行",
                      "write the area the school serves, or delete the line")),
    Placeholder(("school", "superior"), (SOMEONE,),
                hint=("请填写上级主管单位的名称，或删去这一行",
                      "write the supervising body, or delete the line")),
    Placeholder(("school", "signing_unit"), (SOMEONE,),
                hint=("请填写落款单位的名称，或删去这一行（不填则落款用学校全称）",
                      "write the signing body, or delete the line")),
    Placeholder(("teachers", ANY, "name"), (SOMEONE,), ("张老师", "王老师"),
                hint=("请填写教师的真实姓名（“张老师”这样的称呼不是姓名）",
                      "write the teacher's real name")),
    Placeholder(("households", ANY, "head"), (SOMEONE,),
                hint=("请填写户主的真实姓名", "write the real name of the head of household")),
    Placeholder(("narrative", ANY, ANY), ("（在这里写",),
                hint=("把这一段换成本校自己的话；不需要这一段就删去",
                      "replace the paragraph with the school's own words, or delete it")),
)


def placeholder_problems(data: dict[str, Any], positions: Positions) -> Iterator[Problem]:
    """Yield an error for each placeholder of the starter files still in `data`."""
    for placeholder in PLACEHOLDERS:
        for path, value in _values(data, placeholder.path):
            if isinstance(value, str) and placeholder.matches(value):
                what = label(path, Project, lambda at: dig(data, at))
                zh, en = placeholder.hint
                yield Problem(tr(f"{what}“{value.strip()}”是示例中的占位文字，还没有改成本校的",
                                 f"{what} '{value.strip()}' is a placeholder of the example"),
                              positions.of_value(path), tr(zh, en))


def _values(data: Any, pattern: tuple[str, ...], path: KeyPath = ()) -> Iterator[tuple[KeyPath,
                                                                                      Any]]:
    """Yield (path, value) for each value `pattern` names in `data`; a text reached early (a
    paragraph written as one text instead of a list) stands for the rest of the pattern."""
    if not pattern or (isinstance(data, str) and all(p == ANY for p in pattern)):
        yield path, data
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(data, dict):
        keys = list(data) if head == ANY else [head] if head in data else []
        for key in keys:
            yield from _values(data[key], rest, path + (key,))
    elif isinstance(data, list) and head == ANY:
        for i, item in enumerate(data):
            yield from _values(item, rest, path + (i,))


__all__ = ["ANY", "PLACEHOLDERS", "Placeholder", "placeholder_problems"]
