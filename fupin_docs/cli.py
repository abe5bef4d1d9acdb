"""The fupin-docs command line: a thin Click layer over build, check and the other commands.

Help texts are written in both languages and picked when help is shown, so ``--lang en``
works for ``--help`` without reading sys.argv at import time.
"""

from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

import click

from fupin_docs import __version__
from fupin_docs.errors import FupinError, Problem, UsageError
from fupin_docs.i18n import set_lang, tr

log = logging.getLogger("fupin_docs")
F = TypeVar("F", bound=Callable[..., Any])
#: a help text in both languages: (Chinese, English)
Help = tuple[str, str]


class _Option(click.Option):
    """An option whose help is given in both languages."""

    def __init__(self, *args: Any, help: Help | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._help = help

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        if self._help:
            self.help = tr(*self._help)
        return super().get_help_record(ctx)


class _Command(click.Command):
    """A command whose help is given in both languages, and whose errors are ours."""

    def __init__(self, *args: Any, help: Help | None = None, short_help: Help | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._help, self._short = help, short_help

    def _localise(self) -> None:
        if self._help:
            self.help = tr(*self._help)
        if self._short:
            self.short_help = tr(*self._short)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._localise()
        super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        self._localise()
        return super().get_short_help_str(limit)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except FupinError as exc:
            raise (_ShownUsage if exc.exit_code == 2 else _Shown)(exc.format_message()) from None


class _Group(_Command, click.Group):
    """A group of commands, each of them a _Command."""

    command_class = _Command
    group_class = type  # sub-groups are _Group too


class _Shown(click.ClickException):
    """A FupinError on its way out through Click: printed as is, with its own exit code."""

    def format_message(self) -> str:
        return self.message

    def show(self, file: Any = None) -> None:
        click.echo(self.format_message(), err=True)


class _ShownUsage(_Shown):
    """A FupinError that is a usage error (exit code 2, as Click's own)."""

    exit_code = 2


def option(*decls: str, help: Help, **kwargs: Any) -> Callable[[F], F]:
    """Return a Click option whose help text is given in both languages."""
    return click.option(*decls, cls=_Option, help=help, **kwargs)


class Ctx:
    """Options shared by every command."""

    quiet = False
    verbose = False


def say(message: str) -> None:
    """Print a message unless -q was given."""
    if not Ctx.quiet:
        click.echo(message)


class ProgressBar:
    """A progress bar over households, shown only on an interactive terminal."""

    def __init__(self) -> None:
        self.bar: Any = None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=tr("生成每户文件", "households"),
                                         file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def show_problems(problems: list[Problem], *, err: bool = True) -> None:
    """Print each problem (warnings included) in full."""
    for p in problems:
        click.echo(p.format() + "\n", err=err)


@click.group(cls=_Group, help=(
    "扶贫文书：把学校的教育扶贫资料（YAML）生成汇报材料、致家长的一封信、政策告知单、联系卡和台账。",
    "fupin-docs: turn a school's education-poverty-alleviation YAML into its reports, letters, "
    "notices, cards and ledgers."))
@click.version_option(__version__, "-V", "--version", prog_name="fupin-docs")
@option("--lang", type=click.Choice(["zh", "en"]), default=None, is_eager=True,
        expose_value=True, help=("提示语言：zh 中文（默认），en 英文",
                                 "message language: zh (default) or en"))
@option("-q", "--quiet", is_flag=True, help=("只显示错误", "show errors only"))
@option("-v", "--verbose", is_flag=True,
        help=("显示每一步：读了哪些文件、用了哪些模板、几个进程、各步用时",
              "log each step: files read, templates used, workers, timings"))
def main(lang: str | None, quiet: bool, verbose: bool) -> None:
    if lang:
        set_lang(lang)
    Ctx.quiet, Ctx.verbose = quiet, verbose
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="  %(message)s", force=True)


ROOT_OPT = option("--root", "roots", multiple=True, type=click.Path(path_type=Path),
                  help=("项目文件夹之外也可读取的文件夹（如县里的公共文件夹），可写多次",
                        "a folder outside the project that may also be read "
                        "(e.g. the county's shared folder); repeatable"))


@main.command(help=("生成全部文件（汇报材料等）到输出文件夹。",
                    "build every document of a project."))
@click.argument("project", type=click.Path(path_type=Path))
@option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
        help=("输出文件夹（默认：当前文件夹下的 build）", "output folder (default: ./build)"))
@option("--only", default=None, metavar="LIST",
        help=("只生成部分文件，如 report,letter,notice,card,duty,public,ledger",
              "build a subset, e.g. report,letter,notice"))
@option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
        help=("并行进程数（默认：全部CPU核）", "parallel processes (default: all cores)"))
@option("--pdf", is_flag=True,
        help=("同时用 LibreOffice 把各 Word 文件转成 PDF，放在输出文件夹的 PDF/ 下（目录结构相同）",
              "also convert every Word file to PDF, under PDF/ in the output folder"))
@option("--allow-font-fallback", is_flag=True,
        help=("缺少公文字体的替代字体时也照常转 PDF（字形会不对）",
              "make PDFs even when the official faces lack proper stand-ins"))
@option("--strict", is_flag=True, help=("核对有警告时视为错误，不生成", "treat warnings as errors"))
@option("--pack", default=None, metavar="PACK",
        help=("改用指定的模板包（名称或路径），不用资料中 pack: 写的",
              "use this template pack instead of the project's own"))
@option("--full-ids", is_flag=True,
        help=("台账中显示完整身份证号（仅内部留档用）", "show full ID numbers in the ledger"))
@ROOT_OPT
@option("--schools", is_flag=True,
        help=("县：同时生成各校自己的全部文书（放在 各校/学校名/ 下）",
              "a county: also build every school's own documents (under 各校/<school>/)"))
@option("--skip-invalid", is_flag=True,
        help=("县：资料有误的学校不纳入汇总（在汇报和输出中写明），其余照常生成",
              "a county: leave out schools whose data has errors (named in the report)"))
def build(project: Path, out_dir: Path | None, only: str | None, jobs: int | None, pdf: bool,
          allow_font_fallback: bool, strict: bool, pack: str | None, full_ids: bool,
          roots: tuple[Path, ...], schools: bool, skip_invalid: bool) -> None:
    from fupin_docs.county.model import is_county
    from fupin_docs.output.build import BuildOptions
    from fupin_docs.output.build import build as run_build

    keys = tuple(k.strip() for k in only.split(",") if k.strip()) if only else ()
    if is_county(project):
        from fupin_docs.county.build import CountyOptions

        _build_county(project, CountyOptions(
            out_dir=out_dir or Path("build"), only=keys, jobs=jobs, pdf=pdf, strict=strict,
            full_ids=full_ids, pack=pack, allow_font_fallback=allow_font_fallback, roots=roots,
            schools=schools, skip_invalid=skip_invalid))
        return
    if schools or skip_invalid:
        raise UsageError(tr("--schools 和 --skip-invalid 只用于县（含 county.yaml 的文件夹）",
                            "--schools and --skip-invalid are for a county (a folder with "
                            "county.yaml)"))
    options = BuildOptions(out_dir=out_dir or Path("build"), only=keys,
                           jobs=jobs, pdf=pdf, strict=strict, full_ids=full_ids, pack=pack,
                           allow_font_fallback=allow_font_fallback, roots=roots)
    bar = ProgressBar() if not Ctx.quiet and sys.stderr.isatty() else None
    options.progress = bar.update if bar else None
    try:
        result = run_build(project, options)
    finally:
        if bar:
            bar.close()
    if result.warnings and not Ctx.quiet:
        show_problems(result.warnings)
    if result.unchanged:
        say(tr(f"资料和模板都没有变化，{result.out_dir} 中的 {len(result.files)} 个文件未重写。",
               f"inputs unchanged; {len(result.files)} files in {result.out_dir} "
               f"left as they were."))
    elif result.rewritten == 0 < len(result.files):  # e.g. only a comment was changed
        say(tr(f"资料有改动，但生成的文件内容都没有变化：{result.out_dir} 中的 "
               f"{len(result.files)} 个文件均未变。",
               f"the inputs changed, but no output did: the {len(result.files)} files in "
               f"{result.out_dir} are as they were."))
    elif result.rewritten < len(result.files):  # a rebuild: say how little it touched
        kept = len(result.files) - result.rewritten
        say(tr(f"已更新 {result.out_dir}：重写 {result.rewritten:,} 个文件，其余 {kept:,} 个未变",
               f"updated {result.out_dir}: {result.rewritten:,} files rewritten, {kept:,} "
               f"unchanged"))
    else:
        say(tr(f"已生成 {len(result.files)} 个文件到 {result.out_dir}",
               f"wrote {len(result.files)} files to {result.out_dir}"))


def _build_county(project: Path, options: Any) -> None:
    """Build a county (fupin_docs.county.build) and say what it did."""
    from fupin_docs.county.build import build_county

    result = build_county(project, options)
    if result.warnings and not Ctx.quiet:
        show_problems(result.warnings)
    if result.skipped:
        show_problems(result.skipped_problems)
        names = "、".join(s.key for s in result.skipped)
        click.echo(tr(f"资料有误、未纳入汇总的学校（{len(result.skipped)} 所）：{names}",
                      f"left out for errors in their data: {names}"), err=True)
    say(tr(f"已汇总 {result.schools} 所学校，生成 {len(result.files)} 个文件到 {result.out_dir}",
           f"{result.schools} schools rolled up; wrote {len(result.files)} files to "
           f"{result.out_dir}"))


def _check_county(project: Path, strict: bool, pack: str | None,
                  roots: tuple[Path, ...]) -> None:
    """Check a county: every school's problems, then those across schools."""
    from fupin_docs.county.build import check_county_project

    cf, problems = check_county_project(project, pack, roots)
    show_problems(problems, err=False)
    errors = sum(1 for p in problems if p.is_error)
    if errors:
        click.echo(tr(f"{len(cf.skipped)} 所学校的资料有 {errors} 处错误；"
                      f"另有 {len(problems) - errors} 处需要核对。",
                      f"{errors} error(s) in {len(cf.skipped)} school(s); "
                      f"{len(problems) - errors} warning(s)."))
        sys.exit(1)
    if problems:
        click.echo(tr(f"{cf.county.name}（{len(cf.schools)} 所学校）："
                      f"发现 {len(problems)} 处需要核对。", f"{len(problems)} warning(s)."))
        if strict:
            sys.exit(1)
    else:
        say(tr(f"{cf.county.name}（{len(cf.schools)} 所学校）：资料完整，数字一致。",
               "all checks passed."))


@main.command(help=("检查资料：格式、引用，并核对写明的数字与名单是否一致。",
                    "validate a project and compare stated figures with the data."))
@click.argument("project", type=click.Path(path_type=Path))
@option("--strict", is_flag=True, help=("有警告也返回失败（退出码 1）", "fail on warnings"))
@option("--pack", default=None, metavar="PACK",
        help=("改用指定的模板包（名称或路径）", "use this template pack"))
@ROOT_OPT
def check(project: Path, strict: bool, pack: str | None, roots: tuple[Path, ...]) -> None:
    from fupin_docs.county.model import is_county
    from fupin_docs.output.build import check as run_check

    if is_county(project):
        _check_county(project, strict, pack, roots)
        return

    loaded, warnings = run_check(project, pack, roots)
    show_problems(warnings, err=False)
    if warnings:
        click.echo(tr(f"发现 {len(warnings)} 处需要核对。", f"{len(warnings)} warning(s)."))
        if strict:
            sys.exit(1)
    else:
        say(tr(f"{loaded.project.school.name}：资料完整，数字一致。", "all checks passed."))


@main.command(help=("新建一个项目文件夹，内含带中文注释的示例资料；加 --excel 则是一份要填写的"
                    " Excel 资料表（资料.xlsx）。",
                    "create a new project skeleton; with --excel, a workbook to fill in."))
@click.argument("directory", type=click.Path(path_type=Path))
@option("--excel", is_flag=True,
        help=("写一份 Excel 资料表（资料.xlsx：学校、教师、村、户和子女、结对，带下拉列表），"
              "不写 YAML", "write a workbook to fill in (资料.xlsx) instead of YAML"))
def init(directory: Path, excel: bool) -> None:
    if excel:
        from fupin_docs.commands.workbook import write_workbook

        book = write_workbook(directory)
        say(tr(f"已新建资料表 {book}。先看其中的“填写说明”，填好后运行："
               f"fupin-docs check {directory}",
               f"created {book}; fill it in, then run: fupin-docs check {directory}"))
        return
    from fupin_docs.commands.init import write_skeleton

    files = write_skeleton(directory)
    say(tr(f"已在 {directory} 新建项目：{'、'.join(f.name for f in files)}。"
           f"填写后运行：fupin-docs check {directory}",
           f"created {directory}; fill it in, then run: fupin-docs check {directory}"))


@main.command("import", short_help=("由建档立卡、学籍系统的导出表新建项目。",
                                    "make a project from 建档立卡 and 学籍 exports."),
              help=("由建档立卡系统的导出表（每人一行）和学籍系统的导出表新建项目文件夹："
                    "把文件复制进去，写好引用它们的 school.yaml，并列出找到的户、子女、村和"
                    "学籍中没有找到的学生。文件可以是 .xlsx、.xls 或 .csv。",
                    "make a project folder from a 建档立卡 export (one row per person) and "
                    "学籍 exports: the files are copied in and named in school.yaml."))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@option("-o", "--out", "folder", type=click.Path(path_type=Path), required=True,
        help=("新项目的文件夹（不能已有文件）", "the new project's folder (must be empty)"))
@option("--school", default=None, metavar="NAME",
        help=("本校全称（与学籍中“就读学校”的写法相同）；不写则取学籍中人数最多的学校",
              "this school's name as the 学籍 export writes it"))
@option("--date", "report_date", default=None, metavar="YYYY-MM-DD",
        help=("成文日期（孩子的年龄按这一天算），默认今天",
              "report date (ages are counted on it); default today"))
def import_(files: tuple[Path, ...], folder: Path, school: str | None,
            report_date: str | None) -> None:
    from fupin_docs.commands.importer import describe, import_files
    from fupin_docs.data.values import BadDate, parse_date
    from fupin_docs.errors import UsageError

    on = None
    if report_date:
        try:
            on = parse_date(report_date)
        except BadDate:
            raise UsageError(tr(f"--date “{report_date}”不是日期，请写成 2018-07-10",
                                f"--date '{report_date}' is not a date")) from None
    result = import_files(list(files), folder, school, on)
    if not Ctx.quiet:
        show_problems(result.warnings)
    say(describe(result))
    if result.to_fill:
        say(tr("还需要在 school.yaml 中补上：", "still to fill in school.yaml:"))
        show_problems(result.to_fill, err=False)
    else:
        say(tr(f"下一步：fupin-docs check {folder}，再 fupin-docs build {folder}",
               f"next: fupin-docs check {folder}, then fupin-docs build {folder}"))


@main.command(help=("输出资料格式的 JSON Schema（供 VS Code 等编辑器自动补全）。",
                    "print the JSON Schema of a project file."))
def schema() -> None:
    from fupin_docs.commands.init import schema_json

    click.echo(schema_json(), nl=False)


@main.command(short_help=("按 GB/T 9704 检查 Word 文件的公文版式。",
                          "check Word files against GB/T 9704."),
              help=("按 GB/T 9704-2012 检查 Word 文件（.docx）的公文版式；"
                    "可给文件，也可给整个输出文件夹。政策告知单、联系卡、责任一览表等是表格类文书，不按公文格式检查。"
                    "全部合格时退出码为 0；有不合规之处或文件无法读取时为 1。",
                    "check Word files, or a whole build folder, against the GB/T 9704-2012 "
                    "layout; forms (notices, cards, tables) are not judged as 公文. Exit 0 "
                    "when all pass, 1 on any departure or unreadable file."))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def lint(files: tuple[Path, ...]) -> None:
    from fupin_docs.commands.lint import lint_targets
    from fupin_docs.documents.registry import kinds
    from fupin_docs.gongwen.lint import format_departures, lint_docx

    targets = lint_targets(files)
    judged = [(path, kind) for path, kind in targets if kind is None or kind.gongwen]
    seen = {kind.key for _, kind in targets if kind is not None and not kind.gongwen}
    forms = [k.label for k in kinds() if k.key in seen]  # in the registry's order
    if forms:
        say(tr(f"{'、'.join(forms)}是表格类文书，不按公文格式检查。",
               f"{', '.join(forms)}: forms, not judged as 公文."))
    failed = 0
    for path, _ in judged:
        try:
            departures = lint_docx(path)
        except FupinError as exc:
            click.echo(exc.format_message(), err=True)
            failed += 1
            continue
        failed += bool(departures)
        if departures or not Ctx.quiet:
            click.echo(f"{path}：" + ("\n" if departures else "") + format_departures(departures))
    if failed:
        click.echo(tr(f"{len(judged)} 个公文中有 {failed} 个不合格。",
                      f"{failed} of {len(judged)} file(s) failed."), err=True)
        sys.exit(1)
    if not judged and not forms:
        raise FupinError(tr("没有找到要检查的 Word 文件（.docx）", "no Word files to check"))


@main.command(short_help=("检查生成 PDF 所需的软件和字体。", "check the PDF tools and fonts."),
              help=("检查生成 PDF 和预览所需的环境：LibreOffice、poppler 工具和公文字体的对应。"
                    "缺少生成 PDF 必需的项目（LibreOffice、fc-match 或合适的字体）时退出码为 1，"
                    "否则为 0（只缺预览用的 poppler 工具时仍为 0）。",
                    "check what PDF output and previews need: LibreOffice, poppler and the "
                    "official fonts; exit 1 when something build --pdf needs is missing."))
def doctor() -> None:
    from fupin_docs.commands.doctor import blocking, diagnose, format_report

    findings = diagnose()
    click.echo(format_report(findings))
    if blocking(findings):
        sys.exit(1)


@main.command(short_help=("生成每种文书第一页的预览图。", "draw page 1 of each document."),
              help=("生成每种文书第一页的预览图（汇报材料、第一户的一封信、告知单、联系卡、"
                    "责任一览表等）和一个 index.html，用浏览器打开即可核对版式。",
                    "draw page 1 of each document type and an index.html to look at."))
@click.argument("project", type=click.Path(path_type=Path))
@option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=Path("preview"),
        help=("预览文件夹（默认：当前文件夹下的 preview）", "preview folder (default: ./preview)"))
def preview(project: Path, out_dir: Path) -> None:
    from fupin_docs.commands.preview import preview_project

    click.echo(preview_project(project, out_dir))


@main.group(cls=_Group, help=("查看、导出、检查模板（项目 → 模板包 → 上级模板包 → 内置）。",
                              "list, export and check templates along the override chain."))
def templates() -> None:
    pass


def _template_set(project: Path | None, pack: str | None) -> Any:
    """Return the template chain of a project, or of a pack alone, or the built-ins."""
    from fupin_docs.data.packs import load_chain
    from fupin_docs.data.resources import TemplateSet, builtin_dir

    if project is not None:
        from fupin_docs.data.project import load_project
        from fupin_docs.data.resources import resources_for

        return resources_for(load_project(project), pack).templates
    chain = load_chain(pack, Path.cwd()) if pack else None
    return TemplateSet((chain.template_dirs if chain else []) + [builtin_dir()])


_PROJECT_OPT = option("-p", "--project", type=click.Path(path_type=Path), default=None,
                      help=("项目文件夹（含其模板包）", "project folder (with its pack)"))


@templates.command("list", help=("列出每个模板及提供它的文件夹。",
                                 "list every template and its source."))
@_PROJECT_OPT
@option("--pack", default=None, help=("模板包名称或路径", "template pack"))
def templates_list(project: Path | None, pack: str | None) -> None:
    from fupin_docs.commands.templates import listing

    chain = _template_set(project, pack)
    click.echo(tr("查找顺序：", "search order:"))
    for i, folder in enumerate(chain.dirs, start=1):
        click.echo(f"  {i}. {folder}")
    for name, path, hidden in listing(chain):
        extra = tr(f"（覆盖了 {len(hidden)} 个同名模板）",
                   f" (overrides {len(hidden)})") if hidden else ""
        click.echo(f"{name:<22} {path}{extra}")


@templates.command("export", help=("复制一个模板出来，便于用 Word/WPS 修改；"
                                   "放到项目的 templates/ 下即生效。",
                                   "copy a template out for editing."))
@click.argument("name")
@click.argument("directory", type=click.Path(path_type=Path), default=Path("templates"))
@_PROJECT_OPT
@option("--pack", default=None, help=("模板包名称或路径", "template pack"))
def templates_export(name: str, directory: Path, project: Path | None, pack: str | None) -> None:
    from fupin_docs.commands.templates import export

    dest = export(_template_set(project, pack), name, directory)
    say(tr(f"已复制到 {dest}", f"copied to {dest}"))


@templates.command("check", help=("检查模板：语法错误、资料中没有的数据、被 Word 拆开的标签。",
                                  "check templates: syntax, unknown data, split tags."))
@click.argument("pack", required=False)
@_PROJECT_OPT
def templates_check(pack: str | None, project: Path | None) -> None:
    from fupin_docs.commands.templates import check_templates

    chain = _template_set(project, pack)
    problems = check_templates(chain)
    show_problems(problems)
    if problems:
        click.echo(tr(f"共 {len(problems)} 处问题。", f"{len(problems)} problem(s)."), err=True)
        sys.exit(1)
    say(tr(f"已检查 {len(chain.listing())} 个模板，未发现问题。",
           f"{len(chain.listing())} templates checked, no problems."))


def _lang_from(argv: list[str]) -> str | None:
    """Return the language asked for with --lang in `argv`, so help and usage errors follow it."""
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None


#: the signal that stopped the run, if one did (its exit code is 128 + its number)
_stopped_by = 0


def _stop_on_signals() -> None:
    """Make SIGTERM (a service manager, `kill`) and SIGHUP (a closed terminal) stop a run
    the way Ctrl-C does: staging removed, the previous output kept, a message."""

    def stop(signum: int, _frame: Any) -> None:
        global _stopped_by
        _stopped_by = signum
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), stop)


def _interrupted() -> None:
    """Say the run was stopped and exit as a stopped program does."""
    click.echo(tr("已中断，输出文件夹保持原样。", "interrupted; the output folder is unchanged."),
               err=True)
    sys.exit(128 + (_stopped_by or signal.SIGINT))


def run(argv: list[str] | None = None) -> None:
    """Entry point: pick the language, run, and turn every failure into a message and a code."""
    args = sys.argv[1:] if argv is None else argv
    lang = _lang_from(args)
    if lang in ("zh", "en"):
        set_lang(lang)
    _stop_on_signals()
    try:
        main(args=args, standalone_mode=False)
    except (click.exceptions.Abort, KeyboardInterrupt):
        _interrupted()
    except BrokenProcessPool:  # a worker was killed: by our own stop signal, or from outside
        if _stopped_by:
            _interrupted()
        click.echo(tr("生成每户文件的子进程意外退出（可能是内存不足，或被其他程序结束）。"
                      "输出文件夹保持原样，请重新生成；仍不行时可加 --jobs 1",
                      "a worker process died (out of memory, or killed); the output folder "
                      "is unchanged. Build again, or use --jobs 1"), err=True)
        sys.exit(1)
    except click.ClickException as exc:  # ours (_Shown) and Click's usage errors
        exc.show()
        sys.exit(exc.exit_code)
    except FupinError as exc:
        click.echo(exc.format_message(), err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except Exception as exc:  # a bug, not bad input: say so briefly; -v shows the traceback
        if Ctx.verbose:
            raise
        click.echo(tr(f"内部错误：{type(exc).__name__}: {exc}\n输出文件夹保持原样。"
                      "请加 -v 重新运行，并把显示的内容报告给维护者。",
                      f"internal error: {type(exc).__name__}: {exc}\nthe output folder is "
                      "unchanged; rerun with -v and report what it prints."), err=True)
        sys.exit(3)
