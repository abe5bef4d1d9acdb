"""Build every document of a project into an output folder, atomically and reproducibly."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fupin_docs import __version__
from fupin_docs.data.project import LoadedProject, read_project
from fupin_docs.data.resources import Resources, TemplateSet, resources_for
from fupin_docs.documents.registry import Document, Scope, select
from fupin_docs.errors import DataError, FupinError, Problem, ToolMissing, sort_problems
from fupin_docs.facts.checks import check_project
from fupin_docs.facts.facts import Facts
from fupin_docs.i18n import tr
from fupin_docs.output import fingerprint
from fupin_docs.output.batch import Setup, UnitJob, render_units, word_template
from fupin_docs.output.manifest import (
    MANIFEST,
    intact,
    manifest_bytes,
    read_manifest,
    read_stamps,
    sha256,
)
from fupin_docs.output.naming import UniqueNames, file_stem, fit_bytes, safe_name
from fupin_docs.output.staging import Carry, Staging
from fupin_docs.render.env import make_env
from fupin_docs.render.limits import DEFAULT, Limits
from fupin_docs.render.text import CompiledText

if TYPE_CHECKING:
    from fupin_docs.output.environment import Finding

log = logging.getLogger(__name__)
#: top folder of the PDFs; PDF/<folder>/<name>.pdf mirrors <folder>/<name>.docx
PDF_DIR = "PDF"


@dataclass
class BuildOptions:
    """What the user asked for on the command line."""

    out_dir: Path
    only: tuple[str, ...] = ()
    jobs: int | None = None
    pdf: bool = False
    strict: bool = False
    full_ids: bool = False
    #: called with (households just finished, households in all)
    progress: Callable[[int, int], None] | None = None
    #: a template pack given on the command line, instead of the project's own
    pack: str | None = None
    #: make PDFs even when the official faces would print in stand-ins of another kind
    allow_font_fallback: bool = False
    #: folders besides the project's own that it may read from (--root)
    roots: tuple[Path, ...] = ()
    #: the pack of a project that names none (its county's), unless `pack` is given
    default_pack: str | None = None


@dataclass
class BuildResult:
    """What a build did: files written, warnings, whether it was skipped as unchanged."""

    out_dir: Path
    files: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    unchanged: bool = False
    #: how many files have other bytes than the previous build's (all, on a first build)
    rewritten: int = 0


def prepare(project_path: Path, pack: str | None = None, *, full_ids: bool = False,
            kinds: list[Document] | None = None, roots: tuple[Path, ...] = (),
            default_pack: str | None = None) -> tuple[Facts, Resources, list[Problem]]:
    """Return the facts of a project, its resources and every warning `check` reports
    (about the data, and about the paper of `kinds`, all kinds by default); a project that
    names no pack (and is given none) uses `default_pack`."""
    started = time.perf_counter()
    loaded = read_project(project_path, roots)
    if pack is None and loaded.project.pack is None:
        pack = default_pack
    log.info("读取资料：%s（%d 户），用时 %.2f 秒", ", ".join(p.name for p in loaded.inputs),
             len(loaded.project.households), time.perf_counter() - started)
    if loaded.errors:
        raise DataError(_every_problem(loaded, pack))
    res = resources_for(loaded, pack)
    log.info("资助政策表：%s；模板查找顺序：%s", res.policy_origin,
             " → ".join(str(d) for d in res.templates.dirs))
    facts = Facts(loaded, res.policy, res.boilerplate,
                  full_ids=full_ids or loaded.project.ledger_full_ids, limits=Limits(**res.limits))
    warnings = loaded.warnings + check_project(facts)
    for kind in kinds if kinds is not None else select():
        if kind.checks is not None:
            warnings += list(kind.checks(facts))
    return facts, res, warnings


def _every_problem(loaded: LoadedProject, pack: str | None) -> list[Problem]:
    """Return every problem of a project with errors, by file and line: the errors, the policy
    table's, and what each check whose data could be read whole still finds."""
    problems = loaded.errors + loaded.warnings
    try:
        res = resources_for(loaded, pack)
    except DataError as exc:
        return sort_problems(problems + exc.problems)
    except FupinError as exc:  # a pack that cannot be found, say
        return sort_problems(problems + [Problem(exc.format_message())])
    if loaded.complete("school"):
        facts = Facts(loaded, res.policy, res.boilerplate, limits=Limits(**res.limits))
        problems += check_project(facts)
    return sort_problems(problems)


def build(project_path: Path, options: BuildOptions) -> BuildResult:
    """Load, check and render a project; replace the output folder only when all succeeded."""
    kinds = select(options.only)  # a wrong --only is a usage error before anything is read
    facts, res, warnings = prepare(project_path, options.pack, full_ids=options.full_ids,
                                   kinds=kinds, roots=options.roots,
                                   default_pack=options.default_pack)
    loaded = facts.loaded
    if options.strict and warnings:
        raise DataError([Problem(w.message, w.where, w.hint, "error", w.also) for w in warnings])
    _resolve_templates(kinds, res)  # a template refused is refused even when nothing changed
    inputs = _input_digests(loaded, res)
    made_with = _pdf_maker(options.allow_font_fallback) if options.pdf else None
    # with PDFs: what they are made with (LibreOffice, fonts), so that new fonts remake them
    settings = {"only": [k.key for k in kinds], "pdf": made_with or False,
                "full_ids": options.full_ids, "code": code_fingerprint()}
    previous = read_manifest(options.out_dir)
    if previous and _same_build(previous, inputs, settings, options.out_dir):
        log.info("资料、模板和设置都没有变化：不重写")
        return BuildResult(options.out_dir, previous["outputs"], warnings, unchanged=True)

    seal = Path(res.boilerplate["seal"]).read_bytes() if res.boilerplate.get("seal") else None
    # what every record shares: a change here remakes every file; the records' own data is
    # in the fingerprint of each record's template data
    own = {_input_name(path, loaded.root) for path in loaded.inputs}
    common = fingerprint.digest(__version__, settings, seal, facts.limits,
                                os.environ.get("SOURCE_DATE_EPOCH"),
                                {name: d for name, d in inputs.items() if name not in own})
    with Staging(options.out_dir) as staging:
        assert staging.root is not None
        carry = Carry(staging.target, previous) if previous else None
        prints: dict[str, str] = {}
        school = [k for k in kinds if k.scope in (Scope.school, Scope.child)]
        per_household = tuple(k for k in kinds if k.scope is Scope.household)
        for kind in school:
            started = time.perf_counter()
            for rel, data in render_school_kind(kind, facts, res.templates, seal):
                staging.write(rel, data)
            log.info("%s：用时 %.2f 秒", kind.label, time.perf_counter() - started)
        # nothing from here on cites a line of the YAML: free that memory for the workers
        loaded.forget_positions()
        if per_household:
            setup = Setup(per_household, tuple(res.templates.dirs), staging.root, seal,
                          facts.limits, split_sources=options.pdf, common=common, carry=carry)
            households = len(loaded.project.households)
            report = options.progress
            step = (lambda n: report(n, households)) if report else None
            for rel, digest, made_from in render_units(unit_jobs(loaded), setup, facts,
                                                       jobs_count=options.jobs,
                                                       total=households, progress=step):
                staging.adopt(rel, digest)
                if made_from is not None:
                    prints[rel] = made_from
        if made_with is not None:
            prints.update(_convert_pdfs(staging, kinds, list(unit_jobs(loaded)), made_with,
                                        prints, carry))
        manifest = {"tool": f"fupin-docs {__version__}", "inputs": inputs, "settings": settings,
                    "outputs": dict(sorted(staging.written.items())),
                    "fingerprints": dict(sorted(prints.items()))}
        staging.write(MANIFEST, manifest_bytes(manifest))
        staging.write_stamps()
        files = {rel: digest for rel, digest in staging.written.items() if rel != MANIFEST}
    before = previous["outputs"] if previous else {}
    rewritten = sum(1 for rel, digest in files.items() if before.get(rel) != digest)
    return BuildResult(options.out_dir, files, warnings, rewritten=rewritten)


def _resolve_templates(kinds: list[Document], res: Resources) -> None:
    """Find the template of every format of `kinds`; raise TemplateProblem for any missing
    or refused (a link out of its folder, say)."""
    sealed = bool(res.boilerplate.get("seal"))
    for kind in kinds:
        if "docx" in kind.formats:
            res.templates.resolve(kind.docx_name(seal=sealed))
        if "txt" in kind.formats:
            res.templates.resolve(kind.text_name())


def render_school_kind(kind: Document, facts: Facts, templates: TemplateSet,
                       seal: bytes | None = None) -> Iterator[tuple[str, bytes]]:
    """Yield (path, bytes) of each file of a one-per-school kind, one per format; for a
    one-per-child kind, those of each of its records (none when it has none)."""
    limits = facts.limits or DEFAULT
    records: list[tuple[str, Mapping[str, Any] | None]]
    if kind.records is not None:
        names = UniqueNames()
        records = [(names.take(fit_bytes("_".join(safe_name(p, 30) for p in parts)), str(n)),
                    ctx) for n, (parts, ctx) in enumerate(kind.records(facts), start=1)]
    else:
        records = [(kind.label, kind.context(facts, None) if kind.context else None)]
    word = text = None
    if "docx" in kind.formats and records:
        word = word_template(templates, kind, make_env(autoescape=True, limits=limits), seal)
    if "txt" in kind.formats and records:
        templates.resolve(kind.text_name())
        env = make_env(autoescape=False, text_dirs=templates.text_dirs(), limits=limits)
        text = CompiledText(env, f"{kind.template}.txt")
    for name, ctx in records:
        stem = f"{kind.folder}/{name}"
        for fmt in kind.formats:
            if fmt == "docx":
                assert ctx is not None and word is not None
                yield f"{stem}.docx", word.render(ctx)
            elif fmt == "txt":
                assert ctx is not None and text is not None
                yield f"{stem}.txt", text.render(ctx)
            elif fmt == "xlsx":
                assert kind.workbook is not None
                yield f"{stem}.xlsx", kind.workbook(facts, ctx)
            else:
                raise ValueError(f"kind {kind.key}: unknown format {fmt}")


def unit_jobs(loaded: LoadedProject) -> Iterator[UnitJob]:
    """Yield one job per unit, households in the order written, units in the order listed."""
    by_unit: dict[str, list[tuple[int, Any]]] = {u.id: [] for u in loaded.project.units}
    for index, household in enumerate(loaded.project.households):
        by_unit[household.unit].append((index, household))
    names = UniqueNames()
    for unit in loaded.project.units:
        homes = by_unit[unit.id]
        if homes:
            merged = names.take(safe_name(unit.name), safe_name(unit.id))
            yield UnitJob(unit.name, tuple((file_stem(h, unit.name), i) for i, h in homes),
                          merged)


def _require_soffice() -> None:
    """Return when LibreOffice is installed; otherwise raise ToolMissing with install steps."""
    from fupin_docs.output.pdf import find_soffice, soffice_missing_message

    if find_soffice() is None:
        raise ToolMissing(soffice_missing_message())


def _require_fonts(allow_fallback: bool, fonts: list[Finding] | None = None) -> None:
    """Return when the body and heading faces (`fonts`, when already found) will print as they
    should (or the user allows stand-ins); otherwise raise ToolMissing naming each face and
    its fix."""
    from fupin_docs.output.environment import pdf_font_problems

    problems = pdf_font_problems(fonts)
    if not problems:
        return
    fix = tr("怎么办：", "fix: ")
    lines = "\n".join(f"  {f.item}{f.detail}" + (f"\n    {fix}{f.hint}" if f.hint else "")
                      for f in problems)
    if allow_fallback:
        log.warning(tr(f"字体不全，PDF 中这些字体会被替换：\n{lines}",
                       f"fonts missing; the PDFs will substitute:\n{lines}"))
        return
    raise ToolMissing(tr(
        f"本机缺少公文所用字体的合适替代字体，转出的 PDF 会把正文或标题排成别的字形：\n{lines}\n"
        "在 fupin-docs 文件夹里运行 sudo make system-deps 可一次装好；"
        "确需先看大致效果时，可加 --allow-font-fallback 照常生成。",
        f"the official faces have no suitable stand-in here, so the PDFs would set the body "
        f"or titles in another kind of face:\n{lines}\nrun sudo make system-deps, or add "
        "--allow-font-fallback to make them anyway."))


def _pdf_maker(allow_font_fallback: bool) -> str:
    """Return the fingerprint of what will make the PDFs (LibreOffice and the faces it will
    use), once LibreOffice and fonts are known to be there (or stand-ins are allowed)."""
    from fupin_docs.output.environment import pdf_fonts
    from fupin_docs.output.pdf import converter_fingerprint

    _require_soffice()
    fonts = pdf_fonts()
    _require_fonts(allow_font_fallback, fonts)
    return converter_fingerprint(f"{f.item} {f.level} {f.detail}" for f in fonts)


def _convert_pdfs(staging: Staging, kinds: list[Document], units: list[UnitJob],
                  made_with: str, prints: dict[str, str], carry: Carry | None
                  ) -> dict[str, str]:
    """Return the fingerprint of each PDF under PDF/, once each Word file of `kinds` has its
    PDF there: the school's documents and the print files converted in one LibreOffice
    process, each household's PDF cut out of its print file's (pdf_pages). The PDFs of Word
    files carried over from the previous build are carried over with them.

    The PDFs go into the staging folder like everything else, so a failed conversion leaves
    the previous output untouched; each is recorded in the manifest.
    """
    from fupin_docs.output.pdf_pages import build_pdfs

    assert staging.root is not None
    started = time.perf_counter()
    pdfs = build_pdfs(staging.root, dict(staging.written), kinds, units, PDF_DIR,
                      made_with=made_with, prints=prints, carry=carry)
    fingerprints = {}
    for rel, (digest, made_from) in sorted(pdfs.items()):
        staging.adopt(rel, digest or sha256((staging.root / rel).read_bytes()))
        if made_from is not None:
            fingerprints[rel] = made_from
    kept = sum(1 for digest, _ in pdfs.values() if digest is not None)
    log.info("PDF：%d 个文件（%d 个沿用上次的），用时 %.2f 秒", len(pdfs), kept,
             time.perf_counter() - started)
    return fingerprints


def _input_digests(loaded: LoadedProject, res: Resources) -> dict[str, str]:
    """Return sha256 per input: the project's YAML and rosters, packs, policy table, templates."""
    digests = {}
    for path in loaded.inputs:
        digests[_input_name(path, loaded.root)] = sha256(path.read_bytes())
    for path in res.input_files():
        digests[_input_name(path, loaded.root)] = sha256(path.read_bytes())
    for name, path in res.templates.listing().items():
        digests[f"templates/{name}"] = sha256(path.read_bytes())
    return dict(sorted(digests.items()))


def _input_name(path: Path, root: Path) -> str:
    """Return how an input is named in the manifest: relative to the project when inside it."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return f"{path.parent.name}/{path.name}"


def code_fingerprint() -> str:
    """Return a hash of the package's own code, so a changed install never reuses old output."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _same_build(previous: dict[str, Any], inputs: dict[str, str], settings: dict[str, Any],
                out_dir: Path) -> bool:
    """Return True when the last build had the same inputs and its files are still intact."""
    if (previous.get("tool") != f"fupin-docs {__version__}" or previous.get("inputs") != inputs
            or previous.get("settings") != settings):
        return False
    stamps = read_stamps(out_dir)
    return all(intact(out_dir / rel, rel, previous, stamps)
               for rel in previous.get("outputs", {}))


def check(project_path: Path, pack: str | None = None, roots: tuple[Path, ...] = ()
          ) -> tuple[LoadedProject, list[Problem]]:
    """Return the loaded project and every warning `fupin-docs check` reports."""
    facts, _, warnings = prepare(project_path, pack, roots=roots)
    return facts.loaded, warnings
