"""The one sandboxed Jinja environment every template renders in, with the project's filters."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from fupin_docs import cnformat
from fupin_docs.cnformat import Bare, Keep
from fupin_docs.gongwen.measures import signature_context
from fupin_docs.render.images import from_docxtpl, note_unusual
from fupin_docs.render.limits import (
    DEFAULT,
    Limits,
    bounded_namespace,
    bounded_range,
    check_time,
    too_long,
)
from fupin_docs.render.tables import unusual_text, unusual_value

#: U+2060 WORD JOINER: zero width, and no line may break beside it (Word and LibreOffice)
WORD_JOINER = "\u2060"
#: what must never break across lines wherever it appears: phone numbers (masked or not),
#: ID numbers, 文号 such as 国发〔2015〕67号, and amounts such as 1000元/学年
_UNBREAKABLE = re.compile(
    r"1\d{2}(?:\*{4}|\d{4})\d{4}|0\d{2,3}-[\d*]{7,8}"
    r"|\d{6}[\d*]{8}\d{3}[\dXx*]|\d{6}[\d*]{5}\d{3}[\dXx*]?"
    r"|[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号"
    r"|\d+(?:\.\d+)?(?:万元|元)(?:/(?:学年|学期|月))?")


#: str methods whose result can be made far larger than their string: (name, size of result)
_GROWING = {
    "ljust": lambda s, a, k: _int(a, 0), "rjust": lambda s, a, k: _int(a, 0),
    "center": lambda s, a, k: _int(a, 0), "zfill": lambda s, a, k: _int(a, 0),
    "expandtabs": lambda s, a, k: len(s) + s.count("\t") * _int(a, 0, 8),
    "replace": lambda s, a, k: len(s) + s.count(_str(a, 0)) * len(_str(a, 1)) + len(_str(a, 1)),
    "join": lambda s, a, k: _joined_size(s, a),
    "format": lambda s, a, k: _widest(s),
}


def _int(args: tuple[Any, ...], i: int, default: int = 0) -> int:
    value = args[i] if len(args) > i else default
    return value if isinstance(value, int) else 0


def _str(args: tuple[Any, ...], i: int) -> str:
    value = args[i] if len(args) > i else ""
    return value if isinstance(value, str) else ""


def _joined_size(sep: str, args: tuple[Any, ...]) -> int:
    items = args[0] if args else ()
    if not isinstance(items, (list, tuple, str)):
        return 0
    return len(sep) * len(items) + sum(len(str(x)) for x in items[:10_000]) * max(
        1, len(items) // 10_000)


def _widest(spec: str) -> int:
    """Return the widest field a format string (or %-format) asks for."""
    return max([int(n) for n in re.findall(r"[<>^=]?(\d{5,})", spec)] or [0])


class FupinEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox every template renders in.

    Immutable: a template cannot change the lists and dicts it is given. Bounded: strings it
    builds, ranges and namespaces stay within `limits`, and it keeps the render's clock.
    One change of meaning: ``row.items`` is the key "items", not dict.items.
    """

    intercepted_binops = frozenset(["*", "%", "**", "+"])
    limits: Limits = DEFAULT

    def getattr(self, obj: object, attribute: str) -> object:
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: jinja2.runtime.Context, operator: str, left: Any,
                   right: Any) -> Any:
        limits = self.limits
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, (str, list, tuple)) and isinstance(times, int):
                    too_long(limits, len(seq) * times)
        elif operator == "**" and isinstance(right, int) and right > 64:
            too_long(limits, right * 10)  # numbers of many thousand digits are a bomb too
        elif operator == "%" and isinstance(left, str):
            too_long(limits, _widest(left))
        elif operator == "+" and isinstance(left, (str, list)) and isinstance(right, type(left)):
            too_long(limits, len(left) + len(right))
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: jinja2.runtime.Context, __obj: Any, *args: Any,
             **kwargs: Any) -> Any:
        check_time()
        owner = getattr(__obj, "__self__", None)
        name = getattr(__obj, "__name__", "")
        if isinstance(owner, str) and name in _GROWING:
            too_long(__self.limits, _GROWING[name](owner, args, kwargs))
        return super().call(__context, __obj, *args, **kwargs)


def joined(text: str) -> str:
    """Return `text` with a word joiner between its characters: Word keeps it on one line."""
    return WORD_JOINER.join(text.replace(WORD_JOINER, ""))


def word_value(value: object) -> object:
    """Return a value as a Word template prints it: Keep text joined whole, and every phone
    number, ID number, 文号 and amount in any text joined too."""
    if type(value) is str:  # most values: a plain text first, without the checks below
        if value and unusual_text(value):
            note_unusual()
        return _UNBREAKABLE.sub(_joined_match, value) if value else value
    if type(value) is int:
        return value
    if type(value).__module__.startswith("docxtpl"):  # a context written for docxtpl
        value = from_docxtpl(value)
    elif isinstance(value, Bare):
        value = str(value)
    elif isinstance(value, Keep):
        value = joined(value)
    elif isinstance(value, str) and value:
        value = _UNBREAKABLE.sub(_joined_match, value)
    if unusual_value(value):
        note_unusual()
    return value


def _joined_match(match: re.Match[str]) -> str:
    return joined(match.group(0))


def word_join(items: Iterable[object], sep: str = "、") -> str:
    """Return join_cn for Word: each Keep item stays whole, lines may break at the separators."""
    if isinstance(items, str):
        return items
    return sep.join(joined(x) if isinstance(x, Keep) else str(x)
                    for x in items if x is not None and str(x) != "")


def _bounded_filters(env: FupinEnvironment) -> None:
    """Replace the built-in filters that can make a string far longer than their input."""
    limits = env.limits
    names = ("center", "indent", "format", "replace", "join", "wordwrap")
    originals: dict[str, Any] = {name: env.filters[name] for name in names
                                 if name in env.filters}

    def guard(name: str, size: Callable[..., int]) -> Callable[..., Any]:
        original = originals[name]

        def bounded(*args: Any, **kwargs: Any) -> Any:
            too_long(limits, size(*args, **kwargs))
            return original(*args, **kwargs)
        bounded.__name__ = original.__name__
        for attr in ("jinja_pass_arg",):  # keep how Jinja hands the filter its context
            if hasattr(original, attr):
                setattr(bounded, attr, getattr(original, attr))
        return bounded

    def text(value: Any) -> str:
        return value if isinstance(value, str) else str(value)

    sizes: dict[str, Callable[..., int]] = {
        "center": lambda value, width=80: max(len(text(value)), width if isinstance(width, int)
                                               else 0),
        "indent": lambda value, width=4, *a, **k: len(text(value)) * 2 + (
            (text(value).count("\n") + 1) * (width if isinstance(width, int) else len(width))),
        "format": lambda value, *a, **k: _widest(text(value)) + len(text(value)),
        "replace": lambda *a, **k: _filter_replace_size(a),
        "join": lambda *a, **k: _filter_join_size(a, k),
        "wordwrap": lambda *a, **k: len(text(a[1] if len(a) > 1 else "")) * 2,
    }
    for name, size in sizes.items():
        if name in originals:
            env.filters[name] = guard(name, size)


def _filter_replace_size(args: tuple[Any, ...]) -> int:
    """Return the size `replace` would give (its first argument may be the eval context)."""
    strings = [a for a in args if isinstance(a, str)]
    if len(strings) < 3:
        return 0
    value, old, new = strings[:3]
    return len(value) + (value.count(old) if old else len(value)) * len(new)


def _filter_join_size(args: tuple[Any, ...], kwargs: dict[str, Any]) -> int:
    """Return the size `join` would give."""
    rest = [a for a in args if isinstance(a, (list, tuple, str))]
    items = rest[0] if rest else ()
    sep = rest[1] if len(rest) > 1 and isinstance(rest[1], str) else kwargs.get("d", "")
    return _joined_size(sep if isinstance(sep, str) else "", (items,))


class ConfinedLoader(jinja2.BaseLoader):
    """Find text templates in folders, never following a link out of the project or pack that
    owns each folder (a template may {% include %} another, and must not reach /etc)."""

    def __init__(self, folders: list[Path]) -> None:
        self.folders = [Path(f) for f in folders]

    def get_source(self, environment: jinja2.Environment, template: str
                   ) -> tuple[str, str, Callable[[], bool]]:
        parts = jinja2.loaders.split_template_path(template)  # refuses ".." and the like
        for folder in self.folders:
            path = folder.joinpath(*parts)
            if not path.is_file():
                continue
            owner = folder.parent.resolve()
            real = path.resolve()
            if owner not in real.parents:
                raise SecurityError(f"{template} links out of {folder.parent}")
            mtime = path.stat().st_mtime
            source = path.read_text("utf-8")
            def unchanged(path: Path = path, mtime: float = mtime) -> bool:
                return path.is_file() and path.stat().st_mtime == mtime

            return source, str(path), unchanged
        raise jinja2.TemplateNotFound(template)


def make_env(*, autoescape: bool, text_dirs: list[Path] | None = None,
             limits: Limits = DEFAULT) -> SandboxedEnvironment:
    """Return the sandboxed environment every template renders in.

    Missing variables are errors (a blank in a printed notice is worse than a stop); Word
    templates autoescape so that ``&`` or ``<`` in a name cannot corrupt the XML. Text
    templates are found in `text_dirs` (for {% include %}).
    """
    loader = ConfinedLoader(text_dirs) if text_dirs else None
    env = FupinEnvironment(
        undefined=jinja2.StrictUndefined,
        autoescape=autoescape,
        loader=loader,
        keep_trailing_newline=True,
        trim_blocks=not autoescape,
        extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"],
    )
    env.limits = limits
    cnformat.register(env)
    _bounded_filters(env)
    env.globals["range"] = bounded_range(limits)
    env.globals["namespace"] = bounded_namespace(limits)
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
