"""Readers and writers of the files msgu exchanges: directory CSV and Excel workbook, Mastodon
follow list, JSON, packs.

Pure functions over bytes, text streams and dataclasses: no CLI, no database. Readers return a
`records.Table` (or a streamed `records.RowStream`) of `RawRow`s keyed by the export header's
column names.
"""

from __future__ import annotations

import re

from .encodings import HEAD_SIZE

FORMATS: tuple[str, ...] = ("csv", "mastodon", "json", "xlsx", "pack")

# `user@instance.tld`, with the leading `@` that Mastodon's importer also accepts.
_MASTODON_ADDRESS = re.compile(r"@?[\w.\-]+@[\w\-]+(?:\.[\w\-]+)+")
_WORKBOOK_NAMES = (".xlsx", ".xlsm", ".xls")
# A zip (xlsx, xlsm) or an OLE container (an encrypted xlsx, or an old .xls).
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def detect_format(name: str, head: bytes) -> str:
    """`pack` (a JSON object that says so), then `csv`, `xlsx`, `mastodon` or `json`: by file
    extension first, then by what the start of the content (`head`, its first bytes) looks like.

    Undecodable or empty data says `csv`: its reader then gives the user the precise reason.
    """
    from .pack import looks_like_pack

    if looks_like_pack(head):
        return "pack"
    suffix = name.lower().split("?", 1)[0]
    if suffix.endswith(".json"):
        return "json"
    if suffix.endswith(_WORKBOOK_NAMES) or head.startswith(_WORKBOOK_SIGNATURES):
        return "xlsx"
    codec = "utf-16" if head.startswith(_UTF16_BOMS) else "utf-8-sig"
    text = head.decode(codec, errors="replace").lstrip()
    if text[:1] in ("[", "{"):
        return "json"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return "csv"
    # Mastodon's header; a spreadsheet may have quoted its first cell.
    if lines[0].lstrip('"').casefold().startswith("account address"):
        return "mastodon"
    cut = len(head) >= HEAD_SIZE and len(lines) > 1  # the head's last line may go on
    complete = lines[:-1] if cut else lines
    if all(_MASTODON_ADDRESS.fullmatch(line) for line in complete):
        return "mastodon"
    return "csv"
