"""Turn loaded data into the typed model, reporting every problem with its file and line."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from fupin_docs.data.model import Project
from fupin_docs.data.yamlfile import KeyPath, Positions, path_text
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
    section is validated); messages show the full path.
    """
    try:
        return model_cls.model_validate(data), []
    except ValidationError as exc:
        return None, [_problem(err, positions, model_cls, prefix) for err in exc.errors()]


def _problem(err: Any, positions: Positions, root: type[BaseModel] = Project,
             prefix: KeyPath = ()) -> Problem:
    """Return one pydantic error as a located Chinese problem."""
    rel: KeyPath = tuple(p for p in err["loc"] if not _is_branch_tag(p))
    loc = prefix + rel  # `rel` finds fields in `root`; `loc` finds positions and is shown
    kind = err["type"]
    where_path = path_text(loc)
    if kind in ("extra_forbidden", "invalid_key"):  # invalid_key: a number where a key belongs
        key = loc[-1]
        allowed = _fields_at(rel[:-1], root)
        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = (tr(f"是不是想写 “{close[0]}”？", f"did you mean '{close[0]}'?") if close else
                tr("可用的字段：" + "、".join(allowed), "known keys: " + ", ".join(allowed))
                if allowed else tr("字段名应是文字", "keys must be text"))
        return Problem(tr(f"未知字段 “{key}”", f"unknown key '{key}'"), positions.of_key(loc), hint)
    if kind == "missing":
        name = loc[-1]
        desc = _description(rel, root)
        return Problem(tr(f"缺少必填字段 “{name}”{desc}", f"required key '{name}' is missing"),
                       positions.of_value(loc[:-1]),
                       tr(f"在 {path_text(loc[:-1]) or '文件顶层'} 下添加 “{name}: …”",
                          f"add '{name}: ...' under {path_text(loc[:-1]) or 'the top level'}"))
    message = _type_message(err)
    return Problem(tr(f"“{where_path}”{_description(rel, root)}{message}",
                      f"'{where_path}': {message}"),
                   positions.of_value(loc))


def _is_branch_tag(part: Any) -> bool:
    """Return True for pydantic's union/validator tags in an error location (not data keys)."""
    return isinstance(part, str) and (part.startswith("function-") or "[" in part
                                      or part in ("str", "int", "bool", "list[str]"))


def _type_message(err: Any) -> str:
    """Return what is wrong with a value, in the user's words."""
    kind, ctx, value = err["type"], err.get("ctx") or {}, err.get("input")
    shown = f"“{value}”" if not isinstance(value, (dict, list)) else ""
    messages = {
        "int_parsing": tr(f"应是整数，现在是{shown}", f"should be a whole number, got {value!r}"),
        "int_type": tr(f"应是整数，现在是{shown}", f"should be a whole number, got {value!r}"),
        "int_from_float": tr(f"应是整数，现在是{shown}",
                             f"should be a whole number, got {value!r}"),
        "bool_parsing": tr(f"应填 是 或 否，现在是{shown}", f"should be yes or no, got {value!r}"),
        "bool_type": tr(f"应填 是 或 否，现在是{shown}", f"should be yes or no, got {value!r}"),
        "string_type": tr("应是一段文字", "should be text"),
        "list_type": tr("应是列表（每项另起一行，以 “- ” 开头）", "should be a list ('- ' items)"),
        "dict_type": tr("应是“字段: 值”的形式", "should be a mapping of 'key: value'"),
        "model_type": tr("应是“字段: 值”的形式", "should be a mapping of 'key: value'"),
        "model_attributes_type": tr("应是“字段: 值”的形式", "should be a mapping of 'key: value'"),
        "greater_than_equal": tr(f"不能小于 {ctx.get('ge')}，现在是{shown}",
                                 f"must be at least {ctx.get('ge')}, got {value!r}"),
        "less_than_equal": tr(f"不能大于 {ctx.get('le')}，现在是{shown}",
                              f"must be at most {ctx.get('le')}, got {value!r}"),
        "literal_error": tr(f"只能填 {_choices(ctx)}，现在是{shown}",
                            f"must be {ctx.get('expected')}, got {value!r}"),
        "enum": tr(f"只能填 {_choices(ctx)}，现在是{shown}",
                   f"must be one of {ctx.get('expected')}, got {value!r}"),
        "date_from_datetime_parsing": tr(f"不是日期：{shown}", f"not a date: {value!r}"),
        "string_too_short": tr("不能为空", "must not be empty"),
    }
    if kind in messages:
        return messages[kind]
    if kind == "value_error":
        return "：" + str(ctx.get("error", err["msg"]))
    return tr(f"的值不对：{err['msg']}", f"invalid value: {err['msg']}")


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
