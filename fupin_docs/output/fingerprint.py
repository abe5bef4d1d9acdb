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
from collections.abc import Iterable, Mapping
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel


class Unhashable(Exception):
    """A value whose content this module cannot tell from its identity."""


def _feed(h: Any, value: Any) -> None:
    """Feed `value` into hash `h`, tagged with its type so that 1, "1" and Keep("1") differ."""
    kind = type(value)
    h.update(kind.__qualname__.encode())
    if value is None or isinstance(value, (bool, int, float, Decimal, dt.date, Enum)):
        h.update(repr(value).encode())
    elif isinstance(value, str):
        h.update(value.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    elif isinstance(value, bytes):
        h.update(hashlib.blake2b(value, digest_size=16).digest())
    elif isinstance(value, Mapping):
        h.update(b"{%d" % len(value))
        for key, item in value.items():  # insertion order: a template iterates in it
            _feed(h, key)
            _feed(h, item)
    elif isinstance(value, (list, tuple)):
        h.update(b"[%d" % len(value))
        for item in value:
            _feed(h, item)
    elif isinstance(value, (set, frozenset)):
        _feed(h, sorted(map(repr, value)))
    elif isinstance(value, BaseModel):
        _feed(h, {name: getattr(value, name) for name in type(value).model_fields})
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _feed(h, {f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
    elif hasattr(value, "__dict__") and not callable(value):
        _feed(h, vars(value))
    else:
        raise Unhashable(kind.__qualname__)


def digest(*values: Any) -> str | None:
    """Return the fingerprint of `values`, or None when one holds something unhashable."""
    h = hashlib.blake2b(digest_size=16)
    try:
        for value in values:
            _feed(h, value)
    except (Unhashable, RecursionError):
        return None
    return h.hexdigest()


def combine(parts: Iterable[str | None]) -> str | None:
    """Return one fingerprint for several (None when any of them is None)."""
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        if part is None:
            return None
        h.update(part.encode())
    return h.hexdigest()


__all__ = ["Unhashable", "combine", "digest"]
