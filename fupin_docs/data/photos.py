"""Photos named in the data: checked when the project loads, scaled to print for the report.

A photo is a path relative to the project folder and a caption. Whatever the file is, it is
read only inside the project's roots (links followed), only in a few raster formats (no
format that runs a program, such as EPS), and only up to MAX_PIXELS: a file that declares
more is refused before it is decoded. The copy that goes into a document is scaled to about
PRINT_DPI at its printed size, turned upright by its EXIF orientation, and saved without any
metadata (no EXIF, so no GPS position, no camera, no comment): JPEG, or PNG when it is
transparent.
"""

from __future__ import annotations

import difflib
import io
import struct
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fupin_docs.data.roots import Roots, outside_message
from fupin_docs.errors import Problem
from fupin_docs.i18n import tr

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from fupin_docs.data.model import Photo, Project
    from fupin_docs.data.positions import KeyPath, Positions

#: the most pixels a photo may have (a 60-megapixel camera's); more is refused unread
MAX_PIXELS = 60_000_000
#: the largest photo file read (a 60-megapixel JPEG is about 30 MB)
MAX_BYTES = 64 * 1024 * 1024
#: the formats read; the others Pillow knows (EPS runs Ghostscript, …) are never tried
FORMATS = ("JPEG", "PNG", "GIF", "BMP", "WEBP", "TIFF")  # JPEG reads MPO too
#: pixels per inch of the printed copy
PRINT_DPI = 150
#: the JPEG quality of the printed copy
JPEG_QUALITY = 85
#: the box a report's photo fills (mm): a cell of a two-column table across the 156 mm text
#: width (78 mm less the cell margins), and short enough for two rows with captions a page
PHOTO_BOX_MM = (74.0, 95.0)
#: a pack's logo: this high (mm) in a page header, at most this wide
LOGO_BOX_MM = (60.0, 10.0)
#: the logo's resolution: it is line art, so more than a photo's
LOGO_DPI = 300


class PhotoError(Exception):
    """A photo file that cannot be used: the message says why, the hint how to fix it."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass(frozen=True)
class PrintCopy:
    """A photo as a document carries it: its bytes and its printed size."""

    data: bytes
    #: "jpg" or "png"
    ext: str
    width_mm: float
    height_mm: float
    #: the pixels of the copy
    pixels: tuple[int, int]


def photo_entries(project: Project) -> Iterator[tuple[str, KeyPath, Photo]]:
    """Yield (place, where in the data, photo) for every photo the project names, in the
    order written; the place is "activities", "investments" or a narrative section."""
    for i, activity in enumerate(project.activities):
        for j, photo in enumerate(activity.photos):
            yield "activities", ("activities", i, "photos", j), photo
    for i, investment in enumerate(project.figures.investments):
        for j, photo in enumerate(investment.photos):
            yield "investments", ("figures", "investments", i, "photos", j), photo
    for section in type(project.narrative.photos).model_fields:
        for j, photo in enumerate(getattr(project.narrative.photos, section)):
            yield section, ("narrative", "photos", section, j), photo


def check_photos(project: Project, positions: Positions, root: Path, roots: Roots,
                 inputs: list[Path]) -> list[Problem]:
    """Return a located error for each photo that cannot go into the report; add every usable
    photo file to `inputs` (so that a changed photo rebuilds)."""
    problems: list[Problem] = []
    seen: set[Path] = set()
    for _, path, photo in photo_entries(project):
        where = positions.of_value(path + ("path",)) or positions.of_value(path)
        try:
            file = photo_file(root, photo.path, roots)
            print_copy(file, PHOTO_BOX_MM)
        except PhotoError as exc:
            problems.append(Problem(exc.message, where, exc.hint))
            continue
        if file not in seen:
            seen.add(file)
            inputs.append(file)
    return problems


def photo_file(root: Path, ref: str, roots: Roots, what: str | None = None) -> Path:
    """Return the file `ref` names (relative to `root`), once it is known to be a file inside
    `roots`; raise PhotoError saying what is wrong and how to fix it. `what` names the file in
    messages (照片 unless told)."""
    what = what or tr("照片", "photo")
    text = str(ref).strip().replace("\\", "/")  # 照片\黑板报.jpg, as Windows writes it
    if not text:
        raise PhotoError(tr(f"{what}的路径是空的", f"the {what} path is empty"),
                         tr("写图片文件相对项目文件夹的路径，如 照片/黑板报.jpg",
                            "give the image's path in the project, e.g. 照片/黑板报.jpg"))
    file = root / text
    if not roots.allows(file):
        message, hint = outside_message(what, text, roots)
        raise PhotoError(message, hint)
    if not file.exists():
        raise PhotoError(tr(f"{what}文件不存在：{text}", f"{what} not found: {text}"),
                         _missing_hint(root, text))
    if not file.is_file():
        raise PhotoError(tr(f"{what}“{text}”不是文件（是文件夹？）", f"{text} is not a file"),
                         tr("写出文件夹中的图片文件名，如 照片/黑板报.jpg",
                            "name the image file inside the folder"))
    return file.resolve()


def _missing_hint(root: Path, text: str) -> str:
    """Return the hint for a photo that is not there: a file with a close name, if any."""
    wanted = root / text
    folder = wanted.parent
    names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    close = difflib.get_close_matches(wanted.name, names, n=1, cutoff=0.6)
    if not close:
        lower = {n.lower(): n for n in names}
        close = [lower[wanted.name.lower()]] if wanted.name.lower() in lower else []
    if close:
        rel = (folder / close[0]).relative_to(root).as_posix()
        return tr(f"是不是 “{rel}”？（文件名的大小写、扩展名要一致）",
                  f"did you mean '{rel}'?")
    return tr("路径相对于项目文件夹；检查文件夹名、文件名和扩展名（.jpg、.png）",
              "the path is relative to the project folder; check the names")


def print_copy(file: Path, box_mm: tuple[float, float], dpi: int = PRINT_DPI) -> PrintCopy:
    """Return the copy of image `file` that fills `box_mm` (width, height) keeping its
    proportions, at `dpi`; raise PhotoError when the file is no usable image.

    Copies are kept for the run, by file, size and modification time: the check when the
    project loads makes them, the report reuses them.
    """
    try:
        stat = file.stat()
    except OSError as exc:
        raise _unreadable(file, exc) from None
    key = (str(file), stat.st_size, stat.st_mtime_ns, box_mm, dpi)
    found = _copies.get(key)
    if found is None:
        if stat.st_size > MAX_BYTES:
            size, limit = f"{stat.st_size / 1048576:.0f} MB", f"{MAX_BYTES // 1048576} MB"
            raise PhotoError(tr(f"图片文件太大（{size}，最多 {limit}）：{file.name}",
                                f"the image file is too large ({size}): {file.name}"),
                             _shrink_hint())
        found = _copies[key] = _make_copy(file, box_mm, dpi)
    return found


_copies: dict[tuple[Any, ...], PrintCopy] = {}


def _shrink_hint() -> str:
    return tr("用手机或图片软件把它缩小（如 4000×3000 像素以内）、另存为 JPEG 后再用",
              "shrink it (to 4000×3000 pixels or so) and save it as JPEG")


def _unreadable(file: Path, exc: BaseException) -> PhotoError:
    if isinstance(exc, PermissionError):
        return PhotoError(tr(f"没有权限读取图片：{file.name}",
                             f"no permission to read {file.name}"),
                          tr("检查文件的权限，或复制一份到项目文件夹中",
                             "check the file's permissions"))
    detail = str(exc) or type(exc).__name__
    return PhotoError(tr(f"图片无法读取（文件损坏或不完整：{detail}）：{file.name}",
                         f"the image cannot be read (damaged or incomplete: {detail}): "
                         f"{file.name}"),
                      tr("从手机或相机重新复制一份；或用图片软件打开后另存为 JPEG",
                         "copy it again from the camera, or re-save it as JPEG"))


def _make_copy(file: Path, box_mm: tuple[float, float], dpi: int) -> PrintCopy:
    """Return the print copy of `file` (no cache)."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Pillow only warns of an image a little past its own limit: an error here
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=FORMATS) as image:
                return _scaled(image, file, box_mm, dpi)
    except PhotoError:
        raise
    except UnidentifiedImageError:
        raise _not_an_image(file) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_many_pixels(file, None) from None
    except (OSError, ValueError, SyntaxError, EOFError, IndexError, KeyError, struct.error,
            ZeroDivisionError, MemoryError) as exc:  # what a damaged file makes Pillow raise
        raise _unreadable(file, exc) from None


def _not_an_image(file: Path) -> PhotoError:
    if file.suffix.lower() in (".heic", ".heif"):
        return PhotoError(tr(f"不支持 HEIC 格式的照片：{file.name}",
                             f"HEIC photos are not supported: {file.name}"),
                          tr("在手机的相机设置中选“兼容性最佳”，或把照片另存为 JPEG（.jpg）",
                             "save the photo as JPEG"))
    return PhotoError(tr(f"不是图片，或是不支持的格式：{file.name}"
                         f"（可用 JPEG、PNG、GIF、BMP、WebP、TIFF）",
                         f"not an image, or a format not supported: {file.name} "
                         "(JPEG, PNG, GIF, BMP, WebP, TIFF)"),
                      tr("检查是否写错了文件；用图片软件打开后另存为 JPEG（.jpg）或 PNG",
                         "check the file; re-save it as JPEG"))


def _too_many_pixels(file: Path, size: tuple[int, int] | None) -> PhotoError:
    limit = MAX_PIXELS // 1_000_000
    told = (tr(f"{size[0]}×{size[1]} 像素，", f"{size[0]}×{size[1]} pixels, ") if size else "")
    return PhotoError(tr(f"图片像素过多（{told}上限 {limit} 百万像素）：{file.name}"
                         "；可能已损坏，或是特意构造的“解压炸弹”",
                         f"the image has too many pixels ({told}at most {limit} megapixels): "
                         f"{file.name}; it may be damaged or a decompression bomb"),
                      _shrink_hint())


def _scaled(image: PILImage.Image, file: Path, box_mm: tuple[float, float], dpi: int
            ) -> PrintCopy:
    """Return the print copy of an opened image."""
    from PIL import Image, ImageOps

    width, height = image.size
    if width < 1 or height < 1 or width * height > MAX_PIXELS:
        raise _too_many_pixels(file, (width, height)) if width * height > MAX_PIXELS else \
            _unreadable(file, ValueError(f"{width}×{height}"))
    upright = image.getexif().get(0x0112, 1) in (5, 6, 7, 8)  # turned a quarter
    shown = (height, width) if upright else (width, height)
    mm_per_px = min(box_mm[0] / shown[0], box_mm[1] / shown[1])
    width_mm, height_mm = shown[0] * mm_per_px, shown[1] * mm_per_px
    target = (max(1, min(shown[0], round(width_mm / 25.4 * dpi))),
              max(1, min(shown[1], round(height_mm / 25.4 * dpi))))
    if image.format in ("JPEG", "MPO"):
        # decode at 1/2, 1/4 or 1/8 scale when that is still at least the size wanted
        side = max(target)
        image.draft("RGB", (side, side))
    image.load()
    icc = image.info.get("icc_profile")
    picture = ImageOps.exif_transpose(image)
    if picture.mode.startswith("I;16") or picture.mode == "I":  # 16 or 32 bits a pixel: to 8
        picture = picture.convert("I")
        if picture.getextrema()[1] > 255:  # type: ignore[operator]
            picture = picture.point(lambda value: value / 256)
        picture = picture.convert("L")
    alpha = picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info)
    picture = picture.convert("RGBA" if alpha else "RGB")
    if alpha and picture.getchannel("A").getextrema()[0] == 255:
        picture, alpha = picture.convert("RGB"), False  # an alpha channel, all opaque
    if icc:
        picture = _to_srgb(picture, icc)
    if picture.size != target:
        picture = picture.resize(target, Image.Resampling.LANCZOS)
    picture.info = {}  # nothing of the original's metadata goes out: EXIF, GPS, comments
    out = io.BytesIO()
    if alpha:
        picture.save(out, "PNG", optimize=True, dpi=(dpi, dpi))
        ext = "png"
    else:
        picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, dpi=(dpi, dpi))
        ext = "jpg"
    return PrintCopy(out.getvalue(), ext, round(width_mm, 2), round(height_mm, 2), target)


def _to_srgb(picture: PILImage.Image, icc: bytes) -> PILImage.Image:
    """Return `picture` converted from its colour profile to sRGB (phones shoot Display P3);
    as it is when the profile cannot be read."""
    try:
        from PIL import ImageCms

        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if "srgb" in (ImageCms.getProfileDescription(source) or "").lower():
            return picture
        mode = picture.mode
        converted = ImageCms.profileToProfile(picture, source, ImageCms.createProfile("sRGB"),
                                              outputMode=mode)
        return converted if converted is not None else picture
    except Exception:  # noqa: BLE001 — a profile we cannot use: keep the colours as they are
        return picture

