"""Read YAML files into plain data while remembering the file, line and column of every key."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

KeyPath = tuple[Any, ...]
MAX_BYTES = 10 * 1024 * 1024  # a school's data is a few hundred KB; 10 MB means a wrong file


@dataclass
class Positions:
    """Where each value and each key of the loaded data was written."""

    values: dict[KeyPath, Location] = field(default_factory=dict)
    keys: dict[KeyPath, Location] = field(default_factory=dict)

    def of_value(self, path: KeyPath) -> Location | None:
        """Return where the value at `path` (or its nearest written ancestor) starts."""
        for end in range(len(path), -1, -1):
            loc = self.values.get(tuple(path[:end]))
            if loc is not None:
                return loc
        return None

    def of_key(self, path: KeyPath) -> Location | None:
        """Return where the key naming `path` is written, else where its value is."""
        return self.keys.get(tuple(path)) or self.of_value(path)

    def update(self, other: Positions, prefix: KeyPath = ()) -> None:
        """Copy `other`'s positions in, with `prefix` put before each path."""
        self.values.update({prefix + k: v for k, v in other.values.items()})
        self.keys.update({prefix + k: v for k, v in other.keys.items()})


@dataclass
class Loaded:
    """One YAML file read: its data (None when unreadable), positions and problems."""

    data: Any
    positions: Positions
    problems: list[Problem]


# PyYAML's messages, in the words a secretary can act on
_YAML_MESSAGES = {
    "mapping values are not allowed here": (
        "这里不能出现冒号“:”", "a colon is not allowed here",
        "冒号后要有空格；若文字本身含冒号，请给整段文字加引号"),
    "could not find expected ':'": (
        "缺少冒号“:”", "expected ':'", "每个字段写成 “字段名: 值”，冒号为英文半角且后面有空格"),
    "found character '\\t' that cannot start any token": (
        "不能用 Tab 键缩进", "tab characters cannot indent YAML", "把 Tab 换成空格"),
    "found undefined alias": ("引用了未定义的别名", "undefined alias", "检查 * 开头的引用"),
    "did not find expected key": (
        "缩进不对齐", "indentation does not line up", "同一层的字段要左对齐，用空格缩进"),
    "did not find expected '-' indicator": (
        "列表缩进不对齐", "list items do not line up", "同一列表的每项以 “- ” 开头并左对齐"),
    "found unexpected end of stream": (
        "文件意外结束（引号或括号没有配对）", "unexpected end of file", "检查引号、括号是否成对"),
    "found unknown escape character": (
        "双引号里有无法识别的反斜杠", "unknown escape character", "把 \\ 写成 \\\\ 或改用单引号"),
    "special characters are not allowed": (
        "文件中有不可见的控制字符", "control characters in the file", "删除该处的特殊字符后保存"),
}


def _decode(raw: bytes, display: str) -> tuple[str | None, Problem | None]:
    """Return the text of a YAML file: UTF-8 with or without BOM; a clear problem otherwise."""
    where = Location(display)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, Problem(tr("文件是 UTF-16 编码，无法读取", "the file is UTF-16 encoded"), where,
                             tr("用记事本打开，“另存为”时编码选 UTF-8", "save it as UTF-8"))
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
            what = tr("文件是 GBK/GB2312 编码，不是 UTF-8", "the file is GBK, not UTF-8")
        except UnicodeDecodeError:
            what = tr("文件不是 UTF-8 编码的文字", "the file is not UTF-8 text")
        return None, Problem(what, Location(display, line),
                             tr("用记事本或 VS Code 打开，“另存为”时编码选 UTF-8",
                                "re-save the file as UTF-8"))


def load_file(path: Path, display: str | None = None) -> Loaded:
    """Return the data of one YAML file with positions; problems instead of exceptions."""
    display = display or path.name
    positions = Positions()
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Loaded(None, positions, [Problem(tr(f"无法读取文件：{exc.strerror}",
                                                   f"cannot read file: {exc.strerror}"),
                                                Location(display))])
    if len(raw) > MAX_BYTES:
        return Loaded(None, positions, [Problem(
            tr(f"文件太大（{len(raw) // 1024 // 1024} MB），不像是学校资料",
               f"file too large ({len(raw) // 1024 // 1024} MB)"), Location(display),
            tr("检查是否选错了文件；名单请用花名册（roster）", "check the file name"))])
    text, problem = _decode(raw, display)
    if problem:
        return Loaded(None, positions, [problem])
    assert text is not None
    if not text.strip():
        return Loaded(None, positions, [Problem(tr("文件是空的", "the file is empty"),
                                                Location(display),
                                                tr("填写内容，或删除这个文件", "fill it in or delete it"))])
    lines = text.splitlines()
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        return Loaded(None, positions, [_syntax_problem(exc, display, lines)])
    except yaml.YAMLError as exc:  # e.g. several documents in one file
        return Loaded(None, positions, [Problem(tr(f"YAML 格式错误：{exc}", f"YAML error: {exc}"),
                                                Location(display))])
    walker = _Walker(display, lines, positions)
    data = walker.walk(node, ())
    return Loaded(data, positions, walker.problems)


def _syntax_problem(exc: yaml.MarkedYAMLError, display: str, lines: list[str]) -> Problem:
    """Return a Chinese problem for a YAML syntax error, at its line and column."""
    mark = exc.problem_mark or exc.context_mark
    raw = exc.problem or exc.context or str(exc)
    message, hint = tr(f"YAML 格式错误：{raw}", f"YAML syntax error: {raw}"), None
    for pattern, (zh, en, how) in _YAML_MESSAGES.items():
        if pattern in raw:
            message, hint = tr(f"YAML 格式错误：{zh}", f"YAML syntax error: {en}"), tr(how, raw)
            break
    if mark is None:
        return Problem(message, Location(display), hint)
    return Problem(message, _loc(display, lines, mark.line, mark.column), hint)


def _loc(display: str, lines: list[str], line0: int, col0: int, key: str | None = None) -> Location:
    """Return a Location from PyYAML's zero-based line and column."""
    source = lines[line0] if 0 <= line0 < len(lines) else None
    return Location(display, line0 + 1, col0 + 1, key, source=source)


def path_text(path: KeyPath) -> str:
    """Return `path` as users read it: ``households[3].children[0].name``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Walker:
    """Turn a composed YAML node tree into Python data, noting positions and duplicate keys."""

    def __init__(self, display: str, lines: list[str], positions: Positions):
        self.display, self.lines, self.positions = display, lines, positions
        self.problems: list[Problem] = []
        self.constructor = SafeConstructor()

    def walk(self, node: Node, path: KeyPath) -> Any:
        self.positions.values[path] = _loc(self.display, self.lines, node.start_mark.line,
                                           node.start_mark.column, path_text(path) or None)
        if isinstance(node, ScalarNode):
            try:
                return self.constructor.construct_object(node, deep=True)
            except (yaml.YAMLError, ValueError) as exc:  # e.g. an impossible date 2018-02-30
                reason = getattr(exc, "problem", None) or exc
                message = (tr(f"日期不存在：“{node.value}”", f"no such date: {node.value}")
                           if "out of range" in str(reason) else
                           tr(f"无法识别的值：{reason}", f"unreadable value: {reason}"))
                self.problems.append(Problem(message, self.positions.values[path]))
                return node.value
        if isinstance(node, SequenceNode):
            return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        return None

    def _mapping(self, node: MappingNode, path: KeyPath) -> dict[Any, Any]:
        self.constructor.flatten_mapping(node)  # resolve YAML merge keys (<<)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problems.append(Problem(tr("字段名必须是简单文字", "keys must be plain text"),
                                             self._at(key_node, path)))
                continue
            key = self.constructor.construct_object(key_node)
            key = key if isinstance(key, (str, int)) else str(key)
            key_loc = self._at(key_node, path + (key,))
            if key in result:
                first = self.positions.keys[path + (key,)]
                self.problems.append(Problem(
                    tr(f"字段 “{key}” 重复出现（第一次在第{first.line}行）",
                       f"key '{key}' appears twice (first on line {first.line})"), key_loc,
                    tr("删掉其中一个，或合并两处的内容", "remove or merge one of them")))
                continue
            self.positions.keys[path + (key,)] = key_loc
            result[key] = self.walk(value_node, path + (key,))
        return result

    def _at(self, node: Node, path: KeyPath) -> Location:
        return _loc(self.display, self.lines, node.start_mark.line, node.start_mark.column,
                    path_text(path) or None)
