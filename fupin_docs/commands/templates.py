"""`fupin-docs templates`: list the chain, export a template, check every template of a chain."""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes

from fupin_docs.data.resources import TemplateSet, builtin_dir
from fupin_docs.documents.registry import SEAL_SUFFIX, Document, Scope, kinds
from fupin_docs.errors import FupinError, Location, Problem, ProblemError
from fupin_docs.i18n import tr
from fupin_docs.render.docx import CompiledDocx
from fupin_docs.render.env import make_env
from fupin_docs.render.fastzip import ZipBomb, inflate, read_members
from fupin_docs.render.text import CompiledText

_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_RUN_TEXT = re.compile(r"<w:r[ >].*?</w:r>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_XML_PART = re.compile(r"word/(document|header\d*|footer\d*)\.xml")


def listing(templates: TemplateSet) -> list[tuple[str, Path, list[Path]]]:
    """Return each template name, the file that supplies it, and the files it hides."""
    rows = []
    for name, path in templates.listing().items():
        hidden = [d / name for d in templates.dirs if (d / name).is_file() and d / name != path]
        rows.append((name, path, hidden))
    return rows


def kind_of(name: str) -> Document | None:
    """Return the kind that renders template `name` (``docx/notice.docx``), if any."""
    stem = Path(name).stem
    for kind in kinds():
        if kind.template and stem in (kind.template, kind.template + SEAL_SUFFIX):
            return kind
    return None


def export(templates: TemplateSet, name: str, target: Path) -> Path:
    """Copy template `name` (e.g. ``docx/notice.docx`` or ``notice.docx``) into `target`/<kind>/."""
    if "/" not in name:
        kind = "docx" if name.endswith(".docx") else "text"
        name = f"{kind}/{name}"
    source = templates.resolve(name)
    dest = target / name
    if dest.exists():
        raise FupinError(tr(f"{dest} 已存在，为免覆盖未复制。请先改名或删除它",
                            f"{dest} exists; not overwritten"))
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, dest)
    return dest


def split_tags(path: Path, display: str) -> list[Problem]:
    """Return a problem per Jinja tag that Word split across runs in a .docx."""
    found = []
    members = {m.name: m for m in read_members(path)}  # bounded: never past declared sizes
    for part in sorted(n for n in members if _XML_PART.fullmatch(n)):
        xml = inflate(members[part]).decode("utf-8")
        for i, para in enumerate(_PARAGRAPH.findall(xml), start=1):
            runs = ["".join(_TEXT.findall(r)) for r in _RUN_TEXT.findall(para)]
            text = "".join(runs)
            bounds, pos = set(), 0
            for r in runs[:-1]:
                pos += len(r)
                bounds.add(pos)
            for m in _TAG.finditer(text):
                cuts = [b for b in bounds if m.start() < b < m.end()]
                if cuts:
                    label = None if part == "word/document.xml" else part
                    found.append(Problem(
                        tr(f"标签 “{m.group(0)}” 被 Word 拆成了 {len(cuts) + 1} 段文字"
                           "（常因拼写检查、修订或改过格式）",
                           f"tag '{m.group(0)}' is split into {len(cuts) + 1} runs"),
                        Location(display, paragraph=i, part=label, source=text),
                        tr("删掉整个标签后一次性重新输入", "retype the tag in one go")))
    return found


def sample_contexts() -> dict[str, Mapping[str, Any]]:
    """Return a context per document kind, built from the commented starter project."""
    from fupin_docs.data.project import read_project
    from fupin_docs.data.resources import resources_for
    from fupin_docs.facts.facts import Facts

    with tempfile.TemporaryDirectory() as tmp:
        for f in (builtin_dir() / "init").iterdir():
            shutil.copyfile(f, Path(tmp) / f.name)
        # its only errors are its placeholders (某某县 …), which make good sample data
        loaded = read_project(Path(tmp))
    res = resources_for(loaded)
    facts = Facts(loaded, res.policy, res.boilerplate)
    first = loaded.project.households[0]
    from fupin_docs.county.samples import county_samples

    return {**{kind.key: kind.context(facts, first if kind.scope is Scope.household else None)
               for kind in kinds() if kind.context is not None and kind.scope is not Scope.county},
            **county_samples(facts)}  # a county of the starter school


def check_templates(templates: TemplateSet) -> list[Problem]:
    """Return every problem of every template in the chain: syntax, unknown data, split tags."""
    samples = sample_contexts()
    problems: list[Problem] = []
    text_env = make_env(autoescape=False, text_dirs=templates.text_dirs())
    word_env = make_env(autoescape=True)
    for name, path in templates.listing().items():
        folder, file = name.split("/", 1)
        display = templates.display(name)
        kind = kind_of(name)
        ctx = samples.get(kind.key) if kind else None
        compiled: CompiledDocx | CompiledText
        try:
            if folder == "docx":
                problems += split_tags(path, display)
                compiled = CompiledDocx(path, word_env, display)
                source = "".join(compiled.sources())
                problems += [Problem(
                    tr(f"{part} 中有模板标签，但这一部分不会被填写（docxtpl 也不填写）",
                       f"{part} holds tags, but that part is never rendered"),
                    Location(display),
                    tr("把这些内容移到正文、页眉、页脚或脚注中", "move them to the body, a "
                       "header, a footer or a footnote"), "warning")
                    for part in compiled.unrendered]
            else:
                compiled = CompiledText(text_env, file)
                source = path.read_text("utf-8")
        except ProblemError as exc:
            problems += exc.problems
            continue
        except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, ValueError, ZipBomb) as exc:
            problems.append(Problem(tr(f"无法读取：{exc}", f"unreadable: {exc}"),
                                    Location(display)))
            continue
        if ctx is None:
            continue  # a template of the pack's own, rendered by no document kind
        unknown = sorted(_undeclared(text_env, source) - set(ctx) - set(text_env.globals))
        if unknown:
            problems.append(Problem(
                tr(f"用到了资料中没有的数据：{'、'.join(unknown)}",
                   f"uses data that does not exist: {', '.join(unknown)}"),
                Location(display),
                tr("可用的数据：" + "、".join(sorted(ctx)), "known: " + ", ".join(sorted(ctx)))))
        try:
            compiled.render(ctx)
        except ProblemError as exc:
            problems += exc.problems
    return problems


def word_templates(text_dir: Path, *, builtin: bool) -> dict[str, bytes]:
    """Return the Word templates (file name → bytes) that the text templates in `text_dir` stand
    for: every kind's generated from its text template (with the seal layout for a 公文), and,
    for the built-ins, the form templates each kind builds itself."""
    from fupin_docs.gongwen.from_text import docx_bytes, from_text

    out: dict[str, bytes] = {}
    for kind in kinds():
        if kind.template is None or "docx" not in kind.formats:
            continue
        text = text_dir / f"{kind.template}.txt"
        if kind.word_template is not None:
            if builtin:
                out[f"{kind.template}.docx"] = docx_bytes(kind.word_template())
        elif text.is_file():
            source = text.read_text("utf-8")
            out[f"{kind.template}.docx"] = from_text(source)
            if kind.gongwen:
                out[f"{kind.template}{SEAL_SUFFIX}.docx"] = from_text(source, seal=True)
    return dict(sorted(out.items()))


def _undeclared(env: jinja2.Environment, source: str) -> set[str]:
    """Return the top-level names a template reads without defining them."""
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return set()
    # a name set inside an {% if %} counts as undeclared to Jinja; it is the template's own
    assigned = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "store"}
    return meta.find_undeclared_variables(ast) - assigned
