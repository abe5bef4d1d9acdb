"""The fupin-docs command line: a thin Click layer over build, check and friends."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from fupin_docs import __version__
from fupin_docs.i18n import set_lang, tr

log = logging.getLogger("fupin_docs")


def _lang_from_argv() -> None:
    """Pick the language before Click prints help, so --help follows --lang too."""
    argv = sys.argv[1:]
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            set_lang(argv[i + 1])
        elif arg.startswith("--lang="):
            set_lang(arg.split("=", 1)[1])


_lang_from_argv()


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
        self.bar = None

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=tr("生成每户文件", "households"),
                                         file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


def show_problems(problems: list, *, err: bool = True) -> None:
    """Print each problem (warnings included) in full."""
    for p in problems:
        click.echo(p.format() + "\n", err=err)


@click.group(help=tr("扶贫文书：把学校的教育扶贫资料（YAML）生成汇报材料、致家长的一封信、政策告知单、联系卡和台账。",
                     "fupin-docs: turn a school's education-poverty-alleviation YAML into its "
                     "reports, letters, notices, cards and ledgers."))
@click.version_option(__version__, "-V", "--version", prog_name="fupin-docs")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help=tr("提示语言：zh 中文（默认），en 英文", "message language: zh (default) or en"))
@click.option("-q", "--quiet", is_flag=True, help=tr("只显示错误", "show errors only"))
@click.option("-v", "--verbose", is_flag=True, help=tr("显示更多过程信息", "show more detail"))
def main(lang: str | None, quiet: bool, verbose: bool) -> None:
    if lang:
        set_lang(lang)
    Ctx.quiet, Ctx.verbose = quiet, verbose
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(message)s")


@main.command(help=tr("生成全部文件（汇报材料等）到输出文件夹。", "build every document of a project."))
@click.argument("project", type=click.Path(path_type=Path))
@click.option("-o", "--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help=tr("输出文件夹（默认：项目旁的 build）", "output folder (default: build)"))
@click.option("--only", default=None, metavar="LIST",
              help=tr("只生成部分文件，如 report,letter,notice,card,duty,ledger",
                      "build a subset, e.g. report,letter,notice"))
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=None,
              help=tr("并行进程数（默认：全部CPU核）", "parallel processes (default: all cores)"))
@click.option("--pdf", is_flag=True, help=tr("同时用 LibreOffice 转成 PDF", "also make PDFs"))
@click.option("--strict", is_flag=True, help=tr("核对有警告时视为错误，不生成", "treat warnings as errors"))
@click.option("--full-ids", is_flag=True,
              help=tr("台账中显示完整身份证号（仅内部留档用）", "show full ID numbers in the ledger"))
def build(project: Path, out_dir: Path | None, only: str | None, jobs: int | None, pdf: bool,
          strict: bool, full_ids: bool) -> None:
    from fupin_docs.build import BuildOptions, build as run_build

    options = BuildOptions(out_dir=out_dir or Path("build"),
                           only=tuple(k.strip() for k in only.split(",") if k.strip()) if only else (),
                           jobs=jobs, pdf=pdf, strict=strict, full_ids=full_ids)
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
               f"inputs unchanged; {len(result.files)} files in {result.out_dir} left as they were."))
    else:
        say(tr(f"已生成 {len(result.files)} 个文件到 {result.out_dir}",
               f"wrote {len(result.files)} files to {result.out_dir}"))


@main.command(help=tr("检查资料：格式、引用，并核对写明的数字与名单是否一致。",
                      "validate a project and compare stated figures with the data."))
@click.argument("project", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help=tr("有警告也返回失败（退出码 1）", "fail on warnings"))
def check(project: Path, strict: bool) -> None:
    from fupin_docs.build import check as run_check

    loaded, warnings = run_check(project)
    show_problems(warnings, err=False)
    if warnings:
        click.echo(tr(f"发现 {len(warnings)} 处需要核对。", f"{len(warnings)} warning(s)."))
        if strict:
            sys.exit(1)
    else:
        say(tr(f"{loaded.project.school.name}：资料完整，数字一致。", "all checks passed."))


@main.command(help=tr("新建一个项目文件夹，内含带中文注释的示例资料。", "create a new project skeleton."))
@click.argument("directory", type=click.Path(path_type=Path))
def init(directory: Path) -> None:
    from fupin_docs.skeleton import write_skeleton

    files = write_skeleton(directory)
    say(tr(f"已在 {directory} 新建项目：{'、'.join(f.name for f in files)}。"
           f"填写后运行：fupin-docs check {directory}",
           f"created {directory}; fill it in, then run: fupin-docs check {directory}"))


@main.command(help=tr("输出资料格式的 JSON Schema（供 VS Code 等编辑器自动补全）。",
                      "print the JSON Schema of a project file."))
def schema() -> None:
    from fupin_docs.skeleton import schema_json

    click.echo(schema_json(), nl=False)


def run() -> None:
    """Entry point that keeps Ctrl-C quiet."""
    try:
        main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo(tr("已中断，输出文件夹保持原样。", "interrupted; the output folder is unchanged."),
                   err=True)
        sys.exit(130)
    except click.ClickException as exc:  # our FupinError and Click's usage errors
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo(tr("已中断，输出文件夹保持原样。", "interrupted; the output folder is unchanged."),
                   err=True)
        sys.exit(130)
    except Exception as exc:  # a bug, not bad input: say so briefly; -v shows the traceback
        if Ctx.verbose:
            raise
        click.echo(tr(f"内部错误：{type(exc).__name__}: {exc}\n输出文件夹保持原样。"
                      "请加 -v 重新运行，并把显示的内容报告给维护者。",
                      f"internal error: {type(exc).__name__}: {exc}\nthe output folder is "
                      "unchanged; rerun with -v and report what it prints."), err=True)
        sys.exit(3)
