"""The command line: Chinese help and messages, exit codes, init, schema, a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

from fupin_docs.cli import main
from tests.data.test_placeholders import fill_in
from tests.helpers import EXAMPLES, MINIMAL, write_tree


def test_help_is_chinese(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0 and "生成全部文件" in result.output


def test_wrong_usage_exits_2(runner):
    assert runner.invoke(main, ["build"]).exit_code == 2
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2


def test_bad_data_exits_1_with_located_chinese_message(runner, tmp_path):
    folder = write_tree(tmp_path / "p", {"school.yaml": MINIMAL["school.yaml"].replace(
        "teachers:", "techers:")})
    result = runner.invoke(main, ["build", str(folder), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "school.yaml 第7行第1列" in result.output and "是不是想写 “teachers”" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_build_and_unchanged_rebuild(runner, tmp_path, minimal):
    out = str(tmp_path / "out")
    first = runner.invoke(main, ["build", str(minimal), "-o", out, "--only", "report"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(main, ["build", str(minimal), "-o", out, "--only", "report"])
    assert "未重写" in second.output


def test_only_rejects_unknown_type(runner, tmp_path, minimal):
    result = runner.invoke(main, ["build", str(minimal), "-o", str(tmp_path / "o"),
                                  "--only", "report,memo"])
    assert result.exit_code == 2 and "memo" in result.output  # a usage error, like Click's own


def test_strict_build_stops_on_warnings(runner, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(EXAMPLES / "扯乐完小"), "-o", str(out), "--strict"])
    assert result.exit_code == 1 and "合计 50 人" in result.output and not out.exists()


def test_english_messages(runner, tmp_path):
    folder = write_tree(tmp_path / "p", {"school.yaml": MINIMAL["school.yaml"].replace(
        "teachers:", "techers:")})
    result = runner.invoke(main, ["--lang", "en", "check", str(folder)])
    assert result.exit_code == 1 and "unknown key 'techers'" in result.output


def test_init_writes_commented_skeleton_that_checks_once_filled_in(runner, tmp_path):
    target = tmp_path / "新学校"
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert "# 学校基本情况" in (target / "school.yaml").read_text("utf-8")
    assert json.loads((target / "schema.json").read_text("utf-8"))["title"]
    # untouched, its placeholders are errors (tests/data/test_placeholders.py); filled in, it
    # passes
    untouched = runner.invoke(main, ["check", str(target)])
    assert untouched.exit_code == 1 and "占位文字" in untouched.output, untouched.output
    fill_in(target)
    checked = runner.invoke(main, ["check", str(target)])
    assert checked.exit_code == 0, checked.output
    again = runner.invoke(main, ["init", str(target)])
    assert again.exit_code == 1 and "未做任何改动" in again.output


def test_schema_is_json_with_chinese_descriptions(runner):
    result = runner.invoke(main, ["schema"])
    schema = json.loads(result.output)
    assert "school" in schema["properties"]
    assert "学校全称" in json.dumps(schema, ensure_ascii=False)


def test_real_subprocess_run(tmp_path, minimal):
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "fupin_docs", "build", str(minimal), "-o",
                           str(out), "--only", "report"], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    assert proc.returncode == 0, proc.stderr
    assert (out / "汇报材料/汇报材料.docx").is_file()
    bad = subprocess.run([sys.executable, "-m", "fupin_docs", "check", str(tmp_path / "nope")],
                         capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert bad.returncode == 1 and "找不到项目" in bad.stderr and "Traceback" not in bad.stderr
