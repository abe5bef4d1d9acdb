"""A minimal 8-bit PNG reader for tests: enough to tell a blank page from a page with text."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path


def png_rows(path: Path) -> Iterator[tuple[bytes, int]]:
    """Yield each decoded pixel row with the bytes per pixel (non-interlaced, 8-bit PNGs)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    pos, idat, width, bpp = 8, b"", 0, 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, _height, depth, color, _c, _f, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and interlace == 0
            bpp = {0: 1, 2: 3, 4: 2, 6: 4}[color]
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * bpp
    prev = bytearray(stride)
    for start in range(0, len(raw), stride + 1):
        kind, line = raw[start], bytearray(raw[start + 1:start + 1 + stride])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc
                                      else corner)) & 255
        yield bytes(line), bpp
        prev = line


def png_colors(path: Path) -> int:
    """Return how many distinct pixel values a PNG has."""
    seen: set[bytes] = set()
    for line, bpp in png_rows(path):
        seen.update(line[i:i + bpp] for i in range(0, len(line), bpp))
    return len(seen)


def has_ink(path: Path) -> bool:
    """Return True when a PNG has a dark pixel (text), not just a white page."""
    for line, bpp in png_rows(path):
        colour = min(3, bpp)
        if any(max(line[i:i + colour]) < 100 for i in range(0, len(line), bpp)):
            return True
    return False
