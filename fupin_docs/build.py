"""Build every document of a project into an output folder, atomically and reproducibly."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

from fupin_docs import __version__, documents
from fupin_docs.check import check_project
from fupin_docs.batch import Setup, UnitJob, render_units, word_template
from fupin_docs.context import duty_context, report_context
from fupin_docs.household import HouseholdContexts, file_stem, public_context
from fupin_docs.errors import DataError, FupinError, Problem
from fupin_docs.i18n import tr
from fupin_docs.project import LoadedProject, load_project
from fupin_docs.render.text import CompiledText
from fupin_docs.stats import Stats
from fupin_docs.resources import Resources, resources_for
from fupin_docs.templates import TemplateSet, make_env
from fupin_docs.writer import MANIFEST, Staging, manifest_bytes, read_manifest, safe_name, sha256

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
    #: called with (households just finished, households in all)
    progress: Callable[[int, int], None] | None = None
    #: a template pack given on the command line, instead of the project's own
    pack: str | None = None


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
    res = resources_for(loaded, options.pack)
    warnings = loaded.warnings + check_project(loaded, stats, res.policy)
    if options.strict and warnings:
        raise DataError([Problem(w.message, w.where, w.hint, "error", w.also) for w in warnings])
    keys = wanted(options)
    templates = res.templates
    inputs = _input_digests(loaded, res)
    settings = {"only": keys, "pdf": options.pdf, "full_ids": options.full_ids,
                "code": code_fingerprint()}
    previous = read_manifest(options.out_dir)
    if previous and _same_build(previous, inputs, settings, options.out_dir):
        return BuildResult(options.out_dir, previous["outputs"], warnings, unchanged=True)
    if options.pdf:
        _require_soffice()  # before rendering, not after

    seal = Path(res.boilerplate["seal"]).read_bytes() if res.boilerplate.get("seal") else None
    with Staging(options.out_dir) as staging:
        text_env = make_env(autoescape=False, loader=templates.text_loader())
        word_env = make_env(autoescape=True)
        if "report" in keys:
            ctx = report_context(loaded, stats, text_env, res.boilerplate)
            _render_school_doc(documents.REPORT, ctx, templates, text_env, word_env, staging, seal)
        if "duty" in keys:
            _render_school_doc(documents.DUTY, duty_context(loaded, stats, res.boilerplate),
                               templates, text_env, word_env, staging)
        per_household = tuple(k for k in keys if documents.BY_KEY.get(k, documents.REPORT)
                              .per_household)
        # nothing from here on cites a line of the YAML: free that memory for the workers
        loaded.forget_positions()
        if per_household or "ledger" in keys or "public" in keys:
            contexts = HouseholdContexts(loaded, stats, res.policy, res.boilerplate)
        if per_household:
            assert staging.root is not None
            setup = Setup(tuple(templates.dirs), per_household, staging.root, seal)
            households = len(loaded.project.households)
            report = options.progress
            step = (lambda n: report(n, households)) if report else None
            for rel, digest in render_units(unit_jobs(loaded), setup, contexts,
                                            jobs_count=options.jobs, total=households,
                                            progress=step):
                staging.adopt(rel, digest)
        if "ledger" in keys or "public" in keys:
            # openpyxl takes 18 MB: only the workbooks need it
            from fupin_docs.ledger import ledger_xlsx, public_xlsx
        if "ledger" in keys:
            staging.write("资助台账/资助台账.xlsx",
                          ledger_xlsx(loaded, contexts, full_ids=options.full_ids
                                      or loaded.project.ledger_full_ids))
        if "public" in keys:
            ctx = public_context(contexts)
            _render_school_doc(documents.PUBLIC, ctx, templates, text_env, word_env, staging)
            staging.write(f"{documents.PUBLIC.folder}/{documents.PUBLIC.label}.xlsx",
                          public_xlsx(ctx))
        if options.pdf:
            _convert_pdfs(staging)
        manifest = {"tool": f"fupin-docs {__version__}", "inputs": inputs, "settings": settings,
                    "outputs": dict(sorted(staging.written.items()))}
        staging.write(MANIFEST, manifest_bytes(manifest))
        files = {rel: digest for rel, digest in staging.written.items() if rel != MANIFEST}
    return BuildResult(options.out_dir, files, warnings)


def unit_jobs(loaded: LoadedProject) -> Iterator[UnitJob]:
    """Yield one job per unit, households in the order written, units in the order listed."""
    by_unit: dict[str, list] = {u.id: [] for u in loaded.project.units}
    for index, household in enumerate(loaded.project.households):
        by_unit[household.unit].append((index, household))
    taken: set[str] = set()
    for unit in loaded.project.units:
        homes = by_unit[unit.id]
        if homes:
            # two units whose names differ only in case or in characters Windows forbids
            # would share one print file: add the unit id, then a number
            name = safe_name(unit.name)
            if name.casefold() in taken:
                name = f"{name}_{safe_name(unit.id)}"
            n = 1
            while name.casefold() in taken:
                n += 1
                name = f"{safe_name(unit.name)}_{n}"
            taken.add(name.casefold())
            yield UnitJob(unit.name, tuple((file_stem(h, unit.name), i) for i, h in homes), name)


def _render_school_doc(doc: documents.DocType, ctx: dict, templates: TemplateSet,
                       text_env, word_env, staging: Staging, seal: bytes | None = None) -> None:
    """Render a one-per-school document as .docx and .txt."""
    staging.write(f"{doc.folder}/{doc.label}.docx",
                  word_template(templates, doc, word_env, seal).render(ctx))
    templates.resolve(f"text/{doc.template}.txt")
    staging.write(f"{doc.folder}/{doc.label}.txt",
                  CompiledText(text_env, f"{doc.template}.txt").render(ctx))


#: top folder of the PDFs; PDF/<folder>/<name>.pdf mirrors <folder>/<name>.docx
PDF_DIR = "PDF"


def _require_soffice() -> None:
    """Return when LibreOffice is installed; otherwise raise ToolMissing with install steps."""
    from fupin_docs.errors import ToolMissing
    from fupin_docs.pdf import find_soffice, soffice_missing_message

    if find_soffice() is None:
        raise ToolMissing(soffice_missing_message())


def _convert_pdfs(staging: Staging) -> None:
    """Return once each .docx written so far has its PDF under PDF/: one LibreOffice run a folder.

    The PDFs go into the staging folder like everything else, so a failed conversion leaves
    the previous output untouched; each is recorded in the manifest.
    """
    from fupin_docs.pdf import convert_folder

    assert staging.root is not None
    by_folder: dict[str, list[Path]] = {}
    for rel in sorted(staging.written):
        folder, _, name = rel.rpartition("/")
        if name.endswith(".docx"):
            by_folder.setdefault(folder, []).append(staging.root / rel)
    for folder, files in by_folder.items():
        for made in convert_folder(files, staging.root / PDF_DIR / folder):
            staging.adopt(made.relative_to(staging.root).as_posix(), sha256(made.read_bytes()))


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
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


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


def check(project_path: Path, pack: str | None = None) -> tuple[LoadedProject, list[Problem]]:
    """Return the loaded project and every warning `fupin-docs check` reports."""
    loaded = load_project(project_path)
    res = resources_for(loaded, pack)
    return loaded, loaded.warnings + check_project(loaded, Stats(loaded.project), res.policy)
