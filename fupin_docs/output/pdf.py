"""PDF output: .docx → PDF through headless LibreOffice, with the project's font mapping."""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from fupin_docs.errors import FupinError, ToolMissing
from fupin_docs.i18n import tr

#: The fontconfig file shipped with the package (官方字体名 → free fonts).
FONTS_CONF = Path(__file__).parent / "fonts.conf"
_SYSTEM_INCLUDE = "/etc/fonts/fonts.conf"


def soffice_missing_message() -> str:
    """Return the message shown when LibreOffice is not installed, with install commands."""
    return tr(
        "没有找到 LibreOffice，无法把 .docx 转成 PDF（生成 .docx 本身不需要它）。请先安装：\n"
        "  Debian/Ubuntu：在 fupin-docs 文件夹里运行 sudo make system-deps，一次装好 LibreOffice、"
        "poppler 和公文字体的免费替代字体（只装 LibreOffice 时正文会变成黑体一类的字形）\n"
        "  Windows：到 https://zh-cn.libreoffice.org 下载安装\n"
        "  macOS：brew install --cask libreoffice，或从官网下载后拖入“应用程序”\n"
        "装在其他位置时，可把环境变量 FUPIN_SOFFICE 设为 soffice 的完整路径。",
        "LibreOffice was not found, so .docx files cannot be turned into PDF (the .docx files "
        "themselves do not need it). Install it:\n"
        "  Debian/Ubuntu: run sudo make system-deps in the fupin-docs folder: LibreOffice, "
        "poppler and free stand-ins for the official fonts (LibreOffice alone sets the body in "
        "a sans face)\n"
        "  Windows: download and install from https://www.libreoffice.org\n"
        "  macOS: brew install --cask libreoffice, or download it from the website\n"
        "If it lives elsewhere, set FUPIN_SOFFICE to the full path of soffice.",
    )


def _install_candidates() -> list[Path]:
    """Return the usual LibreOffice install locations for this platform, most likely first."""
    if sys.platform.startswith("win"):
        roots = [os.environ.get("PROGRAMFILES"), os.environ.get("PROGRAMFILES(X86)"),
                 r"C:\Program Files", r"C:\Program Files (x86)"]
        return [Path(r) / "LibreOffice" / "program" / "soffice.exe" for r in roots if r]
    if sys.platform == "darwin":
        app = Path("LibreOffice.app") / "Contents" / "MacOS" / "soffice"
        return [Path("/Applications") / app, Path.home() / "Applications" / app]
    found = [Path("/usr/bin/soffice"), Path("/usr/bin/libreoffice"),
             Path("/usr/lib/libreoffice/program/soffice"), Path("/usr/local/bin/soffice"),
             Path("/snap/bin/libreoffice")]
    # Upstream .deb/.rpm builds install to /opt/libreofficeX.Y; prefer the newest.
    found += [Path(p) for p in sorted(glob.glob("/opt/libreoffice*/program/soffice"), reverse=True)]
    return found


def find_soffice() -> Path | None:
    """Return the LibreOffice executable: $FUPIN_SOFFICE, then PATH, then usual locations."""
    override = os.environ.get("FUPIN_SOFFICE")
    if override and Path(override).is_file():
        return Path(override)
    for name in ("soffice", "libreoffice"):
        hit = shutil.which(name)
        if hit:
            return Path(hit)
    for candidate in _install_candidates():
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def _system_fonts_conf() -> Path | None:
    """Return the system fontconfig file our copy should include, if one can be found."""
    env_file = os.environ.get("FONTCONFIG_FILE")
    env_path = os.environ.get("FONTCONFIG_PATH")
    candidates = [Path(env_file) if env_file else None,
                  Path(env_path) / "fonts.conf" if env_path else None,
                  Path(_SYSTEM_INCLUDE), Path("/usr/local/etc/fonts/fonts.conf"),
                  Path("/opt/homebrew/etc/fonts/fonts.conf")]
    ours = FONTS_CONF.resolve()
    for c in candidates:
        if c is not None and c.is_absolute() and c.is_file() and c.resolve() != ours:
            return c
    return None


def write_fonts_conf(folder: Path) -> Path:
    """Return the path of a copy of fonts.conf written into `folder`, including the system config.

    A copy rather than the packaged file: the `<include>` must name the system config that is
    actually present (Homebrew, a user's own FONTCONFIG_FILE), not always /etc/fonts.
    """
    text = FONTS_CONF.read_text(encoding="utf-8")
    system = _system_fonts_conf()
    if system is not None and str(system) != _SYSTEM_INCLUDE:
        text = text.replace(f">{_SYSTEM_INCLUDE}</include>", f">{escape(str(system))}</include>")
    target = folder / "fonts.conf"
    target.write_text(text, encoding="utf-8")
    return target


def _is_complete_pdf(path: Path) -> bool:
    """Return True when `path` starts with %PDF and ends with %%EOF (then only whitespace)."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(5)
            fh.seek(max(0, size - 1024))
            tail = fh.read()
    except OSError:
        return False
    return head.startswith(b"%PDF") and tail.rstrip(b" \t\r\n\f\x00").endswith(b"%%EOF")


def _atomic_move(src: Path, dst: Path) -> None:
    """Return once `src` is at `dst`; `dst` is never seen half-written (old, absent or new)."""
    try:
        os.replace(src, dst)
        return
    except OSError:
        pass  # another filesystem: stage a copy next to dst, then rename within that folder
    fd, staged = tempfile.mkstemp(prefix=f".{dst.stem}.", suffix=".part", dir=dst.parent)
    try:
        with os.fdopen(fd, "wb") as out, src.open("rb") as inp:
            shutil.copyfileobj(inp, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(staged, dst)
    except BaseException:
        Path(staged).unlink(missing_ok=True)
        raise


def _kill_group(pid: int) -> None:
    """Return once SIGKILL was sent to process group `pid` (POSIX; an empty group is fine)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _kill_tree(proc: subprocess.Popen[bytes]) -> None:
    """Return once `proc` and everything it started (soffice → soffice.bin) are killed."""
    if sys.platform.startswith("win"):
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    else:
        _kill_group(proc.pid)
    try:
        proc.kill()
    except OSError:
        pass
    proc.wait()


def _log_tail(log: Path, lines: int = 12) -> str:
    """Return the last lines LibreOffice printed, indented, or '' when it printed nothing."""
    try:
        text = log.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    if not text:
        return ""
    tail = "\n".join("    " + ln for ln in text.splitlines()[-lines:])
    return tr("\nLibreOffice 输出：\n", "\nLibreOffice said:\n") + tail


def convert_folder(docx_files: Sequence[Path], out_dir: Path, *,
                   timeout: float = 300) -> list[Path]:
    """Return the PDFs made from `docx_files` in `out_dir`, converting all of them in one run
    (see convert_files); two files that would make one PDF name are refused."""
    files = [Path(f).resolve() for f in docx_files]
    stems: dict[str, Path] = {}
    for f in files:
        if f.stem.casefold() in stems:
            raise FupinError(tr(
                f"{stems[f.stem.casefold()].name} 和 {f} 会生成同名的 PDF，请改名后再转换。",
                f"{stems[f.stem.casefold()].name} and {f} would produce the same PDF name."))
        stems[f.stem.casefold()] = f
    return convert_files({f: Path(out_dir) / f"{f.stem}.pdf" for f in files}, timeout=timeout)


#: PDF export options: Word bookmarks become named destinations, so that the pages of each
#: record of a print file can be found again (LibreOffice 7.4 reads options as JSON)
PDF_FILTER = ('pdf:writer_pdf_Export:{"ExportBookmarksToPDFDestination":'
              '{"type":"boolean","value":"true"}}')


def converter_fingerprint(fonts: Iterable[str] = ()) -> str:
    """Return a fingerprint of what PDFs are made with: this LibreOffice (the size and time of
    its program files), the export options and what each official face resolves to (`fonts`).
    A PDF made by the same one from the same Word file is the same page for page."""
    parts = [PDF_FILTER, FONTS_CONF.read_text(encoding="utf-8"), *fonts]
    soffice = find_soffice()
    if soffice is not None:
        program = soffice.resolve()
        for path in (program, *(program.parent / name for name in _PROGRAM_FILES)):
            try:
                info = path.stat()
            except OSError:
                continue
            parts.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=16).hexdigest()


#: beside the soffice script: the program itself, and the files that name its version
_PROGRAM_FILES = ("soffice.bin", "versionrc", "version.ini")


def convert_files(jobs: Mapping[Path, Path], *, timeout: float = 300) -> list[Path]:
    """Return the PDFs made from each .docx of `jobs` (source -> PDF path), all in one
    LibreOffice process.

    LibreOffice runs headless with a private profile (so it never collides with a LibreOffice
    the user has open) and with FONTCONFIG_FILE pointing at the project's font mapping. PDFs
    are written to a temporary folder, checked, and only then moved into place; after a
    crash nothing is moved, so no truncated PDF is ever left behind. A run that hangs is
    killed and the files it had not finished are tried once more in a new process.
    """
    pending = {Path(src).resolve(): Path(dest) for src, dest in jobs.items()}
    if not pending:
        return []
    for f in pending:
        if not f.is_file():
            raise FupinError(tr(f"找不到要转换的文件：{f}", f"File to convert not found: {f}"))
    soffice = find_soffice()
    if soffice is None:
        raise ToolMissing(soffice_missing_message())
    done: list[Path] = []
    for attempt in (1, 2):
        finished, hung = _run_soffice(soffice, pending, timeout, last=attempt == 2)
        done += [pending.pop(src) for src in finished]
        if not hung:
            break
    return done


def _inputs(sources: Sequence[Path], folder: Path) -> dict[Path, Path]:
    """Return, per source, the name LibreOffice is given in `folder` (a link, else a copy):
    the source's own name, numbered only where two would make one PDF name."""
    names: dict[Path, Path] = {}
    taken: set[str] = set()
    for i, src in enumerate(sources):
        stem = src.stem if src.stem.casefold() not in taken else f"{src.stem}-{i}"
        taken.add(stem.casefold())
        link = folder / f"{stem}.docx"
        try:
            link.symlink_to(src)
        except OSError:  # Windows without the right to make links
            shutil.copyfile(src, link)
        names[src] = link
    return names


def _run_soffice(soffice: Path, jobs: dict[Path, Path], timeout: float, *, last: bool
                 ) -> tuple[list[Path], bool]:
    """Convert `jobs` in one LibreOffice process; return (sources done, whether it hung).

    A hang on the `last` try, a crash or an unconverted file raises FupinError."""
    names = "、".join(f.name for f in jobs)
    with tempfile.TemporaryDirectory(prefix="fupin-pdf-") as tmp_name:
        tmp = Path(tmp_name)
        staging, profile, given = tmp / "out", tmp / "profile", tmp / "in"
        staging.mkdir()
        given.mkdir()
        inputs = _inputs(list(jobs), given)
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(write_fonts_conf(tmp))
        cmd = [str(soffice), f"-env:UserInstallation={profile.as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", PDF_FILTER,
               "--outdir", str(staging), *map(str, inputs.values())]
        log = tmp / "soffice.log"
        # Own process group / session, so a timeout can kill soffice.bin too, not just the wrapper.
        group: dict[str, Any] = (
            {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
            if sys.platform.startswith("win") else {"start_new_session": True})
        hung = False
        with log.open("wb") as log_fh:
            try:
                proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log_fh,
                                        stderr=subprocess.STDOUT, env=env, cwd=tmp, **group)
            except OSError as exc:
                raise ToolMissing(tr(f"无法启动 LibreOffice（{soffice}）：{exc}",
                                     f"Could not start LibreOffice ({soffice}): {exc}")) from exc
            try:
                code = proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_tree(proc)
                if last:
                    raise FupinError(tr(
                        f"LibreOffice 转换 PDF 超时（{timeout:g} 秒内没有完成，重试一次仍然如此），"
                        f"已强制结束；没有留下不完整的 PDF。涉及文件：{names}。\n"
                        "可以先确认这些文件能在 WPS/Word 中正常打开，再重试。" + _log_tail(log),
                        f"LibreOffice did not finish within {timeout:g} s, twice, and was "
                        f"stopped; no partial PDF was kept. Files: {names}." + _log_tail(log))
                    ) from None
                hung, code = True, 0
            except BaseException:
                _kill_tree(proc)  # Ctrl+C: don't leave a headless LibreOffice running
                raise
            if not sys.platform.startswith("win"):
                # A well-behaved soffice leaves no children behind; make sure of it.
                _kill_group(proc.pid)
        if code != 0:
            raise FupinError(tr(
                f"LibreOffice 转换 PDF 失败（退出码 {code}），没有生成 PDF。涉及文件：{names}。"
                + _log_tail(log),
                f"LibreOffice failed (exit code {code}); no PDF was written. Files: {names}."
                + _log_tail(log)))
        done: list[Path] = []
        failed: list[Path] = []
        for src, given_name in inputs.items():
            made = staging / f"{given_name.stem}.pdf"
            if _is_complete_pdf(made):
                jobs[src].parent.mkdir(parents=True, exist_ok=True)
                _atomic_move(made, jobs[src])
                done.append(src)
            else:
                failed.append(src)
        if failed and not hung:
            bad = "、".join(f.name for f in failed)
            kept = tr(f"其余 {len(done)} 个已生成。", f"The other {len(done)} were written.") \
                if done else ""
            raise FupinError(tr(
                f"LibreOffice 没能把这些文件转成 PDF：{bad}。{kept}\n"
                "请检查文件是否损坏、能否在 WPS/Word 中打开。" + _log_tail(log),
                f"LibreOffice could not convert: {bad}. {kept}" + _log_tail(log)))
        return done, hung


__all__ = ["FONTS_CONF", "PDF_FILTER", "convert_files", "convert_folder", "converter_fingerprint",
           "find_soffice", "soffice_missing_message", "write_fonts_conf"]
