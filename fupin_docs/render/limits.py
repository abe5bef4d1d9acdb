"""Bounds on what a template may cost: time, output size, the size of one string, nesting.

A template or a narrative paragraph comes from a pack or a YAML file, not from fupin-docs:
a loop without end, a string multiplied a billion-fold or a macro calling itself must end
in a located message, never in a hang or an exhausted machine.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import Any

from jinja2.utils import Namespace


@dataclass(frozen=True)
class Limits:
    """How far one render may go (a pack may set them in pack.yaml under `limits:`)."""

    #: seconds one document (one record) may take to render
    seconds: float = 30.0
    #: characters one rendered part may have (a Word part, a text file)
    output_chars: int = 20_000_000
    #: characters one string made inside a template may have ("x" * n, ljust(n) …)
    string_chars: int = 2_000_000
    #: items one range() may give
    range_items: int = 100_000


DEFAULT = Limits()


class LimitExceeded(Exception):
    """A template went past one of its limits: `what` says which, in the user's words."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def _text(what_zh: str, what_en: str) -> str:
    from fupin_docs.i18n import tr

    return tr(what_zh, what_en)


def too_long(limits: Limits, size: int) -> None:
    """Raise LimitExceeded when a string of `size` characters would pass the limit."""
    if size > limits.string_chars:
        limit = limits.string_chars
        raise LimitExceeded(_text(f"模板生成的一段文字过长（{size} 字，上限 {limit} 字）",
                                  f"a string of {size} characters (limit {limit})"))


def output_too_long(limits: Limits, size: int) -> None:
    """Raise LimitExceeded when a rendered part passes its size limit."""
    if size > limits.output_chars:
        raise LimitExceeded(_text(f"模板生成的内容过多（超过 {limits.output_chars} 字）",
                                  f"the output passes {limits.output_chars} characters"))


class _Clock:
    """The deadline of the render running in this thread (None outside a render)."""

    local = threading.local()

    @classmethod
    def check(cls) -> None:
        deadline = getattr(cls.local, "deadline", None)
        if deadline is not None and time.monotonic() > deadline[0]:
            raise LimitExceeded(_text(f"模板运行超时（超过 {deadline[1]:g} 秒，可能是循环套循环）",
                                      f"the template ran past {deadline[1]:g} s"))


def check_time() -> None:
    """Raise LimitExceeded when the render running in this thread is past its deadline."""
    _Clock.check()


@contextmanager
def deadline(limits: Limits) -> Iterator[None]:
    """Bound the render inside the block by `limits.seconds`.

    On POSIX, in the main thread, a timer signal interrupts whatever the template is doing;
    elsewhere the bound is checked wherever a template iterates, calls or writes.
    """
    previous = getattr(_Clock.local, "deadline", None)
    if previous is not None:  # a render inside a render (a narrative snippet): one clock
        yield
        return
    _Clock.local.deadline = (time.monotonic() + limits.seconds, limits.seconds)
    alarm = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    old_handler: Any = None
    if alarm:
        def ring(signum: int, frame: Any) -> None:
            _Clock.local.deadline = (0.0, limits.seconds)
            _Clock.check()  # raises: the deadline has passed

        old_handler = signal.signal(signal.SIGALRM, ring)
        signal.setitimer(signal.ITIMER_REAL, limits.seconds)
    try:
        yield
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old_handler)
        _Clock.local.deadline = None


def bounded_range(limits: Limits) -> Callable[..., Iterator[int]]:
    """Return a range() for templates: at most `range_items` items, and it keeps the clock."""
    def template_range(*args: int) -> Iterator[int]:
        items = range(*args)
        if len(items) > limits.range_items:
            most = limits.range_items
            raise LimitExceeded(_text(f"range() 的项数过多（{len(items)}，上限 {most}）",
                                      f"range() of {len(items)} items"))
        for n, value in enumerate(items):
            if not n % 512:
                check_time()
            yield value
    return template_range


def bounded_namespace(limits: Limits) -> type[Namespace]:
    """Return namespace() for templates: a value set on it may not pass the string limit."""
    class BoundedNamespace(Namespace):
        def __setitem__(self, name: str, value: Any) -> None:
            if isinstance(value, (str, list, tuple, dict)):
                too_long(limits, len(value))
            check_time()
            super().__setitem__(name, value)

    return BoundedNamespace


def limit_message(exc: BaseException) -> tuple[str, str]:
    """Return (what went wrong, how to fix it) for a template that ran past its bounds."""
    if isinstance(exc, LimitExceeded):
        what = exc.what
    elif isinstance(exc, RecursionError):
        what = _text("模板嵌套过深：宏或 include 在调用自己", "nested too deep: a macro or include "
                     "calls itself")
    else:
        what = _text("模板用尽了内存", "the template ran out of memory")
    return what, _text("检查模板中的循环、重复次数和自己调用自己的宏或 include；确需更大的限度时，"
                       "可在模板包 pack.yaml 的 limits: 中放宽",
                       "check loops, repetitions and macros or includes that call themselves; "
                       "a pack may raise the bounds under limits: in pack.yaml")


def generate(parts: Iterable[str], limits: Limits) -> str:
    """Return the rendered text of a template's generator, bounded in size and time.

    The chunks are taken a block at a time by C code (islice, join): a part of a notice is
    a hundred chunks, so a loop in Python per chunk was most of this step's cost. Blocks
    start at 8 chunks and double while they stay short; once a block is long (a chunk may be
    a string of the longest allowed) chunks are taken one at a time, so that the size is
    checked before much is held. Joined blocks keep a loop of one-letter chunks from holding
    millions of small strings.
    """
    chunks = iter(parts)
    blocks: list[str] = []
    size, take = 0, 8
    while block := list(islice(chunks, take)):
        text = "".join(block)
        size += len(text)
        output_too_long(limits, size)
        check_time()
        blocks.append(text)
        take = 1 if len(text) > 65536 else min(take * 2, 1024)
    return "".join(blocks)
