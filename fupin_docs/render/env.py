"""The one sandboxed Jinja environment every template renders in, with the project's filters."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from fupin_docs import cnformat
from fupin_docs.gongwen.measures import signature_context


class FupinEnvironment(SandboxedEnvironment):
    """The sandbox, with one change: ``row.items`` means the key "items", not dict.items."""

    def getattr(self, obj: object, attribute: str) -> object:
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


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
