"""Minimal zip reader/writer that copies unchanged members as already-compressed bytes."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Union

#: 1980-01-01 00:00:00, the earliest DOS timestamp; used so identical input gives identical bytes
DEFAULT_DATE_TIME = (1980, 1, 1, 0, 0, 0)

_LOCAL = struct.Struct("<IHHHHHIIIHH")
_CENTRAL = struct.Struct("<IHHHHHHIIIHHHHHII")
_END = struct.Struct("<IHHHHIIH")
_LIMIT = 0xFFFFFFFF
_FLAG_UTF8 = 0x800


#: deflate level for parts rendered per record: level 1 is about three times faster than
#: the default 6 and the document part of a notice comes out only a little larger
LEVEL = 1

class ZipTooLarge(ValueError):
    """The archive would need zip64 (a member or the archive is 4 GiB or larger)."""


#: what one part of a Word file or workbook may expand to, and all of them together: a
#: school's largest part is a few MB; more is a zip bomb, not a document
MAX_PART = 200 * 1024 * 1024
MAX_TOTAL = 500 * 1024 * 1024
MAX_MEMBERS = 20_000


class ZipBomb(ValueError):
    """An archive that expands beyond any document's size (said in the user's words)."""


def check_sizes(infos: Iterable[zipfile.ZipInfo], *, name: str = "") -> None:
    """Raise ZipBomb when the members of an archive declare more than a document can hold."""
    from fupin_docs.i18n import tr

    total = count = 0
    for info in infos:
        count += 1
        total += info.file_size
        if info.file_size > MAX_PART or total > MAX_TOTAL or count > MAX_MEMBERS:
            raise ZipBomb(tr(f"{name or '压缩包'}解压后过大（其中 {info.filename} 有 "
                             f"{info.file_size // 1024 // 1024} MB，合计超过 "
                             f"{MAX_TOTAL // 1024 // 1024} MB 或部件过多），不像是正常的 Word 或 "
                             "Excel 文件，已拒绝读取",
                             f"{name or 'the archive'} expands beyond any document "
                             f"({info.filename}: {info.file_size} bytes); refused"))


def check_zip(path: Path | str | BinaryIO, *, inflated: bool = False) -> None:
    """Raise ZipBomb when the archive at `path` would expand beyond a document's size (and
    zipfile.BadZipFile when it is not a zip). With `inflated`, also inflate every member,
    a megabyte at a time, to prove none expands past what it declares (zipfile and the
    libraries built on it believe the data, not the declaration)."""
    label = Path(path).name if isinstance(path, (str, Path)) else ""
    with zipfile.ZipFile(path) as zf:
        check_sizes(zf.infolist(), name=label)
    if not inflated:
        return
    for member in read_members(path):
        if member.method == zipfile.ZIP_DEFLATED:
            inflater, data, size = zlib.decompressobj(-15), member.data, 0
            while data and size <= member.file_size:
                size += len(inflater.decompress(data, 1 << 20))
                data = inflater.unconsumed_tail
            if size > member.file_size:
                from fupin_docs.i18n import tr

                raise ZipBomb(tr(f"{label}：{member.name} 解压后比压缩包里写明的大，"
                                 "可能是恶意构造的文件，已拒绝读取",
                                 f"{label}: {member.name} expands beyond its declared size; "
                                 "refused"))


@dataclass(frozen=True, slots=True)
class Member:
    """One zip member with its bytes as stored in the archive (compressed or not)."""

    name: str
    method: int  # zipfile.ZIP_STORED or zipfile.ZIP_DEFLATED
    crc: int
    compress_size: int
    file_size: int
    data: bytes


Content = str | bytes
Entry = Union[Member, "tuple[str, Content]"]


def read_members(source: Path | str | bytes | BinaryIO) -> list[Member]:
    """Return the members of a zip in archive order, each keeping its compressed bytes."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    with zipfile.ZipFile(source) as zf:
        fp = zf.fp
        assert fp is not None
        members = []
        check_sizes(zf.infolist())
        for info in zf.infolist():
            if info.flag_bits & 0x1:
                raise ValueError(f"encrypted zip member: {info.filename}")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ValueError(f"unsupported compression in zip member: {info.filename}")
            if max(info.compress_size, info.file_size, info.header_offset) >= _LIMIT:
                raise ZipTooLarge(info.filename)
            # The central directory is authoritative for sizes and CRC (the local header may
            # defer them to a data descriptor); the local header only tells where data starts.
            fp.seek(info.header_offset)
            header = fp.read(_LOCAL.size)
            fields = _LOCAL.unpack(header)
            if fields[0] != 0x04034B50:
                raise zipfile.BadZipFile(f"bad local header for {info.filename}")
            fp.seek(fields[9] + fields[10], io.SEEK_CUR)
            data = fp.read(info.compress_size)
            members.append(Member(info.filename, info.compress_type, info.CRC,
                                  info.compress_size, info.file_size, data))
    return members


def deflate(name: str, content: Content) -> Member:
    """Return a deflated member holding `content` (text is encoded as UTF-8)."""
    raw = content.encode("utf-8") if isinstance(content, str) else content
    comp = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
    data = comp.compress(raw) + comp.flush()
    return Member(name, zipfile.ZIP_DEFLATED, zlib.crc32(raw), len(data), len(raw), data)


class DeflateWriter:
    """Deflate a member piece by piece so a large part never exists uncompressed at once."""

    def __init__(self) -> None:
        self._comp = zlib.compressobj(LEVEL, zlib.DEFLATED, -15)
        self._chunks: list[bytes] = []
        self._crc = 0
        self._size = 0

    def write(self, content: Content) -> int:
        """Return the number of bytes added after appending `content` (text as UTF-8)."""
        raw = content.encode("utf-8") if isinstance(content, str) else content
        self._crc = zlib.crc32(raw, self._crc)
        self._size += len(raw)
        out = self._comp.compress(raw)
        if out:
            self._chunks.append(out)
        return len(raw)

    def finish(self, name: str) -> Member:
        """Return the finished member; the writer must not be used afterwards."""
        self._chunks.append(self._comp.flush())
        data = b"".join(self._chunks)
        self._chunks = []
        return Member(name, zipfile.ZIP_DEFLATED, self._crc, len(data), self._size, data)


def stored(name: str, data: bytes) -> Member:
    """Return a member kept as it is: for data already compressed (a JPEG, a PNG)."""
    return Member(name, zipfile.ZIP_STORED, zlib.crc32(data), len(data), len(data), data)


def inflate(member: Member) -> bytes:
    """Return the uncompressed bytes of `member`."""
    if member.method == zipfile.ZIP_STORED:
        return member.data
    # never more than the member declares (and check_sizes bounded that): a member whose
    # data expands further is refused, not followed
    inflater = zlib.decompressobj(-15)
    data = inflater.decompress(member.data, member.file_size + 1)
    if len(data) > member.file_size or inflater.unconsumed_tail:
        from fupin_docs.i18n import tr

        raise ZipBomb(tr(f"{member.name} 解压后比压缩包里写明的大，可能是恶意构造的文件，"
                         "已拒绝读取", f"{member.name} expands beyond its declared size; refused"))
    return data


def _dos_stamp(date_time: tuple[int, int, int, int, int, int]) -> tuple[int, int]:
    """Return the (time, date) pair of a DOS timestamp."""
    y, mo, d, h, mi, s = date_time
    if not 1980 <= y <= 2107:
        raise ValueError("zip timestamps must lie between 1980 and 2107")
    return (h << 11) | (mi << 5) | (s // 2), ((y - 1980) << 9) | (mo << 5) | d


def write_zip(members: Iterable[Entry], replacements: Mapping[str, Content] | None = None,
              out: BinaryIO | None = None, *,
              date_time: tuple[int, int, int, int, int, int] = DEFAULT_DATE_TIME) -> bytes | None:
    """Return the zip as bytes, or write it to `out` and return None.

    `members` keeps its order; an entry is a `Member` (copied raw) or a ``(name, content)``
    pair (deflated). A name found in `replacements` gets that content instead.
    """
    dos_time, dos_date = _dos_stamp(date_time)
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for entry in members:
        if not isinstance(entry, Member):
            entry = deflate(entry[0], entry[1])
        if replacements and entry.name in replacements:
            entry = deflate(entry.name, replacements[entry.name])
        name = entry.name.encode("utf-8")
        flag = 0 if entry.name.isascii() else _FLAG_UTF8
        if max(entry.compress_size, entry.file_size, offset) >= _LIMIT:
            raise ZipTooLarge(entry.name)
        chunks.append(_LOCAL.pack(0x04034B50, 20, flag, entry.method, dos_time, dos_date,
                                  entry.crc, entry.compress_size, entry.file_size,
                                  len(name), 0))
        chunks.append(name)
        chunks.append(entry.data)
        central.append(_CENTRAL.pack(0x02014B50, 20, 20, flag, entry.method, dos_time,
                                     dos_date, entry.crc, entry.compress_size,
                                     entry.file_size, len(name), 0, 0, 0, 0, 0, offset))
        central.append(name)
        offset += _LOCAL.size + len(name) + entry.compress_size
    count = len(central) // 2
    cd_size = sum(len(c) for c in central)
    if count >= 0xFFFF or offset + cd_size >= _LIMIT:
        raise ZipTooLarge("archive")
    chunks.extend(central)
    chunks.append(_END.pack(0x06054B50, 0, 0, count, count, cd_size, offset, 0))
    if out is None:
        return b"".join(chunks)
    out.writelines(chunks)
    return None


__all__ = ["DEFAULT_DATE_TIME", "DeflateWriter", "Member", "ZipTooLarge", "deflate",
           "inflate", "read_members", "stored", "write_zip"]
