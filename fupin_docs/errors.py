"""Error types: every failure a user can cause ends as a FupinError with a clear message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

from fupin_docs.i18n import tr


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file plus line/column (YAML) or row/column (a roster sheet)."""

    file: str
    line: int | None = None
    #: a number in YAML; a column letter ("F") in a roster sheet
    column: int | str | None = None
    key: str | None = None
    #: for rosters: the column header, e.g. 出生日期
    header: str | None = None
    #: the text of the offending line, shown under the message
    source: str | None = None

    def describe(self) -> str:
        """Return e.g. ``school.yaml 第12行第5列（teachers[2].phone）``."""
        parts = [self.file]
        if self.line is not None:
            if self.column is not None and self.header is not None:
                parts.append(tr(f"第{self.line}行第{self.column}列“{self.header}”",
                                f"row {self.line}, column {self.column} \"{self.header}\""))
            elif self.column is not None:
                parts.append(tr(f"第{self.line}行第{self.column}列",
                                f"line {self.line}, column {self.column}"))
            else:
                parts.append(tr(f"第{self.line}行", f"line {self.line}"))
        text = " ".join(parts)
        if self.key:
            text += tr(f"（{self.key}）", f" ({self.key})")
        return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with where it is and how to fix it."""

    message: str
    where: Location | None = None
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"
    #: a second place involved (e.g. where a stated figure was written)
    also: Location | None = None

    def format(self) -> str:
        """Return the problem as the lines a user sees."""
        label = tr("错误", "error") if self.severity == "error" else tr("警告", "warning")
        head = f"{label}：" if self.where is None else f"{label}：{self.where.describe()}："
        lines = [head + self.message]
        if self.where is not None and self.where.source is not None:
            src = self.where.source.rstrip("\n")
            lines.append(f"    {self.where.line} | {src}")
            if isinstance(self.where.column, int):
                pad = len(f"    {self.where.line} | ")
                lines.append(" " * (pad + _display_width(src[: self.where.column - 1])) + "^")
        if self.also is not None:
            lines.append(tr("  另见：", "  see also: ") + self.also.describe())
        if self.hint:
            lines.append(tr("  怎么改：", "  how to fix: ") + self.hint)
        return "\n".join(lines)


def _display_width(text: str) -> int:
    """Return how many terminal cells `text` takes (CJK characters take two)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class FupinError(click.ClickException):
    """Base of all errors a user can cause; shown without a traceback, exit code 1."""

    exit_code = 1

    def format_message(self) -> str:
        return self.message

    def show(self, file=None) -> None:  # type: ignore[override]
        click.echo(self.format_message(), err=True)


class DataError(FupinError):
    """The project's data (YAML, roster, policy table) has one or more problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        summary = tr(f"共 {len(errors)} 处错误，未生成任何文件。",
                     f"{len(errors)} error(s); nothing was written.")
        super().__init__("\n\n".join(p.format() for p in problems) + "\n\n" + summary)


class TemplateProblem(FupinError):
    """A template is missing, broken, or asks for something it may not have."""


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


__all__ = ["Location", "Problem", "FupinError", "DataError", "TemplateProblem", "ToolMissing",
           "located"]
