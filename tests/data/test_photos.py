"""Photos named in the data: refused in located Chinese when the project loads, and scaled,
turned upright and stripped of their metadata for print."""

from __future__ import annotations

import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from fupin_docs.cli import main
from fupin_docs.data.photos import MAX_PIXELS, PHOTO_BOX_MM, print_copy
from fupin_docs.data.project import load_project
from fupin_docs.errors import DataError
from tests.helpers import MINIMAL, write_tree

Y = MINIMAL["school.yaml"]
#: the activity appended to the minimal project; its photo entry is on line PHOTO_LINE
ACTIVITY = """\
activities:
  - kind: 黑板报
    description: 出一期黑板报
    photos:
      - {path: PATH, caption: 四年级黑板报}
"""
PHOTO_LINE = len(Y.splitlines()) + 5


def jpeg(size: tuple[int, int] = (800, 600), *, colour: tuple[int, int, int] = (30, 120, 60),
         orientation: int | None = None, gps: bool = False) -> bytes:
    """Return a JPEG with a gradient (so that it is no flat colour), EXIF optional."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    image = Image.blend(image, Image.new("RGB", size, colour), 0.6)
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (25.0, 2.0, 3.0), 3: "E", 4: (103.0, 59.0, 1.0)}
    exif[0x010F] = "PhoneMaker"
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90, exif=exif, comment=b"taken at home")
    return buf.getvalue()


def png_header(width: int, height: int) -> bytes:
    """Return a PNG that declares `width`×`height` pixels and holds almost nothing."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def project(tmp: Path, path: str = "照片/黑板报.jpg", files: dict | None = None) -> Path:
    """Return the minimal project with one activity photo at `path`."""
    return write_tree(tmp / "proj", {"school.yaml": Y + ACTIVITY.replace("PATH", path),
                                     **(files if files is not None else
                                        {"照片/黑板报.jpg": jpeg()})})


def refused(folder: Path) -> str:
    """Return the message of loading `folder`, which must fail."""
    with pytest.raises(DataError) as info:
        load_project(folder)
    return str(info.value)


def test_a_photo_loads_and_is_an_input(tmp_path: Path) -> None:
    loaded = load_project(project(tmp_path))
    assert loaded.project.activities[0].photos[0].caption == "四年级黑板报"
    assert (tmp_path / "proj" / "照片" / "黑板报.jpg").resolve() in loaded.inputs


def test_a_missing_photo_names_its_line_and_a_close_name(tmp_path: Path) -> None:
    folder = project(tmp_path, "照片/黑版报.jpg")
    message = refused(folder)
    assert f"school.yaml 第{PHOTO_LINE}行" in message
    assert "照片文件不存在：照片/黑版报.jpg" in message and "照片/黑板报.jpg" in message


def test_check_reports_a_missing_photo_and_writes_nothing(tmp_path: Path) -> None:
    folder = project(tmp_path, "照片/没有.jpg")
    out = tmp_path / "out"
    for command in (["check", str(folder)], ["build", str(folder), "-o", str(out)]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 1, result.output
        assert f"第{PHOTO_LINE}行" in result.output and "照片文件不存在" in result.output
        assert "怎么改" in result.output
    assert not out.exists()


def test_a_photo_outside_the_project_is_not_read(tmp_path: Path) -> None:
    write_tree(tmp_path, {"外面/秘密.jpg": jpeg()})
    message = refused(project(tmp_path, "../外面/秘密.jpg"))
    assert f"第{PHOTO_LINE}行" in message and "在项目文件夹之外" in message
    message = refused(project(tmp_path / "b", str(tmp_path / "外面" / "秘密.jpg")))
    assert "在项目文件夹之外" in message


def test_a_photo_linking_out_of_the_project_is_not_read(tmp_path: Path) -> None:
    secret = write_tree(tmp_path, {"外面/秘密.jpg": jpeg()}) / "外面" / "秘密.jpg"
    folder = project(tmp_path, "照片/链接.jpg", {})
    (folder / "照片").mkdir()
    os.symlink(secret, folder / "照片" / "链接.jpg")
    assert "在项目文件夹之外（或是指向外面的链接）" in refused(folder)


@pytest.mark.parametrize(("content", "says"), [
    (b"this is not a picture", "不是图片"),
    ("一段文字".encode() * 100, "不是图片"),
    (jpeg()[:2000], "无法读取"),
    (png_header(9000, 9000), "像素过多"),        # 81 megapixels: past ours, not Pillow's
    (png_header(12000, 12000), "像素过多"),      # past Pillow's own warning
    (png_header(30000, 30000), "像素过多"),      # past Pillow's error
    (png_header(0x7FFFFFFF, 2), "像素过多"),
])
def test_an_unusable_photo_is_a_located_error(tmp_path: Path, content: bytes, says: str) -> None:
    folder = project(tmp_path, "照片/坏.jpg", {"照片/坏.jpg": content})
    message = refused(folder)
    assert f"school.yaml 第{PHOTO_LINE}行" in message and says in message, message
    assert "坏.jpg" in message and "内部错误" not in message


def test_a_heic_photo_says_how_to_get_a_jpeg(tmp_path: Path) -> None:
    folder = project(tmp_path, "照片/IMG_0001.HEIC", {"照片/IMG_0001.HEIC": b"\0\0\0\x18ftypheic"})
    message = refused(folder)
    assert "HEIC" in message and "JPEG" in message


def test_a_folder_or_an_empty_path_is_refused(tmp_path: Path) -> None:
    folder = project(tmp_path, "照片")
    assert "不是文件" in refused(folder)
    folder = project(tmp_path / "b", '""')
    assert "路径是空的" in refused(folder)


def test_every_bad_photo_is_listed_at_once(tmp_path: Path) -> None:
    yaml = Y + ACTIVITY.replace("PATH", "a.jpg") + """\
narrative:
  photos:
    closing:
      - {path: b.jpg, caption: 结尾}
figures:
  investments:
    - {purpose: 改造食堂, amount: 100000, photos: [{path: c.jpg, caption: 食堂}]}
"""
    folder = write_tree(tmp_path / "p", {"school.yaml": yaml, "b.jpg": b"xx"})
    message = refused(folder)
    assert "a.jpg" in message and "b.jpg" in message and "c.jpg" in message
    assert message.count("错误") >= 3


def test_a_caption_is_required(tmp_path: Path) -> None:
    yaml = Y + "activities:\n  - {kind: 黑板报, description: 黑板报, photos: [{path: a.jpg}]}\n"
    folder = write_tree(tmp_path / "p", {"school.yaml": yaml, "a.jpg": jpeg()})
    assert "caption" in refused(folder)


def test_a_camera_photo_is_scaled_to_print_turned_upright_and_stripped(tmp_path: Path) -> None:
    file = write_tree(tmp_path, {"p.jpg": jpeg((4000, 3000), orientation=6, gps=True)}) / "p.jpg"
    copy = print_copy(file, PHOTO_BOX_MM)
    out = Image.open(io.BytesIO(copy.data))
    assert out.format == "JPEG" and copy.ext == "jpg"
    # turned a quarter: portrait, as tall as the box allows, about 150 dpi at its size
    assert out.size[1] > out.size[0] and copy.height_mm == PHOTO_BOX_MM[1]
    assert abs(out.size[1] - PHOTO_BOX_MM[1] / 25.4 * 150) <= 1
    assert abs(copy.width_mm / copy.height_mm - 3 / 4) < 0.01
    assert not out.getexif() and "comment" not in out.info and "exif" not in out.info
    assert b"PhoneMaker" not in copy.data and b"taken at home" not in copy.data
    assert len(copy.data) < 150_000


def test_a_landscape_photo_fills_the_cell_width(tmp_path: Path) -> None:
    file = write_tree(tmp_path, {"p.jpg": jpeg((4000, 3000))}) / "p.jpg"
    copy = print_copy(file, PHOTO_BOX_MM)
    assert copy.width_mm == PHOTO_BOX_MM[0] and copy.pixels[0] == round(74 / 25.4 * 150)


def test_a_small_picture_is_not_enlarged(tmp_path: Path) -> None:
    file = write_tree(tmp_path, {"p.jpg": jpeg((200, 150))}) / "p.jpg"
    copy = print_copy(file, PHOTO_BOX_MM)
    assert copy.pixels == (200, 150) and copy.width_mm == PHOTO_BOX_MM[0]


def test_transparency_keeps_png_and_opaque_png_becomes_jpeg(tmp_path: Path) -> None:
    clear = Image.new("RGBA", (600, 400), (200, 0, 0, 0))
    clear.paste((200, 0, 0, 255), (100, 100, 500, 300))
    solid = Image.new("RGBA", (600, 400), (0, 90, 200, 255))
    files = {}
    for name, image in (("clear.png", clear), ("solid.png", solid)):
        buf = io.BytesIO()
        image.save(buf, "PNG")
        files[name] = buf.getvalue()
    write_tree(tmp_path, files)
    assert print_copy(tmp_path / "clear.png", PHOTO_BOX_MM).ext == "png"
    copy = print_copy(tmp_path / "solid.png", PHOTO_BOX_MM)
    assert copy.ext == "jpg" and Image.open(io.BytesIO(copy.data)).mode == "RGB"


def test_the_limit_is_sane() -> None:
    assert 40_000_000 <= MAX_PIXELS <= 100_000_000


def test_a_sixteen_bit_scan_keeps_its_tones(tmp_path: Path) -> None:
    ramp = Image.linear_gradient("L").resize((800, 600)).convert("I").point(lambda v: v * 257)
    ramp.convert("I;16").save(tmp_path / "scan.png")
    copy = print_copy(tmp_path / "scan.png", PHOTO_BOX_MM)
    assert Image.open(io.BytesIO(copy.data)).convert("L").getextrema() == (0, 255)


def test_a_path_written_with_backslashes_is_found(tmp_path: Path) -> None:
    loaded = load_project(project(tmp_path, "照片\\黑板报.jpg"))
    assert any(p.name == "黑板报.jpg" for p in loaded.inputs)
