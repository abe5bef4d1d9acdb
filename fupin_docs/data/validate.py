"""Turn loaded data into the typed model, reporting every problem with its file and line."""

from __future__ import annotations

import copy
import difflib
import functools
import re
import types
import typing
from dataclasses import dataclass
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from fupin_docs.data.labels import dig, label
from fupin_docs.data.model import (
    Activity,
    CareMeasure,
    Household,
    Pairing,
    Project,
    Teacher,
    Unit,
)
from fupin_docs.data.values import DATE_FORMS, BadValue
from fupin_docs.data.yamlfile import KeyPath, Positions
from fupin_docs.errors import Problem
from fupin_docs.i18n import tr

M = TypeVar("M", bound=BaseModel)


def to_model(data: dict[str, Any], positions: Positions) -> tuple[Project | None, list[Problem]]:
    """Return the validated project, or None with every problem pydantic found."""
    return validate_as(Project, data, positions)


def validate_as(model_cls: type[M], data: Any, positions: Positions,
                prefix: KeyPath = ()) -> tuple[M | None, list[Problem]]:
    """Return `data` validated as `model_cls`, or None with every problem located.

    `prefix` is where `data` sits in `positions` (e.g. ``("policies",)`` when only that
    section is validated); messages name the place in full (资助政策表第1个资助项目的金额).
    """
    try:
        return model_cls.model_validate(data), []
    except ValidationError as exc:
        return None, problems_of(exc.errors(), data, positions, model_cls, prefix)


#: one set of written field names per distinct set: each model keeps pydantic's
#: model_fields_set, about 700 bytes, and a project holds 30,000 models per 10,000 households
_FIELDS_SETS: dict[frozenset[str], set[str]] = {}


def shared_fields_sets(model: M) -> M:
    """Return `model` with its and its sub-models' model_fields_set shared with every model
    that wrote the same fields. The models are frozen and model_copy copies the set, so
    nothing ever changes a shared set."""
    written = model.__pydantic_fields_set__
    shared = _FIELDS_SETS.setdefault(frozenset(written), written)
    if shared is not written:
        object.__setattr__(model, "__pydantic_fields_set__", shared)
    for name in _nested_fields(type(model)):
        value = model.__dict__.get(name)
        if isinstance(value, BaseModel):
            shared_fields_sets(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                if isinstance(item, BaseModel):
                    shared_fields_sets(item)
    return model


@functools.cache
def _nested_fields(model_cls: type[BaseModel]) -> tuple[str, ...]:
    """Return the fields of `model_cls` that may hold models (a household's children)."""
    def holds_model(annotation: Any) -> bool:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            return True
        return any(holds_model(arg) for arg in get_args(annotation))
    return tuple(name for name, field in model_cls.model_fields.items()
                 if holds_model(field.annotation))


def validate_partly(model_cls: type[M], data: Any, positions: Positions,
                    prefix: KeyPath = ()) -> tuple[M | None, list[Problem]]:
    """Return `data` validated as `model_cls` with every problem located; when there are
    problems, the model is what stays valid once each wrong value is left out (None when
    something required is wrong), so that later checks can use what could be read."""
    try:
        return shared_fields_sets(model_cls.model_validate(data)), []
    except ValidationError as exc:
        errors = exc.errors()
    return _salvage(model_cls, data, errors), problems_of(errors, data, positions, model_cls,
                                                           prefix)


def problems_of(errors: list[Any], data: Any, positions: Positions,
                root: type[BaseModel] = Project, prefix: KeyPath = ()) -> list[Problem]:
    """Return pydantic's errors about `data` (at `prefix`) as located problems."""
    def value_at(path: KeyPath) -> Any:
        return dig(data, path[len(prefix):]) if path[:len(prefix)] == prefix else None

    return [_problem(err, positions, root, prefix, value_at) for err in errors]


def _salvage(model_cls: type[M], data: Any, errors: list[Any]) -> M | None:
    """Return the model of `data` without the values `errors` name (a list is left out whole,
    never one of its entries, so that the entries keep their numbers); None if that fails."""
    for _ in range(3):  # leaving a value out may leave its mapping lacking a required field
        data = copy.deepcopy(data)
        removed = False
        for err in errors:
            loc: KeyPath = tuple(p for p in err["loc"] if not _is_branch_tag(p))
            if err["type"] == "missing":
                loc = loc[:-1]
            while loc and not isinstance(dig(data, loc[:-1]), dict):
                loc = loc[:-1]  # an entry of a list: the list goes
            if not loc:
                return None
            holder = dig(data, loc[:-1])
            if loc[-1] in holder:
                del holder[loc[-1]]
                removed = True
        if not removed:
            return None
        try:
            return model_cls.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
    return None


def _problem(err: Any, positions: Positions, root: type[BaseModel] = Project,
             prefix: KeyPath = (), value_at: Any = None) -> Problem:
    """Return one pydantic error as a located Chinese problem."""
    rel: KeyPath = tuple(p for p in err["loc"] if not _is_branch_tag(p))
    loc = prefix + rel  # `rel` finds fields in `root`; `loc` finds positions and is named

    def name(path: KeyPath) -> str:
        return label(path, root, value_at, skip=len(prefix)) if path else ""

    kind = err["type"]
    if kind in ("extra_forbidden", "invalid_key"):  # invalid_key: a number where a key belongs
        key = loc[-1]
        allowed = _fields_at(rel[:-1], root)
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = (tr(f"是不是想写 “{close[0]}”？", f"did you mean '{close[0]}'?") if close else
                tr("可用的字段：" + "、".join(allowed), "known keys: " + ", ".join(allowed))
                if allowed else tr("字段名应是文字", "keys must be text"))
        return Problem(tr(f"未知字段 “{key}”", f"unknown key '{key}'"), positions.of_key(loc), hint)
    if kind == "missing":
        field, parent = loc[-1], name(loc[:-1])
        desc = _description(rel, root)
        where = positions.of_value(loc[:-1])
        if where is not None and where.header is not None:  # a roster row
            noun = label((field,), _model_at(rel[:-1], root))
            fix = tr(f"在这一行填上{noun}", f"fill in {field} on this row")
        else:
            fix = tr(f"给{parent or '文件顶层'}添上 “{field}: …”",
                     f"add '{field}: ...' to {parent or 'the top level'}")
        return Problem(tr(f"{parent}缺少必填字段 “{field}”{desc}",
                          f"{parent + ': ' if parent else ''}required key '{field}' is missing"),
                       where, fix)
    verdict, how = _type_message(err)
    value = err.get("input")
    scalar = not isinstance(value, (dict, list, type(None)))
    if isinstance(value, bool):
        value = tr("是" if value else "否", str(value))
    what = name(loc)
    return Problem(tr(f"{what}“{value}”{verdict}" if scalar else f"{what}{verdict}",
                      f"{what}: '{value}' {verdict}" if scalar else f"{what}: {verdict}"),
                   positions.of_value(loc), how)


def _is_branch_tag(part: Any) -> bool:
    """Return True for pydantic's union/validator tags in an error location (not data keys)."""
    return isinstance(part, str) and (part.startswith("function-") or "[" in part
                                      or part in ("str", "int", "bool", "list[str]"))


def _type_message(err: Any) -> tuple[str, str | None]:
    """Return what is wrong with a value (it follows the value: “x”应是整数) and how to fix it."""
    kind, ctx = err["type"], err.get("ctx") or {}
    if kind == "value_error":
        error = ctx.get("error")
        if isinstance(error, BadValue):
            return error.verdict, error.hint
        return "：" + str(error if error is not None else err["msg"]), None
    whole = tr("写整数（阿拉伯数字），如 3", "write a whole number, e.g. 3")
    mapping = tr("在下一行起逐行写 “字段: 值”，比上一层多缩进两个空格",
                 "write 'key: value' lines below, indented two more spaces")
    choose = tr(f"从 {_choices(ctx)} 中选一个", f"use one of {ctx.get('expected')}")
    low, high = ctx.get("ge"), ctx.get("le")
    messages = {
        "int_parsing": (tr("应是整数", "should be a whole number"), whole),
        "int_type": (tr("应是整数", "should be a whole number"), whole),
        "int_from_float": (tr("应是整数", "should be a whole number"), whole),
        "bool_parsing": (tr("应填 是 或 否", "should be yes or no"), tr("写 是 或 否", "是 or 否")),
        "bool_type": (tr("应填 是 或 否", "should be yes or no"), tr("写 是 或 否", "是 or 否")),
        "string_type": (tr("应是一段文字", "should be text"),
                        tr("给它加上引号，如 \"2018\"", "put it in quotes")),
        "list_type": (tr("应是列表", "should be a list"),
                      tr("每项另起一行，以 “- ” 开头；或写成 [甲, 乙]",
                         "one '- ' item a line, or [a, b]")),
        "dict_type": (tr("应是“字段: 值”的形式", "should be a mapping of 'key: value'"), mapping),
        "model_type": (tr("应是“字段: 值”的形式", "should be a mapping of 'key: value'"),
                       mapping),
        "model_attributes_type": (tr("应是“字段: 值”的形式",
                                     "should be a mapping of 'key: value'"), mapping),
        "greater_than_equal": (tr(f"不能小于 {low}", f"must be at least {low}"),
                               tr(f"改为不小于 {low} 的数", f"write {low} or more")),
        "less_than_equal": (tr(f"不能大于 {high}", f"must be at most {high}"),
                            tr(f"改为不大于 {high} 的数", f"write {high} or less")),
        "literal_error": (tr(f"只能填 {_choices(ctx)}", f"must be {ctx.get('expected')}"), choose),
        "enum": (tr(f"只能填 {_choices(ctx)}", f"must be one of {ctx.get('expected')}"), choose),
        "date_from_datetime_parsing": (tr("不是日期", "is not a date"),
                                       tr(f"请写成 {DATE_FORMS}", "write e.g. 2010-03-05")),
        "string_too_short": (tr("不能为空", "must not be empty"),
                             tr("填上内容，或删去这一行", "fill it in or delete the line")),
    }
    if kind in messages:
        return messages[kind]
    return tr(f"的值不对：{err['msg']}", f"invalid value: {err['msg']}"), None


def _choices(ctx: dict) -> str:
    """Return pydantic's "'a', 'b' or 'c'" as 「a、b、c」 for a Chinese message."""
    text = str(ctx.get("expected", ""))
    return "、".join(part.strip(" '\"") for part in re.split(r",| or ", text) if part.strip())


def _model_at(path: KeyPath, root: type[BaseModel] = Project) -> type[BaseModel] | None:
    """Return the model class that describes the mapping at `path` under `root`, if any."""
    current: Any = root
    for part in path:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = _field_by_key(current, str(part))
        if info is None:
            return None
        current = _inner_model(info.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _field_by_key(model: type[BaseModel], key: str) -> Any:
    """Return the field info of `model` written as `key` (field name or alias)."""
    for name, info in model.model_fields.items():
        if key in (name, info.alias):
            return info
    return None


def _inner_model(annotation: Any) -> Any:
    """Return the model inside list[...]/Optional[...]/Annotated[...], else the annotation."""
    for arg in typing.get_args(annotation) or ():
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        inner = _inner_model(arg)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            return inner
    if isinstance(annotation, types.UnionType):
        return None
    return annotation


def _fields_at(path: KeyPath, root: type[BaseModel] = Project) -> list[str]:
    """Return the keys allowed in the mapping at `path`."""
    model = _model_at(path, root)
    if model is None:
        return []
    return [info.alias or name for name, info in model.model_fields.items()]


def _description(path: KeyPath, root: type[BaseModel] = Project) -> str:
    """Return "（说明）" for the field at `path`, from the model's description."""
    if not path or isinstance(path[-1], int):
        return ""
    model = _model_at(path[:-1], root)
    info = _field_by_key(model, str(path[-1])) if model else None
    if info is None or not info.description:
        return ""
    return tr(f"（{info.description.split('，')[0].split('；')[0]}）", "")


#: the sections that are lists of records: each record is validated on its own, and the valid
#: ones are kept for the checks that follow
RECORDS: dict[str, type[BaseModel]] = {
    "teachers": Teacher, "units": Unit, "households": Household, "pairings": Pairing,
    "activities": Activity, "care_measures": CareMeasure}


@dataclass
class Validated:
    """What could be read of a project's data, and every problem found reading it."""

    #: the valid parts; without a usable `school` it is built unvalidated and lacks one
    project: Project
    problems: list[Problem]
    #: the top-level sections with a problem: what they hold is not all there is
    incomplete: set[str]


def validate_project(data: dict[str, Any], positions: Positions, *, unread: bool = False
                     ) -> Validated:
    """Return the project validated part by part, with every problem at once.

    Each record (a household, a teacher …) is validated on its own and freed at once (10,000
    households in raw and in validated form at the same time need twice the memory); the
    valid ones are kept, and the positions renumbered to match. A section whose value is
    wrong is kept without the wrong values where it can be. With `unread` (a file could not
    be read), a missing `school` may be in that file and is not reported.
    """
    problems: list[Problem] = []
    incomplete: set[str] = set()
    records: dict[str, list[Any]] = {}
    for key, model_cls in RECORDS.items():
        raw = data.get(key)
        if not isinstance(raw, list):
            continue  # absent, or not a list: validated with the rest, which says so
        kept, index = [], []
        for i in range(len(raw)):
            item, found = validate_partly(model_cls, raw[i], positions, (key, i))
            raw[i] = None
            if found:
                problems += found
                incomplete.add(key)
            if item is not None:
                kept.append(item)
                index.append(i)
        records[key] = kept
        if len(index) != len(raw):
            positions.renumber((key,), index)
    rest = {k: v for k, v in data.items() if k not in records}
    try:
        project = Project.model_validate(rest)
    except ValidationError as exc:
        errors = [err for err in exc.errors()
                  if not (unread and err["type"] == "missing" and err["loc"] == ("school",))]
        problems += problems_of(errors, rest, positions)
        incomplete |= {str(err["loc"][0]) for err in exc.errors() if err["loc"]}
        salvaged = _salvage(Project, rest, exc.errors())
        if salvaged is None:
            incomplete.add("school")
        project = salvaged or _without_school(rest, exc.errors())
    return Validated(project.model_copy(update=records), problems, incomplete)


def _without_school(rest: dict[str, Any], errors: list[Any]) -> Project:
    """Return the valid sections of a project whose `school` is missing or wrong, built
    without one: the checks that need the school wait until it is fixed."""
    stand_in = {"name": "-", "county": "-", "report_date": "2000-01-01"}
    kept = [err for err in errors if err["loc"][:1] != ("school",)]
    salvaged = _salvage(Project, {**rest, "school": stand_in}, kept) if kept else None
    if salvaged is None:
        try:
            salvaged = Project.model_validate({**rest, "school": stand_in})
        except ValidationError:
            salvaged = Project.model_validate({"school": stand_in})
    fields = {name: getattr(salvaged, name) for name in Project.model_fields if name != "school"}
    return Project.model_construct(**fields)
