"""Find the template line a render error happened on, from Jinja's rewritten traceback."""

from __future__ import annotations

import traceback

#: the file name Jinja gives a template compiled from a string
FROM_STRING = "<template>"
_TEMPLATE_SUFFIXES = (".txt", ".html", ".j2")


def template_line(exc: BaseException, filename: str | None = None
                  ) -> tuple[str | None, int | None]:
    """Return (template file, line) of the innermost template frame of `exc`'s traceback.

    Jinja rewrites tracebacks so that template code shows as frames of the template file
    (or of "<template>" for one compiled from a string). A syntax error carries its own line.
    """
    found: tuple[str | None, int | None] = (None, getattr(exc, "lineno", None))
    for frame in traceback.extract_tb(exc.__traceback__):
        name = frame.filename
        if name in (FROM_STRING, filename) or name.endswith(_TEMPLATE_SUFFIXES):
            found = (name, frame.lineno)
    return found
