"""Render text templates (.txt) to UTF-8 bytes, with errors that name template and line."""

from __future__ import annotations

import traceback
from collections.abc import Mapping

import jinja2
from jinja2.exceptions import SecurityError, TemplateSyntaxError

from fupin_docs.errors import TemplateProblem
from fupin_docs.i18n import tr


class CompiledText:
    """A text template loaded and compiled once, rendered per record."""

    def __init__(self, env: jinja2.Environment, name: str):
        self.name = name
        try:
            self.template = env.get_template(name)
        except TemplateSyntaxError as exc:
            raise problem(exc, exc.name or name, exc.lineno, exc.source) from None
        except UnicodeDecodeError:
            raise TemplateProblem(tr(f"模板 {name} 不是 UTF-8 编码（可能是 GBK），无法读取。"
                                     "请用记事本或 VS Code 打开，另存为 UTF-8",
                                     f"template {name} is not UTF-8; re-save it as UTF-8")) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateProblem(tr(f"找不到文本模板 {exc.name}", f"text template {exc.name} not found")
                                  ) from None

    def render(self, context: Mapping) -> bytes:
        """Return the rendered text as UTF-8."""
        try:
            return self.template.render(context).encode("utf-8")
        except (jinja2.TemplateError, SecurityError) as exc:
            name, line = failing_line(exc, self.template.filename)
            raise problem(exc, name or self.name, line, None) from None
        except (TypeError, ValueError, ArithmeticError) as exc:  # a filter refused a value
            name, line = failing_line(exc, self.template.filename)
            raise problem(exc, name or self.name, line, None) from None


def failing_line(exc: BaseException, filename: str | None) -> tuple[str | None, int | None]:
    """Return the template file and line where `exc` was raised, from Jinja's rewritten frames."""
    found: tuple[str | None, int | None] = (None, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename.endswith((".txt", ".html", ".j2")) or frame.filename == filename:
            found = (frame.filename, frame.lineno)
    return found


def problem(exc: BaseException, name: str, line: int | None, source: str | None) -> TemplateProblem:
    """Return a TemplateProblem naming the template, the line and the offending source line."""
    what = _explain(exc)
    where = tr(f"模板 {name}", f"template {name}")
    if line:
        where += tr(f" 第{line}行", f", line {line}")
    text = f"{where}：{what}"
    if source is None and line and name and not name.startswith("<"):
        try:
            with open(name, encoding="utf-8") as fh:
                source = fh.read()
        except OSError:
            source = None
    if source and line:
        lines = source.splitlines()
        if 0 < line <= len(lines):
            text += f"\n    {line} | {lines[line - 1].strip()}"
    return TemplateProblem(text)


def _explain(exc: BaseException) -> str:
    """Return a Chinese explanation of a Jinja error."""
    if isinstance(exc, SecurityError):
        return tr(f"模板试图访问不允许的内容，已拒绝（{exc}）", f"unsafe access refused ({exc})")
    if isinstance(exc, jinja2.UndefinedError):
        return tr(f"模板用到的数据不存在：{exc.message}", f"undefined: {exc.message}")
    if isinstance(exc, TemplateSyntaxError):
        return tr(f"模板语法错误：{exc.message}", f"syntax error: {exc.message}")
    return tr(f"渲染出错：{exc}", f"rendering failed: {exc}")
