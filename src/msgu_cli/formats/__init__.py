"""Readers and writers of the files msgu exchanges: directory CSV, Mastodon follow list, JSON,
packs.

Pure functions over bytes, text streams and dataclasses: no CLI, no database. Readers return a
`records.Table` of `RawRow`s keyed by the export header's column names.
"""

from __future__ import annotations

import re

from ..errors import InvalidInput
from .records import decode_text

FORMATS: tuple[str, ...] = ("csv", "mastodon", "json", "pack")

# `user@instance.tld`, with the leading `@` that Mastodon's importer also accepts.
_MASTODON_ADDRESS = re.compile(r"@?[\w.\-]+@[\w\-]+(?:\.[\w\-]+)+")


def detect_format(name: str, data: bytes) -> str:
    """`pack` (a JSON object that says so), then `csv`, `mastodon` or `json`: by file extension
    first, then by what the content looks like.

    Undecodable or empty data says `csv`: its reader then gives the user the precise reason.
    """
    from .pack import looks_like_pack

    if looks_like_pack(data):
        return "pack"
    if name.lower().split("?", 1)[0].endswith(".json"):
        return "json"
    try:
        text = decode_text(data, "CSV").lstrip()
    except InvalidInput:
        return "csv"
    if text[:1] in ("[", "{"):
        return "json"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # Mastodon's header; a spreadsheet may have quoted its first cell.
    if lines[0].lstrip('"').casefold().startswith("account address"):
        return "mastodon"
    if all(_MASTODON_ADDRESS.fullmatch(line) for line in lines):
        return "mastodon"
    return "csv"
