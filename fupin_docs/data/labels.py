"""How messages name a place in the data: the way a secretary reads it, not a program's path.

``households[3].children[0].grade`` is 第4户（H04 王某某）第1个孩子（王小明）的年级 and
``school.report_date`` is 学校的成文日期. Validation, the YAML reader, the reference checks and
the policy table name every place through `label`, for YAML and roster alike.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel

from fupin_docs.data.positions import KeyPath
from fupin_docs.i18n import tr

#: lists of records: how one of them is counted
ITEMS = {
    "teachers": ("第{n}位教师", "teacher {n}"),
    "units": ("第{n}个村（连队）", "unit {n}"),
    "households": ("第{n}户", "household {n}"),
    "children": ("第{n}个孩子", "child {n}"),
    "pairings": ("第{n}条结对", "pairing {n}"),
    "activities": ("第{n}项活动", "activity {n}"),
    "care_measures": ("第{n}项关爱措施", "care measure {n}"),
    "subsidies": ("第{n}项资助", "subsidy {n}"),
    "investments": ("第{n}项投入", "investment {n}"),
    "items": ("第{n}个资助项目", "item {n}"),
}
#: what names a record in brackets after its number: 第4户（H04 王某某）
_NAMED_BY = {"households": ("id", "head"), "teachers": ("id", "name"), "units": ("name",),
             "children": ("name",), "items": ("name",)}
#: sections, and fields whose description reads badly as a name
NOUNS = {
    "school": "学校", "leadership": "领导小组", "teachers": "教师", "units": "村（连队）",
    "households": "建档立卡户", "pairings": "结对", "activities": "活动", "figures": "写明的数字中",
    "care_measures": "关爱措施", "narrative": "叙述段落", "public_notice": "公示",
    "policies": "资助政策表", "roster": "花名册", "pack": "模板包", "inherit": "inherit",
}
_FIELD_NOUNS = {("pairings", "households"): "户编号", ("pairings", "students"): "学生编号",
                ("pairings", "unit"): "村（连队）编号"}
#: mappings keyed by a number: how one entry is named
_KEYED = {"registered_by_grade": ("{k}年级建档立卡学生人数", "registered students, grade {k}")}
_LONGEST_NAME = 20


def label(path: KeyPath, root: type[BaseModel] | None = None,
          value_at: Callable[[KeyPath], Any] | None = None, skip: int = 0) -> str:
    """Return how a message names the value at `path`.

    `root` is the model of the mapping at ``path[:skip]`` (the parts before it are sections
    such as ``("households", 3)``); `value_at` returns the data at a path, for the names of
    records (id and head of a household, name of a child), or None.
    """
    words: list[tuple[str, str]] = []  # (word, "item" | "field")
    model: Any = root if skip == 0 else None
    parent: Any = None  # the key the current part sits under
    typed = False  # whether the model knows the parent: then `model` None means plain values
    for i, part in enumerate(path):
        if isinstance(part, int) and not isinstance(part, bool):
            # a list of records, not of ids or texts
            records = model is not None or i < skip or not typed
            word = _item(parent, part, path[: i + 1], words, value_at, records)
            if word is not None:
                words[-1:] = [word]
        else:
            key = str(part)
            info = _field(model, key)
            noun = _FIELD_NOUNS.get((str(parent), key)) or _short(info) or NOUNS.get(key, key)
            en = key
            if words and words[-1][1] == "field" and noun.startswith(words[-1][0]):
                words.pop()  # 学校 + 学校全称: 学校全称
            words.append((tr(noun, en), "field"))
            model = _inner(info.annotation) if info is not None else None
            parent, typed = key, info is not None
        if i + 1 == skip:
            model = root
    return _join(words)


def _item(parent: Any, index: int, at: KeyPath, words: list[tuple[str, str]],
          value_at: Callable[[KeyPath], Any] | None, records: bool
          ) -> tuple[str, str] | None:
    """Return the word for entry `index` under `parent`, replacing the parent's word."""
    n = index + 1
    if parent in _KEYED:
        zh, en = _KEYED[parent]
        return tr(zh.format(k=index), en.format(k=index)), "field"
    if parent in ITEMS and records:
        zh, en = ITEMS[parent]
        names = _names(parent, value_at(at) if value_at else None)
        return (tr(zh.format(n=n) + (f"（{names}）" if names else ""),
                   en.format(n=n) + (f" ({names})" if names else "")), "item")
    if words:
        noun = words[-1][0]
        return tr(f"第{n}个{noun}", f"{noun} {n}"), "field"
    return tr(f"第{n}项", f"item {n}"), "field"


def _names(section: str, item: Any) -> str:
    """Return what names a record in messages: "H04 王某某" for a household."""
    if not isinstance(item, (dict, BaseModel)):
        return ""
    parts = []
    for key in _NAMED_BY.get(section, ()):
        value = item.get(key) if isinstance(item, dict) else getattr(item, key, None)
        if isinstance(value, (str, int)) and not isinstance(value, bool) and str(value).strip():
            text = str(value).strip()
            parts.append(text if len(text) <= _LONGEST_NAME else text[:_LONGEST_NAME] + "…")
    return " ".join(parts)


def _join(words: list[tuple[str, str]]) -> str:
    """Return the words as one name: items follow on directly, fields after 的."""
    if current_is_english():
        return ", ".join(word for word, _ in words)
    out = ""
    for word, kind in words:
        if out and kind == "field" and not out.endswith("的"):
            out += "的"
        out += word
    return out


def current_is_english() -> bool:
    """Return True when messages are in English."""
    return tr("zh", "en") == "en"


def _short(info: Any) -> str | None:
    """Return the short name a field's description begins with: 年级：数字 1–12 … → 年级."""
    text = getattr(info, "description", None)
    if not text:
        return None
    return re.split(r"[，；：（(,]", text, maxsplit=1)[0].strip() or None


def _field(model: Any, key: str) -> Any:
    """Return the field of `model` written as `key` (its name or alias), or None."""
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        return None
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def _inner(annotation: Any) -> Any:
    """Return the model inside list[...], X | None or Annotated[...], else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation) or ():
        found = _inner(arg)
        if found is not None:
            return found
    if isinstance(annotation, types.UnionType):
        return None
    return None


def dig(data: Any, path: KeyPath) -> Any:
    """Return the value at `path` in plain data or a model, or None where it leads nowhere."""
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, BaseModel) and isinstance(part, str):
            data = getattr(data, part, None)
        elif isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data):
            data = data[part]
        else:
            return None
    return data


__all__ = ["ITEMS", "NOUNS", "dig", "label"]
