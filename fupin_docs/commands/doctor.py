"""`fupin-docs doctor`: report what PDF output and previews need, and how to get what is missing."""

from __future__ import annotations

from fupin_docs.i18n import tr
from fupin_docs.output.environment import (
    MISSING,
    OK,
    WARN,
    Finding,
    _acceptable,
    blocking,
    diagnose,
)


def format_report(findings: list[Finding]) -> str:
    """Return the findings as the text `fupin-docs doctor` prints."""
    labels = {OK: tr("[正常]", "[ok]  "), WARN: tr("[注意]", "[warn]"),
              MISSING: tr("[缺少]", "[miss]")}
    lines = [tr("PDF 输出环境检查", "PDF output environment"), ""]
    for f in findings:
        lines.append(f"{labels.get(f.level, f.level)} {f.item}：{f.detail}")
        if f.hint:
            hint_lines = f.hint.splitlines()
            lines.append(tr("       怎么办：", "       fix: ") + hint_lines[0])
            lines.extend("       " + h for h in hint_lines[1:])
    bad = [f for f in findings if f.level == MISSING]
    warn = [f for f in findings if f.level == WARN]
    lines.append("")
    if not bad and not warn:
        lines.append(tr("全部正常，可以生成 PDF 和预览。", "All good: PDF and previews will work."))
    else:
        lines.append(tr(f"{len(bad)} 项缺少，{len(warn)} 项需要注意。生成 .docx 不受影响。",
                        f"{len(bad)} missing, {len(warn)} warning(s). .docx output is unaffected."))
        if bad and not blocking(findings):
            lines.append(tr("生成 PDF 所需的都已具备；缺少的工具只影响预览图和 PDF 检查。",
                            "PDF output will work; the missing tools only serve previews and "
                            "PDF checks."))
    return "\n".join(lines)


__all__ = ["Finding", "blocking", "diagnose", "format_report", "OK", "WARN", "MISSING",
           "_acceptable"]
