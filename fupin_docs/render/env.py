"""The one sandboxed Jinja environment every template renders in, with the project's filters."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from fupin_docs import cnformat
from fupin_docs.cnformat import Bare, Keep
from fupin_docs.gongwen.measures import signature_context

#: U+2060 WORD JOINER: zero width, and no line may break beside it (Word and LibreOffice)
WORD_JOINER = "\u2060"
#: what must never break across lines wherever it appears: phone numbers (masked or not),
#: ID numbers, 文号 such as 国发〔2015〕67号, and amounts such as 1000元/学年
_UNBREAKABLE = re.compile(
    r"1\d{2}(?:\*{4}|\d{4})\d{4}|0\d{2,3}-[\d*]{7,8}"
    r"|\d{6}[\d*]{8}\d{3}[\dXx*]|\d{6}[\d*]{5}\d{3}[\dXx*]?"
    r"|[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号"
    r"|\d+(?:\.\d+)?(?:万元|元)(?:/(?:学年|学期|月))?")


class FupinEnvironment(SandboxedEnvironment):
    """The sandbox, with one change: ``row.items`` means the key "items", not dict.items."""

    def getattr(self, obj: object, attribute: str) -> object:
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def joined(text: str) -> str:
    """Return `text` with a word joiner between its characters: Word keeps it on one line."""
    return WORD_JOINER.join(text.replace(WORD_JOINER, ""))


def word_value(value: object) -> object:
    """Return a value as a Word template prints it: Keep text joined whole, and every phone
    number, ID number, 文号 and amount in any text joined too."""
    if isinstance(value, Bare):
        return str(value)
    if isinstance(value, Keep):
        return joined(value)
    if isinstance(value, str) and value:
        return _UNBREAKABLE.sub(lambda m: joined(m.group(0)), value)
    return value


def word_join(items: Iterable[object], sep: str = "、") -> str:
    """Return join_cn for Word: each Keep item stays whole, lines may break at the separators."""
    if isinstance(items, str):
        return items
    return sep.join(joined(x) if isinstance(x, Keep) else str(x)
                    for x in items if x is not None and str(x) != "")


def make_env(*, autoescape: bool, text_dirs: list[Path] | None = None) -> SandboxedEnvironment:
    """Return the sandboxed environment every template renders in.

    Missing variables are errors (a blank in a printed notice is worse than a stop); Word
    templates autoescape so that ``&`` or ``<`` in a name cannot corrupt the XML. Text
    templates are found in `text_dirs` (for {% include %}).
    """
    loader = jinja2.FileSystemLoader([str(d) for d in text_dirs]) if text_dirs else None
    env = FupinEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        loader=loader,
        keep_trailing_newline=True,
        trim_blocks=not autoescape,
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
    )
    cnformat.register(env)
    if autoescape:  # a Word template: what is printed must not break where it may not
        env.finalize = word_value
        env.filters["join_cn"] = word_join
    env.globals["counter"] = Counter
    env.globals["signature_of"] = signature_context
    return env


class Counter:
    """A heading counter for templates: sections left out keep the numbering consecutive."""

    def __init__(self, start: int = 0) -> None:
        self.value = start

    def next(self) -> int:
        """Return the next number."""
        self.value += 1
        return self.value

    def reset(self, start: int = 0) -> str:
        """Start again from `start`; returns "" so it can be used inside {{ }}."""
        self.value = start
        return ""
