"""``inherit:`` — a school file takes shared defaults from a county file; its own values win."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fupin_docs.data.roots import Roots, outside_message
from fupin_docs.data.yamlfile import KeyPath, Loaded, Positions, load_file
from fupin_docs.errors import Problem
from fupin_docs.i18n import tr

KEY = "inherit"


def load_with_inherit(path: Path, display: str, read: list[Path], roots: Roots | None = None,
                      _chain: tuple[Path, ...] = ()) -> Loaded:
    """Return a YAML file merged over the file it inherits from (recursively).

    Mappings merge key by key; any other value (a list, a text) from the child replaces the
    parent's whole. Positions follow the values, so an error in an inherited value names the
    county file and its line. Every file read is appended to `read`.
    """
    loaded = load_file(path, display)
    data = loaded.data
    if not isinstance(data, dict) or KEY not in data:
        return loaded
    ref = data.pop(KEY)
    where = loaded.positions.of_value((KEY,))
    if not isinstance(ref, str) or not ref.strip():
        loaded.problems.append(Problem(tr("inherit 应写上级文件的路径，如 ../师宗县.yaml",
                                          "inherit takes a file path"), where))
        loaded.complete = False  # what it would have inherited is unknown
        return loaded
    parent_path = (path.parent / ref).resolve()
    if parent_path in _chain or parent_path == path.resolve():
        loaded.problems.append(Problem(tr(f"inherit 形成循环：{ref}", f"inherit loops: {ref}"),
                                       where))
        loaded.complete = False
        return loaded
    if roots is not None and not roots.allows(path.parent / ref):
        message, hint = outside_message("inherit 的文件", ref, roots)
        loaded.problems.append(Problem(message, where, hint))
        loaded.complete = False
        return loaded
    if not parent_path.is_file():
        loaded.problems.append(Problem(tr(f"inherit 的文件不存在：{ref}",
                                          f"inherit: no such file {ref}"),
                                       where, tr("路径相对于本文件所在的文件夹",
                                                 "relative to this file")))
        loaded.complete = False
        return loaded
    read.append(parent_path)
    parent = load_with_inherit(parent_path, _display(parent_path, path), read, roots,
                               _chain + (path.resolve(),))
    problems = parent.problems + loaded.problems
    if not isinstance(parent.data, dict):
        return Loaded(data, loaded.positions, problems, parent.complete and loaded.complete)
    positions = Positions()
    merged = _merge(parent.data, data, (), parent.positions, loaded.positions, positions)
    return Loaded(merged, positions, problems, parent.complete and loaded.complete)


def _display(parent: Path, child: Path) -> str:
    """Return the parent file as messages name it: relative to the child's folder if possible."""
    try:
        return Path(os.path.relpath(parent, child.parent.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return str(parent)


def _merge(parent: Any, child: Any, path: KeyPath, ppos: Positions, cpos: Positions,
           out: Positions) -> Any:
    """Return `child` merged over `parent`, filling `out` with the positions that survive."""
    if isinstance(parent, dict) and isinstance(child, dict):
        _copy_one(path, cpos if cpos.has_value(path) else ppos, out)
        result = {}
        for key in list(parent) + [k for k in child if k not in parent]:
            sub = path + (key,)
            if key in child and key in parent:
                result[key] = _merge(parent[key], child[key], sub, ppos, cpos, out)
            elif key in child:
                result[key] = child[key]
                out.graft(sub, cpos.subtree(sub))
            else:
                result[key] = parent[key]
                out.graft(sub, ppos.subtree(sub))
        return result
    out.graft(path, cpos.subtree(path))
    return child


def _copy_one(path: KeyPath, src: Positions, out: Positions) -> None:
    """Copy where the mapping at `path` itself (its value and key) was written."""
    entry = src.subtree(path)
    if entry is not None:
        for slot, setter in (("value", out.set_value), ("key", out.set_key)):
            found = entry.located(slot, path)
            if found is not None:
                setter(path, found)
