"""Read one YAML file into plain data, remembering the file, line and column of every value:
decoding, size and alias bounds, and the choice between the parser's events and its node tree
(the walk itself is in yamlwalk.py)."""

from __future__ import annotations

import codecs
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from fupin_docs.data.positions import FileLines, KeyPath, Positions, location_at
from fupin_docs.data.yamlwalk import Walker, syntax_problem
from fupin_docs.errors import Location, Problem
from fupin_docs.i18n import tr

#: a school's data is a few hundred KB and 100,000 households in YAML about 32 MB: a file
#: past 40 MB is a wrong file (a video, a backup), read no further
MAX_BYTES = 40 * 1024 * 1024


@dataclass
class Loaded:
    """One YAML file read: its data (None when unreadable), positions and problems."""

    data: Any
    positions: Positions
    problems: list[Problem]
    #: False when the file could not be read (its syntax, its encoding): what it holds is
    #: unknown, so a section missing elsewhere may well be in it
    complete: bool = True


def _unread(problem: Problem, syntax: bool = True) -> Loaded:
    """Return a file that could not be read at all; its problem says the rest waits for it."""
    note = (tr("（此文件有语法错误，其余检查在改正后进行）",
               " (this file is checked further once this is fixed)") if syntax else
            tr("（此文件无法读取，其余检查在改正后进行）",
               " (this file is checked once this is fixed)"))
    return Loaded(None, Positions(), [replace(problem, message=problem.message + note)],
                  complete=False)


#: nodes after expanding aliases (*name); a county's data has a few hundred thousand
MAX_NODES = 2_000_000


def _decode(raw: bytes, display: str) -> tuple[str | None, Problem | None]:
    """Return the text of a YAML file: UTF-8 with or without BOM; a clear problem otherwise."""
    where = Location(display)
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, Problem(tr("文件是 UTF-16 编码，无法读取", "the file is UTF-16 encoded"),
                             where,
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
        return _unread(Problem(tr(f"无法读取文件：{exc.strerror}",
                                  f"cannot read file: {exc.strerror}"), Location(display)), False)
    if len(raw) > MAX_BYTES:
        return _unread(Problem(
            tr(f"文件太大（{len(raw) // 1024 // 1024} MB），不像是学校资料",
               f"file too large ({len(raw) // 1024 // 1024} MB)"), Location(display),
            tr("检查是否选错了文件；名单请用花名册（roster）", "check the file name")), False)
    text, problem = _decode(raw, display)
    if problem:
        return _unread(problem, False)
    assert text is not None
    if not text.strip():
        return Loaded(None, positions, [Problem(tr("文件是空的", "the file is empty"),
                                                Location(display),
                                                tr("填写内容，或删除这个文件",
                                                   "fill it in or delete it"))])
    lines = FileLines(text)
    streamed = _stream(text, display, lines)
    if streamed is not None:
        return streamed
    try:
        node = _compose(text)
        if node is None:  # only comments
            return Loaded(None, positions, [Problem(
                tr("文件中只有注释，没有内容", "the file holds only comments"), Location(display),
                tr("填写内容，或删除这个文件", "fill it in or delete it"))])
        tangle = _tangle(node) if "*" in text else None  # only aliases (*name) can tangle
        if tangle:
            why, mark = tangle
            return _unread(Problem(why, location_at(display, lines, mark.line, mark.column),
                                   tr("检查 & 与 * 的用法", "check the & and * marks")))
        walker = Walker(display, lines, positions)
        walker.aliased = "*" in text or "<<" in text
        data = walker.walk(node, ())
    except yaml.MarkedYAMLError as exc:
        return _unread(syntax_problem(exc, display, lines))
    except yaml.reader.ReaderError as exc:  # a control character written into the file
        line = text.count("\n", 0, exc.position)
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1)
        return _unread(Problem(
            tr(f"YAML 格式错误：文件中有不可见的控制字符（U+{exc.character:04X}）",
               f"YAML syntax error: control character U+{exc.character:04X}"),
            location_at(display, lines, line, column),
            tr("删除该处的特殊字符后保存", "delete it")))
    except yaml.YAMLError as exc:
        return _unread(Problem(tr(f"YAML 格式错误：{exc}", f"YAML error: {exc}"),
                               Location(display)))
    except RecursionError:
        return _unread(Problem(tr("YAML 嵌套层次太深", "YAML nested too deeply"),
                               Location(display), tr("检查是否选错了文件", "check the file")))
    return Loaded(data, positions, walker.finish(data))


def _stream(text: str, display: str, lines: Sequence[str]) -> Loaded | None:
    """Return the file read straight from the parser's events, or None to take the slow road.

    Reading events never holds the whole node tree (a third of the memory for 10,000
    households). Anchors, aliases, merge keys and tags need the tree, and any error is left
    to the node road, whose messages are the explained ones.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is None or any(mark in text for mark in ("&", "*", "<<", "!")):
        return None
    positions = Positions()
    walker = Walker(display, lines, positions)
    loader = fast(text)
    # the parser's own get_event, called from C: yaml.parse() wraps it in a Python generator
    events = iter(loader.get_event, None)
    try:
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                data = walker.walk_events(next(events), events, ())
                if not isinstance(next(events), yaml.DocumentEndEvent):
                    return None  # a second document: let the node road say so
                if not isinstance(next(events), yaml.StreamEndEvent):
                    return None
                return Loaded(data, positions, walker.finish(data))
    except (yaml.YAMLError, RecursionError, StopIteration):
        return None
    finally:
        loader.dispose()
    return None  # only comments: the node road explains


class _Tangled(Exception):
    """Aliases make a node tree unusable: `why`, at `node`."""

    def __init__(self, why: str, node: Node):
        super().__init__(why)
        self.why, self.node = why, node


def _tangle(root: Node) -> tuple[str, yaml.Mark] | None:
    """Return why aliases make `root` unusable (a loop, or too much when expanded), and where."""
    sizes: dict[int, int] = {}  # id(node) -> nodes under it, aliases expanded
    open_: set[int] = set()

    def size(node: Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        if id(node) in open_:
            raise _Tangled(tr("别名（*）引用了包含它自身的内容，形成循环",
                              "an alias refers to itself"), node)
        open_.add(id(node))
        if isinstance(node, SequenceNode):
            children = list(node.value)
        elif isinstance(node, MappingNode):
            children = [part for pair in node.value for part in pair]
        else:
            children = []
        total = 1 + sum(size(child) for child in children)
        open_.discard(id(node))
        if total > MAX_NODES:
            raise _Tangled(tr("别名（*）展开后内容过多", "aliases expand to too much data"), node)
        sizes[id(node)] = total
        return total

    try:
        size(root)
    except _Tangled as stop:
        return stop.why, stop.node.start_mark
    return None


def _compose(text: str) -> Node | None:
    """Return the node tree: by libyaml when present (several times faster on 10,000 households);
    on any error, again in Python, whose errors this module knows how to explain."""
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


__all__ = ["KeyPath", "Loaded", "MAX_BYTES", "Positions", "load_file"]
