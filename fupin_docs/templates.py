"""Find templates along one search chain and build the one sandboxed Jinja environment."""

from __future__ import annotations

from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment

from fupin_docs import cnformat
from fupin_docs.errors import TemplateProblem
from fupin_docs.gongwen import signature_context
from fupin_docs.i18n import tr

KINDS = ("docx", "text")


def builtin_dir() -> Path:
    """Return the folder of the built-in templates: in the wheel, or at the top of a checkout."""
    here = Path(__file__).resolve().parent
    packaged = here / "_templates"  # where the wheel puts the top-level templates/ folder
    return packaged if (packaged / "docx").is_dir() else here.parent / "templates"


class TemplateSet:
    """An ordered list of template folders: the first that has a name supplies it."""

    def __init__(self, dirs: list[Path]):
        self.dirs = [Path(d) for d in dirs]

    def resolve(self, name: str) -> Path:
        """Return the file for `name` (e.g. ``docx/report.docx``); list every folder searched."""
        parts = Path(name).parts
        if ".." in parts or Path(name).is_absolute():
            raise TemplateProblem(tr(f"模板名不能含 “..”：{name}", f"bad template name: {name}"))
        for folder in self.dirs:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        searched = "\n".join(f"  - {d / name}" for d in self.dirs)
        raise TemplateProblem(tr(f"找不到模板 {name}，已查找：\n{searched}",
                                 f"template {name} not found; searched:\n{searched}"))

    def listing(self) -> dict[str, Path]:
        """Return every template name with the file that supplies it."""
        found: dict[str, Path] = {}
        for folder in reversed(self.dirs):
            for kind in KINDS:
                sub = folder / kind
                if sub.is_dir():
                    for f in sorted(sub.iterdir()):
                        if f.is_file() and not f.name.startswith(("~$", ".")):
                            found[f"{kind}/{f.name}"] = f
        return dict(sorted(found.items()))

    def text_loader(self) -> jinja2.FileSystemLoader:
        """Return a loader over the text folders of the chain, for {% include %}."""
        return jinja2.FileSystemLoader([str(d / "text") for d in self.dirs if (d / "text").is_dir()])


class FupinEnvironment(SandboxedEnvironment):
    """The sandbox, with one change: ``row.items`` means the key "items", not dict.items."""

    def getattr(self, obj: object, attribute: str) -> object:
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


def make_env(*, autoescape: bool, loader: jinja2.BaseLoader | None = None) -> SandboxedEnvironment:
    """Return the sandboxed environment every template renders in.

    Missing variables are errors (a blank in a printed notice is worse than a stop); Word
    templates autoescape so that ``&`` or ``<`` in a name cannot corrupt the XML.
    """
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

    def __init__(self, start: int = 0):
        self.value = start

    def next(self) -> int:
        """Return the next number."""
        self.value += 1
        return self.value

    def reset(self, start: int = 0) -> str:
        """Start again from `start`; returns "" so it can be used inside {{ }}."""
        self.value = start
        return ""
