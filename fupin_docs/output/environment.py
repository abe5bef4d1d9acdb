"""What PDF output needs from the machine: LibreOffice, poppler tools, the official fonts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from fupin_docs.i18n import tr
from fupin_docs.output import pdf

#: Levels of a finding, from fine to blocking.
OK, WARN, MISSING = "ok", "warn", "missing"

_FANDOL_HINT = (
    "FandolFang 在 texlive-lang-chinese 包里，不必安装 TeX：apt-get download texlive-lang-chinese，"
    "dpkg -x 解包，把 Fandol*.otf 复制到 /usr/local/share/fonts/fandol/，再运行 fc-cache -f"
    "（项目的 .ci/system-deps.sh 会自动完成这些步骤）",
    "FandolFang ships in texlive-lang-chinese; no TeX needed: apt-get download "
    "texlive-lang-chinese, dpkg -x it, copy Fandol*.otf to /usr/local/share/fonts/fandol/, run "
    "fc-cache -f (the project's .ci/system-deps.sh does all of this)")
_NOTO = ("sudo apt-get install fonts-noto-cjk", "sudo apt-get install fonts-noto-cjk")
_SONG_WORDS = ("serif cjk", "song", "宋", "ming", "sung", "source han serif")

#: (official name, name asked of fontconfig, acceptable family words, rejected words, fix)
_FONTS: list[tuple[str, str, tuple[str, ...], tuple[str, ...], tuple[str, str]]] = [
    ("仿宋_GB2312", "仿宋_GB2312", ("fang", "仿宋"), ("sans", "hei", "黑"), _FANDOL_HINT),
    ("楷体_GB2312", "楷体_GB2312", ("kai", "楷"), ("sans",),
     ("sudo apt-get install fonts-arphic-ukai（或 FandolKai，获取方法同 FandolFang）",
      "sudo apt-get install fonts-arphic-ukai (or FandolKai, obtained like FandolFang)")),
    ("黑体", "黑体", ("hei", "黑", "sans cjk", "source han sans", "思源黑体"), ("dejavu",), _NOTO),
    ("小标宋（方正小标宋简体）", "方正小标宋简体", ("小标宋", *_SONG_WORDS), ("sans", "dejavu"),
     ("sudo apt-get install fonts-noto-cjk（没有免费的小标宋，用 Noto Serif CJK SC 代替）",
      "sudo apt-get install fonts-noto-cjk (no free 小标宋 exists; Noto Serif CJK SC stands in)")),
    ("宋体", "宋体", _SONG_WORDS, ("sans", "dejavu"), _NOTO),
]


#: Times New Roman (digits and Latin letters in every 公文 run) and faces with its metrics
_WESTERN = ("Times New Roman", ("liberation serif", "times", "tinos", "termes", "nimbus roman"))


def _poppler_hint() -> str:
    """Return how to install the poppler tools on each platform."""
    return tr(
        "Debian/Ubuntu：sudo apt-get install poppler-utils；macOS：brew install poppler；"
        "Windows：安装 poppler（如 conda install poppler）并把它的 bin 目录加入 PATH",
        "Debian/Ubuntu: sudo apt-get install poppler-utils; macOS: brew install poppler; "
        "Windows: install poppler (e.g. conda install poppler) and add its bin folder to PATH")


@dataclass(frozen=True)
class Finding:
    """One checked item: what was looked at, what was found, and how to fix it."""

    item: str
    level: str  # OK, WARN or MISSING
    detail: str
    hint: str | None = None
    #: `build --pdf` cannot make correct PDFs without it (poppler tools only serve previews/checks)
    needed_for_pdf: bool = True

    @property
    def ok(self) -> bool:
        """Return True when nothing needs doing for this item."""
        return self.level == OK


def _run(cmd: list[str], env: dict[str, str] | None = None, timeout: float = 60) -> str | None:
    """Return the stripped stdout of `cmd`, or None when it cannot run, fails or hangs."""
    try:
        done = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                              timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", errors="replace").strip()


def _check_soffice() -> Finding:
    """Return the finding for LibreOffice: where it is and which version."""
    soffice = pdf.find_soffice()
    if soffice is None:
        return Finding("LibreOffice", MISSING, tr("未找到（无法生成 PDF 和预览图）",
                                                   "not found (no PDF, no previews)"),
                       pdf.soffice_missing_message())
    with tempfile.TemporaryDirectory(prefix="fupin-doctor-") as tmp:
        # Private profile: asking an already-open LibreOffice would hand the call over to it.
        profile = Path(tmp, "profile").as_uri()
        version = _run([str(soffice), f"-env:UserInstallation={profile}", "--version"])
    if not version:
        return Finding("LibreOffice", WARN, tr(f"{soffice}（无法读出版本，可能已损坏）",
                                               f"{soffice} (version unknown; may be broken)"),
                       tr("重新安装 LibreOffice", "reinstall LibreOffice"))
    return Finding("LibreOffice", OK, f"{soffice}（{version.splitlines()[0]}）")


def _check_tools() -> list[Finding]:
    """Return findings for the poppler tools and fc-match."""
    found: list[Finding] = []
    for tool, use in (("pdftoppm", tr("生成预览图", "previews")),
                      ("pdftotext", tr("检查 PDF 文字", "PDF text checks")),
                      ("pdffonts", tr("检查 PDF 字体", "PDF font checks"))):
        where = shutil.which(tool)
        found.append(Finding(tool, OK, where, needed_for_pdf=False) if where else
                     Finding(tool, MISSING,
                             tr(f"未找到（用于{use}）", f"not found (used for {use})"),
                             _poppler_hint(), needed_for_pdf=False))
    where = shutil.which("fc-match")
    if where:
        found.append(Finding("fc-match", OK, where))
    elif sys.platform.startswith(("win", "darwin")):
        found.append(Finding("fc-match", WARN, tr(
            "未找到；本系统上的 LibreOffice 不用 fontconfig，下面的字体对应无法检查",
            "not found; LibreOffice here does not use fontconfig, fonts cannot be checked"),
            tr("请在系统里安装仿宋_GB2312、楷体_GB2312、方正小标宋简体等字体（需有授权）",
               "install 仿宋_GB2312, 楷体_GB2312, 方正小标宋简体 (licensed) on the system")))
    else:
        found.append(Finding("fc-match", MISSING, tr("未找到", "not found"),
                             "sudo apt-get install fontconfig"))
    return found


def _acceptable(family: str, wanted: tuple[str, ...], rejected: tuple[str, ...]) -> bool:
    """Return True when the resolved `family` looks like the wanted style and not a rejected one."""
    low = family.casefold()
    return any(w in low for w in wanted) and not any(r in low for r in rejected)


def _check_fonts() -> list[Finding]:
    """Return, per official font, what it resolves to under the project's fonts.conf."""
    if not shutil.which("fc-match"):
        return [Finding(label, WARN, tr("无法检查（缺少 fc-match）", "cannot check (no fc-match)"),
                        None) for label, *_ in _FONTS]
    found: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="fupin-doctor-") as tmp:
        env = dict(os.environ, FONTCONFIG_FILE=str(pdf.write_fonts_conf(Path(tmp))))
        for label, query, wanted, rejected, fix in _FONTS:
            out = _run(["fc-match", "-f", "%{family}\t%{style}\t%{file}", query], env=env)
            if not out:
                found.append(Finding(label, MISSING, tr("fc-match 没有结果", "fc-match failed"),
                                     tr(*fix)))
                continue
            family, style, file = (out.split("\t") + ["", ""])[:3]
            shown = f"{family.split(',')[0]} {style.split(',')[0]}".strip()
            detail = tr(f"→ {shown}（{Path(file).name}）", f"→ {shown} ({Path(file).name})")
            if _acceptable(family, wanted, rejected):
                found.append(Finding(label, OK, detail))
            else:
                wrong = tr("：不是合适的字体，PDF 会用错字形", ": wrong kind of face for this role")
                found.append(Finding(label, MISSING, detail + wrong, tr(*fix)))
        found.append(_check_western(env))
    return found


def _check_western(env: dict[str, str]) -> Finding:
    """Return whether Times New Roman resolves to a face of the same widths (a warning if not)."""
    name, same_metrics = _WESTERN
    out = _run(["fc-match", "-f", "%{family}", name], env=env) or ""
    family = out.split(",")[0] or "?"
    if any(w in out.casefold() for w in same_metrics):
        return Finding(name, OK, f"→ {family}", needed_for_pdf=False)
    return Finding(name, WARN, tr(
        f"→ {family}：字宽与 Times New Roman 不同，含数字的行在 PDF 中会比在 Word 中少排几个字",
        f"→ {family}: wider than Times New Roman, so lines with digits hold fewer characters "
        "than in Word"),
        tr("sudo apt-get install fonts-liberation（Liberation Serif 与 Times New Roman 等宽）",
           "sudo apt-get install fonts-liberation (Liberation Serif has Times New Roman's widths)"),
        needed_for_pdf=False)


def diagnose() -> list[Finding]:
    """Return every finding: LibreOffice, poppler tools, fc-match, the official fonts, Times."""
    return [_check_soffice(), *_check_tools(), *_check_fonts()]


def blocking(findings: list[Finding]) -> list[Finding]:
    """Return the missing items without which `build --pdf` fails or prints wrong fonts."""
    return [f for f in findings if f.level == MISSING and f.needed_for_pdf]


def pdf_fonts() -> list[Finding]:
    """Return what each official face resolves to in a PDF; empty where fonts cannot be
    checked (no fontconfig: Windows and macOS, whose LibreOffice uses the system's own fonts)."""
    return _check_fonts() if shutil.which("fc-match") else []


def pdf_font_problems(fonts: list[Finding] | None = None) -> list[Finding]:
    """Return the official faces that would print wrongly in a PDF (body, headings, title),
    of `fonts` when pdf_fonts() was already asked.

    Empty when they map to the right kind of face, or where fonts cannot be checked.
    """
    return [f for f in (pdf_fonts() if fonts is None else fonts)
            if f.level == MISSING and f.needed_for_pdf]


__all__ = ["Finding", "blocking", "diagnose", "pdf_font_problems", "pdf_fonts", "OK", "WARN",
           "MISSING"]
