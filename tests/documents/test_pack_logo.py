"""A pack's logo (boilerplate logo:) in the notice's page header, floating in the top margin;
the 公文 (report, letter) keep no header; a logo outside the pack or no image is refused."""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from fupin_docs.data.project import load_project
from fupin_docs.data.resources import resources_for
from fupin_docs.errors import DataError
from fupin_docs.output.build import BuildOptions, build
from tests.helpers import MINIMAL, write_tree

Y = MINIMAL["school.yaml"]


def logo_png() -> bytes:
    """Return a transparent emblem and a bar, 3:1."""
    image = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse([10, 10, 290, 290], fill=(200, 20, 30, 255))
    draw.rectangle([330, 100, 880, 200], fill=(200, 20, 30, 255))
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def school(tmp: Path, pack_yaml: str, files: dict | None = None) -> Path:
    """Return a project using the pack 测试县 (written beside it with `files`)."""
    write_tree(tmp / "packs" / "测试县", {"pack.yaml": pack_yaml, **(files or {})})
    return write_tree(tmp / "school", {"school.yaml": "pack: 测试县\n" + Y})


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_the_logo_floats_in_the_notice_header_and_not_in_the_report(tmp_path: Path) -> None:
    folder = school(tmp_path, "name: 测试县\nboilerplate:\n  logo: 标志/logo.png\n",
                    {"标志/logo.png": logo_png()})
    out = tmp_path / "out"
    build(folder, BuildOptions(out_dir=out, only=("report", "letter", "notice"), jobs=1))
    notice = members(next((out / "政策告知单").glob("*.docx")))
    header = next(xml.decode() for name, xml in notice.items()
                  if re.fullmatch(r"word/header\d*\.xml", name))
    assert "<wp:anchor" in header and "<wp:wrapNone/>" in header and "<wp:inline" not in header
    assert 'relativeFrom="page"><wp:posOffset>216000<' in header  # 6 mm from the top
    assert re.search(r'<wp:extent cx="1080000" cy="360000"/>', header)  # 30 × 10 mm
    media = [blob for name, blob in notice.items() if name.startswith("word/media/")]
    assert len(media) == 1
    logo = Image.open(io.BytesIO(media[0]))
    assert logo.format == "PNG" and logo.mode == "RGBA" and logo.size == (354, 118)  # 300 dpi
    # the print file carries it too, once
    merged = members(next((out / "政策告知单" / "合并打印").glob("*.docx")))
    assert sum(name.startswith("word/media/") for name in merged) == 1
    # a 公文 has no header (GB/T 9704): the report and the letter show no logo
    for kind in ("汇报材料", "致家长的一封信"):
        for path in (out / kind).glob("*.docx"):
            parts = members(path)
            assert not any(n.startswith("word/media/") for n in parts), path
            assert not any(b"<wp:anchor" in parts[n] for n in parts if "header" in n)
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert any(name.endswith("logo.png") for name in manifest["inputs"])


def test_without_a_logo_the_header_is_empty(tmp_path: Path) -> None:
    folder = school(tmp_path, "name: 测试县\n")
    out = tmp_path / "out"
    build(folder, BuildOptions(out_dir=out, only=("notice",), jobs=1))
    notice = members(next((out / "政策告知单").glob("*.docx")))
    assert not any(n.startswith("word/media/") for n in notice)


def test_the_logo_is_in_the_pack_boilerplate(tmp_path: Path) -> None:
    folder = school(tmp_path, "name: 测试县\nboilerplate:\n  logo: logo.png\n",
                    {"logo.png": logo_png()})
    res = resources_for(load_project(folder))
    assert Path(res.boilerplate["logo"]).name == "logo.png"
    assert Path(res.boilerplate["logo"]) in res.input_files()


@pytest.mark.parametrize(("logo", "files", "says"), [
    ("../外面.png", {}, "在项目文件夹之外"),
    ("logo.png", {"logo.png": logo_png()[:300]}, "无法读取"),
    ("logo.png", {"logo.png": b"not an image at all"}, "不是图片"),
    ("没有.png", {}, "标志图片文件不存在"),
])
def test_a_bad_logo_is_refused_at_its_line(tmp_path: Path, logo: str, files: dict,
                                           says: str) -> None:
    write_tree(tmp_path / "packs", {"外面.png": logo_png()})
    folder = school(tmp_path, f"name: 测试县\nboilerplate:\n  logo: {logo}\n", files)
    with pytest.raises(DataError) as info:
        resources_for(load_project(folder))
    message = str(info.value)
    assert "pack.yaml 第3行" in message and says in message, message


def test_a_logo_linking_out_of_the_pack_is_refused(tmp_path: Path) -> None:
    outside = write_tree(tmp_path, {"外面/logo.png": logo_png()}) / "外面" / "logo.png"
    folder = school(tmp_path, "name: 测试县\nboilerplate:\n  logo: logo.png\n")
    os.symlink(outside, tmp_path / "packs" / "测试县" / "logo.png")
    with pytest.raises(DataError) as info:
        resources_for(load_project(folder))
    assert "之外（或是指向外面的链接）" in str(info.value)
    assert "模板包的文件夹" in str(info.value)
