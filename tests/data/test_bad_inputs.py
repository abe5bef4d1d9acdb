"""A corpus of bad inputs: each is refused in located Chinese, and the previous output stays."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree

from fupin_docs.cli import main
from fupin_docs.data.project import load_project
from tests.helpers import MINIMAL, plain, tree_snapshot, write_tree

Y = MINIMAL["school.yaml"]  # 26 lines; line numbers below refer to it
ONLY = "report,notice"
Content = str | bytes | Callable[[Path], None]


def edit(old: str, new: str, text: str = Y) -> str:
    """Return `text` with `old` (which must occur exactly once) replaced by `new`."""
    assert text.count(old) == 1, old
    return text.replace(old, new)


@dataclass(frozen=True)
class Case:
    """One defect put into the minimal project, and what the tool must say about it."""

    id: str
    about: str
    files: dict[str, Content]
    #: phrases the output must contain: the message and where (file and line, or row and column)
    expect: tuple[str, ...] = ()
    ok: bool = False  # a case that must build
    command: str = "build"
    #: for a successful case: checks on (project, out)
    verify: Callable[[Path, Path], None] | None = None
    #: for output-location cases: returns the -o path, made from the test's tmp folder
    target: Callable[[Path], Path] | None = None
    marks: tuple = field(default=())


# ---------------------------------------------------------------- file makers

def xlsx(rows: list[list], *, after: Callable | None = None,
         patch: Callable[[str], str] | None = None) -> Callable[[Path], None]:
    """Return a writer of a one-sheet workbook; `after` edits the sheet, `patch` its XML."""

    def write(path: Path) -> None:
        wb = openpyxl.Workbook()
        ws = wb.active
        for row in rows:
            ws.append(row)
        if after:
            after(ws)
        wb.save(path)
        if patch:
            _patch_zip(path, "xl/worksheets/sheet1.xml", patch)

    return write


def _patch_zip(path: Path, member: str, change: Callable[[str], str]) -> None:
    """Rewrite one member of a zip file through `change`."""
    with zipfile.ZipFile(path) as z:
        parts = {i: z.read(i) for i in z.infolist()}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            if info.filename == member:
                data = change(data.decode()).encode()
            z.writestr(info, data)
    path.write_bytes(buf.getvalue())


def word(text: str) -> Callable[[Path], None]:
    """Return a writer of a Word template: a title paragraph, then `text`."""

    def write(path: Path) -> None:
        d = docx.Document()
        d.add_paragraph("标题")
        d.add_paragraph(text)
        d.save(path)

    return write


def huge(path: Path) -> None:
    """Write a 50 MB YAML file (a comment repeated)."""
    line = b"# " + b"x" * 1021 + b"\n"
    path.write_bytes(line * (50 * 1024))


HEAD = ["户编号", "户主姓名", "所在村/连队", "子女姓名", "性别", "出生日期", "学段", "年级"]
ROWS = [["R01", "赵三", "上村", "赵小一", "男", "2010-03-05", "小学", 2],
        ["R01", "赵三", "上村", "赵小二", "女", "2012-06-01", "小学", 1],
        ["R02", "钱四", "上村", "钱小一", "男", "2011-01-09", "小学", 3]]
XLSX_YAML = Y + "roster: 花名册.xlsx\n"  # roster: on line 27
CSV_YAML = Y + "roster: 花名册.csv\n"


def csv_text(rows: list[list]) -> str:
    return "\n".join(",".join(str(v) for v in row) for row in [HEAD, *rows]) + "\n"


def with_rows(*changes: tuple[int, int, object]) -> list[list]:
    """Return ROWS with (row, column, value) changes."""
    rows = [list(r) for r in ROWS]
    for r, c, v in changes:
        rows[r][c] = v
    return rows


def merge_household(ws) -> None:
    """Merge R01's 户编号、户主、村 cells over its two rows, as county forms do."""
    for col in "ABC":
        ws[f"{col}3"] = None
        ws.merge_cells(f"{col}2:{col}3")


# ---------------------------------------------------------------- checks for cases that build

def notices(out: Path, pattern: str = "*") -> list[Path]:
    return sorted((out / "政策告知单").glob(f"{pattern}.txt"))


def docx_text(path: Path) -> str:
    """Return the text of a .docx after proving every XML part of it parses."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml") or name.endswith(".rels"):
                etree.fromstring(z.read(name))
    return plain("\n".join(p.text for p in docx.Document(str(path)).paragraphs))


def name_intact(head: str) -> Callable[[Path, Path], None]:
    """Return a check that `head` comes out intact in the notice .txt and .docx of H01."""

    def verify(project: Path, out: Path) -> None:
        [txt] = notices(out, "上村_H01_*")
        assert f"户主：{head}" in txt.read_text("utf-8")
        assert head in docx_text(txt.with_suffix(".docx"))

    return verify


def in_file_name(head: str) -> Callable[[Path, Path], None]:
    """Return name_intact plus: the file names carry `head` unchanged."""

    def verify(project: Path, out: Path) -> None:
        name_intact(head)(project, out)
        assert (out / "政策告知单" / f"上村_H01_{head}.docx").is_file()
        assert (out / "政策告知单" / f"上村_H01_{head}.txt").is_file()

    return verify


def windows_names(project: Path, out: Path) -> None:
    """Three heads whose names Windows forbids in file names: three safe, distinct files each."""
    heads = {"H01": "张/三", "H02": "王:五", "H03": "李*四?"}
    txts = notices(out)
    assert len(txts) == 3 and len(list((out / "政策告知单").glob("*.docx"))) == 3
    for path in txts:
        assert not set(path.name) & set('<>:"/\\|?*')
    for hid, head in heads.items():
        [txt] = notices(out, f"上村_{hid}_*")
        assert f"户主：{head}" in txt.read_text("utf-8")
        assert head in docx_text(txt.with_suffix(".docx"))


def roster_read(*births: dt.date) -> Callable[[Path, Path], None]:
    """Return a check that the roster's two households and three children were all read."""

    def verify(project: Path, out: Path) -> None:
        homes = {h.id: h for h in load_project(project).project.households}
        assert [c.name for c in homes["R01"].children] == ["赵小一", "赵小二"]
        assert [c.name for c in homes["R02"].children] == ["钱小一"]
        found = [c.birth_date for h in ("R01", "R02") for c in homes[h].children]
        assert found == list(births)
        assert len(notices(out, "上村_R0*")) == 2

    return verify


BIRTHS = (dt.date(2010, 3, 5), dt.date(2012, 6, 1), dt.date(2011, 1, 9))
#: a project's own policy table; the amount is on line 8
POLICY_TABLE = """\
policies:
  name: 测试县资助政策表
  year: 2018
  items:
    - id: boarding
      name: 义务教育寄宿生生活补助
      stage: [小学]
      amount: 1750
      kind: 补助
"""
THIRD = Y + ("  - id: H03\n    head: 李*四?\n    unit: 上村\n    children:\n"
             "      - {name: 李小三, gender: 男, stage: 小学, grade: 3}\n")


# ---------------------------------------------------------------- the corpus

CASES = [
    # YAML syntax
    Case("syntax-missing-colon", "缺冒号 / missing colon",
         {"school.yaml": edit("  county: 测试县", "  county 测试县")},
         ("缺少冒号", "school.yaml 第4行")),
    Case("syntax-indent-deeper", "缩进多了 / key indented too far",
         {"school.yaml": edit("  short_name: 测试小学", "    short_name: 测试小学")},
         ("缩进不对齐", "school.yaml 第3行")),
    Case("syntax-indent-shallower", "缩进少了 / key dedented inside a household",
         {"school.yaml": edit("    unit: 上村\n    phone", "  unit: 上村\n    phone")},
         ("缩进不对齐", "school.yaml 第18行")),
    Case("syntax-tab", "Tab 缩进 / tab indentation",
         {"school.yaml": edit("  town: 测试镇", "\ttown: 测试镇")},
         ("Tab", "school.yaml 第5行")),
    Case("syntax-unclosed-quote", "引号未闭合 / unclosed quote",
         {"school.yaml": edit('phone: "13900000001"', 'phone: "13900000001')},
         ("引号或括号没有配对", "school.yaml 第19行")),
    Case("syntax-unclosed-bracket", "方括号未闭合 / unclosed [",
         {"school.yaml": edit("households: [H01]}", "households: [H01}")},
         ("方括号", "school.yaml 第13行")),
    Case("syntax-unclosed-brace", "花括号未闭合 / unclosed {",
         {"school.yaml": edit('phone: "13800000001"}', 'phone: "13800000001"')},
         ("花括号", "school.yaml 第8行")),
    Case("syntax-two-documents", "两份文档 / a second --- document",
         {"school.yaml": Y + "---\nschool: {}\n"},
         ("一个文件只能有一份资料", "school.yaml 第27行")),
    Case("syntax-bad-first-char", "@ 开头 / value starting with @",
         {"school.yaml": edit("head: 李大", "head: @李大")},
         ("不能放在一段文字的开头", "school.yaml 第17行")),
    Case("syntax-merge-scalar", "<< 合并了数字 / merge key on a number",
         {"school.yaml": Y + "narrative:\n  <<: 5\n"},
         ("合并键", "school.yaml 第28行")),
    Case("yaml-alias-loop", "别名循环 / recursive alias",
         {"school.yaml": Y + "narrative: &a\n  opening: *a\n"},
         ("形成循环", "school.yaml 第27行")),
    Case("yaml-bad-key", "不存在的日期作字段名 / key 2011-02-30",
         {"school.yaml": Y + "figures:\n  registered_by_grade:\n    2011-02-30: 3\n"},
         ("无法识别的字段名", "school.yaml 第29行")),
    Case("yaml-alias-bomb", "别名层层展开 / aliases that expand a billion-fold",
         {"extra.yaml": "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
             f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 10))},
         ("别名（*）展开后内容过多", "extra.yaml 第7行")),
    Case("yaml-deep-nesting", "嵌套几千层 / brackets nested thousands deep",
         {"school.yaml": Y + "narrative:\n  opening: " + "[" * 3000 + "]" * 3000 + "\n"},
         ("错误：school.yaml：YAML 嵌套层次太深",)),
    Case("yaml-number-key", "数字作字段名 / a number where a key belongs",
         {"school.yaml": Y + "5: x\n"}, ("未知字段 “5”", "school.yaml 第27行")),
    Case("yaml-duplicate-key", "字段重复 / duplicate key",
         {"school.yaml": edit("  town: 测试镇\n", "  town: 测试镇\n  town: 别的镇\n")},
         ("重复出现（第一次在第5行）", "school.yaml 第6行")),
    # encodings and sizes
    Case("encoding-gbk", "GBK 编码 / saved as GBK",
         {"school.yaml": Y.encode("gbk")}, ("GBK", "UTF-8", "school.yaml 第2行")),
    Case("encoding-utf16", "UTF-16 编码 / saved as UTF-16",
         {"school.yaml": Y.encode("utf-16")}, ("错误：school.yaml：文件是 UTF-16 编码",)),
    Case("encoding-bom", "带 BOM 的 UTF-8 / UTF-8 with BOM builds",
         {"school.yaml": b"\xef\xbb\xbf" + edit("head: 李大", "head: 李大伯").encode()},
         ok=True, verify=name_intact("李大伯")),
    Case("file-empty", "空文件 / empty file", {"extra.yaml": ""},
         ("错误：extra.yaml：文件是空的",)),
    Case("file-only-comments", "只有注释 / comments only", {"extra.yaml": "# 待填写\n"},
         ("错误：extra.yaml：文件中只有注释",)),
    Case("file-50mb", "50 MB 的文件 / a 50 MB file", {"big.yaml": huge},
         ("错误：big.yaml：文件太大（50 MB）",)),
    # wrong types
    Case("type-text-for-number", "年级写成文字 / text for a number",
         {"school.yaml": edit("grade: 2", "grade: 二年级x")},
         ("第1户（H01 李大）第1个孩子（李小一）的年级“二年级x”不是年级",
          "写成 3、三年级、初一、高二", "school.yaml 第21行")),
    Case("type-list-for-mapping", "figures 写成列表 / a list where a mapping belongs",
         {"school.yaml": Y + "figures:\n  - enrolment: 3\n"},
         ("应是“字段: 值”的形式", "school.yaml 第28行")),
    Case("type-number-for-list", "结对户写成数字 / a number where a list belongs",
         {"school.yaml": edit("households: [H01]", "households: 5")},
         ("应是列表", "school.yaml 第13行")),
    Case("type-empty-section", "school 下没有内容 / empty section",
         {"school.yaml": edit("school:\n  name: 测试县测试镇测试小学\n  short_name: 测试小学\n"
                              "  county: 测试县\n  town: 测试镇\n  report_date: 2018-07\n",
                              "school:\n")},
         ("应是“字段: 值”的形式", "school.yaml 第1行")),
    # references and ids
    Case("ref-teacher", "不存在的教师 / dangling teacher",
         {"school.yaml": edit("{teacher: T02,", "{teacher: T2,")},
         ("第2条结对的教师编号“T2”不存在", "是不是 “T02”", "school.yaml 第14行")),
    Case("ref-unit", "不存在的村 / dangling unit",
         {"school.yaml": edit("    unit: 上村\n    children:\n      - {name: 王",
                              "    unit: 下村\n    children:\n      - {name: 王")},
         ("第2户（H02 王二）的所在自然村/连队“下村”不存在", "school.yaml 第24行")),
    Case("ref-household", "不存在的户 / dangling household",
         {"school.yaml": edit("households: [H02]", "households: [H09]")},
         ("第2条结对的第1个户编号“H09”不存在", "school.yaml 第14行")),
    Case("ref-student", "不存在的学生 / dangling student",
         {"school.yaml": edit("{teacher: T02, households: [H02]}",
                              "{teacher: T02, students: [H02-5]}")},
         ("第2条结对的第1个学生编号“H02-5”不存在", "school.yaml 第14行")),
    Case("dup-teacher", "教师编号重复 / duplicate teacher id",
         {"school.yaml": edit("{id: T02, name: 王建国", "{id: T01, name: 王建国")},
         ("第2位教师的教师编号“T01”重复", "school.yaml 第9行", "另见：school.yaml 第8行")),
    Case("dup-household", "户编号重复 / duplicate household id",
         {"school.yaml": edit("  - id: H02", "  - id: H01")},
         ("第2户的户编号“H01”重复", "school.yaml 第22行", "另见：school.yaml 第16行")),
    # characters
    Case("char-control-raw", "姓名中的控制字符 / a raw \\x07 in a name",
         {"school.yaml": edit("head: 李大", "head: 李\x07大")},
         ("控制字符（U+0007）", "school.yaml 第17行")),
    Case("char-control-escaped", "转义写出的控制字符 / \"\\a\" in a name",
         {"school.yaml": edit("head: 李大", 'head: "李\\a大"')},
         ("控制字符（U+0007）", "school.yaml 第17行")),
    Case("char-lone-surrogate", "半个字符 / a lone surrogate \"\\ud800\" in a name",
         {"school.yaml": edit("head: 李大", 'head: "李\\ud800大"')},
         ("半个字符（U+D800", "school.yaml 第17行第11列")),
    Case("char-lone-surrogate-check", "check：半个字符 / check finds a lone surrogate",
         {"school.yaml": edit("name: 李小一", 'name: "李\\udc00小一"')},
         ("半个字符（U+DC00", "school.yaml 第21行"), command="check"),
    Case("char-lone-surrogate-key", "字段名中的半个字符 / a lone surrogate in a key",
         {"school.yaml": edit("  town: 测试镇\n", '  town: 测试镇\n  "\\ud800": 1\n')},
         ("字段名中有半个字符（U+D800", "school.yaml 第6行")),
    Case("char-xml-specials", "& < > 引号 / names with & < > ' \"",
         {"school.yaml": edit("head: 李大", "head: \"李&<大>'\\\"\"")},
         ok=True, verify=name_intact("李&<大>'\"")),
    Case("char-outside-bmp", "𠈌（BMP 之外） / a character outside the BMP",
         {"school.yaml": edit("head: 李大", "head: 𠈌大")}, ok=True, verify=in_file_name("𠈌大")),
    Case("char-middle-dot", "少数民族姓名 / a name with a middle dot",
         {"school.yaml": edit("head: 李大", "head: 阿依古丽·买买提")},
         ok=True, verify=in_file_name("阿依古丽·买买提")),
    Case("char-windows-forbidden", "文件名禁用字符 / names Windows forbids in file names",
         {"school.yaml": edit("head: 李大", "head: 张/三", THIRD).replace("head: 王二",
                                                                         "head: 王:五")},
         ok=True, verify=windows_names),
    # values
    Case("value-unknown-key", "拼错的字段 / unknown key, with a suggestion",
         {"school.yaml": edit("teachers:", "techers:")},
         ("未知字段 “techers”", "是不是想写 “teachers”", "school.yaml 第7行")),
    Case("value-missing-field", "缺必填字段 / required field missing",
         {"school.yaml": edit("  county: 测试县\n", "")},
         ("缺少必填字段 “county”", "school.yaml 第2行")),
    Case("value-negative-amount", "负数金额 / negative amount",
         {"school.yaml": Y + "figures:\n  investments:\n    - {purpose: 操场, amount: -5}\n"},
         ("写明的数字中第1项投入的金额“-5”不能是负数", "school.yaml 第29行")),
    Case("value-impossible-date", "不存在的日期 / 2011-02-30",
         {"school.yaml": edit("2011-05-20", "2011-02-30")},
         ("第2户（H02 王二）第1个孩子（王小二）的出生日期“2011-02-30”不存在",
          "请核对年、月、日", "school.yaml 第26行")),
    Case("value-grade-13", "13 年级 / grade out of range",
         {"school.yaml": edit("grade: 2", "grade: 13")},
         ("不能大于 12", "school.yaml 第21行")),
    Case("value-unknown-stage", "未知学段 / unknown stage",
         {"school.yaml": edit("stage: 小学, grade: 1", "stage: 研究生, grade: 1")},
         ("只能填", "研究生", "school.yaml 第26行")),
    Case("value-two-pairing-patterns", "结对同时填村和户 / pairing with unit and households",
         {"school.yaml": edit("{teacher: T02, households: [H02]}",
                              "{teacher: T02, unit: 上村, households: [H02]}")},
         ("只能填 unit、households、students 其中之一", "school.yaml 第14行")),
    # rosters
    Case("roster-merged-cells", "合并单元格 / merged cells",
         {"school.yaml": XLSX_YAML, "花名册.xlsx": xlsx([HEAD, *ROWS], after=merge_household)},
         ok=True, verify=roster_read(*BIRTHS)),
    Case("roster-blank-rows", "空行 / blank rows",
         {"school.yaml": XLSX_YAML,
          "花名册.xlsx": xlsx([HEAD, ROWS[0], [None] * 8, [], ROWS[1], [" "] * 3, ROWS[2]])},
         ok=True, verify=roster_read(*BIRTHS)),
    Case("roster-formula-uncached", "公式没有计算结果 / formula without cached value",
         {"school.yaml": XLSX_YAML,
          "花名册.xlsx": xlsx([HEAD, *with_rows((1, 5, "=DATE(2012,6,1)"))])},
         ("公式没有计算结果", "花名册.xlsx 第3行第F列")),
    Case("roster-formula-cached", "公式带计算结果 / formula with cached value",
         {"school.yaml": XLSX_YAML,
          "花名册.xlsx": xlsx([HEAD, *with_rows((1, 5, "=DATE(2012,6,1)"))],
                             patch=lambda x: x.replace("<f>DATE(2012,6,1)</f><v></v>",
                                                       "<f>DATE(2012,6,1)</f><v>41061</v>"))},
         ok=True, verify=roster_read(*BIRTHS)),
    Case("roster-dates-text-and-number", "日期存为文字和数字 / dates as text and as numbers",
         {"school.yaml": XLSX_YAML,
          "花名册.xlsx": xlsx([HEAD, *with_rows((0, 5, "2010/3/5"), (1, 5, 41061),
                                                (2, 5, dt.datetime(2011, 1, 9)))])},
         ok=True, verify=roster_read(*BIRTHS)),
    Case("roster-missing-column", "缺必填列 / required column missing",
         {"school.yaml": XLSX_YAML,
          "花名册.xlsx": xlsx([[v for i, v in enumerate(r) if i != 4] for r in [HEAD, *ROWS]])},
         ("缺少必填列“性别”", "花名册.xlsx 第1行")),
    Case("roster-csv-bad-date", "CSV 中的 2010-02-30 / impossible date in a CSV roster",
         {"school.yaml": CSV_YAML, "花名册.csv": csv_text(with_rows((1, 5, "2010-02-30")))},
         ("第3户（R01 赵三）第2个孩子（赵小二）的出生日期“2010-02-30”不存在",
          "花名册.csv 第3行第F列“出生日期”")),
    Case("roster-csv-control-char", "CSV 姓名中的控制字符 / control character in a CSV cell",
         {"school.yaml": CSV_YAML, "花名册.csv": csv_text(with_rows((1, 3, "赵\x07小二")))},
         ("控制字符（U+0007）", "花名册.csv 第3行第D列")),
    Case("roster-csv-lone-surrogate", "CSV 中的半个字符 / a lone surrogate in a CSV cell",
         {"school.yaml": CSV_YAML, "花名册.csv": csv_text(with_rows((1, 3, "赵\ud800小二")))
          .encode("utf-8", "surrogatepass")},
         ("半个字符（U+D800", "花名册.csv 第3行第D列")),
    Case("roster-csv-lone-surrogate-check", "check：CSV 中的半个字符 / check, surrogate in CSV",
         {"school.yaml": CSV_YAML, "花名册.csv": csv_text(with_rows((2, 1, "钱\udfff")))
          .encode("utf-8", "surrogatepass")},
         ("半个字符（U+DFFF", "花名册.csv 第4行第B列"), command="check"),
    Case("roster-csv-surrogate-header", "表头中的半个字符 / a lone surrogate in a header",
         {"school.yaml": CSV_YAML, "花名册.csv": csv_text(ROWS).replace(
             "年级\n", "年级,备\ud800注\n", 1).encode("utf-8", "surrogatepass")},
         ok=True, verify=roster_read(*BIRTHS)),
    Case("roster-not-found", "花名册文件不存在 / roster file missing",
         {"school.yaml": XLSX_YAML}, ("花名册文件不存在：花名册.xlsx", "school.yaml 第27行")),
    # templates
    Case("template-text-hostile", "文本模板越权 / hostile text template",
         {"templates/text/report.txt": "{{ ''.__class__.__mro__[1].__subclasses__() }}\n"},
         ("不允许的内容，已拒绝", "report.txt 第1行")),
    Case("template-docx-hostile", "Word 模板越权 / hostile Word template",
         {"templates/docx/report.docx": word("{{ self.__init__.__globals__ }}")},
         ("已被沙箱拦截", "report.docx 第2段")),
    Case("template-text-syntax", "{% if %} 未闭合 / unclosed if in a text template",
         {"templates/text/report.txt": "标题\n{% if school %}\n正文\n"},
         ("模板语法错误", "report.txt 第3行")),
    Case("template-docx-syntax", "Word 模板 {% if %} 未闭合 / unclosed if in a Word template",
         {"templates/docx/report.docx": word("{% if school %}未闭合")},
         ("语法错误", "report.docx 第2段")),
    Case("template-text-undefined", "文本模板中未定义的变量 / undefined variable",
         {"templates/text/report.txt": "标题\n\n{{ no_such_var }}\n"},
         ("数据不存在", "no_such_var", "report.txt 第3行")),
    Case("template-docx-undefined", "Word 模板中未定义的变量 / undefined variable in Word",
         {"templates/docx/report.docx": word("{{ no_such_var }}")},
         ("no_such_var", "report.docx 第2段")),
    # the output location
    Case("out-is-a-file", "输出位置是文件 / -o names a file", {},
         ("是一个文件，请指定文件夹", "a-file"),
         target=lambda tmp: write_tree(tmp, {"a-file": "不要覆盖\n"}) / "a-file"),
    Case("out-foreign-folder", "输出文件夹里有别的文件 / folder without manifest.json", {},
         ("不是 fupin-docs 生成的", "foreign"),
         target=lambda tmp: write_tree(tmp / "foreign",
                                       {"我的文件.docx": b"PK", "笔记.txt": "别删"})),
    Case("out-under-a-file", "输出位置在文件之下 / -o below a file", {},
         ("无法在", "建立输出文件夹"),
         target=lambda tmp: write_tree(tmp, {"a-file": "x"}) / "a-file" / "out"),
    # `check` reports the same problems
    Case("check-duplicate-key", "check：字段重复 / check finds a duplicate key",
         {"school.yaml": edit("  town: 测试镇\n", "  town: 测试镇\n  town: 别的镇\n")},
         ("重复出现", "school.yaml 第6行"), command="check"),
    Case("check-gbk", "check：GBK 编码 / check finds GBK", {"school.yaml": Y.encode("gbk")},
         ("GBK", "school.yaml 第2行"), command="check"),
    Case("check-roster-formula", "check：公式没有计算结果 / check finds a formula",
         {"school.yaml": XLSX_YAML,
          "花名册.xlsx": xlsx([HEAD, *with_rows((2, 6, "=\"小\"&\"学\""))])},
         ("公式没有计算结果", "花名册.xlsx 第4行第G列"), command="check"),
    Case("template-text-gbk", "GBK 编码的文本模板 / a text template saved as GBK",
         {"templates/text/report.txt": "报告{{ school.name }}\n".encode("gbk")},
         ("report.txt", "UTF-8")),
    Case("policy-three-decimals", "政策表金额三位小数 / 1750.005 in the policy table",
         {"policies.yaml": POLICY_TABLE.replace("amount: 1750", "amount: 1750.005")},
         ("有三位以上小数", "policies.yaml 第8行")),
    Case("policy-three-decimals-check", "check：政策表金额三位小数 / check, 1750.005元",
         {"policies.yaml": POLICY_TABLE.replace("amount: 1750", 'amount: "1750.005元"')},
         ("有三位以上小数", "policies.yaml 第8行"), command="check"),
    Case("value-absurd-amount", "金额 1e400 / an amount too large to print",
         {"school.yaml": Y + "figures:\n  investments:\n    - {purpose: 操场, amount: 1e400}\n"},
         ("金额", "school.yaml 第29行")),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return the minimal project and a first successful build of it (copied by each case)."""
    root = tmp_path_factory.mktemp("base")
    project = write_tree(root / "proj", MINIMAL)
    out = root / "out"
    result = CliRunner().invoke(main, ["build", str(project), "-o", str(out), "--only", ONLY])
    assert result.exit_code == 0, result.output
    return project, out


def _apply(project: Path, files: dict[str, Content]) -> None:
    for rel, content in files.items():
        path = project / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if callable(content):
            content(path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def _state(path: Path) -> dict[str, bytes] | bytes:
    """Return what is at `path`: a folder's files, or a file's bytes."""
    return path.read_bytes() if path.is_file() else tree_snapshot(path)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
def test_bad_input(case: Case, built: tuple[Path, Path], tmp_path: Path) -> None:
    project, out = tmp_path / "proj", tmp_path / "out"
    shutil.copytree(built[0], project)
    shutil.copytree(built[1], out)
    _apply(project, case.files)
    target = case.target(tmp_path) if case.target else out
    before, before_target = tree_snapshot(out), _state(target)

    args = [case.command, str(project)]
    if case.command == "build":
        args += ["-o", str(target), "--only", ONLY]
    result = CliRunner().invoke(main, args)
    text = result.output

    assert "Traceback" not in text
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert not list(tmp_path.glob(".*.tmp-*")), "a staging folder was left behind"
    if case.ok:
        assert result.exit_code == 0, text
        assert tree_snapshot(out) != before
        assert case.verify is not None
        case.verify(project, out)
        return
    assert result.exit_code == 1, text
    for phrase in case.expect:
        assert phrase in text, f"{phrase!r} not in:\n{text}"
    assert tree_snapshot(out) == before
    assert _state(target) == before_target
