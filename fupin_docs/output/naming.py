"""Output file names: safe on Windows, macOS and Linux, unique within a build."""

from __future__ import annotations

import re

from fupin_docs.data.model import Household

_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
#: the folder of each per-household kind that holds its print files
MERGED = "合并打印"
#: bytes a file name may take before its extension: file systems allow 255 (UTF-8 on Linux),
#: and a Chinese character takes three
NAME_BYTES = 200


def safe_name(text: str, limit: int = 80) -> str:
    """Return `text` usable as a file name on Windows, macOS and Linux."""
    name = _FORBIDDEN.sub("_", text).strip(" .")
    if name.upper().split(".")[0] in _RESERVED:
        name = "_" + name
    return fit_bytes(name[:limit]) or "_"


def fit_bytes(name: str, size: int = NAME_BYTES) -> str:
    """Return `name` cut, on a character boundary, to at most `size` bytes of UTF-8."""
    data = name.encode("utf-8", "surrogatepass")
    if len(data) <= size:
        return name
    return data[:size].decode("utf-8", "ignore").rstrip(" .")


def file_stem(household: Household, unit_name: str) -> str:
    """Return the per-household file name: unit, household id and head, safe on Windows.

    The household id is unique in a project, so two heads with the same name never collide.
    """
    return fit_bytes("_".join([safe_name(unit_name, 30), safe_name(household.id, 30),
                               safe_name(household.head, 30)]))


class UniqueNames:
    """Hands out names that differ from every earlier one even where case is ignored."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def take(self, name: str, fallback: str) -> str:
        """Return `name`, else `name`_`fallback`, else `name`_2, _3 …, never one given before.

        Two units whose names differ only in case or in characters Windows forbids would
        share one print file on Windows and macOS.
        """
        found, n = name, 1
        if found.casefold() in self._taken:
            found = f"{name}_{fallback}"
        while found.casefold() in self._taken:
            n += 1
            found = f"{name}_{n}"
        self._taken.add(found.casefold())
        return found
