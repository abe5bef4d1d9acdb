"""Phone numbers written into free text (an address, a school, a name) are masked on every
document handed to a family or posted, as the phone fields are; teachers' phones are printed in
full, and the internal ledger keeps what was written."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from fupin_docs.documents.privacy import privacy_for
from fupin_docs.documents.registry import Audience
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import MINIMAL, docx_texts, write_tree

#: the phone numbers written into free text, and what each must become
WRITTEN = {"138 1234 5678": "138****5678", "0874-1234567": "0874-*****67",
           "137-1234-5678": "137****5678", "13600001111": "136****1111",
           "13712340000": "137****0000"}
TEACHERS = ("13800000001", "13800000002")


def _project(root: Path) -> Path:
    text = MINIMAL["school.yaml"]
    for old, new in (
            ("    phone: \"13900000001\"\n",
             "    phone: \"13900000001\"\n    address: 上村3组，电话 138 1234 5678\n"
             "    cause: 因病（村医 0874-1234567）\n"),
            ("  - id: H02\n    head: 王二\n",
             "  - id: H02\n    head: 王二（13600001111）\n    address: 上村5组 0874-1234567\n"),
            ("{name: 王小二, gender: 女, birth_date: 2011-05-20, stage: 小学, grade: 1}",
             "{name: 王小二, gender: 女, birth_date: 2011-05-20, stage: 小学, grade: 1}\n"
             "      - {name: 王大二, gender: 男, stage: 初中, grade: 8,"
             " school: 县一中（班主任 137-1234-5678）, class: 八(2)班 13712340000}"),
    ):
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return write_tree(root, {"school.yaml": text})


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("privacy")
    out = root / "out"
    build(_project(root / "p"), BuildOptions(out_dir=out, jobs=1,
                                             only=("letter", "notice", "card", "public",
                                                   "ledger")))
    return out


def _texts(path: Path) -> str:
    """Return what a .docx, .txt or .xlsx shows, as one text."""
    if path.suffix == ".docx":
        return "\n".join(docx_texts(path))
    if path.suffix == ".txt":
        return path.read_text("utf-8")
    book = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                     for c in row if c.value is not None)


def _digits(text: str) -> str:
    """Return `text` without the spaces and dashes inside numbers (to find any way of writing)."""
    return re.sub(r"(?<=\d)[ -](?=\d)", "", text)


POSTED = ["致家长的一封信", "政策告知单", "联系卡", "公示名单"]


@pytest.mark.parametrize("folder", POSTED)
def test_posted_documents_show_no_phone_written_into_free_text(out: Path, folder: str):
    files = [p for p in (out / folder).rglob("*") if p.suffix in (".docx", ".txt", ".xlsx")]
    assert {p.suffix for p in files} >= {".docx", ".txt"}
    if folder == "公示名单":
        assert (out / folder / "公示名单.xlsx") in files
    for path in files:
        shown = _digits(_texts(path))
        for written in WRITTEN:
            assert _digits(written) not in shown, f"{written} in {path.relative_to(out)}"
        assert "13900000001" not in shown  # the household's own phone field


def test_addresses_schools_classes_and_names_keep_their_words_around_the_mask(out: Path):
    notice_h01 = _texts(next((out / "政策告知单").glob("上村_H01_*.txt")))
    assert "家庭住址：上村3组，电话 138****5678" in notice_h01
    notice_h02 = next((out / "政策告知单").glob("上村_H02_*.docx"))
    shown = _texts(notice_h02)
    assert "上村5组 0874-*****67" in shown
    assert "县一中（班主任 137****5678）" in shown
    assert "户　主" in shown and "王二（136****1111）" in shown
    card_h01 = _texts(next((out / "联系卡").glob("上村_H01_*.docx")))
    assert "上村3组，电话 138****5678" in card_h01
    letter_h02 = _texts(next((out / "致家长的一封信").glob("上村_H02_*.txt")))
    assert "尊敬的王二（136****1111）家长" in letter_h02
    for suffix in ("docx", "txt", "xlsx"):
        assert "王二（136****1111）" in _texts(out / "公示名单" / f"公示名单.{suffix}")


def test_teachers_phones_are_printed_in_full(out: Path):
    for folder in ("致家长的一封信", "政策告知单", "联系卡"):
        for path in (out / folder).glob("*.txt"):
            shown = _texts(path)
            assert any(phone in shown for phone in TEACHERS), path.name
        for path in (out / folder).glob("*.docx"):
            shown = _texts(path)
            assert any(phone in shown for phone in TEACHERS), path.name


def test_the_internal_ledger_keeps_what_was_written(out: Path):
    assert "王二（13600001111）" in _texts(out / "资助台账" / "资助台账.xlsx")


@pytest.mark.parametrize(("audience", "expected"), [
    (Audience.home, "住址上村，电话138****5678，座机0874-*****67"),
    (Audience.public, "住址上村，电话138****5678，座机0874-*****67"),
    (Audience.official, "住址上村，电话138****5678，座机0874-*****67"),
    (Audience.internal, "住址上村，电话13812345678，座机0874-1234567"),
])
def test_privacy_text_by_audience(audience: Audience, expected: str):
    privacy = privacy_for(audience)
    assert privacy.text("住址上村，电话13812345678，座机0874-1234567") == expected
    assert privacy.text(None) == ""
