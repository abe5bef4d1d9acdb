"""Turn what the YAML parser reads, a node tree or its events, into plain data with the file,
line and column of every value and key; and say a syntax error in a secretary's words."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from sys import intern
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.events import ScalarEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from fupin_docs.data.labels import dig, label
from fupin_docs.data.model import Project
from fupin_docs.data.positions import Entry, KeyPath, Positions, leaf, location_at, path_text
from fupin_docs.data.values import CONTROL, control_message
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

# PyYAML's messages, in the words a secretary can act on
_YAML_MESSAGES = {
    "mapping values are not allowed here": (
        "这里不能出现冒号“:”（常见原因：缩进不对齐，或文字中含冒号）",
        "a colon is not allowed here",
        "检查这一行与上一行是否左对齐；若文字本身含冒号，请给整段文字加引号"),
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
    "that cannot start any token": (
        "这个字符不能放在一段文字的开头", "this character cannot start a value",
        "给整段文字加引号，如 \"@张三\""),
    "expected ',' or ']'": (
        "方括号 [ ] 没有配对，或各项之间缺少逗号", "unclosed [ or missing comma",
        "检查 [ 与 ] 是否成对，各项之间用英文逗号隔开"),
    "expected ',' or '}'": (
        "花括号 { } 没有配对，或各项之间缺少逗号", "unclosed { or missing comma",
        "检查 { 与 } 是否成对，各项之间用英文逗号隔开"),
    "expected <block end>": (
        "缩进不对齐", "indentation does not line up", "同一层的字段要左对齐，用空格缩进"),
    "expected the node content": (
        "这里缺少内容（括号或引号没有写完）", "a value is missing here", "检查括号、引号是否成对"),
    "but found another document": (
        "一个文件只能有一份资料（出现了第二个 “---”）", "only one document per file",
        "删除多余的 “---” 行，或把后面的内容另存为一个文件"),
    "for merging": (
        "合并键 “<<” 后面应是用 & 定义过的“字段: 值”", "'<<' must merge a mapping",
        "写成 <<: *名称，并在前面用 &名称 定义"),
}
# Errors that PyYAML notices only later (at the next line, or the end of the file): the place
# where the unfinished thing began is where the user must look
_AT_START = ("could not find expected ':'", "found unexpected end of stream",
             "expected ',' or ']'", "expected ',' or '}'")


def syntax_problem(exc: yaml.MarkedYAMLError, display: str, lines: Sequence[str]) -> Problem:
    """Return a Chinese problem for a YAML syntax error, at its line and column."""
    raw = exc.problem or exc.context or str(exc)
    start = any(p in raw for p in _AT_START) and exc.context_mark is not None
    mark = exc.context_mark if start else exc.problem_mark or exc.context_mark
    message, hint = tr(f"YAML 格式错误：{raw}", f"YAML syntax error: {raw}"), None
    for pattern, (zh, en, how) in _YAML_MESSAGES.items():
        if pattern in raw:
            message, hint = tr(f"YAML 格式错误：{zh}", f"YAML syntax error: {en}"), tr(how, raw)
            break
    if mark is None:
        return Problem(message, Location(display), hint)
    return Problem(message, location_at(display, lines, mark.line, mark.column), hint)


_STR = "tag:yaml.org,2002:str"
#: values that may be handed out again for the same text (a list or dict may not)
_IMMUTABLE = (bool, int, float, type(None), dt.date)
_SKIP = object()  # a key already reported: its value is read past


class Walker:
    """Turn a composed YAML node tree (walk) or the parser's events (walk_events) into Python
    data, noting positions, duplicate keys and control characters."""

    def __init__(self, display: str, lines: Sequence[str], positions: Positions):
        self.display, self.lines, self.positions = display, lines, positions
        self.source = (display, lines)  # shared by every mark of the file
        self.problems: list[Problem] = []
        #: (path, character) of each value holding a control character: the message names
        #: the place (第2户（H02 王二）的户主姓名), which needs the whole file read
        self.controls: list[tuple[KeyPath, str]] = []
        self.constructor = SafeConstructor()
        self.resolver = Resolver()
        #: with aliases one node can sit in several places: then nothing may be let go early
        self.aliased = False
        #: tags of plain scalars and values of non-text ones, by their text (event walk)
        self._tags: dict[str, str] = {}
        self._values: dict[tuple[str, str], Any] = {}

    def walk(self, node: Node, path: KeyPath, entry: Entry | None = None) -> Any:
        mark = node.start_mark
        # the caller hands down this value's entry: finding it from the root each time costs
        entry = entry if entry is not None else self.positions._make(path)
        entry.store("value", (self.source, mark.line, mark.column))
        if isinstance(node, ScalarNode):
            try:
                if node.tag == _STR:  # most values: no constructor lookup needed
                    value = node.value
                else:
                    value = self.constructor.construct_object(node, deep=True)
                bad = CONTROL.search(value) if isinstance(value, str) else None
                if bad:
                    self.controls.append((path, bad.group()))
                return value
            except (yaml.YAMLError, ValueError) as exc:  # e.g. an impossible date 2018-02-30
                reason = getattr(exc, "problem", None) or exc
                if "out of range" not in str(reason):
                    self.problems.append(Problem(tr(f"无法识别的值：{reason}",
                                                    f"unreadable value: {reason}"),
                                                 self.positions.of_value(path)))
                # 2018-02-30 stays text: where a date belongs, the model says what is wrong
                # with it in the words it uses for every date, from YAML or a roster
                return node.value
        if isinstance(node, SequenceNode):
            items = node.value
            out = []
            for i, item in enumerate(items):
                out.append(self.walk(item, path + (i,), entry.child(i)))
                # let each walked subtree go: the node tree of 10,000 households is large
                if not self.aliased:
                    items[i] = None
            return out
        if isinstance(node, MappingNode):
            return self._mapping(node, path, entry)
        return None

    def finish(self, data: Any) -> list[Problem]:
        """Return every problem of the file, now that the places can be named."""
        for path, char in self.controls:
            what = label(path, Project, lambda at: dig(data, at))
            self.problems.append(Problem(
                control_message(char, what + tr("中", "") if path else tr("文字中", "")),
                self.positions.of_value(path),
                tr("删除该字符；双引号中的 \\a、\\b 等也会写出控制字符", "delete it")))
        return self.problems

    def _mapping(self, node: MappingNode, path: KeyPath, entry: Entry) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        try:
            self.constructor.flatten_mapping(node)  # resolve YAML merge keys (<<)
        except yaml.MarkedYAMLError as exc:
            self.problems.append(syntax_problem(exc, self.display, self.lines))
            return result
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.problems.append(Problem(tr("字段名必须是简单文字", "keys must be plain text"),
                                             self._at(key_node, path)))
                continue
            key = self._key(key_node, path, result, entry)
            if key is not _SKIP:
                result[key] = self.walk(value_node, path + (key,), entry.child(key))
        return result

    def _key(self, key_node: ScalarNode, path: KeyPath, result: dict[Any, Any],
             entry: Entry) -> Any:
        """Return the key `key_node` holds, recording where it is; _SKIP when it is unusable."""
        try:
            key = (key_node.value if key_node.tag == _STR
                   else self.constructor.construct_object(key_node))
        except (yaml.YAMLError, ValueError):  # a key like 2018-02-30 or !tag
            self.problems.append(Problem(tr(f"无法识别的字段名“{key_node.value}”",
                                            f"unreadable key '{key_node.value}'"),
                                         self._at(key_node, path),
                                         tr("字段名请写成简单文字", "write keys as plain text")))
            return _SKIP
        key = key if isinstance(key, (str, int)) else str(key)
        bad = CONTROL.search(key) if isinstance(key, str) else None
        if bad:
            self.problems.append(Problem(control_message(bad.group(), tr("字段名中", "")),
                                         self._at(key_node, path),
                                         tr("删除该字符", "delete it")))
            return _SKIP
        mark = key_node.start_mark
        if key in result:
            first = self.positions.of_key(path + (key,))
            assert first is not None
            self.problems.append(Problem(
                tr(f"字段 “{key}” 重复出现（第一次在第{first.line}行）",
                   f"key '{key}' appears twice (first on line {first.line})"),
                self._at(key_node, path + (key,)),
                tr("删掉其中一个，或合并两处的内容", "remove or merge one of them")))
            return _SKIP
        entry.child(key).store("key", (self.source, mark.line, mark.column))
        return key

    def walk_events(self, event: Any, events: Any, path: KeyPath,
                    entry: Entry | None = None) -> Any:
        """Return the value that starts with `event`, reading the rest of it from `events`.

        The same data, positions and problems as composing the nodes and walking them, with
        the common case (a plain or quoted scalar) taken without building a node for it.
        """
        entry = entry if entry is not None else self.positions._make(path)
        if isinstance(event, ScalarEvent):
            return self._scalar_value(event, path, entry)
        self._mark(entry, event.start_mark)
        if isinstance(event, yaml.SequenceStartEvent):
            out: list[Any] = []
            for item in events:
                if isinstance(item, yaml.SequenceEndEvent):
                    return out
                index = len(out)
                out.append(self.walk_events(item, events, path + (index,),
                                            entry.child(index)))
        if isinstance(event, yaml.MappingStartEvent):
            return self._mapping_events(events, path, entry)
        raise yaml.YAMLError(f"unexpected event {event}")

    def _mapping_events(self, events: Any, path: KeyPath, entry: Entry) -> dict[Any, Any]:
        """Return the mapping whose start event was just read; plain field names and text
        values are taken inline (they are nine in ten of a households file's events)."""
        result: dict[Any, Any] = {}
        if entry.children is None:
            entry.children = {}
        children, source, tags = entry.children, self.source, self._tags
        for key_event in events:
            if type(key_event) is not ScalarEvent:
                if isinstance(key_event, yaml.MappingEndEvent):
                    return result
                raise yaml.YAMLError("a key that is not plain text")  # the node road says it
            key = key_event.value
            child: Entry | None = None
            if (key_event.tag is None and key_event.implicit[0] and tags.get(key) == _STR
                    and key not in result and key not in children and not CONTROL.search(key)):
                mark: Any = key_event.start_mark
                key_mark = mark.line << 16 | min(mark.column, 0xFFFF)
                key = intern(key)  # one string per field name, not one per household
            else:
                key = self._event_key(key_event, path, result, entry)
                if key is _SKIP:
                    self._skip(next(events), events)
                    continue
                child = entry.child(key)
            value_event = next(events)
            value: Any = _SKIP  # taken inline: text, or a number or date read before
            if type(value_event) is ScalarEvent and value_event.tag is None:
                text = value_event.value
                tag = tags.get(text) if value_event.implicit[0] else _STR
                if tag == _STR:
                    value = text
                    if bad := CONTROL.search(text):
                        self.controls.append((path + (key,), bad.group()))
                elif tag is not None:
                    value = self._values.get((tag, text), _SKIP)
            if value is not _SKIP:
                mark = value_event.start_mark
                value_mark = mark.line << 16 | min(mark.column, 0xFFFF)
                if child is not None:
                    child.value = value_mark
                elif entry.source is source:  # a leaf: both marks in one int
                    children[key] = leaf(key_mark, value_mark)
                else:
                    child = children[key] = Entry()
                    child.source, child.key, child.value = source, key_mark, value_mark
                result[key] = value
                continue
            if child is None:
                child = children[key] = Entry()
                child.source, child.key = source, key_mark
            result[key] = self.walk_events(value_event, events, path + (key,), child)
        raise yaml.YAMLError("the file ends inside a mapping")

    def _mark(self, entry: Entry, mark: Any, slot: str = "value") -> None:
        """Record where a value (or key) starts; a fresh entry of this file is set directly."""
        if entry.source is None or entry.source is self.source:
            entry.source = self.source
            setattr(entry, slot, mark.line << 16 | min(mark.column, 0xFFFF))
        else:
            entry.store(slot, (self.source, mark.line, mark.column))

    def _tag(self, event: Any) -> str:
        """Return a scalar event's tag, resolved as the composer would (remembered by value:
        ids, grades, dates and field names come back thousands of times)."""
        if event.tag:
            return str(event.tag)
        if not event.implicit[0]:  # quoted: always text
            return _STR
        tag = self._tags.get(event.value)
        if tag is None:
            tag = self.resolver.resolve(ScalarNode, event.value, event.implicit)
            if len(self._tags) < 20000:
                self._tags[event.value] = tag
        return tag

    def _scalar_value(self, event: Any, path: KeyPath, entry: Entry) -> Any:
        """Return the value of a scalar event, as walking its node would."""
        tag = self._tag(event)
        if tag != _STR:
            known = self._values.get((tag, event.value), _SKIP)
            if known is not _SKIP:
                self._mark(entry, event.start_mark)
                return known
            problems = len(self.problems)
            value = self.walk(self._node(event, tag), path, entry)
            if len(self.problems) == problems and isinstance(value, _IMMUTABLE):
                self._values[(tag, event.value)] = value
            return value
        self._mark(entry, event.start_mark)
        value = event.value
        bad = CONTROL.search(value)
        if bad:
            self.controls.append((path, bad.group()))
        return value

    def _event_key(self, event: Any, path: KeyPath, result: dict[Any, Any],
                   entry: Entry) -> Any:
        """Return the key a scalar event holds, as _key does for its node."""
        key = event.value
        if (self._tag(event) != _STR or CONTROL.search(key) or key in result
                or (entry.children is not None and key in entry.children)):
            return self._key(self._node(event, self._tag(event)), path, result, entry)
        self._mark(entry.child(key), event.start_mark, "key")
        return key

    @staticmethod
    def _node(event: Any, tag: str) -> ScalarNode:
        """Return the node a scalar event stands for."""
        return ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)

    def _skip(self, event: Any, events: Any) -> None:
        """Read past the value that starts with `event` (under a key already reported)."""
        depth = 1 if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)) else 0
        while depth:
            item = next(events)
            if isinstance(item, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
            elif isinstance(item, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1

    def _at(self, node: Node, path: KeyPath) -> Location:
        return location_at(self.display, self.lines, node.start_mark.line, node.start_mark.column,
                    path_text(path) or None)
