"""Loading and validating project YAML: every problem named with file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from fupin_docs.data.project import load_project
from fupin_docs.errors import DataError
from tests.helpers import MINIMAL, write_tree


def problems_of(folder: Path) -> list:
    with pytest.raises(DataError) as info:
        load_project(folder)
    return info.value.problems


def one(folder: Path):
    problems = [p for p in problems_of(folder) if p.severity == "error"]
    assert len(problems) == 1, [p.format() for p in problems]
    return problems[0]


def test_minimal_project_loads(minimal):
    loaded = load_project(minimal)
    assert loaded.project.school.short_name == "测试小学"
    assert [h.id for h in loaded.project.households] == ["H01", "H02"]
    assert loaded.where("households", 1, "head").line == 23


def test_misspelt_key_names_line_and_closest_key(tmp_path):
    text = MINIMAL["school.yaml"].replace("teachers:", "techers:")
    p = one(write_tree(tmp_path, {"school.yaml": text}))
    assert (p.where.file, p.where.line, p.where.column) == ("school.yaml", 7, 1)
    assert "未知字段 “techers”" in p.message
    assert "teachers" in p.hint
    assert "    7 | techers:" in p.format()


def test_misspelt_nested_key(tmp_path):
    text = MINIMAL["school.yaml"].replace("gender: 男", "gendr: 男")
    problems = problems_of(write_tree(tmp_path, {"school.yaml": text}))
    unknown = next(p for p in problems if "gendr" in p.message)
    assert unknown.where.line == 21 and "gender" in unknown.hint


def test_duplicate_key_rejected_with_both_lines(tmp_path):
    text = MINIMAL["school.yaml"].replace("  town: 测试镇\n", "  town: 测试镇\n  town: 别的镇\n")
    p = one(write_tree(tmp_path, {"school.yaml": text}))
    assert p.where.line == 6 and "重复" in p.message and "第5行" in p.message


def test_all_problems_reported_at_once_across_files(tmp_path):
    files = dict(MINIMAL)
    files["school.yaml"] = files["school.yaml"].replace("grade: 2", "grade: 二年级x")
    files["extra.yaml"] = "activities:\n  - kind: 演讲比赛\n    description: 一次活动\n"
    problems = problems_of(write_tree(tmp_path, files))
    where = sorted((p.where.file, p.where.line) for p in problems)
    assert where == [("extra.yaml", 2), ("school.yaml", 21)]
    assert "第1户（H01 李大）第1个孩子（李小一）的年级“二年级x”不是年级" \
        in next(p for p in problems if p.where.file == "school.yaml").message


def test_syntax_error_is_located_and_explained(tmp_path):
    text = "school:\n  name: 测试\n  county 测试县\n  town: 镇\n"
    p = one(write_tree(tmp_path, {"school.yaml": text}))
    assert p.where.file == "school.yaml" and p.where.line in (3, 4)
    assert p.message.startswith("YAML 格式错误")


def test_tab_indentation_explained(tmp_path):
    p = one(write_tree(tmp_path, {"school.yaml": "school:\n\tname: 测试\n"}))
    assert "Tab" in p.message and p.where.line == 2


def test_bom_is_accepted(tmp_path):
    data = "\ufeff" + MINIMAL["school.yaml"].replace("\n        ", "\n").strip() + "\n"
    folder = write_tree(tmp_path, {"school.yaml": data.encode("utf-8")})
    assert load_project(folder).project.school.name == "测试县测试镇测试小学"


def test_gbk_file_gets_a_clear_message(tmp_path):
    folder = write_tree(tmp_path, {"school.yaml": "school:\n  name: 测试小学\n".encode("gbk")})
    p = one(folder)
    assert "GBK" in p.message and "UTF-8" in p.hint


def test_utf16_file_gets_a_clear_message(tmp_path):
    folder = write_tree(tmp_path, {"school.yaml": "school:\n  name: 测试\n".encode("utf-16")})
    assert "UTF-16" in one(folder).message


def test_empty_file(tmp_path):
    files = dict(MINIMAL, **{"empty.yaml": ""})
    p = one(write_tree(tmp_path, files))
    assert p.where.file == "empty.yaml" and "空" in p.message


def test_missing_required_field(tmp_path):
    text = MINIMAL["school.yaml"].replace("  county: 测试县\n", "")
    p = one(write_tree(tmp_path, {"school.yaml": text}))
    assert "缺少必填字段 “county”" in p.message and p.where.line == 2


def test_wrong_type_names_the_field(tmp_path):
    text = MINIMAL["school.yaml"].replace("gender: 女", "gender: 未知")
    p = one(write_tree(tmp_path, {"school.yaml": text}))
    assert p.where.line == 26 and "男" in p.message and "性别" in p.message


def test_impossible_date(tmp_path):
    text = MINIMAL["school.yaml"].replace("2011-05-20", "2011-02-30")
    p = one(write_tree(tmp_path, {"school.yaml": text}))
    assert p.where.line == 26 and ("不存在" in p.message or "无法识别" in p.message)


def test_dangling_teacher_reference_suggests_closest(tmp_path):
    text = MINIMAL["school.yaml"].replace("{teacher: T02,", "{teacher: T2,")
    p = one(write_tree(tmp_path, {"school.yaml": text}))
    assert p.message == "第2条结对的教师编号“T2”不存在" and p.where.line == 14
    assert "T02" in p.hint


def test_dangling_unit_and_household_references(tmp_path):
    text = (MINIMAL["school.yaml"].replace("households: [H02]", "households: [H09]")
            .replace("    unit: 上村\n    children:\n      - {name: 王",
                     "    unit: 下村\n    children:\n      - {name: 王"))
    problems = problems_of(write_tree(tmp_path, {"school.yaml": text}))
    messages = sorted(p.message for p in problems)
    assert "第2条结对的第1个户编号“H09”不存在" in messages
    assert "第2户（H02 王二）的所在自然村/连队“下村”不存在" in messages


def test_duplicate_ids_point_at_both(tmp_path):
    text = MINIMAL["school.yaml"].replace("{id: T02, name: 王建国", "{id: T01, name: 王建国")
    problems = problems_of(write_tree(tmp_path, {"school.yaml": text}))
    dup = next(p for p in problems if "重复" in p.message)
    assert dup.where.line == 9 and dup.also.line == 8


def test_same_section_in_two_files(tmp_path):
    files = dict(MINIMAL, **{"zz_more.yaml": "teachers:\n  - {id: T09, name: 赵老师}\n"})
    p = one(write_tree(tmp_path, files))
    assert p.where.file == "zz_more.yaml" and p.also.file == "school.yaml"


def test_money_accepts_wan_and_refuses_negative(tmp_path):
    text = MINIMAL["school.yaml"] + (
        "figures:\n  investments:\n    - {purpose: 改造食堂, amount: 150万元}\n"
        "    - {purpose: 操场, amount: -5}\n")
    p = one(write_tree(tmp_path, {"school.yaml": text}))
    assert p.where.line == 30 and "负数" in p.message


def test_message_in_english(tmp_path):
    from fupin_docs.i18n import set_lang

    set_lang("en")
    text = MINIMAL["school.yaml"].replace("teachers:", "techers:")
    p = one(write_tree(tmp_path, {"school.yaml": text}))
    assert "unknown key 'techers'" in p.message and "line 7" in p.format()


TRICKY = """\
school:
  name: 测试小学
  "quoted key": "引号里的文字"
  yes: 是
  3: 数字键
  phone: 0874-1234567
  born: 2018-02-30
  day: 2018-07-10
  none:
  ctl: "a\\x07b"
  "c\\x01": 1
  name: 重复
households:
  - {id: H01, grade: 3, boarding: 是, list: [1, "2", 2018-01-01, null]}
  - id: H02
    children:
      - name: 'single'
        note: |
          两行
          文字
"""


def test_the_event_road_reads_what_the_node_road_reads(tmp_path: Path) -> None:
    """Data, positions and problems are the same whichever way the file is read."""
    from fupin_docs.data import yamlfile, yamlwalk
    from fupin_docs.data.positions import Entry, Positions

    def tree(entry: Entry) -> tuple:
        return (entry.value, entry.key, entry.source and entry.source[0],
                {k: tree(entry.child(k)) for k in list(entry.children or {})})

    path = tmp_path / "school.yaml"
    path.write_text(TRICKY, encoding="utf-8")
    lines = TRICKY.splitlines()
    streamed = yamlfile._stream(TRICKY, "school.yaml", lines)
    assert streamed is not None  # no anchors or tags: the event road is taken
    positions = Positions()
    walker = yamlwalk.Walker("school.yaml", lines, positions)
    data = walker.walk(yamlfile._compose(TRICKY), ())
    assert streamed.data == data and data["school"]["born"] == "2018-02-30"
    assert [str(p) for p in streamed.problems] == [str(p) for p in walker.finish(data)]
    assert len(streamed.problems) == 3  # the repeated key and two control characters
    assert tree(streamed.positions.root) == tree(positions.root)


def test_a_packed_leaf_keeps_its_file_when_its_parent_takes_another() -> None:
    """A leaf's file is its parent's: a parent given a mark of another file unpacks its
    leaves first, so a message still names the file the leaf was written in."""
    from fupin_docs.data.positions import Positions, leaf

    one, other = ("a.yaml", ["x: 1"]), ("b.yaml", ["", "y: 2"])
    positions = Positions()
    section = positions.root.child("school")
    section.store("value", (one, 0, 0))
    assert section.children is None
    section.children = {"name": leaf(0 << 16 | 2, 0 << 16 | 8)}
    section.store("key", (other, 1, 0))
    found = positions.of_value(("school", "name"))
    key = positions.of_key(("school", "name"))
    assert found is not None and key is not None
    assert (found.file, found.line, found.column) == ("a.yaml", 1, 9)
    assert (key.file, key.line, key.column) == ("a.yaml", 1, 3)
