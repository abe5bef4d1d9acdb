"""Per-household letter, notice and card, print files, duty table and ledger, read back and
checked against the policy table; escaping, file name clashes, rosters, bad roster input."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest
import yaml
from lxml import etree
from openpyxl.utils import get_column_letter

from fupin_docs.cli import main
from fupin_docs.cnformat import rmb_upper
from fupin_docs.data import policy_table
from fupin_docs.data.model import Child, Household
from fupin_docs.data.project import load_project
from fupin_docs.data.resources import builtin_dir
from fupin_docs.errors import FupinError
from fupin_docs.facts import entitlements
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import EXAMPLES, plain, tree_snapshot

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FOLDERS = {"letter": "致家长的一封信", "notice": "政策告知单", "card": "联系卡"}
MERGED = "合并打印"
PER_HOUSEHOLD = ("letter", "notice", "card")
CN_GRADES = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]

# ---------------------------------------------------------------------------------- expectations


def as_list(value: Any) -> list:
    return [] if value is None else value if isinstance(value, list) else [value]


def money(value: Any) -> Decimal:
    """Return a policy amount as Decimal (YAML gives ints or strings such as "0.1万元")."""
    text = str(value).strip()
    for suffix, factor in (("万元", 10000), ("万", 10000), ("元", 1)):
        if text.endswith(suffix):
            return Decimal(text[: -len(suffix)]) * factor
    return Decimal(text)


@dataclass(frozen=True)
class Expected:
    """What one child receives from one policy item, computed from the YAML alone."""

    name: str
    kind: str
    yearly: Decimal
    waives: str

    @property
    def counted(self) -> bool:
        return self.kind != "贷款"

    @property
    def cell(self) -> str:
        """Return the notice's 每学年 cell as the family should read it (a waiver's worth is
        in its 标准 cell: 免学杂费)."""
        if self.kind == "贷款":
            return "可申请"
        return f"{self.yearly}元" if self.yearly else "—"


def policy_items(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text("utf-8"))["policies"]["items"]


def yearly(item: dict) -> Decimal:
    amount = money(item.get("amount", 0))
    per = item.get("per", "学年")
    if per in ("学期", "每学期"):
        return amount * 2
    if per in ("月", "每月"):
        return amount * (item.get("months") or 10)
    return amount


def expected_items(items: list[dict], child: Child) -> list[Expected]:
    """Return, in table order, what `child` receives: stage, grade and every condition match."""
    stage = child.stage.value
    if stage == "未入学":
        return []
    out = []
    for item in items:
        grades = as_list(item.get("grades"))
        when = item.get("when") or {}
        if (stage in as_list(item["stage"]) and (not grades or child.grade in grades)
                and all(bool(getattr(child, key)) == bool(want) for key, want in when.items())):
            out.append(Expected(item["name"], item.get("kind", "补助"), yearly(item),
                                "、".join(as_list(item.get("waives")))))
    return out


def expected_total(items: list[dict], household: Household) -> Decimal:
    return sum((e.yearly for c in household.children for e in expected_items(items, c)
                if e.counted), Decimal(0))


def stage_text(child: Child) -> str:
    """Return e.g. 小学三年级; grades run 1–12 in the data, so 高一 (10) is 高中一年级."""
    stage = child.stage.value
    if not child.grade or stage in ("学前", "未入学"):
        return stage
    grade = child.grade
    if stage in ("高中", "中职", "高校") and grade >= 10:
        grade -= 9
    return stage + CN_GRADES[grade - 1] + "年级"


def amount_or_text(text: str) -> Decimal | str:
    """Return "1000元" as Decimal("1000") (to compare amounts as numbers), other text as is."""
    return yuan_value(text) if re.fullmatch(r"[\d.]+元", text) else text


def yuan_value(text: str) -> Decimal:
    """Return the Decimal of "1000元" or "12.50元"."""
    m = re.fullmatch(r"(\d+(?:\.\d+)?)元", text)
    assert m, f"not an amount: {text!r}"
    return Decimal(m[1])


# ---------------------------------------------------------------------------------- reading back


def docx_lines(path: Path | Any) -> list[str]:
    """Return a Word file's paragraph texts, then its table rows (cells joined by " | ")."""
    d = docx.Document(str(path)) if isinstance(path, Path) else path
    lines = [plain(p.text) for p in d.paragraphs]
    for t in d.tables:
        lines += [" | ".join(plain(c.text) for c in row.cells) for row in t.rows]
    return lines


def body_paragraphs(path: Path) -> list[str]:
    """Return every paragraph's text in document order, table cells included (lxml)."""
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    return [plain("".join(t.text or "" for t in p.iter(f"{W}t"))) for p in root.iter(f"{W}p")]


def document_root(path: Path) -> etree._Element:
    return etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))


_PARSED: set[bytes] = set()  # digests of parts already parsed (most parts repeat per file)


def xml_problems(path: Path) -> list[str]:
    """Return the XML parts of a .docx that lxml cannot parse."""
    bad = []
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith((".xml", ".rels")):
                continue
            data = z.read(name)
            digest = hashlib.blake2b(data, digest_size=16).digest()
            if digest in _PARSED:
                continue
            try:
                etree.fromstring(data)
                _PARSED.add(digest)
            except etree.XMLSyntaxError as exc:
                bad.append(f"{path.name}:{name}: {exc}")
    return bad


def page_breaks(root: etree._Element) -> int:
    """Return the page breaks in a document: w:br type=page and w:pageBreakBefore (not off)."""
    brs = [b for b in root.iter(f"{W}br") if b.get(f"{W}type") == "page"]
    before = [p for p in root.iter(f"{W}pageBreakBefore")
              if p.get(f"{W}val") not in ("0", "false", "off")]
    return len(brs) + len(before)


def notice_rows(path: Path | Any) -> list[list[str]]:
    """Return the entitlement table of a notice: [子女, 学段年级, 项目, 标准, 每学年, 依据] rows."""
    tables = (docx.Document(str(path)) if isinstance(path, Path) else path).tables
    header = [plain(c.text) for c in tables[1].rows[0].cells]
    assert header == ["子女", "学段年级", "资助项目", "标准", "每学年", "依据"]
    return [[plain(c.text) for c in row.cells] for row in tables[1].rows[1:]]


def stem(unit: str, household: Household) -> str:
    """Return the file name a household's documents get: what Windows forbids becomes _."""
    return re.sub(r'[<>:"/\\|?*]', "_", f"{unit}_{household.id}_{household.head}")


def no_casefold_clash(out: Path) -> None:
    """Assert no two outputs differ only in letter case (one would be lost on Windows/macOS)."""
    files = [p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()]
    assert len({f.casefold() for f in files}) == len(files)


def run_build(project: Path, out: Path, only: tuple[str, ...] = (), jobs: int | None = 1) -> Path:
    build(project, BuildOptions(out_dir=out, only=only, jobs=jobs))
    return out


# ---------------------------------------------------------------------------------- 扯乐完小

CHELE = EXAMPLES / "扯乐完小"


@dataclass
class Built:
    """A built project with its data, for reading outputs back."""

    out: Path
    households: list[Household]
    units: dict[str, str]  # unit id -> name
    teachers: dict[str, tuple[str, str]]  # household id -> (teacher name, phone)
    policy_path: Path

    @cached_property
    def items(self) -> list[dict]:
        return policy_items(self.policy_path)

    @cached_property
    def table(self) -> policy_table.PolicyTable:
        return policy_table.load_policy_table(self.policy_path, self.policy_path.name)

    def unit(self, household: Household) -> str:
        return self.units[household.unit]

    def path(self, key: str, household: Household, suffix: str) -> Path:
        return self.out / FOLDERS[key] / f"{stem(self.unit(household), household)}.{suffix}"

    def by_unit(self) -> dict[str, list[Household]]:
        found: dict[str, list[Household]] = {}
        for h in self.households:
            found.setdefault(self.unit(h), []).append(h)
        return found


def teachers_from_yaml(root: Path) -> dict[str, tuple[str, str]]:
    """Return household id -> (teacher, phone) straight from the YAML pairings."""
    data: dict[str, Any] = {}
    for f in sorted(root.glob("*.yaml")):
        if f.name != "policies.yaml":
            data.update(yaml.safe_load(f.read_text("utf-8")))
    teachers = {t["id"]: (t["name"], str(t["phone"])) for t in data["teachers"]}
    out: dict[str, tuple[str, str]] = {}
    for p in data.get("pairings", []):
        homes = [h["id"] for h in data["households"]
                 if h["unit"] == p.get("unit") or h["id"] in p.get("households", [])]
        for hid in homes:
            out.setdefault(hid, teachers[p["teacher"]])
    return out


def built(project: Path, out: Path, **kw: Any) -> Built:
    run_build(project, out, **kw)
    p = load_project(project).project
    own = project / "policies.yaml"
    return Built(out, p.households, {u.id: u.name for u in p.units}, teachers_from_yaml(project),
                 own if own.is_file() else builtin_dir() / "policies.yaml")


@pytest.fixture(scope="module")
def chele(tmp_path_factory) -> Built:
    out = tmp_path_factory.mktemp("chele") / "out"
    return built(CHELE, out, only=("letter", "notice", "card", "duty", "ledger"), jobs=None)


def test_example_has_42_households_in_7_villages(chele):
    assert len(chele.households) == 42 and len(chele.by_unit()) == 7


def test_every_household_has_letter_notice_and_card(chele):
    missing = [str(chele.path(key, h, suffix)) for h in chele.households
               for key in PER_HOUSEHOLD for suffix in ("docx", "txt")
               if not chele.path(key, h, suffix).is_file()]
    assert not missing
    for key in PER_HOUSEHOLD:
        singles = [p for p in (chele.out / FOLDERS[key]).iterdir() if p.is_file()]
        assert len(singles) == 2 * len(chele.households)  # nothing but the households' files
    no_casefold_clash(chele.out)


def check_notice_docx(b: Built, h: Household) -> None:
    """Assert one notice .docx states what the policy table gives this household."""
    path = b.path("notice", h, "docx")
    document = docx.Document(str(path))
    head = document.tables[0]
    assert plain(head.rows[0].cells[1].text) == h.head and head.rows[0].cells[3].text == h.id
    assert plain(head.rows[1].cells[1].text) == b.unit(h)
    table = b.table
    want: list[tuple] = []
    for c in h.children:
        items = expected_items(b.items, c)
        # the code's own computation agrees with the independent one
        assert [(e.item.name, e.yearly, e.counted)
                for e in entitlements.child_entitlements(table, c)] \
            == [(e.name, e.yearly, e.counted) for e in items]
        want += [(c.name, stage_text(c), e.name, amount_or_text(e.cell)) for e in items] or \
            [(c.name, stage_text(c), "暂无适用项目", "")]
    got = [(r[0], r[1], r[2], amount_or_text(r[4])) for r in notice_rows(document)]
    assert got == want, path.name
    total = expected_total(b.items, h)
    assert total == entitlements.household_total(table, h)
    text = "\n".join(docx_lines(document))
    m = re.search(r"本户每学年合计：([\d.]+元)（大写：([^）]+)）", text)
    if total:
        assert m, path.name
        assert yuan_value(m[1]) == total and m[2] == rmb_upper(total)
    else:  # nothing paid: what it receives in kind, and no "0元" anywhere, receipt included
        assert not m and "无现金补助" in text and "0元" not in text, path.name
    if h.id in b.teachers:
        name, phone = b.teachers[h.id]
        assert f"结对教师：{name}（{phone}）" in text
    else:
        assert "结对教师：（未安排）" in text
    assert f"户主：{h.head}，户编号：{h.id}" in text  # the receipt


def check_notice_txt(b: Built, h: Household) -> None:
    """Assert one notice .txt states the same, child by child."""
    text = b.path("notice", h, "txt").read_text("utf-8")
    assert f"户主：{h.head}　　户编号：{h.id}　　所在" in text
    starts = [text.index(f"{i}. {c.name}（{c.gender}，{stage_text(c)}")
              for i, c in enumerate(h.children, start=1)]
    ends = starts[1:] + [text.index("\n二、将来各学段")]
    for c, start, end in zip(h.children, starts, ends, strict=True):
        section = text[start:end]
        items = expected_items(b.items, c)
        lines = [(name, said) for name, said in
                 re.findall(r"^　　([^：\n]+)：(.*)$", section, re.MULTILINE) if name != "小计"]
        assert [name for name, _ in lines] == [e.name for e in items], (h.id, c.name)
        for (_, said), e in zip(lines, items, strict=True):
            if e.kind == "贷款":
                assert said.startswith("可申请")
            elif e.yearly:
                assert yuan_value(re.search(r"每学年([\d.]+元)", said)[1]) == e.yearly
            else:
                assert said.startswith("免" + e.waives)
        if not items:
            assert "本学段暂无适用的资助项目" in section
        sub = sum((e.yearly for e in items if e.counted), Decimal(0))
        said = re.search(r"　　小计：每学年([\d.]+元)", section)
        # a child who receives no money has no 小计 line: no "0元" is printed
        assert (yuan_value(said[1]) if said else Decimal(0)) == sub and (said or not sub)
    total = expected_total(b.items, h)
    m = re.search(r"本户每学年合计：([\d.]+元)（大写：([^）]+)）", text)
    if total:
        assert m and yuan_value(m[1]) == total and m[2] == rmb_upper(total)
    else:
        assert not m and "0元" not in text and "无现金补助" in text


def test_notices_state_the_policy_table(chele):
    for h in chele.households:
        check_notice_docx(chele, h)
        check_notice_txt(chele, h)


def test_example_totals(chele):
    # 49 boarding primary pupils at 1000元 each
    assert sum(expected_total(chele.items, h) for h in chele.households) == Decimal(49000)


def check_letter(b: Built, h: Household) -> None:
    for suffix in ("docx", "txt"):
        path = b.path("letter", h, suffix)
        text = "\n".join(docx_lines(path)) if suffix == "docx" else path.read_text("utf-8")
        assert f"尊敬的{h.head}家长：" in text, path.name
        for c in h.children:
            said = (f"{c.name}现在没有上学" if c.stage.value == "未入学" else
                    f"{c.name}（{stage_text(c)}）")
            assert said in text, (path.name, c.name)
        if h.id in b.teachers:
            name, phone = b.teachers[h.id]
            assert f"结对帮扶教师：{name}老师，电话{phone}" in text
        total = expected_total(b.items, h)
        if total:
            m = re.search(r"资助合计([\d.]+元)（大写：([^）]+)）", text)
            assert m and yuan_value(m[1]) == total and m[2] == rmb_upper(total), path.name


def test_letters_name_head_children_and_teacher(chele):
    for h in chele.households:
        check_letter(chele, h)


def check_card(b: Built, h: Household) -> None:
    path = b.path("card", h, "docx")
    cells = {plain(row.cells[0].text).replace("　", ""): plain(row.cells[1].text)
             for row in docx.Document(str(path)).tables[0].rows[1:]}
    assert cells["户主"] == f"{h.head}（户编号 {h.id}）"
    assert cells["所在自然村"] == b.unit(h)
    assert cells["子女"] == "、".join(f"{c.name}（{stage_text(c)}）" for c in h.children)
    name, phone = b.teachers.get(h.id, ("（未安排）", "—"))
    assert cells["帮扶教师"] == name and cells["教师电话"] == phone
    text = b.path("card", h, "txt").read_text("utf-8")
    assert f"户主：{h.head}（户编号 {h.id}）" in text and f"所在自然村：{b.unit(h)}" in text
    paired = f"帮扶教师：{name}　电话：{phone}" if h.id in b.teachers else "帮扶教师：（未安排）"
    assert paired in text


def test_cards_name_teacher_head_and_village(chele):
    for h in chele.households:
        check_card(chele, h)


def test_each_village_teacher_is_its_pairing(chele):
    # one teacher per village: every household of a village has that village's teacher
    for unit, homes in chele.by_unit().items():
        assert len({chele.teachers[h.id] for h in homes}) == 1, unit
    assert chele.teachers["H01"] == ("李永坤", "13800000001")


def test_merged_notices_one_section_per_household(chele):
    for unit, homes in chele.by_unit().items():
        path = chele.out / FOLDERS["notice"] / MERGED / f"{unit}.docx"
        root = document_root(path)
        sections = list(root.iter(f"{W}sectPr"))
        assert len(sections) == len(homes), unit
        for s in sections[:-1]:  # every household starts again at page 1
            starts = [p.get(f"{W}start") for p in s.iter(f"{W}pgNumType")]
            assert starts == ["1"], unit
        # the body's own sectPr closes the last household: no blank page after it
        body = root.find(f"{W}body")
        assert body[-1].tag == f"{W}sectPr"
        text = "\n".join(body_paragraphs(path))
        places = [text.find(f"户主：{h.head}，户编号：{h.id}") for h in homes]
        assert -1 not in places and places == sorted(places), unit


def test_merged_letters_one_section_per_household(chele):
    for unit, homes in chele.by_unit().items():
        path = chele.out / FOLDERS["letter"] / MERGED / f"{unit}.docx"
        assert len(list(document_root(path).iter(f"{W}sectPr"))) == len(homes)
        text = "\n".join(body_paragraphs(path))
        places = [text.find(f"尊敬的{h.head}家长：") for h in homes]
        assert -1 not in places and places == sorted(places), unit


def test_merged_cards_two_per_page(chele):
    single = chele.path("card", chele.households[0], "docx")
    assert page_breaks(document_root(single)) == 0
    for unit, homes in chele.by_unit().items():
        path = chele.out / FOLDERS["card"] / MERGED / f"{unit}.docx"
        root = document_root(path)
        assert page_breaks(root) == math.ceil(len(homes) / 2) - 1, unit
        assert len(list(root.iter(f"{W}sectPr"))) == 1
        text = "\n".join(body_paragraphs(path))
        places = [text.find(f"{h.head}（户编号 {h.id}）") for h in homes]
        assert -1 not in places and places == sorted(places), unit


def test_merged_files_one_per_village(chele):
    for key in PER_HOUSEHOLD:
        merged = sorted(p.stem for p in (chele.out / FOLDERS[key] / MERGED).iterdir())
        assert merged == sorted(chele.by_unit())


def test_duty_table_one_row_per_teacher(chele):
    d = docx.Document(str(chele.out / "责任一览表/责任一览表.docx"))
    rows = [[plain(c.text) for c in r.cells] for r in d.tables[0].rows]
    assert rows[0] == ["序号", "教师", "电话", "结对对象", "结对学生"]
    by_unit = chele.by_unit()
    assert len(rows) - 1 == len(by_unit) == 7
    for n, (number, teacher, phone, target, students) in enumerate(rows[1:], start=1):
        unit = target.removeprefix("联挂")
        assert number == str(n) and unit in by_unit
        assert {chele.teachers[h.id] for h in by_unit[unit]} == {(teacher, phone)}
        names = students.split("、")
        assert len(names) == 7
        assert names == [c.name for h in by_unit[unit] for c in h.children]
    assert "合计：教师7人，结对建档立卡户42户，学生49人。" in [plain(p.text) for p in d.paragraphs]
    txt = (chele.out / "责任一览表/责任一览表.txt").read_text("utf-8")
    assert len(re.findall(r"^\d+\. .*结对学生7人：", txt, re.MULTILINE)) == 7


HEADER_ROW = 2  # a title row sits above the column headers


def header_index(sheet) -> dict[str, int]:
    return {c.value: c.column for c in sheet[HEADER_ROW]}


def check_ledger(b: Built) -> None:
    wb = openpyxl.load_workbook(b.out / "资助台账/资助台账.xlsx")
    detail, summary = wb.worksheets[:2]
    for sheet, totals_rows in ((detail, 2), (summary, 1)):
        cols = header_index(sheet)
        last = get_column_letter(len(cols))
        assert "资助" in sheet["A1"].value and sheet.freeze_panes == "A3"
        # the filter covers header and body; the totals rows sit below it
        assert sheet.auto_filter.ref == f"A2:{last}{sheet.max_row - totals_rows}"
        widths = [sheet.column_dimensions[get_column_letter(i)].width
                  for i in range(1, len(cols) + 1)]
        assert all(w and w > 0 for w in widths) and len(set(widths)) > 1
        # printed landscape, one page wide, the header row on every page, page numbers
        assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
        assert sheet.print_title_rows == "$2:$2" and "&P" in sheet.oddFooter.right.text
    col = header_index(detail)
    body = list(detail.iter_rows(min_row=3, max_row=detail.max_row - 2, values_only=True))
    want = []
    for h in b.households:
        for c in h.children:
            items = expected_items(b.items, c)
            want += [(h.id, c.name, e.name, e.yearly, "是" if e.counted else "否") for e in items]
            want += [] if items else [(h.id, c.name, "（无适用项目）", Decimal(0), None)]
    got = [(r[col["户编号"] - 1], r[col["学生"] - 1], r[col["资助项目"] - 1],
            Decimal(str(r[col["每学年金额（元）"] - 1])), r[col["计入合计"] - 1]) for r in body]
    assert got == want
    totals = [c.value for c in detail[detail.max_row]]
    counted = sum((Decimal(str(r[col["每学年金额（元）"] - 1])) for r in body
                   if r[col["计入合计"] - 1] == "是"), Decimal(0))
    assert "合计" in totals and Decimal(str(totals[col["每学年金额（元）"] - 1])) == counted
    assert counted == sum((expected_total(b.items, h) for h in b.households), Decimal(0))
    scol = header_index(summary)
    rows = list(summary.iter_rows(min_row=3, max_row=summary.max_row - 1, values_only=True))
    assert [r[scol["户编号"] - 1] for r in rows] == [h.id for h in b.households]
    for r, h in zip(rows, b.households, strict=True):
        total = expected_total(b.items, h)
        assert Decimal(str(r[scol["每学年合计（元）"] - 1])) == total
        assert r[scol["大写"] - 1] == rmb_upper(total)
        assert r[scol["学生人数"] - 1] == len(h.children)


def test_ledger_rows_and_totals(chele):
    check_ledger(chele)


def test_every_docx_is_well_formed_xml(chele):
    files = sorted(chele.out.rglob("*.docx"))
    assert len(files) == 3 * 42 + 3 * 7 + 1
    assert [bad for f in files for bad in xml_problems(f)] == []


# ---------------------------------------------------------------------------- a varied project
# Every stage, conditions, a loan, a child not at school, an unpaired household, two heads with one
# name in one village, and names that need escaping. Only GBK characters: it is also a CSV roster.

SPECIAL_HEAD = "张&<>\"'三"
SPECIAL_CHILD = "李<小>明"
SCHOOL = {
    "school": {"name": "测试县测试镇测试小学", "short_name": "测试小学", "county": "测试县",
               "phone": "0874-1234567", "report_date": "2018-07-10"},
    "teachers": [{"id": "T01", "name": "张明华", "role": "校长", "phone": "13800000001"},
                 {"id": "T02", "name": "王&<老师>", "role": "教师", "phone": "13800000002"}],
    "units": [{"id": "U1", "name": "上村"}, {"id": "U2", "name": "下村"}],
    "pairings": [{"teacher": "T01", "unit": "U1"}, {"teacher": "T02", "households": ["H03"]}],
}


def kid(name: str, gender: str, born: str, stage: str, grade: int | None = None,
        class_: str | None = None, boarding: bool = False) -> dict:
    out: dict[str, Any] = {"name": name, "gender": gender,
                           "birth_date": dt.date.fromisoformat(born), "stage": stage}
    if grade is not None:
        out["grade"] = grade
    if class_ is not None:
        out["class"] = class_
    out["boarding"] = boarding
    return out


HOUSEHOLDS = [
    {"id": "H01", "head": SPECIAL_HEAD, "unit": "U1", "phone": "13900000001", "members": 5,
     "children": [kid(SPECIAL_CHILD, "男", "2010-03-05", "小学", 3, "3", True),
                  kid("张小红", "女", "2014-05-01", "学前")]},
    {"id": "H02", "head": "李大", "unit": "U1", "phone": "13900000002", "members": 4,
     "children": [kid("李二", "男", "2005-09-01", "初中", 8, "八(2)班", True),
                  kid("李三", "女", "2002-01-02", "高中", 10)]},
    {"id": "H03", "head": "王五", "unit": "U2", "phone": "13900000003", "members": 4,
     "children": [kid("王六", "男", "2002-02-02", "中职", 10),
                  kid("王七", "女", "2000-03-03", "中职", 12)]},
    {"id": "H04", "head": "李大", "unit": "U1", "phone": "13900000004", "members": 3,
     "children": [kid("李四", "男", "1999-04-04", "高校"),
                  kid("李五", "女", "2011-06-06", "未入学")]},
    {"id": "H05", "head": "赵六", "unit": "U2", "members": 2,
     "children": [kid("赵七", "男", "2008-08-08", "小学", 5, "5")]},
]


def write_yaml(path: Path, data: dict) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def school(households: list[dict]) -> dict:
    """Return SCHOOL with pairings to households that are not in `households` left out."""
    ids = {h["id"] for h in households}
    pairings = [p for p in SCHOOL["pairings"] if "unit" in p or set(p["households"]) <= ids]
    return dict(SCHOOL, pairings=pairings)


def yaml_project(folder: Path, households: list[dict] = HOUSEHOLDS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_yaml(folder / "school.yaml", school(households))
    write_yaml(folder / "households.yaml", {"households": households})
    return folder


@pytest.fixture(scope="module")
def varied(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("varied")
    project = yaml_project(root / "project")
    return built(project, root / "out", only=("letter", "notice", "card", "ledger"))


def test_varied_notices_state_the_policy_table(varied):
    for h in varied.households:
        check_notice_docx(varied, h)
        check_notice_txt(varied, h)
        check_letter(varied, h)
        check_card(varied, h)


def test_varied_totals_by_hand(varied):
    # 学前 300/学期; 初中 boarding 1250; 高中 2000; 中职 一年级 2000+3000, 三年级 3000;
    # 高校 2000+3000+8000+1000 and a loan that is not counted; 未入学 nothing; 走读小学 nothing
    totals = {h.id: expected_total(varied.items, h) for h in varied.households}
    assert totals == {"H01": Decimal(1600), "H02": Decimal(3250), "H03": Decimal(8000),
                      "H04": Decimal(14000), "H05": Decimal(0)}


def test_varied_ledger(varied):
    check_ledger(varied)


def test_loan_is_shown_but_not_counted(varied):
    h04 = next(h for h in varied.households if h.id == "H04")
    rows = notice_rows(varied.path("notice", h04, "docx"))
    assert ["李四", "高校", "生源地信用助学贷款", "8000元/学年", "可申请", "请填写文号"] in rows
    assert ["李五", "未入学", "暂无适用项目", "", "", ""] in rows
    text = "\n".join(docx_lines(varied.path("notice", h04, "docx")))
    assert "贷款项目可按需申请，不计入合计。" in text


def test_senior_grades_read_as_the_family_says_them(varied):
    # grades count 1–12 in the data (高一 is 10); a notice must say 高中一年级, not 高中十年级
    h02 = next(h for h in varied.households if h.id == "H02")
    text = varied.path("notice", h02, "txt").read_text("utf-8")
    assert "李三（女，高中一年级）" in text and "十年级" not in text


def test_waivers_never_read_as_zero_yuan(varied):
    # a fee waiver's standard is what it waives, not "0元/学年"
    for h in varied.households:
        for row in notice_rows(varied.path("notice", h, "docx")):
            assert not row[3].startswith("0元"), row


def test_names_that_need_escaping_come_out_intact(varied):
    h01 = varied.households[0]
    assert h01.head == SPECIAL_HEAD
    for key in PER_HOUSEHOLD:
        text = "\n".join(docx_lines(varied.path(key, h01, "docx")))
        assert SPECIAL_HEAD in text and SPECIAL_CHILD in text, key
        txt = varied.path(key, h01, "txt").read_text("utf-8")
        assert SPECIAL_HEAD in txt and SPECIAL_CHILD in txt, key
        merged = "\n".join(body_paragraphs(varied.out / FOLDERS[key] / MERGED / "上村.docx"))
        assert SPECIAL_HEAD in merged and SPECIAL_CHILD in merged, key
    # the file name keeps what Windows allows
    assert varied.path("notice", h01, "docx").name == "上村_H01_张&___'三.docx"
    h03 = next(h for h in varied.households if h.id == "H03")
    assert "王&<老师>" in "\n".join(docx_lines(varied.path("card", h03, "docx")))
    files = sorted(varied.out.rglob("*.docx"))
    assert [bad for f in files for bad in xml_problems(f)] == []


def test_same_head_two_households_two_files(varied):
    same = [h for h in varied.households if h.head == "李大"]
    assert len(same) == 2 and {h.unit for h in same} == {"U1"}
    for key in PER_HOUSEHOLD:
        paths = {varied.path(key, h, "docx") for h in same}
        assert len(paths) == 2 and all(p.is_file() for p in paths)
    for h in same:
        assert f"户编号：{h.id}" in varied.path("notice", h, "txt").read_text("utf-8")


def test_unpaired_household_says_so(varied):
    h05 = next(h for h in varied.households if h.id == "H05")
    assert h05.id not in varied.teachers
    assert "结对教师：（未安排）" in varied.path("notice", h05, "txt").read_text("utf-8")


# ---------------------------------------------------------------------------------- file names


def test_ids_differing_in_case_with_different_heads_keep_both(tmp_path):
    homes = [dict(HOUSEHOLDS[1], id="h02"), dict(HOUSEHOLDS[1], id="H02", head="李小")]
    out = run_build(yaml_project(tmp_path / "p", homes), tmp_path / "out",
                    only=PER_HOUSEHOLD)
    for key in PER_HOUSEHOLD:
        names = sorted(p.name for p in (out / FOLDERS[key]).glob("*.txt"))
        assert names == ["上村_H02_李小.txt", "上村_h02_李大.txt"]
    no_casefold_clash(out)


def test_ids_differing_only_in_case_are_refused(tmp_path, runner):
    # h02 and H02 with one head: the files differ only in case, one file on Windows and macOS
    project = yaml_project(tmp_path / "p", [dict(HOUSEHOLDS[1], id="h02"), HOUSEHOLDS[1]])
    out = tmp_path / "out"
    run_build(yaml_project(tmp_path / "good"), out, only=("notice",))
    before = tree_snapshot(out)
    # refused when the data is read, at the second id, naming the first: not by the writer
    with pytest.raises(FupinError, match="户编号 “H02” 与前面的 “h02” 只差大小写"):
        run_build(project, out, only=PER_HOUSEHOLD)
    result = runner.invoke(main, ["build", str(project), "-o", str(out)])
    assert result.exit_code == 1 and "上村_H02_李大" in result.output
    assert "households.yaml 第21行第7列" in result.output
    assert "另见：households.yaml 第2行" in result.output
    assert "两份文件要写到同一个位置" not in result.output
    assert tree_snapshot(out) == before  # the previous build is untouched, nothing lost
    assert not list(tmp_path.glob(".out.tmp-*"))  # and no staging folder is left behind


def test_only_some_documents(tmp_path, runner):
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(yaml_project(tmp_path / "p")), "-o", str(out),
                                  "--only", "letter,notice"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".stamps.json", "manifest.json", FOLDERS["letter"], FOLDERS["notice"]])
    assert len(list((out / FOLDERS["notice"]).glob("*.docx"))) == len(HOUSEHOLDS)


# ---------------------------------------------------------------------------------- rosters

ROSTER_HEADER = ["户编号", "户主姓名", "所在村/连队", "联系电话", "家庭人口", "子女姓名", "性别",
                 "出生日期", "学段", "年级", "班级", "是否寄宿"]


def roster_rows(households: list[dict], repeat: bool) -> list[list[Any]]:
    """Return one row per child; household cells repeated, or blank on continuation rows."""
    units = {u["id"]: u["name"] for u in SCHOOL["units"]}
    rows = []
    for h in households:
        for i, c in enumerate(h["children"]):
            first = i == 0 or repeat
            house = [h["id"], h["head"], units[h["unit"]], h.get("phone"), h.get("members")]
            rows.append((house if first else [None] * 5) + [
                c["name"], c["gender"], c["birth_date"], c["stage"], c.get("grade"),
                c.get("class"), "是" if c["boarding"] else "否"])
    return rows


def roster_project(folder: Path, roster: str, rows: list[list[Any]],
                   header: list[str] = ROSTER_HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_yaml(folder / "school.yaml", dict(SCHOOL, roster=roster))
    write_roster(folder / roster, rows, header)
    return folder


def write_roster(path: Path, rows: list[list[Any]], header: list[str]) -> None:
    if path.suffix == ".xlsx":
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(header)
        for r in rows:
            ws.append(r)
        wb.save(path)
        return
    # as Excel on Chinese Windows saves "CSV (逗号分隔)": GBK, dates as 2010/3/5, grades as words
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(header)
    for r in rows:
        cells = []
        for name, v in zip(header, r, strict=True):
            if isinstance(v, dt.date):
                v = f"{v.year}/{v.month}/{v.day}"
            elif name == "年级" and v is not None:
                v = CN_GRADES[v - 1] + "年级"
            cells.append("" if v is None else v)
        writer.writerow(cells)
    path.write_bytes(buf.getvalue().encode("gbk"))


def outputs(out: Path) -> dict[str, Any]:
    """Return each output's comparable content: .txt bytes, .docx paragraph and cell texts."""
    found: dict[str, Any] = {}
    for p in sorted(out.rglob("*")):
        rel = p.relative_to(out).as_posix()
        if p.suffix == ".txt":
            found[rel] = p.read_bytes()
        elif p.suffix == ".docx":
            found[rel] = docx_lines(p)
    return found


def test_yaml_xlsx_and_gbk_csv_rosters_give_the_same_documents(tmp_path):
    builds = {}
    projects = {"yaml": yaml_project(tmp_path / "yaml"),
                "xlsx": roster_project(tmp_path / "xlsx", "花名册.xlsx",
                                       roster_rows(HOUSEHOLDS, repeat=True)),
                "csv": roster_project(tmp_path / "csv", "花名册.csv",
                                      roster_rows(HOUSEHOLDS, repeat=False))}
    for name, project in projects.items():
        builds[name] = outputs(run_build(project, tmp_path / f"out-{name}", only=PER_HOUSEHOLD))
    assert len([k for k in builds["yaml"] if k.endswith(".txt")]) == 3 * len(HOUSEHOLDS)
    assert builds["xlsx"] == builds["yaml"]
    assert builds["csv"] == builds["yaml"]


def test_stage_without_policy_item_is_reported_by_check(tmp_path, runner):
    project = yaml_project(tmp_path / "p", [HOUSEHOLDS[1]])  # 初中 and 高中 children
    items = [dict(item, stage=["小学"]) for item in policy_items(builtin_dir() / "policies.yaml")
             if "小学" in item["stage"]]
    write_yaml(project / "policies.yaml", {"policies": {"name": "只有小学的表", "items": items}})
    result = runner.invoke(main, ["check", str(project)])
    assert result.exit_code == 0, result.output
    assert "李二（李大户，初中8年级）在资助政策表“只有小学的表”中没有对应的项目" in result.output
    assert "李三" in result.output and "households.yaml 第" in result.output
    out = run_build(project, tmp_path / "out", only=("notice",))
    h = load_project(project).project.households[0]
    rows = notice_rows(out / FOLDERS["notice"] / f"{stem('上村', h)}.docx")
    assert [r[:3] for r in rows] == [["李二", "初中八年级", "暂无适用项目"],
                                     ["李三", "高中一年级", "暂无适用项目"]]


def test_custom_policy_amounts_with_cents(tmp_path):
    """A project's own table: per month with months, per term, 万元 and cents, all in Decimal."""
    project = yaml_project(tmp_path / "project", HOUSEHOLDS[:2])
    table = {"policies": {"name": "本县资助政策表", "year": 2018, "items": [
        {"id": "meal", "name": "营养改善计划", "stage": ["小学", "初中"], "amount": "33.35",
         "per": "月", "months": 9, "kind": "补助", "source": "本县文件"},
        {"id": "term", "name": "学期补助", "stage": ["小学", "学前"], "amount": "0.01505万元",
         "per": "学期", "kind": "补助"},
        {"id": "fee", "name": "免学杂费", "stage": ["小学", "初中", "高中"], "waives": ["学杂费"],
         "kind": "减免"},
        {"id": "senior", "name": "高中助学金", "stage": ["高中"], "grades": [10],
         "amount": "1999.99", "kind": "补助"}]}}
    write_yaml(project / "policies.yaml", table)
    b = built(project, tmp_path / "out", only=("notice", "letter", "ledger"))
    # 小学: 33.35×9 + 150.5×2 = 601.15; 学前 301; 初中 300.15; 高中十年级 1999.99
    assert [expected_total(b.items, h) for h in b.households] == [Decimal("902.15"),
                                                                  Decimal("2300.14")]
    for h in b.households:
        check_notice_docx(b, h)
        check_notice_txt(b, h)
    check_ledger(b)
    text = b.path("notice", b.households[1], "txt").read_text("utf-8")
    assert "（大写：贰仟叁佰元壹角肆分）" in text


def test_parallel_build_equals_serial(tmp_path):
    """Enough households for the process pool: the same bytes as one process."""
    homes = [dict(HOUSEHOLDS[i % 5], id=f"P{i:03d}", unit="U1" if i % 3 else "U2")
             for i in range(60)]
    project = yaml_project(tmp_path / "p", homes)
    serial = run_build(project, tmp_path / "one", only=("notice", "card"), jobs=1)
    pooled = run_build(project, tmp_path / "two", only=("notice", "card"), jobs=2)
    assert tree_snapshot(serial) == tree_snapshot(pooled)
    assert len(list((pooled / FOLDERS["notice"]).glob("*.docx"))) == 60


# ---------------------------------------------------------------------------------- bad rosters


def _bad(rows: list[list[Any]], header: list[str], case: str) -> tuple[list, list, str, str]:
    """Return (rows, header, where, words) for one broken roster; rows are 1-based in Excel."""
    rows = [list(r) for r in rows]
    col = {name: get_column_letter(i + 1) for i, name in enumerate(header)}
    second = next(i for i, r in enumerate(rows) if r[0] == "H02")  # 李大's first row
    row = second + 2  # the header is row 1
    if case == "missing column":
        drop = header.index("学段")
        return ([r[:drop] + r[drop + 1:] for r in rows], header[:drop] + header[drop + 1:],
                "花名册.xlsx 第1行", "缺少必填列“学段”")
    if case == "empty id":
        rows[second][0] = None
        return rows, header, f"花名册.xlsx 第{row}行第{col['户编号']}列“户编号”", "户编号为空"
    if case == "duplicate id":
        rows[second][0] = "H01"
        return (rows, header, f"花名册.xlsx 第{row}行第{col['户主姓名']}列“户主姓名”",
                f"户编号“H01”的户主姓名前后不一致：先是“{SPECIAL_HEAD}”，这里是“李大”")
    if case == "unknown stage":
        rows[second][header.index("学段")] = "大专班"
        return rows, header, f"花名册.xlsx 第{row}行第{col['学段']}列“学段”", "的学段“大专班”只能填"
    assert case == "no such date"
    rows[second][header.index("出生日期")] = "2010-02-30"
    return (rows, header, f"花名册.xlsx 第{row}行第{col['出生日期']}列“出生日期”",
            "的出生日期“2010-02-30”不存在")


BAD_CASES = ["missing column", "empty id", "duplicate id", "unknown stage", "no such date"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_bad_roster_exits_1_naming_file_row_and_column(tmp_path, runner, case):
    good = roster_rows(HOUSEHOLDS, repeat=True)
    project = roster_project(tmp_path / "p", "花名册.xlsx", good)
    out = tmp_path / "out"
    first = runner.invoke(main, ["build", str(project), "-o", str(out), "--only", "notice"])
    assert first.exit_code == 0, first.output
    before = tree_snapshot(out)
    rows, header, where, words = _bad(good, ROSTER_HEADER, case)
    write_roster(project / "花名册.xlsx", rows, header)
    result = runner.invoke(main, ["build", str(project), "-o", str(out), "--only", "notice"])
    assert result.exit_code == 1, result.output
    assert f"错误：{where}" in result.output and words in result.output, result.output
    assert "未生成任何文件" in result.output and "Traceback" not in result.output
    assert tree_snapshot(out) == before


def test_unknown_stage_message_is_all_chinese(tmp_path, runner):
    # the choices were once listed the pydantic way: '学前', '小学' … or '未入学'
    rows, header, _, _ = _bad(roster_rows(HOUSEHOLDS, repeat=True), ROSTER_HEADER,
                              "unknown stage")
    project = roster_project(tmp_path / "p", "花名册.xlsx", rows, header)
    result = runner.invoke(main, ["check", str(project)])
    assert result.exit_code == 1 and "大专班" in result.output, result.output
    assert " or " not in result.output and "学前、小学" in result.output, result.output


def test_bad_gbk_csv_roster_names_row_and_column(tmp_path, runner):
    rows, header, _, _ = _bad(roster_rows(HOUSEHOLDS, repeat=False), ROSTER_HEADER,
                              "no such date")
    project = roster_project(tmp_path / "p", "花名册.csv", rows, header)
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(project), "-o", str(out)])
    assert result.exit_code == 1
    assert "错误：花名册.csv 第4行第H列“出生日期”：" in result.output, result.output
    assert "的出生日期“2010-02-30”不存在" in result.output, result.output
    assert not out.exists()
