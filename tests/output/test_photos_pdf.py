"""Pictures on the printed page: the example report's photos, each on the page of its caption
at print resolution; a pack's logo on the notice, which still fits its one page."""

from __future__ import annotations

import re
from pathlib import Path

from fupin_docs.output.build import PDF_DIR, BuildOptions, build
from tests.documents.test_pack_logo import logo_png
from tests.helpers import (
    EXAMPLES,
    MINIMAL,
    pdf_page_count,
    pdf_page_texts,
    require_tool,
    run_tool,
    squeeze,
    write_tree,
)

CAPTIONS = ("图1　四年级“教育扶贫”主题班会", "图2　四年级黑板报“教育扶贫进校园”")


def test_the_printed_report_shows_both_photos_over_their_captions(tmp_path: Path) -> None:
    require_tool("soffice", "fonts", "pdftotext", "pdfimages")
    out = tmp_path / "out"
    build(EXAMPLES / "扯乐完小", BuildOptions(out_dir=out, only=("report",), pdf=True))
    pdf = out / PDF_DIR / "汇报材料" / "汇报材料.pdf"
    pages = [squeeze(text) for text in pdf_page_texts(pdf)]
    found = {caption: [n for n, text in enumerate(pages, start=1) if squeeze(caption) in text]
             for caption in CAPTIONS}
    assert all(len(on) == 1 for on in found.values()), found
    listing = run_tool("pdfimages", "-list", pdf).splitlines()[2:]
    images = [re.split(r"\s+", line.strip()) for line in listing if line.strip()]
    assert len(images) == 2
    caption_pages = {on[0] for on in found.values()}
    for page, _num, _type, width, height, *rest in images:
        assert int(page) in caption_pages  # the picture is on its caption's page
        assert 400 <= int(width) <= 450 and 300 <= int(height) <= 340  # 74 mm at 150 dpi
        x_ppi, y_ppi = int(rest[-4]), int(rest[-3])
        assert abs(x_ppi - 150) <= 3 and abs(y_ppi - 150) <= 3
    # the list before the photos and the paragraph after them are where they were
    text = "".join(pages)
    assert text.index("E、发放") < text.index(squeeze(CAPTIONS[0])) < text.index("（3）召开家长会")


def test_a_notice_with_the_pack_logo_still_fits_its_page(tmp_path: Path) -> None:
    require_tool("soffice", "fonts", "pdfinfo", "pdfimages")
    children = "\n".join(
        f"      - {{name: 赵小{n}, gender: 女, birth_date: 201{n}-03-05, stage: 小学, "
        f"grade: {5 - n}}}" for n in range(4))
    yaml = "pack: 测试县\n" + MINIMAL["school.yaml"] + (
        "  - id: H03\n    head: 赵三\n    unit: 上村\n    phone: \"13900000003\"\n"
        f"    address: 测试县测试镇上村\n    children:\n{children}\n")
    write_tree(tmp_path / "packs" / "测试县", {
        "pack.yaml": "name: 测试县\nboilerplate:\n  logo: logo.png\n", "logo.png": logo_png()})
    folder = write_tree(tmp_path / "school", {"school.yaml": yaml})
    out = tmp_path / "out"
    build(folder, BuildOptions(out_dir=out, only=("notice",), pdf=True, jobs=1))
    pdfs = sorted((out / PDF_DIR / "政策告知单").glob("*.pdf"))
    assert len(pdfs) == 3
    for pdf in pdfs:  # one page each, the logo on it
        assert pdf_page_count(pdf) == 1
        listing = run_tool("pdfimages", "-list", pdf).splitlines()[2:]
        rows = [line.split() for line in listing if line.strip()]
        assert [row[0] for row in rows if row[2] == "image"] == ["1"]
    assert "赵小3" in squeeze(pdf_page_texts(pdfs[-1])[0])
