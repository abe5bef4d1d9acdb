"""`build`: the report as .docx and .txt, golden-compared; failures leave the output alone."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from fupin_docs.errors import DataError, FupinError
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import CHELE_FIGURES, EXAMPLES, MINIMAL, golden, plain, tree_snapshot, write_tree


def docx_text(path: Path) -> str:
    """Return a Word file's paragraphs and table cells, one per line (how goldens compare)."""
    d = docx.Document(str(path))
    lines = [f"[{p.style.name}] {plain(p.text)}" for p in d.paragraphs]
    for t in d.tables:
        lines += [" | ".join(plain(c.text) for c in row.cells) for row in t.rows]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def chele_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("chele") / "out"
    build(EXAMPLES / "扯乐完小", BuildOptions(out_dir=out, only=("report",)))
    return out


@pytest.mark.parametrize("name", ["扯乐完小", "九十一团学校"])
def test_report_matches_golden(request, tmp_path, name):
    out = tmp_path / "out"
    build(EXAMPLES / name, BuildOptions(out_dir=out, only=("report",)))
    golden(request, f"{name}/汇报材料.txt", (out / "汇报材料/汇报材料.txt").read_text("utf-8"))
    golden(request, f"{name}/汇报材料.docx.txt", docx_text(out / "汇报材料/汇报材料.docx"))


def test_tuan91_report_holds_its_figures(tmp_path):
    out = tmp_path / "out"
    build(EXAMPLES / "九十一团学校", BuildOptions(out_dir=out, only=("report",)))
    text = docx_text(out / "汇报材料/汇报材料.docx")
    for figure in ["共45名教师", "82户建档立卡贫困户", "在校生368人", "寄宿生105人",
                   "建档立卡户学生105人", "涉及82户家庭", "十四个教学班", "10余万元",
                   "150万元改造学校食堂", "145万元", "200万元",
                   "合计495万元", "杨吉斌结对", "四、领导有方"]:
        assert figure in text, figure


@pytest.mark.parametrize("suffix", ["txt", "docx"])
def test_report_holds_every_figure_of_the_seed(chele_out, suffix):
    path = chele_out / f"汇报材料/汇报材料.{suffix}"
    text = path.read_text("utf-8") if suffix == "txt" else docx_text(path)
    missing = [f for f in CHELE_FIGURES if f not in text]
    assert not missing
    for teacher in ["李永坤联挂上扯", "宋成俊联挂下扯乐", "郭存良联挂黑那冲"]:
        assert teacher in text


def test_sections_left_out_keep_numbering_consecutive(chele_out):
    text = (chele_out / "汇报材料/汇报材料.txt").read_text("utf-8")
    # 扯乐完小 has no investments: 办学条件 is left out and the closing becomes 三、
    assert "三、领导有方" in text and "四、" not in text and "办学条件" not in text


def test_minimal_project_leaves_out_empty_sections(tmp_path, minimal):
    build(minimal, BuildOptions(out_dir=tmp_path / "out", only=("report",)))
    text = (tmp_path / "out/汇报材料/汇报材料.txt").read_text("utf-8")
    assert text.startswith("测试小学教育扶贫工作汇报材料\n")
    assert "一、机构健全" in text and "二、攻坚克难" in text and "三、" not in text
    assert "张明华结对上村李大户，学生1人；" in text


def test_manifest_lists_outputs_and_inputs(chele_out):
    manifest = json.loads((chele_out / "manifest.json").read_text("utf-8"))
    assert set(manifest["outputs"]) == {"汇报材料/汇报材料.docx", "汇报材料/汇报材料.txt"}
    assert "school.yaml" in manifest["inputs"] and manifest["tool"].startswith("fupin-docs ")


def test_bad_input_writes_nothing_and_keeps_previous_output(tmp_path, minimal):
    out = tmp_path / "out"
    build(minimal, BuildOptions(out_dir=out, only=("report",)))
    before = tree_snapshot(out)
    (minimal / "school.yaml").write_text(MINIMAL["school.yaml"].replace("teachers:", "techers:"),
                                         encoding="utf-8")
    with pytest.raises(DataError):
        build(minimal, BuildOptions(out_dir=out, only=("report",)))
    assert tree_snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_template_error_leaves_no_staging_folder(tmp_path, minimal):
    write_tree(minimal, {"templates/text/report.txt": "{{ school.nope }}\n"})
    with pytest.raises(FupinError) as info:
        build(minimal, BuildOptions(out_dir=tmp_path / "out", only=("report",)))
    assert "report.txt" in info.value.message and "nope" in info.value.message
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]


def test_refuses_to_replace_a_folder_it_did_not_make(tmp_path, minimal):
    out = write_tree(tmp_path / "mine", {"重要文件.docx": b"keep me"})
    with pytest.raises(FupinError) as info:
        build(minimal, BuildOptions(out_dir=out, only=("report",)))
    assert "manifest.json" in info.value.message
    assert (out / "重要文件.docx").read_bytes() == b"keep me"


def test_second_build_with_same_inputs_rewrites_nothing(tmp_path, minimal):
    out = tmp_path / "out"
    first = build(minimal, BuildOptions(out_dir=out, only=("report",)))
    stamp = (out / "汇报材料/汇报材料.docx").stat().st_mtime_ns
    second = build(minimal, BuildOptions(out_dir=out, only=("report",)))
    assert second.unchanged and not first.unchanged
    assert (out / "汇报材料/汇报材料.docx").stat().st_mtime_ns == stamp


def test_rebuild_is_byte_identical(tmp_path, minimal):
    a, b = tmp_path / "a", tmp_path / "b"
    build(minimal, BuildOptions(out_dir=a, only=("report",)))
    build(minimal, BuildOptions(out_dir=b, only=("report",)))
    assert tree_snapshot(a) == tree_snapshot(b)


def test_project_template_overrides_builtin(tmp_path, minimal):
    write_tree(minimal, {"templates/text/report.txt": "{{ school.name }}：自定义\n"})
    build(minimal, BuildOptions(out_dir=tmp_path / "out", only=("report",)))
    assert (tmp_path / "out/汇报材料/汇报材料.txt").read_text("utf-8") \
        == "测试县测试镇测试小学：自定义\n"
