"""Every kind judged as the printed page: built with --pdf, read back through poppler.

For both examples and the stress project, every Word file of every registered kind is checked
against its paper contract: pages per record, blocks kept on one page, nothing clipped or lost,
no name, ID, phone, 文号 or amount split across lines, the right faces, no template syntax left.
The workbooks are converted too: one page wide, the header on every page.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fupin_docs.data.project import load_project
from fupin_docs.data.resources import resources_for
from fupin_docs.documents.common import base_context
from fupin_docs.documents.registry import Document, Scope, kinds
from fupin_docs.facts.facts import Facts
from fupin_docs.output.build import PDF_DIR, BuildOptions, build
from fupin_docs.output.naming import MERGED, file_stem
from fupin_docs.output.pdf import convert_folder
from tests.helpers import (
    EXAMPLES,
    STRESS,
    docx_texts,
    pdf_fonts,
    pdf_lines,
    pdf_page_count,
    pdf_page_texts,
    require_tool,
    squeeze,
)

PROJECTS = {"扯乐完小": EXAMPLES / "扯乐完小", "九十一团学校": EXAMPLES / "九十一团学校",
            "压力测试学校": STRESS}
#: the faces a PDF may embed: the stand-ins of fonts.conf (Fandol, Noto CJK, AR PL UKai),
#: Liberation for Latin text, Hanazono for rare characters (CJK Extension B)
ALLOWED_FONTS = re.compile(r"Fandol|NotoS(?:ans|erif)CJK|UKai|Liberation|HanaMin")
FOLIO = re.compile(r"^\s*(?:— \d+ —|第 ?\d+ ?页\s*共 ?\d+ ?页)\s*$", re.MULTILINE)
LEFTOVERS = ("{{", "}}", "{%", "%}", "{#", "#}", "None")
WORD_KINDS = [k for k in kinds() if "docx" in k.formats and k.scope is not Scope.county]


@dataclass
class Printed:
    """One project built with --pdf: where its files are, and its facts."""

    out: Path
    facts: Facts
    #: per-household stem → number of children
    children: dict[str, int] = field(default_factory=dict)

    def pdf(self, docx_rel: str) -> Path:
        return self.out / PDF_DIR / Path(docx_rel).with_suffix(".pdf")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    """Return each project built with every kind and converted to PDF."""
    require_tool("soffice", "fonts", "pdftotext", "pdfinfo", "pdffonts")
    found = {}
    for name, project in PROJECTS.items():
        out = tmp_path_factory.mktemp("paper") / name
        build(project, BuildOptions(out_dir=out, pdf=True))
        loaded = load_project(project)
        res = resources_for(loaded)
        facts = Facts(loaded, res.policy, res.boilerplate)
        units = {u.id: u.name for u in loaded.project.units}
        found[name] = Printed(out, facts, {file_stem(h, units[h.unit]): len(h.children)
                                           for h in loaded.project.households})
    return found


def records(p: Printed, kind: Document) -> list[str]:
    """Return the Word files of `kind` in a build, relative to it (print files last)."""
    if kind.scope is Scope.school:
        return [f"{kind.folder}/{kind.label}.docx"]
    if kind.scope is Scope.child:  # one per child it picks out: as many as the build made
        return sorted(f"{kind.folder}/{f.name}" for f in (p.out / kind.folder).glob("*.docx"))
    singles = [f"{kind.folder}/{stem}.docx" for stem in p.children]
    merged = sorted(f"{kind.folder}/{MERGED}/{f.name}"
                    for f in (p.out / kind.folder / MERGED).glob("*.docx"))
    return singles + merged


def tokens(p: Printed) -> set[str]:
    """Return what may never break across lines: every person's name, phone, masked ID,
    文号 and amount the project can print."""
    project = p.facts.project
    found = {t.name for t in project.teachers} | {t.phone for t in project.teachers if t.phone}
    for h in project.households:
        found.add(h.head)
        for c in h.children:
            found.add(c.name)
    found |= {item.source for item in p.facts.policy.items if item.source}
    return {t for t in found if len(squeeze(t)) > 1}


CASES = [(name, kind.key) for name in PROJECTS for kind in WORD_KINDS]


@pytest.mark.parametrize(("project", "key"), CASES)
def test_every_record_is_right_on_paper(printed: dict[str, Printed], project: str,
                                        key: str) -> None:
    p = printed[project]
    kind = next(k for k in WORD_KINDS if k.key == key)
    protected = tokens(p)
    for rel in records(p, kind):
        docx_file, pdf = p.out / rel, p.pdf(rel)
        assert pdf.is_file(), f"no PDF for {rel}"
        pages = pdf_page_texts(pdf)
        # a paragraph running onto the next page has the page number in between: leave the
        # page numbers (— 1 —, 第 1 页 共 2 页) out when putting the pages together
        text = squeeze("".join(FOLIO.sub("", page) for page in pages))
        # nothing clipped or lost: every paragraph and cell of the Word file is on paper
        lost = [t for t in docx_texts(docx_file) if squeeze(t) and squeeze(t) not in text]
        assert not lost, (rel, lost[:5])
        left = [mark for mark in LEFTOVERS if mark in "".join(pages)]
        assert not left, (rel, left)
        # no protected token broken over two lines
        lines = [squeeze(line) for _, line in pdf_lines(pdf)]
        split = [t for t in protected if squeeze(t) in text
                 and not any(squeeze(t) in line for line in lines)]
        assert not split, (rel, split)
        fonts = pdf_fonts(pdf)
        assert any(f.startswith("FandolFang") for f in fonts), (rel, fonts)
        stray = sorted(f for f in fonts if not ALLOWED_FONTS.search(f))
        assert not stray, (rel, stray)
        check_pages(kind, p, rel, pages)


def check_pages(kind: Document, p: Printed, rel: str, pages: list[str]) -> None:
    """Assert the page counts and the blocks kept together of one record (or print file)."""
    paper = kind.paper
    stem = Path(rel).stem
    if f"/{MERGED}/" in rel:
        unit = [s for s in p.children if s.startswith(f"{stem}_")]
        if paper.records_per_page > 1:  # cards: so many to a page, no spill
            assert len(pages) == math.ceil(len(unit) / paper.records_per_page), rel
        else:  # one section per household: its pages, and not one more
            single = sum(pdf_page_count(p.pdf(f"{kind.folder}/{s}.docx")) for s in unit)
            assert len(pages) == single, rel
        return
    children = p.children.get(stem, 0)
    if paper.max_pages and (paper.max_pages_children is None
                            or children <= paper.max_pages_children):
        assert len(pages) <= paper.max_pages, (rel, f"{children} children", len(pages))
    page_of = {mark: next((i for i, t in enumerate(pages) if squeeze(mark) in squeeze(t)), None)
               for mark in paper.keep_together}
    found = {i for i in page_of.values() if i is not None}
    assert len(found) <= 1, (rel, page_of)
    if kind.gongwen:  # the closing, the 署名 and the 成文日期 share the last page
        date = squeeze(base_context(p.facts)["school"]["date_text"])
        closing = [i for i, t in enumerate(pages) if "此致" in t]
        assert date in squeeze(pages[-1]) and all(i == len(pages) - 1 for i in closing), rel


def test_the_stress_project_exercises_the_contracts(printed: dict[str, Printed]) -> None:
    p = printed["压力测试学校"]
    six = next(s for s, n in p.children.items() if n == 6)
    notice = pdf_page_texts(p.pdf(f"政策告知单/{six}.docx"))
    # six children take two pages; the 回执 does not go alone, 三、联系方式 goes with it
    assert len(notice) == 2 and "回" in notice[-1] and "三、联系方式" in notice[-1]
    card = pdf_page_texts(p.pdf(f"联系卡/{six}.docx"))
    assert len(card) == 1 and "阿依古丽·买买提" in card[0]
    rare = [t for t in pdf_page_texts(p.pdf("公示名单/公示名单.docx")) if "𠮷" in t]
    assert rare, "a name with a CJK Extension B character must print"
    report = "".join(pdf_page_texts(p.pdf("汇报材料/汇报材料.docx")))
    assert "两个教学班" in squeeze(report) and "单亲家庭儿童0人" not in squeeze(report)
    # 控辍保学: the one child enrolled nowhere has its 劝返 record, on one page
    [record] = records(p, next(k for k in WORD_KINDS if k.scope is Scope.child))
    assert record.endswith("_H05_赵丽.docx") and pdf_page_count(p.pdf(record)) == 1
    assert "尚有1人未入学" in squeeze(report)


@pytest.mark.parametrize("project", list(PROJECTS))
def test_workbooks_print_one_page_wide_with_their_header(printed: dict[str, Printed],
                                                        project: str, tmp_path: Path) -> None:
    p = printed[project]
    books = [p.out / "资助台账/资助台账.xlsx", p.out / "公示名单/公示名单.xlsx",
             p.out / "控辍保学台账/控辍保学台账.xlsx"]
    for book, pdf in zip(books, convert_folder(books, tmp_path)):
        pages = pdf_page_texts(pdf)
        assert pages, book.name
        for n, page in enumerate(pages, start=1):
            # every page: the title in the header, the column headers, 第 n 页 at the foot
            assert "序号" in page and f"第{n}页" in squeeze(page), (book.name, n)
        last_header = {"资助台账": "结对教师", "公示名单": "每学年金额（元）",
                       "控辍保学台账": "结对教师"}[book.stem]
        assert last_header in squeeze(pages[0]), book.name  # fit to width: no column cut off


@pytest.mark.parametrize("project", list(PROJECTS))
def test_pdfs_cut_from_print_files_hold_exactly_their_records_pages(
        printed: dict[str, Printed], project: str, tmp_path: Path) -> None:
    """A household's PDF is cut out of its print file's: it must be the very pages its own
    Word file lays out to, no page of a neighbour and none missing."""
    from fupin_docs.output.pdf import convert_files

    p = printed[project]
    stems = list(p.children)
    sample = sorted({stems[0], stems[-1], max(stems, key=lambda s: p.children[s])})
    per_household = [k for k in WORD_KINDS if k.scope is Scope.household]
    own = {p.out / f"{k.folder}/{s}.docx": tmp_path / k.key / f"{s}.pdf"
           for k in per_household for s in sample}
    convert_files(own)
    for docx_file, direct in own.items():
        cut = p.pdf(docx_file.relative_to(p.out).as_posix())
        want, got = pdf_page_texts(direct), pdf_page_texts(cut)
        assert len(got) == len(want), (docx_file.name, len(got), len(want))
        for n, (a, b) in enumerate(zip(want, got), start=1):
            assert squeeze(FOLIO.sub("", a)) == squeeze(FOLIO.sub("", b)), (docx_file.name, n)


# -- the county's kinds, for the example county -------------------------------------------------

COUNTY = EXAMPLES / "清溪县"
COUNTY_KINDS = [k for k in kinds(Scope.county) if "docx" in k.formats]


@dataclass
class CountyPrinted:
    """The example county built with --pdf, and what may never break across lines in it."""

    out: Path
    date_text: str
    tokens: set[str]

    def pdf(self, docx_rel: str) -> Path:
        return self.out / PDF_DIR / Path(docx_rel).with_suffix(".pdf")


@pytest.fixture(scope="module")
def county_printed(tmp_path_factory: pytest.TempPathFactory) -> CountyPrinted:
    """Return the example county built with every county kind and converted to PDF."""
    from fupin_docs.county.build import CountyOptions, build_county, check_county_project
    from fupin_docs.county.common import base_context as county_base

    require_tool("soffice", "fonts", "pdftotext", "pdfinfo", "pdffonts")
    out = tmp_path_factory.mktemp("paper") / "清溪县"
    build_county(COUNTY, CountyOptions(out_dir=out, pdf=True, jobs=2))
    cf, _ = check_county_project(COUNTY, jobs=1)
    found = {t.name for s in cf.schools for t in s.teachers}
    found |= {t.phone for s in cf.schools for t in s.teachers if t.phone}
    found |= {p.name for s in cf.schools for p in s.pupils} | {
        p.head for s in cf.schools for p in s.pupils}
    found |= {c.name for s in cf.schools for c in s.missing}
    return CountyPrinted(out, county_base(cf)["county"]["date_text"],
                         {t for t in found if len(squeeze(t)) > 1})


@pytest.mark.parametrize("key", [k.key for k in COUNTY_KINDS])
def test_every_county_record_is_right_on_paper(county_printed: CountyPrinted, key: str) -> None:
    p = county_printed
    kind = next(k for k in COUNTY_KINDS if k.key == key)
    files = sorted(f"{kind.folder}/{f.name}" for f in (p.out / kind.folder).glob("*.docx"))
    assert files, key  # one per county, or one per school
    for rel in files:
        pdf = p.pdf(rel)
        assert pdf.is_file(), f"no PDF for {rel}"
        pages = pdf_page_texts(pdf)
        text = squeeze("".join(FOLIO.sub("", page) for page in pages))
        lost = [t for t in docx_texts(p.out / rel) if squeeze(t) and squeeze(t) not in text]
        assert not lost, (rel, lost[:5])
        left = [mark for mark in LEFTOVERS if mark in "".join(pages)]
        assert not left, (rel, left)
        lines = [squeeze(line) for _, line in pdf_lines(pdf)]
        split = [t for t in p.tokens if squeeze(t) in text
                 and not any(squeeze(t) in line for line in lines)]
        assert not split, (rel, split)
        fonts = pdf_fonts(pdf)
        assert any(f.startswith("FandolFang") for f in fonts), (rel, fonts)
        stray = sorted(f for f in fonts if not ALLOWED_FONTS.search(f))
        assert not stray, (rel, stray)
        if kind.gongwen:  # the 署名 and the 成文日期 on the last page, with the text before
            assert squeeze(p.date_text) in squeeze(pages[-1]), rel
        else:  # forms: 第X页 共Y页 on each page
            for n, page in enumerate(pages, start=1):
                assert f"第{n}页" in squeeze(page) and f"共{len(pages)}页" in squeeze(page), rel


def test_county_workbooks_print_one_page_wide_with_their_header(
        county_printed: CountyPrinted, tmp_path: Path) -> None:
    p = county_printed
    books = {p.out / "县资助台账/县资助台账.xlsx": ("政策依据", "金额（万元）", "每学年金额（元）"),
             p.out / "教师教育扶贫信息库/教师教育扶贫信息库.xlsx": ("结对学生", "结对方式"),
             p.out / "县控辍保学台账/县控辍保学台账.xlsx": ("未入学", "结对教师", "核对结果")}
    for (book, last_headers), pdf in zip(books.items(), convert_folder(list(books), tmp_path)):
        pages = pdf_page_texts(pdf)
        assert pages, book.name
        for n, page in enumerate(pages, start=1):
            # every page of every sheet: the column headers and 第 n 页 at the foot
            assert "序号" in page and f"第{n}页" in squeeze(page), (book.name, n)
        # each sheet's last column is on its pages: fit to width, no column cut off
        whole = squeeze("".join(pages))
        assert all(h in whole for h in last_headers), book.name
