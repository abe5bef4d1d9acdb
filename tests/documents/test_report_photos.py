"""Photos in the report: two to a row after the section that names them, numbered 图1, 图2 …
across the report; captions listed in the text version; camera photos scaled to print."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import pytest
from PIL import Image

from fupin_docs.gongwen.from_text import from_text
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import EXAMPLES, MINIMAL, write_tree

Y = MINIMAL["school.yaml"]


def camera_photo(seed: int, size: tuple[int, int] = (4000, 3000)) -> bytes:
    """Return a phone-sized JPEG with detail at every scale (texture that survives scaling
    down, as a real scene's does, and sensor noise), EXIF with orientation and GPS."""
    channels = [Image.effect_noise((size[0] // 8, size[1] // 8), 40 + 9 * k + seed)
                .resize(size, Image.Resampling.BICUBIC) for k in range(3)]
    scene = Image.merge("RGB", channels)
    noise = Image.effect_noise(size, 25).convert("RGB")
    image = Image.blend(scene, noise, 0.2)
    exif = Image.Exif()
    exif[0x0112] = 6 if seed % 3 == 0 else 1
    exif[0x8825] = {1: "N", 2: (25.0, 2.0, float(seed)), 3: "E", 4: (103.0, 59.0, 1.0)}
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=92, exif=exif)
    return buf.getvalue()


def small_photo(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buf, "JPEG")
    return buf.getvalue()


def report(folder: Path, tmp: Path) -> tuple[Path, str]:
    """Return the report's Word file and its text version, built from `folder`."""
    out = tmp / "out"
    build(folder, BuildOptions(out_dir=out, only=("report",)))
    return out / "汇报材料/汇报材料.docx", (out / "汇报材料/汇报材料.txt").read_text("utf-8")


def pictures(path: Path) -> list[tuple[str, bytes]]:
    """Return the media parts of a Word file (name, bytes)."""
    with zipfile.ZipFile(path) as z:
        return [(n, z.read(n)) for n in z.namelist() if n.startswith("word/media/")]


def test_the_example_report_shows_its_two_photos(tmp_path: Path) -> None:
    path, text = report(EXAMPLES / "扯乐完小", tmp_path)
    document = docx.Document(str(path))
    assert len(document.inline_shapes) == 2
    cells = [c.paragraphs[-1].text for t in document.tables for row in t.rows for c in row.cells]
    assert cells == ["图1　四年级“教育扶贫”主题班会", "图2　四年级黑板报“教育扶贫进校园”"]
    descriptions = [s._inline.docPr.get("descr") for s in document.inline_shapes]
    assert descriptions == ["四年级“教育扶贫”主题班会", "四年级黑板报“教育扶贫进校园”"]
    for shape in document.inline_shapes:  # the cell's width, proportions kept (4:3)
        assert abs(shape.width.mm - 74) < 0.1 and abs(shape.height.mm - 55.5) < 0.1
    # after the 五个一 list, before the next paragraph of the section
    lines = text.splitlines()
    at = lines.index("图1　四年级“教育扶贫”主题班会")
    assert lines[at - 1].startswith("　　E、")
    assert lines[at + 1] == "图2　四年级黑板报“教育扶贫进校园”"
    assert lines[at + 2].startswith("　　（3）")
    assert all(len(blob) < 60_000 for _, blob in pictures(path))


def test_ten_phone_photos_stay_a_few_megabytes(tmp_path: Path) -> None:
    photos = {f"照片/{i}.jpg": camera_photo(i) for i in range(10)}
    entries = "\n".join(f"      - {{path: 照片/{i}.jpg, caption: 第{i + 1}张照片}}"
                        for i in range(10))
    yaml = Y + f"activities:\n  - kind: 黑板报\n    description: 黑板报\n    photos:\n{entries}\n"
    folder = write_tree(tmp_path / "p", {"school.yaml": yaml, **photos})
    assert sum(len(b) for b in photos.values()) > 20_000_000  # what the camera made
    path, text = report(folder, tmp_path)
    size = path.stat().st_size
    assert size < 2_500_000, f"{size} bytes"
    print(f"report with ten phone photos: {size} bytes")
    media = pictures(path)
    assert len(media) == 10
    for _, blob in media:
        image = Image.open(io.BytesIO(blob))
        assert image.format == "JPEG" and max(image.size) <= 562  # 95 mm at 150 dpi
        assert not image.getexif() and b"GPS" not in blob
    document = docx.Document(str(path))
    table = document.tables[0]
    assert len(table.rows) == 5
    captions = [c.paragraphs[-1].text for row in table.rows for c in row.cells]
    assert captions == [f"图{i + 1}　第{i + 1}张照片" for i in range(10)]
    shapes = document.inline_shapes
    upright = [s for s in shapes if s.height > s.width]  # EXIF orientation 6: portrait
    assert len(upright) == 4
    assert all(abs(s.height.mm - 95) < 0.1 for s in upright)
    assert "\n".join(f"图{i + 1}　第{i + 1}张照片" for i in range(10)) in text


def test_photos_follow_their_sections_and_are_numbered_across_the_report(tmp_path: Path
                                                                        ) -> None:
    yaml = Y + """\
activities:
  - kind: 黑板报
    description: 出一期黑板报
    photos: [{path: a.jpg, caption: 黑板报}]
figures:
  investments:
    - {purpose: 改造学校食堂, amount: 100000, year: 2018, photos: [{path: b.jpg, caption: 新食堂}]}
narrative:
  opening: 开头段。
  photos:
    opening: [{path: c.jpg, caption: 学校全景}]
    closing:
      - {path: a.jpg, caption: 全体教师}
      - {path: b.jpg, caption: 送教上门}
      - {path: c.jpg, caption: 家访}
"""
    files = {"a.jpg": small_photo((200, 0, 0)), "b.jpg": small_photo((0, 200, 0)),
             "c.jpg": small_photo((0, 0, 200))}
    folder = write_tree(tmp_path / "p", {"school.yaml": yaml, **files})
    path, text = report(folder, tmp_path)
    lines = text.splitlines()
    order = [line for line in lines if line.startswith("图")]
    assert order == ["图1　学校全景", "图2　黑板报", "图3　新食堂", "图4　全体教师",
                     "图5　送教上门", "图6　家访"]
    assert lines[lines.index("图1　学校全景") - 1] == "　　开头段。"
    assert "改造学校食堂" in lines[lines.index("图3　新食堂") - 1]
    # a section with photos and no paragraphs still has its heading, the photos under it
    closing = lines.index("图4　全体教师")
    assert "、领导有方" in lines[closing - 1]
    document = docx.Document(str(path))
    assert [len(t.rows) for t in document.tables] == [1, 1, 1, 2]
    last = document.tables[-1]
    assert [c.paragraphs[-1].text for c in last.rows[1].cells] == ["图6　家访", ""]
    # the same picture shown twice is one part
    assert len(pictures(path)) == 3 and len(document.inline_shapes) == 6


def test_a_changed_photo_rebuilds_and_the_manifest_names_it(tmp_path: Path) -> None:
    yaml = Y + ("activities:\n  - kind: 黑板报\n    description: 黑板报\n"
                "    photos: [{path: 照片/a.jpg, caption: 黑板报}]\n")
    folder = write_tree(tmp_path / "p", {"school.yaml": yaml, "照片/a.jpg": small_photo((9, 9, 9))})
    out = tmp_path / "out"
    build(folder, BuildOptions(out_dir=out, only=("report",)))
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert "照片/a.jpg" in manifest["inputs"]
    assert build(folder, BuildOptions(out_dir=out, only=("report",))).unchanged
    (folder / "照片/a.jpg").write_bytes(small_photo((250, 250, 0)))
    result = build(folder, BuildOptions(out_dir=out, only=("report",)))
    assert not result.unchanged


def test_a_figure_line_outside_a_photo_loop_is_refused() -> None:
    with pytest.raises(ValueError, match="figure"):
        from_text("{#@figure#}图{{ fig.next() }}　{{ f.caption }}\n")


def test_the_word_template_holds_a_borderless_table_per_photo_loop() -> None:
    source = ("{% set fig = counter() %}\n{% for f in photos.activities %}\n"
              "{#@figure#}图{{ fig.next() }}　{{ f.caption }}\n{% endfor %}\n")
    with zipfile.ZipFile(io.BytesIO(from_text(source))) as z:
        xml = z.read("word/document.xml").decode()
    assert "{%p if photos.activities %}" in xml and "{%p endif %}" in xml
    assert "{%tr for fig_pair in (photos.activities) | batch(2) %}" in xml
    assert 'w:val="nil"' in xml and "<w:cantSplit/>" in xml
    assert "{% with f = fig_pair[0] %}{{ f.image }}{% endwith %}" in xml
