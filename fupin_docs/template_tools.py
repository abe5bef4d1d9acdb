"""`fupin-docs templates`: list the chain, export a template, check every template of a pack."""

from __future__ import annotations

import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import meta, nodes

from fupin_docs import documents
from fupin_docs.errors import FupinError, TemplateProblem
from fupin_docs.i18n import tr
from fupin_docs.render.docx import CompiledDocx
from fupin_docs.render.text import CompiledText
from fupin_docs.templates import TemplateSet, builtin_dir, make_env

_PARAGRAPH = re.compile(r"<w:p[ >].*?</w:p>", re.DOTALL)
_RUN_TEXT = re.compile(r"<w:r[ >].*?</w:r>", re.DOTALL)
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_XML_PART = re.compile(r"word/(document|header\d*|footer\d*)\.xml")


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a template."""

    template: str
    message: str

    def format(self) -> str:
        return tr(f"模板 {self.template}：{self.message}", f"template {self.template}: {self.message}")


def listing(templates: TemplateSet) -> list[tuple[str, Path, list[Path]]]:
    """Return each template name, the file that supplies it, and the files it hides."""
    rows = []
    for name, path in templates.listing().items():
        hidden = [d / name for d in templates.dirs if (d / name).is_file() and d / name != path]
        rows.append((name, path, hidden))
    return rows


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


def split_tags(path: Path) -> list[str]:
    """Return a message per Jinja tag that Word split across runs in a .docx."""
    found = []
    with zipfile.ZipFile(path) as z:
        for part in sorted(n for n in z.namelist() if _XML_PART.fullmatch(n)):
            xml = z.read(part).decode("utf-8")
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
                        found.append(tr(f"{part} 第{i}段：标签 “{m.group(0)}” 被 Word 拆成了 "
                                        f"{len(cuts) + 1} 段文字（常因拼写检查、修订或改过格式）。"
                                        "请删掉整个标签后一次性重新输入",
                                        f"{part} paragraph {i}: tag '{m.group(0)}' is split into "
                                        f"{len(cuts) + 1} runs; retype it in one go"))
    return found


def sample_contexts() -> dict[str, dict[str, Any]]:
    """Return a context per document type, built from the commented starter project."""
    from fupin_docs.context import duty_context, report_context
    from fupin_docs.household import HouseholdContexts, public_context
    from fupin_docs.project import load_project
    from fupin_docs.resources import resources_for
    from fupin_docs.stats import Stats

    with tempfile.TemporaryDirectory() as tmp:
        for f in (builtin_dir() / "init").iterdir():
            shutil.copyfile(f, Path(tmp) / f.name)
        loaded = load_project(Path(tmp))
    stats = Stats(loaded.project)
    res = resources_for(loaded)
    house = HouseholdContexts(loaded, stats, res.policy, res.boilerplate)
    first = house.context(loaded.project.households[0])
    return {"report": report_context(loaded, stats, make_env(autoescape=False), res.boilerplate),
            "letter": first, "notice": first, "card": first,
            "duty": duty_context(loaded, stats, res.boilerplate), "public": public_context(house)}


def check_templates(templates: TemplateSet) -> list[Finding]:
    """Return every problem of every template in the chain: syntax, unknown data, split tags."""
    samples = sample_contexts()
    by_template = {d.template: d.key for d in documents.ALL}
    findings: list[Finding] = []
    text_env = make_env(autoescape=False, loader=templates.text_loader())
    word_env = make_env(autoescape=True)
    for name, path in templates.listing().items():
        kind, file = name.split("/", 1)
        stem = Path(file).stem
        ctx = samples.get(by_template.get(stem, ""))
        try:
            if kind == "docx":
                for message in split_tags(path):
                    findings.append(Finding(name, message))
                compiled: Any = CompiledDocx(path, word_env, file)
                source = "".join(compiled.sources())
            else:
                compiled = CompiledText(text_env, file)
                source = path.read_text("utf-8")
        except TemplateProblem as exc:
            findings.append(Finding(name, exc.message))
            continue
        except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as exc:
            findings.append(Finding(name, tr(f"无法读取：{exc}", f"unreadable: {exc}")))
            continue
        if ctx is None:
            continue  # a template of the pack's own, rendered by no document type
        unknown = sorted(_undeclared(text_env, source) - set(ctx) - set(text_env.globals))
        if unknown:
            findings.append(Finding(name, tr(f"用到了资料中没有的数据：{'、'.join(unknown)}",
                                             f"uses data that does not exist: {', '.join(unknown)}")))
        try:
            compiled.render(ctx)
        except TemplateProblem as exc:
            findings.append(Finding(name, exc.message))
    return findings


def _undeclared(env: jinja2.Environment, source: str) -> set[str]:
    """Return the top-level names a template reads without defining them."""
    try:
        ast = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return set()
    # a name set inside an {% if %} counts as undeclared to Jinja; it is the template's own
    assigned = {n.name for n in ast.find_all(nodes.Name) if n.ctx == "store"}
    return meta.find_undeclared_variables(ast) - assigned
