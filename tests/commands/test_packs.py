"""County packs, the override chain, layered YAML, template checks and the sandbox."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from fupin_docs.cli import main
from fupin_docs.data.project import load_project
from fupin_docs.errors import DataError, FupinError
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import EXAMPLES, MINIMAL, tree_snapshot, write_tree

PACKS = EXAMPLES / "packs"


def built(project: Path, out: Path, pack: str | None = None, only=("letter", "notice", "card"),
          roots=()):
    build(project, BuildOptions(out_dir=out, only=only, pack=pack, jobs=1, roots=tuple(roots)))
    return out


@pytest.mark.parametrize("school", ["扯乐完小", "九十一团学校"])
@pytest.mark.parametrize("pack", ["师宗县", "第五师"])
def test_both_packs_build_both_examples(tmp_path, school, pack):
    out = built(EXAMPLES / school, tmp_path / "out", str(PACKS / pack),
                only=("report", "letter", "notice", "card", "duty", "public", "ledger"))
    assert (out / "汇报材料/汇报材料.docx").is_file()
    assert len(list((out / "政策告知单").glob("*.docx"))) >= 42


def test_outputs_differ_exactly_where_the_packs_differ(tmp_path):
    a = built(EXAMPLES / "扯乐完小", tmp_path / "a", str(PACKS / "师宗县"))
    b = built(EXAMPLES / "扯乐完小", tmp_path / "b", str(PACKS / "第五师"))
    letter_a = (a / "致家长的一封信/上扯_H01_黄德明.txt").read_text("utf-8")
    letter_b = (b / "致家长的一封信/上扯_H01_黄德明.txt").read_text("utf-8")
    # the county pack overrides the letter: the bureau writes and signs it
    assert letter_a.startswith("师宗县教育局致全县建档立卡贫困家庭\n学生家长的一封信")
    assert letter_a.rstrip().splitlines()[-2] == "师宗县教育局"
    assert letter_b.startswith("扯乐完小致建档立卡贫困家庭\n学生家长的一封信")
    # the policy tables differ: 营养改善计划 (云南省, inherited by 师宗县) vs 金秋助学 (兵团)
    notice_a = (a / "政策告知单/上扯_H01_黄德明.txt").read_text("utf-8")
    notice_b = (b / "政策告知单/上扯_H01_黄德明.txt").read_text("utf-8")
    assert "营养改善计划" in notice_a and "营养改善计划" not in notice_b
    assert "金秋助学" in notice_b and "金秋助学" not in notice_a
    assert "每学年合计：1800元" in notice_a and "每学年合计：1500元" in notice_b
    # everything the packs do not touch is the same: the cards are identical
    assert tree_snapshot(a / "联系卡") == tree_snapshot(b / "联系卡")


def test_pack_named_in_yaml_is_found_beside_the_project(tmp_path, example):
    school = example("扯乐完小")
    write_tree(tmp_path, {"packs/我的县/pack.yaml": "name: 我的县\nextends: 师宗县\n"})
    for name in ("师宗县", "云南省"):
        (tmp_path / "packs" / name).symlink_to(PACKS / name)
    text = (school / "school.yaml").read_text("utf-8").replace("school:\n",
                                                               "pack: 我的县\nschool:\n", 1)
    (school / "school.yaml").write_text(text, encoding="utf-8")
    out = built(school, tmp_path / "out", only=("letter",))
    assert "师宗县教育局致全县" in (out / "致家长的一封信/上扯_H01_黄德明.txt").read_text("utf-8")


def test_templates_list_shows_the_chain(runner):
    result = runner.invoke(main, ["templates", "list", "--pack", str(PACKS / "师宗县")])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "师宗县" in lines[1] and lines[2].endswith("templates")
    letter = next(line for line in lines if line.startswith("text/letter.txt"))
    assert "师宗县" in letter and "覆盖了 1 个" in letter


def test_templates_export_copies_and_never_overwrites(runner, tmp_path):
    result = runner.invoke(main, ["templates", "export", "notice.docx", str(tmp_path)])
    assert result.exit_code == 0 and (tmp_path / "docx/notice.docx").is_file()
    again = runner.invoke(main, ["templates", "export", "notice.docx", str(tmp_path)])
    assert again.exit_code == 1 and "已存在" in again.output


def test_templates_check_passes_on_builtins_and_packs(runner):
    assert runner.invoke(main, ["templates", "check"]).exit_code == 0
    for pack in ("师宗县", "第五师"):
        result = runner.invoke(main, ["templates", "check", str(PACKS / pack)])
        assert result.exit_code == 0, result.output


def _split_tag_docx(path: Path) -> None:
    """Write a Word template whose {{ household.head }} Word split over three runs."""
    d = docx.Document()
    p = d.add_paragraph("户主：")
    for piece in ("{{ house", "hold.", "head }}"):
        p.add_run(piece).bold = piece == "hold."
    d.save(str(path))


def test_templates_check_finds_split_tag_and_unknown_variable(runner, tmp_path):
    pack = write_tree(tmp_path / "县包", {
        "pack.yaml": "name: 测试县\n",
        "templates/text/card.txt": "{{ household.head }}\n{{ household.poorr }}\n"
                                   "{{ bureau_name }}\n",
    })
    (pack / "templates/docx").mkdir()
    _split_tag_docx(pack / "templates/docx/notice.docx")
    result = runner.invoke(main, ["templates", "check", str(pack)])
    assert result.exit_code == 1
    assert "docx/notice.docx" in result.output and "被 Word 拆成了 3 段" in result.output
    assert "text/card.txt" in result.output and "bureau_name" in result.output
    assert "poorr" in result.output


def test_pack_loops_and_missing_pack_yaml(tmp_path, minimal):
    write_tree(tmp_path / "packs", {"甲/pack.yaml": "name: 甲\nextends: 乙\n",
                                    "乙/pack.yaml": "name: 乙\nextends: 甲\n",
                                    "丙/templates/text/card.txt": "x\n"})
    out = tmp_path / "out"
    with pytest.raises(FupinError) as loop:
        built(minimal, out, str(tmp_path / "packs/甲"))
    assert "循环" in loop.value.message and "甲 → 乙 → 甲" in loop.value.message
    assert "乙/pack.yaml 第2行" in loop.value.message
    with pytest.raises(FupinError) as bare:
        built(minimal, out, str(tmp_path / "packs/丙"))
    assert "缺少 pack.yaml" in bare.value.message
    with pytest.raises(FupinError) as missing:
        built(minimal, out, "没有这个包")
    assert "找不到模板包" in missing.value.message and "已查找" in missing.value.message
    assert not out.exists()


def test_bad_pack_yaml_is_located(tmp_path, minimal):
    write_tree(tmp_path / "p", {"pack.yaml": "name: 县\nboilerplate:\n  bureu: 某县教育局\n"})
    with pytest.raises(DataError) as info:
        built(minimal, tmp_path / "out", str(tmp_path / "p"))
    p = info.value.problems[0]
    assert (p.where.file, p.where.line) == ("p/pack.yaml", 3) and "bureau" in p.hint


def test_inherit_county_defaults_school_wins_and_lines_point_home(tmp_path):
    county = ("school:\n  county: 测试县\n  report_date: 2018-06-30\n  signing_unit: 测试县教育局\n"
              "policies:\n  name: 县表\n  items:\n"
              "    - {id: a, name: 县补助, stage: 小学, amount: 300, per: 学年}\n")
    school = MINIMAL["school.yaml"].replace("school:\n", "inherit: ../县/county.yaml\nschool:\n", 1)
    school = school.replace("  county: 测试县\n", "").replace("  report_date: 2018-07\n", "")
    root = write_tree(tmp_path, {"县/county.yaml": county, "校/school.yaml": school})
    # the county folder lies outside the school's: read only when named as a root
    with pytest.raises(DataError) as refused:
        load_project(root / "校")
    assert "在项目文件夹之外" in refused.value.problems[0].message
    assert "--root" in refused.value.problems[0].hint
    loaded = load_project(root / "校", roots=[root / "县"])
    s = loaded.project.school
    assert (s.county == "测试县" and s.signing_unit == "测试县教育局"
            and s.name == "测试县测试镇测试小学")
    assert loaded.where("school", "county").file == "../县/county.yaml"
    assert loaded.where("school", "name").file == "school.yaml"
    out = built(root / "校", tmp_path / "out", only=("notice",), roots=[root / "县"])
    assert "县补助：300元/学年" in (out / "政策告知单/上村_H01_李大.txt").read_text("utf-8")
    # an error in an inherited value names the county file and its line
    (root / "县/county.yaml").write_text(county.replace("amount: 300", "amount: -3"), "utf-8")
    with pytest.raises(DataError) as info:
        built(root / "校", tmp_path / "out2", only=("notice",), roots=[root / "县"])
    p = info.value.problems[0]
    assert (p.where.file, p.where.line) == ("../县/county.yaml", 8)


def test_inherit_loop_and_missing_file(tmp_path):
    root = write_tree(tmp_path, {"a.yaml": "inherit: b.yaml\n" + MINIMAL["school.yaml"],
                                 "b.yaml": "inherit: a.yaml\nteachers: []\n"})
    (root / "b.yaml").rename(tmp_path / "b.yml.txt")
    with pytest.raises(DataError) as info:
        load_project(root / "a.yaml")
    assert "inherit 的文件不存在" in info.value.problems[0].message
    assert info.value.problems[0].where.line == 1


PAYLOADS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ school.__class__ }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].system('touch pwned') }}",
    "{{ self._TemplateReference__context }}",
    "{{ config.items() }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{{ request.application.__globals__.__builtins__.open('/etc/passwd').read() }}",
    "{% include '/etc/passwd' %}",
    "{% include '../../../../etc/passwd' %}",
    "{{ numbers.__init__ }}",
    "{{ (counter().next).__func__.__globals__ }}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_template_is_refused_and_nothing_written(tmp_path, minimal, payload):
    write_tree(minimal, {"templates/text/report.txt": f"标题\n{payload}\n"})
    out = tmp_path / "out"
    with pytest.raises(FupinError) as info:
        build(minimal, BuildOptions(out_dir=out, only=("report",)))
    assert "report.txt" in info.value.message
    assert not out.exists() and not (Path.cwd() / "pwned").exists()
    assert "root:" not in info.value.message


@pytest.mark.parametrize("payload", PAYLOADS[:4] + PAYLOADS[10:])
def test_hostile_word_template_is_refused(tmp_path, minimal, payload):
    d = docx.Document()
    d.add_paragraph(payload)
    (minimal / "templates/docx").mkdir(parents=True)
    d.save(str(minimal / "templates/docx/report.docx"))
    out = tmp_path / "out"
    with pytest.raises(FupinError) as info:
        build(minimal, BuildOptions(out_dir=out, only=("report",)))
    assert "report.docx" in info.value.message
    assert not out.exists()


def test_missing_variable_is_an_error_not_a_blank(tmp_path, minimal):
    write_tree(minimal, {"templates/text/notice.txt": "户主：{{ household.hed }}\n"})
    with pytest.raises(FupinError) as info:
        build(minimal, BuildOptions(out_dir=tmp_path / "out", only=("notice",), jobs=1))
    assert "notice.txt" in info.value.message and "hed" in info.value.message
    assert "第1行" in info.value.message


def test_seal_from_pack_switches_to_the_seal_layout(tmp_path, minimal):
    from fupin_docs.gongwen.from_text import placeholder_seal

    pack = write_tree(tmp_path / "印章包",
                      {"pack.yaml": "name: 县\nboilerplate:\n  seal: 章.png\n"})
    seal = placeholder_seal().replace(b"IEND", b"IEND", 1)
    (pack / "章.png").write_bytes(seal)
    out = built(minimal, tmp_path / "out", str(pack), only=("report", "letter"))
    for path in (out / "汇报材料/汇报材料.docx", out / "致家长的一封信/上村_H01_李大.docx"):
        d = docx.Document(str(path))
        blobs = [r.target_part.blob for r in d.part.rels.values() if "image" in r.reltype]
        assert blobs == [seal]
        date = d.paragraphs[-1]
        assert date.paragraph_format.right_indent.twips == 4 * 320  # 右空四字 (§7.3.5.1)
    (pack / "章.png").write_bytes(b"GIF89a not a png")
    with pytest.raises(DataError) as info:
        built(minimal, tmp_path / "out2", str(pack), only=("report",))
    assert "PNG" in info.value.problems[0].message and info.value.problems[0].where.line == 3
