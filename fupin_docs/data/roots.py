"""The folders a project may read from: its own, its packs', and those its user names.

A project or a pack may come from someone else. Whatever its YAML says, and whatever links
its folders hold, it reads nothing outside these roots: a path is followed to where it really
is (symlinks resolved) before it is allowed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from fupin_docs.i18n import tr

#: more folders a project may read from, separated like PATH (the county's shared files, say)
ROOTS_ENV = "FUPIN_ROOTS"


class Roots:
    """A set of folders; a file may be read when it really lies inside one of them."""

    def __init__(self, folders: Iterable[Path]) -> None:
        self.folders = [Path(f).resolve() for f in folders]

    @classmethod
    def of_project(cls, root: Path, extra: Iterable[Path] = ()) -> Roots:
        """Return the roots of a project: its folder, `extra` (from the command line) and
        those named in $FUPIN_ROOTS."""
        named = [Path(p) for p in os.environ.get(ROOTS_ENV, "").split(os.pathsep) if p]
        return cls([root, *extra, *named])

    def allows(self, path: Path) -> bool:
        """Return True when `path`, links followed, lies inside one of the roots."""
        real = Path(path).resolve()
        return any(real == folder or folder in real.parents for folder in self.folders)

    def describe(self) -> str:
        """Return the roots as a message lists them."""
        return "、".join(str(f) for f in self.folders)


def outside_message(what: str, ref: str, roots: Roots) -> tuple[str, str]:
    """Return (message, hint) for a file named in the data that lies outside the roots."""
    return (tr(f"{what}“{ref}”在项目文件夹之外（或是指向外面的链接），为安全起见不读取",
               f"{what} '{ref}' lies outside the project (or links out of it); not read"),
            tr(f"把文件放进项目文件夹；确要读县里等处的文件，请在命令中加 --root 指定那个文件夹"
               f"（现在可读：{roots.describe()}）",
               f"put the file in the project folder, or name its folder with --root "
               f"(readable now: {roots.describe()})"))
