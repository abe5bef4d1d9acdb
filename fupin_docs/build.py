"""Build every document of a project into an output folder, atomically and reproducibly."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from fupin_docs import __version__, documents
from fupin_docs.check import check_project
from fupin_docs.batch import Setup, UnitJob, render_units
from fupin_docs.context import duty_context, report_context
from fupin_docs.household import HouseholdContexts, file_stem, policy_table
from fupin_docs.ledger import ledger_xlsx
from fupin_docs.errors import DataError, FupinError, Problem
from fupin_docs.i18n import tr
from fupin_docs.project import LoadedProject, load_project
from fupin_docs.render.docx import CompiledDocx
from fupin_docs.render.text import CompiledText
from fupin_docs.stats import Stats
from fupin_docs.templates import TemplateSet, make_env
from fupin_docs.writer import MANIFEST, Staging, manifest_bytes, read_manifest, sha256

log = logging.getLogger(__name__)


@dataclass
class BuildOptions:
    """What the user asked for on the command line."""

    out_dir: Path
    only: tuple[str, ...] = ()
    jobs: int | None = None
    pdf: bool = False
    strict: bool = False
    full_ids: bool = False
    #: called with the number of households just finished
    progress: Callable[[int], None] | None = None


@dataclass
class BuildResult:
    """What a build did: files written, warnings, whether it was skipped as unchanged."""

    out_dir: Path
    files: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    unchanged: bool = False


def wanted(options: BuildOptions) -> list[str]:
    """Return the document keys to build, checking names given with --only."""
    known = [d.key for d in documents.ALL] + list(documents.EXTRA_KEYS)
    if not options.only:
        return known
    unknown = [k for k in options.only if k not in known]
    if unknown:
        raise FupinError(tr(f"--only 中有不认识的文件类型：{'、'.join(unknown)}；可选：{', '.join(known)}",
                            f"unknown document type(s) {', '.join(unknown)}; "
                            f"choose from {', '.join(known)}"))
    return [k for k in known if k in options.only]


def build(project_path: Path, options: BuildOptions) -> BuildResult:
    """Load, check and render a project; replace the output folder only when all succeeded."""
    loaded = load_project(project_path)
    stats = Stats(loaded.project)
    warnings = loaded.warnings + check_project(loaded, stats)
    if options.strict and warnings:
        raise DataError([Problem(w.message, w.where, w.hint, "error", w.also) for w in warnings])
    keys = wanted(options)
    templates = TemplateSet.for_project(loaded.root)
    inputs = _input_digests(loaded, templates, keys)
    settings = {"only": keys, "pdf": options.pdf, "full_ids": options.full_ids}
    previous = read_manifest(options.out_dir)
    if previous and _same_build(previous, inputs, settings, options.out_dir):
        return BuildResult(options.out_dir, previous["outputs"], warnings, unchanged=True)

    with Staging(options.out_dir) as staging:
        text_env = make_env(autoescape=False, loader=templates.text_loader())
        word_env = make_env(autoescape=True)
        if "report" in keys:
            ctx = report_context(loaded, stats, text_env)
            _render_school_doc(documents.REPORT, ctx, templates, text_env, word_env, staging)
        if "duty" in keys:
            _render_school_doc(documents.DUTY, duty_context(loaded, stats), templates, text_env,
                               word_env, staging)
        per_household = tuple(k for k in keys if documents.BY_KEY.get(k, documents.REPORT)
                              .per_household)
        if per_household or "ledger" in keys:
            table = policy_table(loaded)
            contexts = HouseholdContexts(loaded, stats, table)
        if per_household:
            assert staging.root is not None
            setup = Setup(tuple(templates.dirs), per_household, staging.root)
            households = len(loaded.project.households)
            for rel, digest in render_units(unit_jobs(loaded, contexts), setup,
                                            jobs_count=options.jobs, total=households,
                                            progress=options.progress):
                staging.adopt(rel, digest)
        if "ledger" in keys:
            staging.write("资助台账/资助台账.xlsx",
                          ledger_xlsx(loaded, contexts, full_ids=options.full_ids))
        if options.pdf:
            from fupin_docs.pdf import convert_folder

            assert staging.root is not None
            docx_files = sorted(staging.root.glob("*/*.docx"))
            for pdf in convert_folder(docx_files, staging.root / "PDF"):
                staging.adopt(pdf.relative_to(staging.root).as_posix(), sha256(pdf.read_bytes()))
        manifest = {"tool": f"fupin-docs {__version__}", "inputs": inputs, "settings": settings,
                    "outputs": dict(sorted(staging.written.items()))}
        staging.write(MANIFEST, manifest_bytes(manifest))
        files = dict(staging.written)
    return BuildResult(options.out_dir, files, warnings)


def unit_jobs(loaded: LoadedProject, contexts: HouseholdContexts) -> Iterator[UnitJob]:
    """Yield one job per unit, households in the order written, units in the order listed."""
    by_unit: dict[str, list] = {u.id: [] for u in loaded.project.units}
    for household in loaded.project.households:
        by_unit[household.unit].append(household)
    for unit in loaded.project.units:
        homes = by_unit[unit.id]
        if homes:
            yield UnitJob(unit.name, tuple((file_stem(h, unit.name), contexts.context(h))
                                           for h in homes))


def _render_school_doc(doc: documents.DocType, ctx: dict, templates: TemplateSet,
                       text_env, word_env, staging: Staging) -> None:
    """Render a one-per-school document as .docx and .txt."""
    docx_path = templates.resolve(f"docx/{doc.template}.docx")
    staging.write(f"{doc.folder}/{doc.label}.docx",
                  CompiledDocx(docx_path, word_env, docx_path.name).render(ctx))
    templates.resolve(f"text/{doc.template}.txt")
    staging.write(f"{doc.folder}/{doc.label}.txt",
                  CompiledText(text_env, f"{doc.template}.txt").render(ctx))


def _input_digests(loaded: LoadedProject, templates: TemplateSet, keys: list[str]) -> dict[str, str]:
    """Return sha256 per input file: the project's YAML and rosters and every template used."""
    digests = {}
    for path in loaded.inputs:
        digests[path.name] = sha256(path.read_bytes())
    for name, path in templates.listing().items():
        digests[f"templates/{name}"] = sha256(path.read_bytes())
    return dict(sorted(digests.items()))


def _same_build(previous: dict, inputs: dict, settings: dict, out_dir: Path) -> bool:
    """Return True when the last build had the same inputs and its files are still intact."""
    if (previous.get("tool") != f"fupin-docs {__version__}" or previous.get("inputs") != inputs
            or previous.get("settings") != settings):
        return False
    for rel, digest in previous.get("outputs", {}).items():
        path = out_dir / rel
        if not path.is_file() or sha256(path.read_bytes()) != digest:
            return False
    return True


def check(project_path: Path) -> tuple[LoadedProject, list[Problem]]:
    """Return the loaded project and every warning `fupin-docs check` reports."""
    loaded = load_project(project_path)
    return loaded, loaded.warnings + check_project(loaded, Stats(loaded.project))
