"""Problems and errors: every failure a user can cause, located, explained, with a fix.

Nothing here knows about Click: the command line turns a FupinError into its exit code and
prints `format_message()`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from fupin_docs.data.values import CONTROL, INVISIBLE
from fupin_docs.i18n import tr

_UNPRINTABLE = re.compile(f"{CONTROL.pattern}|{INVISIBLE.pattern}")


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file plus line/column (YAML, text template), row/column (a roster
    sheet) or paragraph (a Word template)."""

    file: str
    line: int | None = None
    #: a number in YAML; a column letter ("F") in a roster sheet
    column: int | str | None = None
    #: the path in the data (households[3].children[0].grade), for programs: messages name the
    #: place in words instead (第4户第1个孩子的年级), so it is never printed
    key: str | None = None
    #: for rosters: the column header, e.g. 出生日期
    header: str | None = None
    #: the text of the offending line (or Word paragraph), shown under the message
    source: str | None = None
    #: for Word templates: the 1-based paragraph number, and the part (页眉 …) when not the body
    paragraph: int | None = None
    part: str | None = None

    def describe(self) -> str:
        """Return e.g. ``school.yaml 第12行第5列`` or ``花名册.xlsx 第7行第F列“出生日期”``."""
        place = self.file + (tr(f"（{self.part}）", f" ({self.part})") if self.part else "")
        detail = ""
        if self.paragraph is not None:
            detail = tr(f"第{self.paragraph}段", f"paragraph {self.paragraph}")
        elif self.line is not None:
            if self.column is not None and self.header is not None:
                detail = tr(f"第{self.line}行第{self.column}列“{self.header}”",
                            f"row {self.line}, column {self.column} \"{self.header}\"")
            elif self.column is not None:
                detail = tr(f"第{self.line}行第{self.column}列",
                            f"line {self.line}, column {self.column}")
            else:
                detail = tr(f"第{self.line}行", f"line {self.line}")
        # no space after a full-width bracket: "t.docx（页眉）第1段"
        return place + ("" if not detail or place.endswith("）") else " ") + detail

    def order(self) -> tuple[str, int, int, str]:
        """Return how problems sort: by file, then line (or row), then column."""
        column = self.column if isinstance(self.column, int) else 0
        letters = self.column if isinstance(self.column, str) else ""
        line = self.paragraph if self.paragraph is not None else self.line
        return (self.file, line or 0, column, f"{len(letters):02d}{letters}")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with where it is and how to fix it."""

    message: str
    where: Location | None = None
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"
    #: a second place involved (e.g. where a stated figure was written)
    also: Location | None = None

    @property
    def is_error(self) -> bool:
        """Return True for an error (as opposed to a warning)."""
        return self.severity == "error"

    def format(self) -> str:
        """Return the problem as the lines a user sees."""
        label = tr("错误", "error") if self.is_error else tr("警告", "warning")
        head = f"{label}：" if self.where is None else f"{label}：{self.where.describe()}："
        lines = [head + self.message]
        where = self.where
        if where is not None and where.source is not None:
            number = where.paragraph if where.paragraph is not None else where.line
            src = where.source.rstrip("\n")
            lines.append(f"    {number} | {src}" if number is not None else f"    | {src}")
            if isinstance(where.column, int) and number is not None:
                pad = len(f"    {number} | ")
                before = printable(src[: where.column - 1])
                lines.append(" " * (pad + display_width(before)) + "^")
        if self.also is not None:
            lines.append(tr("  另见：", "  see also: ") + self.also.describe())
        if self.hint:
            lines.append(tr("  怎么改：", "  how to fix: ") + self.hint)
        return printable("\n".join(lines))


def printable(text: str) -> str:
    """Return `text` safe to show on a terminal: a half character (lone surrogate) cannot be
    printed at all, a control character may ring, clear or recolour the screen, and a
    zero-width or direction-changing character would hide itself or turn the line around;
    each is shown as its code point, <U+202E>."""
    return _UNPRINTABLE.sub(lambda m: f"<U+{ord(m.group()):04X}>", text)


def display_width(text: str) -> int:
    """Return how many terminal cells `text` takes (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def has_errors(problems: Iterable[Problem]) -> bool:
    """Return True when any of `problems` is an error rather than a warning."""
    return any(p.is_error for p in problems)


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Return `problems` by file and line; those about no place first, in the order found."""
    return sorted(problems, key=lambda p: (p.where is not None,
                                           p.where.order() if p.where else ("", 0, 0, "")))


def format_problems(problems: Iterable[Problem], *, summary: bool = True) -> str:
    """Return every problem in full, one blank line apart, and (with `summary`) the count."""
    items = list(problems)
    text = "\n\n".join(p.format() for p in items)
    if summary:
        errors = sum(1 for p in items if p.is_error)
        text += "\n\n" + tr(f"共 {errors} 处错误，未生成任何文件。",
                            f"{errors} error(s); nothing was written.")
    return text


class FupinError(Exception):
    """Base of all errors a user can cause; shown without a traceback, exit code 1."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def format_message(self) -> str:
        """Return what the user sees."""
        return self.message


class UsageError(FupinError):
    """The command was called wrongly (an unknown --only name, say): exit code 2."""

    exit_code = 2


class ProblemError(FupinError):
    """One or more located problems; all of them are shown, in one format."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(format_problems(problems))


class DataError(ProblemError):
    """The project's data (YAML, roster, policy table, pack) has one or more problems."""


class TemplateProblem(ProblemError):
    """A template is missing, broken, or asks for something it may not have."""

    @classmethod
    def plain(cls, message: str, where: Location | None = None,
              hint: str | None = None) -> TemplateProblem:
        """Return the error for one problem."""
        return cls([Problem(message, where, hint)])


class ToolMissing(FupinError):
    """An optional system tool (LibreOffice, pdftoppm, fc-match) is not installed."""


def located(path: Path | str, base: Path | None = None) -> str:
    """Return `path` as it should appear in a message: relative to `base` when inside it."""
    p = Path(path)
    if base is not None:
        try:
            return str(p.resolve().relative_to(base.resolve()))
        except ValueError:
            pass
    return str(p)


__all__ = ["Location", "Problem", "FupinError", "UsageError", "ProblemError", "DataError",
           "TemplateProblem", "ToolMissing", "display_width", "format_problems", "has_errors",
           "located", "printable", "sort_problems"]
