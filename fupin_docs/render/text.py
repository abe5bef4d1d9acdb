"""Render text templates (.txt) to UTF-8 bytes, with errors that name template and line."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError, TemplateSyntaxError

from fupin_docs.errors import Location, Problem, TemplateProblem
from fupin_docs.i18n import tr
from fupin_docs.render.limits import DEFAULT, LimitExceeded, deadline, generate, limit_message
from fupin_docs.render.locate import template_line


class CompiledText:
    """A text template loaded and compiled once, rendered per record."""

    def __init__(self, env: jinja2.Environment, name: str) -> None:
        self.name = name
        try:
            self.template = env.get_template(name)
        except TemplateSyntaxError as exc:
            raise problem(exc, exc.name or name, exc.lineno, exc.source) from None
        except UnicodeDecodeError:
            raise TemplateProblem.plain(
                tr("不是 UTF-8 编码（可能是 GBK），无法读取", "is not UTF-8 text"),
                Location(name), tr("用记事本或 VS Code 打开，另存为 UTF-8", "re-save it as UTF-8")
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise TemplateProblem.plain(tr(f"找不到文本模板 {exc.name}",
                                           f"text template {exc.name} not found"),
                                        Location(name)) from None

    def render(self, context: Mapping[str, Any]) -> bytes:
        """Return the rendered text as UTF-8."""
        limits = getattr(self.template.environment, "limits", DEFAULT)
        try:
            with deadline(limits):
                return generate(self.template.generate(context), limits).encode("utf-8")
        except (jinja2.TemplateError, SecurityError, TypeError, ValueError, ArithmeticError,
                LimitExceeded, RecursionError, MemoryError) as exc:
            # TypeError, ValueError, ArithmeticError: a filter refused a value
            name, line = template_line(exc, self.template.filename)
            raise problem(exc, name or self.name, line, None) from None


def problem(exc: BaseException, name: str, line: int | None, source: str | None
            ) -> TemplateProblem:
    """Return a TemplateProblem at the template's line, quoting that line."""
    if source is None and line and name and not name.startswith("<"):
        try:
            with open(name, encoding="utf-8") as fh:
                source = fh.read()
        except OSError:
            source = None
    text = None
    if source and line:
        lines = source.splitlines()
        if 0 < line <= len(lines):
            text = lines[line - 1].strip()
    message, hint = _explain(exc)
    return TemplateProblem([Problem(message, Location(name, line, source=text), hint)])


def _explain(exc: BaseException) -> tuple[str, str | None]:
    """Return what went wrong in a Jinja error, and how to fix it."""
    if isinstance(exc, (LimitExceeded, RecursionError, MemoryError)):
        return limit_message(exc)
    if isinstance(exc, SecurityError):
        return (tr(f"模板试图访问不允许的内容，已拒绝（{exc}）", f"unsafe access refused ({exc})"),
                tr("模板只能使用资料中的数据和内置的格式", "templates may only use the data"))
    if isinstance(exc, jinja2.UndefinedError):
        return (tr(f"模板用到的数据不存在：{exc.message}", f"undefined: {exc.message}"),
                tr("检查变量名的拼写；可用的数据见 fupin-docs templates check",
                   "check the name; see fupin-docs templates check"))
    if isinstance(exc, TemplateSyntaxError):
        return (tr(f"模板语法错误：{exc.message}", f"syntax error: {exc.message}"),
                tr("检查 {{ }}、{% %} 是否成对、是否写完整", "check that every tag is closed"))
    return tr(f"渲染出错：{exc}", f"rendering failed: {exc}"), None
