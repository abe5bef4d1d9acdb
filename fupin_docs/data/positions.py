"""Where every value and key of the loaded data was written: a tree that mirrors the data."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

from fupin_docs.errors import Location

KeyPath = tuple[Any, ...]


class FileLines(Sequence[str]):
    """The lines of a file, for quoting in messages: kept as UTF-8 bytes and split only
    when a message first needs one (the lines of 10,000 households, split, take 10 MB)."""

    __slots__ = ("_data", "_lines")

    def __init__(self, text: str) -> None:
        self._data = text.encode("utf-8", "surrogatepass")
        self._lines: list[str] | None = None

    def _split(self) -> list[str]:
        if self._lines is None:
            self._lines = self._data.decode("utf-8", "surrogatepass").splitlines()
        return self._lines

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        return self._split()[index]

    def __len__(self) -> int:
        return len(self._split())


def location_at(display: str, lines: Sequence[str], line0: int, col0: int,
                key: str | None = None) -> Location:
    """Return a Location from PyYAML's zero-based line and column."""
    source = lines[line0] if 0 <= line0 < len(lines) else None
    return Location(display, line0 + 1, col0 + 1, key, source=source)


def path_text(path: KeyPath) -> str:
    """Return `path` as users read it: ``households[3].children[0].name``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


#: a position as the loader stores it: ((file name, file lines), zero-based line, column); it
#: becomes a Location only when a message needs one (10,000 households have 400,000 values)
Mark = tuple[tuple[str, Sequence[str]], int, int]


Source = tuple[str, Sequence[str]]


def _located(mark: Location | int, source: Source | None, path: KeyPath) -> Location:
    """Return a stored mark as a Location: marks are Locations or packed line/column ints."""
    if isinstance(mark, Location):
        return mark
    assert source is not None
    display, lines = source
    return location_at(display, lines, mark >> 16, mark & 0xFFFF, path_text(path) or None)


_LOW = (1 << 40) - 1


def leaf(key: int | None, value: int | None) -> int:
    """Return the packed positions of a value with no children of its own (a field written
    as text): its key's and its own mark, in one int kept in its parent's children, which
    says the file. Nine in ten values are leaves; an Entry each took 140 bytes."""
    return (0 if key is None else key + 1) << 40 | (0 if value is None else value + 1)


class Entry:
    """The positions of one value: where it starts, where its key is, and its children's.

    Marks are packed into one int (line << 16 | column) with the file kept once per entry:
    10,000 households have 400,000 of them. A child may be a packed `leaf`, made into an
    Entry when it is asked for.
    """

    __slots__ = ("value", "key", "source", "children")

    def __init__(self) -> None:
        self.value: Location | int | None = None
        self.key: Location | int | None = None
        self.source: Source | None = None
        self.children: dict[Any, Entry | int] | None = None

    def _unpack_leaves(self) -> None:
        """Make every packed leaf child an Entry (before this entry's file changes)."""
        for part, found in (self.children or {}).items():
            if isinstance(found, int):
                self.child(part)

    def store(self, slot: str, mark: Location | Mark) -> None:
        """Record a mark in `slot` ("value" or "key")."""
        if isinstance(mark, Location):
            setattr(self, slot, mark)
            return
        source, line0, col0 = mark
        if self.source is not None and self.source is not source:
            self._unpack_leaves()  # they are of the old file
            # the other slot came from another file: keep that one whole
            other = "key" if slot == "value" else "value"
            held = getattr(self, other)
            if isinstance(held, int):
                setattr(self, other, _located(held, self.source, ()))
        self.source = source
        setattr(self, slot, line0 << 16 | min(col0, 0xFFFF))

    def located(self, slot: str, path: KeyPath) -> Location | None:
        mark = getattr(self, slot)
        return None if mark is None else _located(mark, self.source, path)

    def child(self, part: Any) -> Entry:
        if self.children is None:
            self.children = {}
        found = self.children.get(part)
        if found is None:
            found = self.children[part] = Entry()
        elif isinstance(found, int):
            packed, found = found, Entry()
            key, value = (packed >> 40) - 1, (packed & _LOW) - 1
            found.source = self.source
            found.key, found.value = (key if key >= 0 else None), (value if value >= 0 else None)
            self.children[part] = found
        return found


class Positions:
    """Where each value and each key of the loaded data was written.

    Kept as a tree that mirrors the data: a flat table keyed by whole paths took four times
    the memory for 10,000 households.
    """

    def __init__(self) -> None:
        self.root = Entry()

    def _find(self, path: KeyPath) -> Entry | None:
        entry: Entry | None = self.root
        for part in path:
            if entry is None or entry.children is None or part not in entry.children:
                return None
            entry = entry.child(part)
        return entry

    def _make(self, path: KeyPath) -> Entry:
        entry = self.root
        for part in path:
            entry = entry.child(part)
        return entry

    def set_value(self, path: KeyPath, mark: Location | Mark) -> None:
        """Record where the value at `path` starts."""
        self._make(path).store("value", mark)

    def set_key(self, path: KeyPath, mark: Location | Mark) -> None:
        """Record where the key naming `path` is written."""
        self._make(path).store("key", mark)

    def has_value(self, path: KeyPath) -> bool:
        entry = self._find(path)
        return entry is not None and entry.value is not None

    def of_value(self, path: KeyPath) -> Location | None:
        """Return where the value at `path` (or its nearest written ancestor) starts."""
        entry, best, depth = self.root, None, 0
        if entry.value is not None:
            best = entry
        for i, part in enumerate(path):
            if entry.children is None or part not in entry.children:
                break
            entry = entry.child(part)
            if entry.value is not None:
                best, depth = entry, i + 1
        return best.located("value", tuple(path[:depth])) if best is not None else None

    def of_key(self, path: KeyPath) -> Location | None:
        """Return where the key naming `path` is written, else where its value is."""
        entry = self._find(tuple(path))
        if entry is not None and entry.key is not None:
            return entry.located("key", tuple(path))
        return self.of_value(path)

    def renumber(self, path: KeyPath, kept: list[int]) -> None:
        """Number the entries of the list at `path` as a list holding only those `kept` (by
        their old numbers) is numbered: records left out keep no place."""
        entry = self._find(path)
        if entry is not None and entry.children is not None:
            old = entry.children
            entry.children = {new: old[i] for new, i in enumerate(kept) if i in old}

    def subtree(self, path: KeyPath) -> Entry | None:
        """Return the positions under `path` (to graft elsewhere)."""
        return self._find(path)

    def graft(self, path: KeyPath, entry: Entry | None) -> None:
        """Put `entry` (another tree's positions) at `path`, keeping the key mark here if any."""
        if entry is None:
            return
        if not path:
            self.root = entry
            return
        parent = self._make(path[:-1])
        old = parent.child(path[-1]) if path[-1] in (parent.children or {}) else None
        if old is not None and entry.key is None and old.key is not None:
            entry.key = old.located("key", path)
        if parent.children is None:
            parent.children = {}
        parent.children[path[-1]] = entry

    def update(self, other: Positions, prefix: KeyPath = ()) -> None:
        """Put `other`'s top-level positions in under `prefix` (its root value is left out)."""
        for part in list(other.root.children or {}):
            self.graft(prefix + (part,), other.root.child(part))
