"""Build a county: load its schools in parallel, check across them, write the county's documents.

Each school is read and checked in a worker process exactly as `fupin-docs check` reads it
alone (output.build.prepare, under the county's pack unless it names its own) and hands back
its summary; with --schools the worker then builds the school's own documents exactly as
`fupin-docs build` does alone (output.build.build, one process each), into 各校/<school>/ of
the county's staging folder. A school whose data has errors fails the county's build: nothing
is written, and its problems are listed with their files and lines; --skip-invalid leaves it
out instead, and names it in the report, the manifest and the command's output. The county's
own kinds are rendered from the summaries; a kind of many records (a list per school) renders
them on the same workers. The county's output is replaced only when all of it succeeded.
"""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from fupin_docs import __version__
from fupin_docs.county import COUNTY_FILE
from fupin_docs.county.checks import check_county
from fupin_docs.county.facts import CountyFacts, Skipped
from fupin_docs.county.model import County, read_county
from fupin_docs.county.summary import SchoolSummary, relocate, summarize
from fupin_docs.data import policy_table
from fupin_docs.data.packs import PackChain, load_chain
from fupin_docs.data.resources import (
    POLICY_FILE,
    Resources,
    TemplateSet,
    builtin_dir,
    default_policy_path,
)
from fupin_docs.data.roots import outside_message
from fupin_docs.data.values import looks_like_path
from fupin_docs.documents.registry import Document, Scope, kinds, select
from fupin_docs.errors import DataError, FupinError, Location, Problem, UsageError
from fupin_docs.facts.facts import Facts
from fupin_docs.i18n import tr
from fupin_docs.output.batch import word_template
from fupin_docs.output.build import (
    PDF_DIR,
    BuildOptions,
    _require_fonts,
    _require_soffice,
    _resolve_templates,
    build,
    code_fingerprint,
    prepare,
    render_school_kind,
)
from fupin_docs.output.manifest import MANIFEST, manifest_bytes, sha256
from fupin_docs.output.naming import UniqueNames, fit_bytes, safe_name
from fupin_docs.output.staging import Staging, write_into
from fupin_docs.render.docx import CompiledDocx
from fupin_docs.render.env import make_env
from fupin_docs.render.limits import DEFAULT, Limits
from fupin_docs.render.text import CompiledText

log = logging.getLogger(__name__)
#: where, with --schools, each school's own documents go in the county's output
SCHOOLS_DIR = "各校"


@dataclass
class CountyOptions:
    """What the user asked of a county's build."""

    out_dir: Path
    only: tuple[str, ...] = ()
    jobs: int | None = None
    pdf: bool = False
    strict: bool = False
    full_ids: bool = False
    #: a template pack given on the command line, instead of the county's own
    pack: str | None = None
    allow_font_fallback: bool = False
    #: folders besides the county's own that it (and its schools) may read from (--root)
    roots: tuple[Path, ...] = ()
    #: also build every school's own documents, into 各校/<school>/
    schools: bool = False
    #: leave out a school whose data has errors (named in the report and the output)
    skip_invalid: bool = False


@dataclass
class CountyResult:
    """What a county's build did."""

    out_dir: Path
    files: dict[str, str] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    #: the schools left out (--skip-invalid) and their problems
    skipped: list[Skipped] = field(default_factory=list)
    skipped_problems: list[Problem] = field(default_factory=list)
    schools: int = 0


@dataclass(frozen=True)
class SchoolTask:
    """One school for a worker: where it is, how to read it, and where to build it."""

    key: str
    path: Path
    pack: str | None
    default_pack: str | None
    roots: tuple[Path, ...]
    full_ids: bool
    #: build the school's own documents here (--schools), else only read and check it
    out: Path | None = None
    only: tuple[str, ...] = ()
    pdf: bool = False
    allow_font_fallback: bool = False
    jobs: int | None = 1


@dataclass
class SchoolOutcome:
    """What a worker made of one school: its summary, or its errors; its files, if built."""

    key: str
    summary: SchoolSummary | None
    errors: list[Problem] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)


def county_resources(county: County, pack: str | None = None) -> Resources:
    """Return the county's templates, policy table and wording: its own templates/ folder,
    then its pack's chain (`pack` given on the command line replaces county.yaml's), then the
    built-ins; the policy table from its own policies.yaml, else the pack's, else built in."""
    ref = pack if pack is not None else county.config.pack
    base = Path.cwd() if pack is not None and looks_like_path(pack) else county.folder
    chain = load_chain(ref, base) if ref else PackChain()
    own = [county.folder / "templates"] if (county.folder / "templates").is_dir() else []
    templates = TemplateSet(own + chain.template_dirs + [builtin_dir()])
    mine = county.folder / POLICY_FILE
    if mine.is_file():
        if not county.roots.allows(mine):
            message, hint = outside_message("资助政策表", POLICY_FILE, county.roots)
            raise DataError([Problem(message, Location(POLICY_FILE), hint)])
        table = policy_table.load_policy_table(mine, POLICY_FILE)
        return Resources(templates, chain, table, POLICY_FILE, mine, chain.boilerplate())
    for p in chain.packs:
        if p.config.policies is not None:
            return Resources(templates, chain, policy_table.table_from(p.data, p.positions),
                             p.display, None, chain.boilerplate())
    path = default_policy_path()
    return Resources(templates, chain, policy_table.load_policy_table(path, f"内置/{path.name}"),
                     "builtin", path, chain.boilerplate())


def county_kinds(only: tuple[str, ...], schools: bool) -> tuple[list[Document], tuple[str, ...]]:
    """Return the county's kinds to build and the keys of the schools' kinds (--schools): all,
    or those `only` names (a school's kind only with --schools)."""
    every = select(only, scopes=tuple(Scope))
    county = [k for k in every if k.scope is Scope.county]
    school = tuple(k.key for k in every if k.scope is not Scope.county)
    if only and school and not schools:
        raise UsageError(tr(f"--only 中的 {'、'.join(school)} 是各校的文书：要同时生成各校的文书，"
                            "请加 --schools", f"{', '.join(school)} are schools' documents: "
                            "add --schools to build them"))
    if only and not school:
        school = tuple(k.key for k in kinds() if k.scope is not Scope.county)
    return county, school


def load_county(county: County, res: Resources, options: CountyOptions, *,
                staging: Path | None = None, school_kinds: tuple[str, ...] = ()
                ) -> tuple[CountyFacts, list[Problem], list[Problem]]:
    """Return the county's facts, every warning (the schools' own, then across schools) and
    the problems of the schools left out; raise DataError when a school's data has errors
    (unless `options.skip_invalid`). With `staging`, each school is built into it too."""
    started = time.perf_counter()
    default_pack = str(res.chain.packs[0].folder) if res.chain.packs else None
    roots = tuple(county.roots.folders)
    names = UniqueNames()
    tasks = [SchoolTask(ref.key, ref.path, options.pack, default_pack, roots,
                        options.full_ids,
                        (staging / SCHOOLS_DIR / names.take(safe_name(ref.path.name), "学校"))
                        if staging is not None else None, school_kinds, options.pdf,
                        options.allow_font_fallback)
             for ref in county.schools]
    outcomes = list(run_schools(tasks, options.jobs))
    log.info("读取 %d 所学校，用时 %.2f 秒", len(tasks), time.perf_counter() - started)
    errors = [p for o in outcomes for p in o.errors]
    failed = [o for o in outcomes if o.summary is None]
    if failed and not options.skip_invalid:
        raise DataError(errors + [Problem(tr(
            f"{len(failed)} 所学校的资料有误（{'、'.join(o.key for o in failed)}），"
            "全县的文书都未生成",
            f"{len(failed)} school(s) have errors ({', '.join(o.key for o in failed)}); "
            "nothing was written for the county"), None,
            tr("改正这些错误后重新生成；或加 --skip-invalid 先汇总其余学校"
               "（报告中写明未纳入的学校）",
               "fix them, or add --skip-invalid to leave those schools out"))])
    summaries = [o.summary for o in outcomes if o.summary is not None]
    if not summaries:
        raise DataError(errors + [Problem(tr("没有一所学校的资料可以汇总，全县的文书都未生成",
                                             "no school's data can be rolled up; nothing was "
                                             "written"))])
    cf = CountyFacts(county, res.policy, res.boilerplate, summaries,
                     [Skipped(o.key, len(o.errors)) for o in failed],
                     full_ids=options.full_ids or county.config.ledger_full_ids,
                     limits=Limits(**res.limits))
    cf.shared["files"] = {o.key: o.files for o in outcomes}
    warnings = [w for s in summaries for w in s.warnings] + check_county(cf)
    return cf, warnings, errors


def build_county(path: Path, options: CountyOptions) -> CountyResult:
    """Build the county at `path`; replace the output folder only when all of it succeeded."""
    kinds_, school_kinds = county_kinds(options.only, options.schools)
    county = read_county(path, options.roots)  # county.yaml's errors before anything else
    res = county_resources(county, options.pack)
    _resolve_templates(kinds_, res)  # a missing template stops the build before the schools
    if options.pdf:
        _require_soffice()
        _require_fonts(options.allow_font_fallback)
    seal = Path(res.boilerplate["seal"]).read_bytes() if res.boilerplate.get("seal") else None
    with Staging(options.out_dir) as staging:
        assert staging.root is not None
        cf, warnings, skipped_problems = load_county(
            county, res, options, staging=staging.root if options.schools else None,
            school_kinds=school_kinds)
        if options.strict and warnings:
            raise DataError([Problem(w.message, w.where, w.hint, "error", w.also)
                             for w in warnings])
        for files in cf.shared.pop("files").values():
            for rel, digest in files.items():
                staging.adopt(rel, digest)
        for kind in kinds_:
            started = time.perf_counter()
            for rel, digest in render_county_kind(kind, cf, res.templates, seal, staging.root,
                                                  options.jobs):
                staging.adopt(rel, digest)
            log.info("%s：用时 %.2f 秒", kind.label, time.perf_counter() - started)
        if options.pdf:
            from fupin_docs.output.pdf_pages import build_pdfs

            county_files = {rel: digest for rel, digest in staging.written.items()
                            if not rel.startswith(f"{SCHOOLS_DIR}/")}
            for rel in build_pdfs(staging.root, county_files, kinds_, [], PDF_DIR):
                staging.adopt(rel, sha256((staging.root / rel).read_bytes()))
        settings = {"only": [k.key for k in kinds_], "pdf": options.pdf,
                    "full_ids": options.full_ids, "schools": options.schools,
                    "code": code_fingerprint()}
        manifest = {"tool": f"fupin-docs {__version__}", "inputs": _inputs(cf, res),
                    "settings": settings, "county": cf.county.name,
                    "schools": [s.key for s in cf.schools],
                    "skipped": [s.key for s in cf.skipped],
                    "outputs": dict(sorted(staging.written.items()))}
        staging.write(MANIFEST, manifest_bytes(manifest))
        files = {rel: digest for rel, digest in staging.written.items() if rel != MANIFEST}
    return CountyResult(options.out_dir, files, warnings, cf.skipped, skipped_problems,
                        len(cf.schools))


def check_county_project(path: Path, pack: str | None = None, roots: tuple[Path, ...] = (),
                         jobs: int | None = None) -> tuple[CountyFacts, list[Problem]]:
    """Return the county's facts and every warning `fupin-docs check` reports of it."""
    options = CountyOptions(Path("."), jobs=jobs, pack=pack, roots=roots, skip_invalid=True)
    county = read_county(path, roots)
    cf, warnings, errors = load_county(county, county_resources(county, pack), options)
    return cf, errors + warnings


def _inputs(cf: CountyFacts, res: Resources) -> dict[str, str]:
    """Return sha256 per input of the county itself: county.yaml, pack, policy, templates."""
    digests = {COUNTY_FILE: sha256((cf.county.folder / COUNTY_FILE).read_bytes())}
    for p in res.input_files():
        digests[f"{p.parent.name}/{p.name}"] = sha256(p.read_bytes())
    for name, p in res.templates.listing().items():
        digests[f"templates/{name}"] = sha256(p.read_bytes())
    return dict(sorted(digests.items()))


# -- the schools, each in a worker process ---------------------------------------------------


def run_schools(tasks: list[SchoolTask], jobs: int | None) -> Iterator[SchoolOutcome]:
    """Yield each school's outcome, in the county's order, loading them on `jobs` processes."""
    workers = min(jobs or os.cpu_count() or 1, len(tasks))
    if workers <= 1:
        for task in tasks:
            yield load_school(replace(task, jobs=jobs))
        return
    with ProcessPoolExecutor(workers, initializer=_quiet_worker) as pool:
        yield from _in_order(pool, load_school, tasks, 2 * workers)


def _quiet_worker() -> None:
    """Leave stopping to the main process: Ctrl-C goes to the whole process group, and the
    main process's stop handlers are not a worker's (as output.batch's workers do)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_DFL)


def load_school(task: SchoolTask) -> SchoolOutcome:
    """Return one school read and checked (and, with `task.out`, built) as it is alone."""
    try:
        kinds_ = select(task.only) if task.out is not None else []
        facts, _, warnings = prepare(task.path, task.pack, full_ids=task.full_ids,
                                     kinds=kinds_, roots=task.roots,
                                     default_pack=task.default_pack)
        summary = summarize(facts, task.key, warnings)
        files: dict[str, str] = {}
        if task.out is not None:
            del facts  # the school's build reads it again, as it does alone
            result = build(task.path, BuildOptions(
                out_dir=task.out, only=task.only, jobs=task.jobs, pdf=task.pdf,
                full_ids=task.full_ids, pack=task.pack, default_pack=task.default_pack,
                allow_font_fallback=task.allow_font_fallback, roots=task.roots))
            # every file the school's build left, its manifest (and what else it keeps) too
            prefix = task.out.relative_to(task.out.parent.parent).as_posix()
            files = {f"{prefix}/{rel}": digest for rel, digest in result.files.items()}
            for path in sorted(task.out.rglob("*")):
                rel = f"{prefix}/{path.relative_to(task.out).as_posix()}"
                if path.is_file() and rel not in files:
                    files[rel] = sha256(path.read_bytes())
        return SchoolOutcome(task.key, summary, [], files)
    except DataError as exc:
        return SchoolOutcome(task.key, None, [relocate(p, task.key) for p in exc.problems])
    except FupinError as exc:  # a pack that cannot be found, a template refused …
        problems = getattr(exc, "problems", None) or [Problem(exc.format_message())]
        return SchoolOutcome(task.key, None, [relocate(p, task.key) for p in problems])


def _in_order(pool: ProcessPoolExecutor, function: Callable[[Any], Any], items: Iterable[Any],
              limit: int) -> Iterator[Any]:
    """Yield `function` of each item, in order, with at most `limit` in flight."""
    pending: list[Future[Any]] = []
    for item in items:
        pending.append(pool.submit(function, item))
        if len(pending) >= limit:
            yield pending.pop(0).result()
    for future in pending:
        yield future.result()


# -- the county's kinds ------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordJob:
    """One record of a county kind for a worker: its template data and where it goes."""

    kind: str
    template_dirs: tuple[Path, ...]
    seal: bytes | None
    limits: Limits
    root: Path
    stem: str
    ctx: Mapping[str, Any]


def render_county_kind(kind: Document, cf: CountyFacts, templates: TemplateSet,
                       seal: bytes | None, root: Path, jobs: int | None
                       ) -> Iterator[tuple[str, str]]:
    """Yield (path, sha256) of each file of a county kind written under `root`: one file per
    format, or, for a kind of records (a list per school), those of each record, rendered on
    `jobs` processes."""
    facts = cast(Facts, cf)  # a county kind's builders are given the county's facts
    if kind.records is None:
        for rel, data in render_school_kind(kind, facts, templates, seal):
            yield rel, write_into(root, rel, data)
        return
    names = UniqueNames()
    records = [(f"{kind.folder}/" + names.take(fit_bytes("_".join(safe_name(p, 30)
                                                                  for p in parts)), str(n)), ctx)
               for n, (parts, ctx) in enumerate(kind.records(facts), start=1)]
    for stem, ctx in records:
        if "xlsx" in kind.formats:  # a workbook is made from the facts: here
            assert kind.workbook is not None
            rel = f"{stem}.xlsx"
            yield rel, write_into(root, rel, kind.workbook(facts, ctx))
    limits = cf.limits or DEFAULT
    jobs_ = [RecordJob(kind.key, tuple(templates.dirs), seal, limits, root, stem, ctx)
             for stem, ctx in records]
    workers = min(jobs or os.cpu_count() or 1, len(jobs_))
    if workers <= 1:
        for job in jobs_:
            yield from render_record(job)
        return
    with ProcessPoolExecutor(workers, initializer=_quiet_worker) as pool:
        for written in _in_order(pool, render_record, jobs_, 2 * workers):
            yield from written


_compiled: dict[tuple[Any, ...], tuple[CompiledDocx | None, CompiledText | None]] = {}


def render_record(job: RecordJob) -> list[tuple[str, str]]:
    """Write one record's Word and text files; return (path, sha256) of each."""
    from fupin_docs.documents.registry import kind as kind_of

    kind = kind_of(job.kind)
    key = (job.kind, job.template_dirs, job.seal, job.limits)
    found = _compiled.get(key)
    if found is None:
        templates = TemplateSet(list(job.template_dirs))
        word = (word_template(templates, kind, make_env(autoescape=True, limits=job.limits),
                              job.seal) if "docx" in kind.formats else None)
        text = None
        if "txt" in kind.formats:
            templates.resolve(kind.text_name())
            env = make_env(autoescape=False, text_dirs=templates.text_dirs(), limits=job.limits)
            text = CompiledText(env, f"{kind.template}.txt")
        found = _compiled[key] = (word, text)
    word, text = found
    written = []
    if word is not None:
        rel = f"{job.stem}.docx"
        written.append((rel, write_into(job.root, rel, word.render(job.ctx))))
    if text is not None:
        rel = f"{job.stem}.txt"
        written.append((rel, write_into(job.root, rel, text.render(job.ctx))))
    return written
