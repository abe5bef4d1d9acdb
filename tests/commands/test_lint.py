"""`fupin-docs lint` of a whole build: the 公文 are judged, the forms are named and left alone."""

from __future__ import annotations

from pathlib import Path

from fupin_docs.cli import main
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import EXAMPLES


def test_lint_of_a_build_judges_the_gongwen_and_names_the_forms(runner, tmp_path: Path):
    out = tmp_path / "out"
    build(EXAMPLES / "扯乐完小", BuildOptions(out_dir=out))
    result = runner.invoke(main, ["lint", str(out)])
    assert result.exit_code == 0, result.output
    assert ("政策告知单、联系卡、责任一览表、公示名单、控辍保学台账是表格类文书，不按公文格式检查"
            in result.output)
    judged = [line for line in result.output.splitlines() if line.endswith("未发现不合规之处。")]
    assert len(judged) == 1 + 42 + 7  # the report, each letter, each village's print file
    card = next((out / "联系卡").glob("*.docx"))
    alone = runner.invoke(main, ["lint", str(card)])
    assert alone.exit_code == 0 and "联系卡是表格类文书" in alone.output


def test_lint_with_no_word_file_says_so(runner, tmp_path: Path):
    result = runner.invoke(main, ["lint", str(tmp_path)])
    assert result.exit_code == 1 and "没有找到要检查的 Word 文件" in result.output
