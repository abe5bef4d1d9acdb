"""Fingerprints of what each output is made from, so a rebuild rewrites only what changed.

A record's fingerprint is a hash of its template data (everything the document shows: the
household, the school facts on it, its amounts) and of the build's common inputs (code,
templates, packs, policy table, seal, settings). Equal fingerprints make equal files, so the
previous file is carried over instead of rendered again. Data of a kind this module cannot
hash gives no fingerprint, and the file is always rendered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel


class Unhashable(Exception):
    """A value whose content this module cannot tell from its identity."""


def _plain(value: Any) -> Any:
    """Return what JSON can hold for a value it cannot (json calls this only for those)."""
    if isinstance(value, (Decimal, dt.date, Enum)):
        return f"{type(value).__name__}:{value}"
    if isinstance(value, bytes):
        return hashlib.blake2b(value, digest_size=16).hexdigest()
    if isinstance(value, (set, frozenset)):
        return sorted(map(repr, value))
    if isinstance(value, BaseModel):
        return {name: getattr(value, name) for name in type(value).model_fields}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if hasattr(value, "__dict__") and not callable(value):
        return {"@": type(value).__qualname__, **vars(value)}
    raise Unhashable(type(value).__qualname__)


def digest(*values: Any) -> str | None:
    """Return the fingerprint of `values`, or None when one holds something unhashable.

    The values are written as JSON by the C encoder (a household's template data is some 500
    values: walking them in Python took longer than rendering the notice)."""
    try:
        text = json.dumps(values, ensure_ascii=False, default=_plain)
    except (Unhashable, ValueError, TypeError, RecursionError):
        return None
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def combine(parts: Iterable[str | None]) -> str | None:
    """Return one fingerprint for several (None when any of them is None)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        if part is None:
            return None
        h.update(part.encode())
    return h.hexdigest()


__all__ = ["Unhashable", "combine", "digest"]
