"""fupin-docs import: a project folder from the exports, which then builds every document."""

from __future__ import annotations

from pathlib import Path

from fupin_docs.cli import main
from fupin_docs.data.project import load_project
from tests.data import exports as ex
from tests.helpers import tree_snapshot, write_tree


def texts(folder: Path) -> dict[str, str]:
    """Return every .txt a build wrote: what each document says."""
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(folder.rglob("*.txt"))}


def exports(tmp_path: Path, registry: str = "建档立卡.xls") -> list[Path]:
    folder = tmp_path / "下载"
    folder.mkdir()
    write = {".xls": ex.write_xls, ".xlsx": ex.write_xlsx}[Path(registry).suffix]
    return [write(folder / registry, ex.registry_rows(numbers=True), ex.MERGES),
            ex.write_xls(folder / "学籍.xls", ex.enrolment_rows())]


def test_import_makes_a_project_that_builds_as_the_yaml_does(runner, tmp_path):
    files = exports(tmp_path)
    new = tmp_path / "新项目"
    result = runner.invoke(main, ["import", *map(str, files), "-o", str(new),
                                  "--date", "2018-07-10"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in new.iterdir()) == ["school.yaml", "学籍.xls", "建档立卡.xls"]
    assert (new / "建档立卡.xls").read_bytes() == files[0].read_bytes()
    yaml_text = (new / "school.yaml").read_text(encoding="utf-8")
    assert '  建档立卡: ["建档立卡.xls"]\n  学籍: ["学籍.xls"]' in yaml_text
    assert '  - {id: "上组", name: "上组"}\n  - {id: "下组", name: "下组"}' in yaml_text
    assert (f"已新建项目 {new}：建档立卡.xls、学籍.xls、school.yaml\n"
            "  建档立卡.xls：建档立卡\n  学籍.xls：学籍\n"
            "建档立卡：4 户，其中 3 户有在校或适龄子女；"
            "子女 6 人（小学 2、初中 1、未入学 1、学前 1、高校 1）\n村（连队）2 个：上组、下组\n"
            "学籍：本校（测试县测试镇测试小学）学生 3 人，其中建档立卡户子女 2 人，其余 1 人不是"
            "建档立卡户子女\n") in result.output
    assert ("警告：建档立卡.xls 第3行：不认识这些列，已忽略：帮扶措施（S）、备注说明（T）"
            in result.output)

    built = runner.invoke(main, ["build", str(new), "-o", str(tmp_path / "out-import")])
    assert built.exit_code == 0, built.output
    # the same households written by hand, with the school block import wrote
    by_hand = write_tree(tmp_path / "手写", {"school.yaml": ex.yaml_text().replace(
        "  short_name: 测试小学\n", "")})
    built = runner.invoke(main, ["build", str(by_hand), "-o", str(tmp_path / "out-yaml")])
    assert built.exit_code == 0, built.output
    made, wanted = texts(tmp_path / "out-import"), texts(tmp_path / "out-yaml")
    assert len(made) > 10 and made == wanted


def test_a_re_export_flows_in_without_retyping(runner, tmp_path):
    files = exports(tmp_path, "建档立卡.xlsx")
    new = tmp_path / "p"
    assert runner.invoke(main, ["import", *map(str, files), "-o", str(new), "--date",
                                "2018-07-10"]).exit_code == 0
    rows = [r for r in ex.registry_rows(numbers=True) if "张小花" not in r]
    ex.write_xlsx(new / "建档立卡.xlsx", rows, ex.MERGES)
    children = [c.name for h in load_project(new).project.households for c in h.children]
    assert children == ["李小明", "李小红", "张小虎", "赵小丽", "赵小刚"]


def test_bad_export_exits_1_and_writes_nothing(runner, tmp_path):
    files = exports(tmp_path)
    rows = [list(r) for r in ex.registry_rows()]
    rows[5][13] = float(ex.ident_of("李小明"))  # an 18-digit ID stored as a number
    ex.write_xls(files[0], rows, ex.MERGES)
    new = tmp_path / "新项目"
    result = runner.invoke(main, ["import", *map(str, files), "-o", str(new)])
    assert result.exit_code == 1
    assert ("错误：建档立卡.xls 第6行第N列“家庭成员信息/证件号码”：证件号码被存成了数字"
            "（Excel 显示为 110101201003050000），18位号码存成数字后末几位已丢失\n"
            "  怎么改：请把该列设为文本格式后重新输入") in result.output
    assert not new.exists()


def test_a_file_of_no_known_kind_names_the_headers_expected(runner, tmp_path):
    other = ex.write_csv(tmp_path / "成绩.csv", [["姓名", "科目", "成绩"], ["张三", "语文", "90"]])
    result = runner.invoke(main, ["import", str(other), "-o", str(tmp_path / "p")])
    assert result.exit_code == 1 and not (tmp_path / "p").exists()
    assert ("错误：成绩.csv 第1行：看不出这是什么表：既不是建档立卡导出表，也不是学籍导出表或花名册"
            "（第1行是：姓名、科目、成绩）\n  怎么改：建档立卡导出表的表头应包含 "
            "户编号、姓名、与户主关系、在校生状况；学籍导出表应包含 姓名、身份证件号、年级；"
            "花名册应包含 户编号、户主姓名、所在村/连队、子女姓名、性别、学段") in result.output


def test_only_an_enrolment_export_is_refused(runner, tmp_path):
    files = exports(tmp_path)
    result = runner.invoke(main, ["import", str(files[1]), "-o", str(tmp_path / "p")])
    assert result.exit_code == 1 and "没有建档立卡导出表" in result.output
    assert not (tmp_path / "p").exists()


def test_import_never_writes_into_a_folder_with_files(runner, tmp_path):
    files = exports(tmp_path)
    new = write_tree(tmp_path / "旧项目", {"school.yaml": "school: {}\n"})
    before = tree_snapshot(new)
    result = runner.invoke(main, ["import", *map(str, files), "-o", str(new)])
    assert result.exit_code == 1 and "已存在且不是空文件夹" in result.output
    assert tree_snapshot(new) == before


def test_county_not_in_the_export_is_asked_for(runner, tmp_path):
    rows = [[None if c in (1, 2) else v for c, v in enumerate(r)] for r in
            ex.registry_rows(numbers=True)]
    registry = ex.write_xls(tmp_path / "建档立卡.xls", rows, ex.MERGES)
    new = tmp_path / "p"
    result = runner.invoke(main, ["import", str(registry), "-o", str(new), "--school", ex.SCHOOL,
                                  "--date", "2018-07-10"])
    assert result.exit_code == 0, result.output
    assert "还需要在 school.yaml 中补上：" in result.output
    assert "school.yaml 第8行" in result.output and "county" in result.output
    text = (new / "school.yaml").read_text(encoding="utf-8")
    assert "  county:" in text and "# ← 请填写：所在县" in text
    (new / "school.yaml").write_text(text.replace("  county:", "  county: 测试县"),
                                     encoding="utf-8")
    built = runner.invoke(main, ["build", str(new), "-o", str(tmp_path / "out")])
    assert built.exit_code == 0, built.output


def test_a_roster_is_imported_with_its_villages(runner, tmp_path):
    roster = ex.write_csv(tmp_path / "花名册.csv", [
        ["户编号", "户主姓名", "所在村/连队", "子女姓名", "性别", "出生日期", "学段", "年级"],
        ["H01", "张三", "上村", "张小明", "男", "2010-03-05", "小学", "3"],
        ["H02", "李四", "下村", "李小红", "女", "2011-04-06", "小学", "2"]])
    new = tmp_path / "p"
    result = runner.invoke(main, ["import", str(roster), "-o", str(new), "--school", ex.SCHOOL,
                                  "--date", "2018-07-10"])
    assert result.exit_code == 0, result.output
    text = (new / "school.yaml").read_text(encoding="utf-8")
    assert 'roster: ["花名册.csv"]' in text and '{id: "下村", name: "下村"}' in text
    assert "村（连队）2 个：上村、下村" in result.output
    (new / "school.yaml").write_text(text.replace("  county:", "  county: 测试县"),
                                     encoding="utf-8")
    assert runner.invoke(main, ["check", str(new)]).exit_code == 0
