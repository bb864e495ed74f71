"""The text of a file that anybody's spreadsheet or editor wrote, read a chunk at a time.

UTF-8 (BOM or not), UTF-16 with a BOM, else Windows-1252: Excel on Windows in Quebec saves
"CSV" as Windows-1252 and "Unicode text" as UTF-16, and both must import. A file whose lines
mix UTF-8 and another encoding (two files pasted together) is refused with the line where it
changes: either reading would store some names garbled. Anything that looks binary is refused
before a parser sees it. A byte-order mark inside the text (what `cat a.csv b.csv` leaves) is
never data: it is dropped, and so is the DOS end-of-file mark.

Two passes over the bytes, neither holding the file: `scan_text` decides the encoding, the
line ends and the line count; `text_pieces` then decodes. A 50 MB CSV is never one 100 MB str.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

from ..errors import InvalidInput
from ..i18n import N_, Message

OpenFile = Callable[[], BinaryIO]  # opens the file afresh, at its first byte
READ_SIZE = 1 << 20
HEAD_SIZE = 1 << 16  # what the format and the line ends are told from

UTF8_BOM = b"\xef\xbb\xbf"
BOM = "\ufeff"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A well-formed UTF-8 sequence for a character of French text (Latin-1 and Latin Extended-A
# letters, punctuation such as ’ « » —, €): Windows-1252 text almost never holds one.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xc5][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")
_CP1252_UNDEFINED = re.compile(rb"[\x81\x8d\x8f\x90\x9d]")
_HARMLESS_CONTROLS = frozenset("\t\n\r\f\v\x1a")  # \x1a: DOS end-of-file mark
_STRAY_CONTROLS = 8
# Files that are never text: zip (xlsx, ods), OLE (xls, encrypted xlsx), gzip, PNG, PDF.
BINARY_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\x1f\x8b", b"\x89PNG", b"%PDF")


@dataclass(frozen=True)
class TextScan:
    """What the first pass found: the codec to read with, how lines end, how many there are."""

    encoding: str
    line_end: str
    lines: int


def read_chunks(open_file: OpenFile, size: int = READ_SIZE) -> Iterator[bytes]:
    with open_file() as handle:
        while chunk := handle.read(size):
            yield chunk


def binary_error(what: str) -> InvalidInput:
    return InvalidInput(Message(N_(
        "The file does not look like a {what} file (binary data)."), {"what": what}))


def scan_text(open_file: OpenFile, what: str) -> TextScan:
    """Read the bytes once: refuse binary data and mixed encodings, choose the codec."""
    with open_file() as handle:
        head = handle.read(HEAD_SIZE)
    if head.startswith(BINARY_SIGNATURES):
        raise binary_error(what)
    utf16 = head.startswith(_UTF16_BOMS)
    sample = head.decode("utf-16", "replace") if utf16 else head.decode("latin-1")
    if _too_many_controls(sample):
        raise binary_error(what)
    line_end = "\n" if "\n" in sample or "\r" not in sample else "\r"
    if utf16:  # its line count is only a progress bar's estimate
        lines = sum(chunk.count(b"\n") for chunk in read_chunks(open_file))
        return TextScan("utf-16", line_end, lines)
    return _scan_utf8(open_file, line_end.encode(), what)


def _scan_utf8(open_file: OpenFile, end: bytes, what: str) -> TextScan:
    """UTF-8 up to the first byte that is not; then Windows-1252, if what came before was
    plain ASCII (the same in both, so nothing read so far changes) and no UTF-8 comes after."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, beyond_ascii = 0, False
    chunks = read_chunks(open_file)
    for chunk in chunks:
        pending = decoder.getstate()[0]  # the start of a character cut by the last chunk
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as error:
            buffer = pending + chunk
            before = buffer[:error.start]  # a BOM counts as UTF-8 already read
            line = lines + before.count(end) + 1
            if beyond_ascii or not before.isascii():
                raise _mixed_encodings(line) from None
            lines = _scan_cp1252(buffer[error.start:], chunks, line - 1, end, what)
            return TextScan("cp1252", end.decode(), lines)
        beyond_ascii = beyond_ascii or not text.isascii()
        lines += chunk.count(end)
    return TextScan("utf-8-sig", end.decode(), lines)


def _scan_cp1252(rest: bytes, chunks: Iterator[bytes], lines: int, end: bytes,
                 what: str) -> int:
    """The rest of a Windows-1252 file: refused if it holds UTF-8 after all, or bytes that
    Windows-1252 leaves undefined (binary data); returns the line count."""
    tail = b""  # a UTF-8 sequence may straddle two chunks
    for chunk in (rest, *chunks) if rest else chunks:
        if _CP1252_UNDEFINED.search(chunk):
            raise binary_error(what)
        window = tail + chunk
        utf8 = _UTF8_SEQUENCE.search(window)
        if utf8 is not None:
            counted = max(0, utf8.start() - len(tail))
            raise _mixed_encodings(lines + chunk[:counted].count(end) + 1)
        lines += chunk.count(end)
        tail = chunk[-3:]
    return lines


def _mixed_encodings(line: int) -> InvalidInput:
    return InvalidInput(Message(N_(
        "line {line}: the file mixes UTF-8 with another encoding (Windows-1252?) from this line "
        "on, so some names would be stored garbled. Save it again as one encoding (in Excel: "
        "CSV UTF-8) and import it again; nothing was imported."), {"line": line}))


def text_lines(open_file: OpenFile, scan: TextScan, what: str) -> Iterator[str]:
    """The file's lines with their ends, decoded a chunk at a time; BOMs and the DOS
    end-of-file mark dropped."""
    decoder = codecs.getincrementaldecoder(scan.encoding)()
    end, carry = scan.line_end, ""
    try:
        for chunk in read_chunks(open_file):
            text = carry + decoder.decode(chunk).replace(BOM, "")
            *lines, carry = text.split(end)
            for line in lines:
                yield line + end
        carry += decoder.decode(b"", final=True).replace(BOM, "")
    except UnicodeDecodeError:  # UTF-16 that is not, after all
        raise binary_error(what) from None
    carry = carry.removesuffix("\x1a")
    if carry:
        yield carry


def _too_many_controls(text: str) -> bool:
    """Text files have next to no control characters; random bytes decoded as cp1252 do.

    A few stray ones in real text (a NUL in one cell) are left for the row check, which names
    their line.
    """
    sample = text[:8192]
    controls = sum(1 for ch in sample if ch < " " and ch not in _HARMLESS_CONTROLS)
    if controls <= len(sample) // 100:
        return False
    return controls > _STRAY_CONTROLS or controls * 4 > len(sample)
