"""Mastodon's follow-list CSV: the file its "Import" page takes and its "Export" page gives.

The header and the `true`/`false` cells are Mastodon's own (app/models/export.rb); rows end
with LF as Ruby's CSV writes them, so our file matches Mastodon's byte for byte.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TextIO

from ..domain.text import fold
from ..errors import InvalidInput
from ..i18n import N_, Message
from .encodings import scan_text, text_lines
from .records import RawRow, Table, put_value
from .spreadsheet import csv_rows, is_blank

MASTODON_HEADER: tuple[str, ...] = (
    "Account address",
    "Show boosts",
    "Notify on new posts",
    "Languages",
)
_ADDRESS_HEADER = fold(MASTODON_HEADER[0])


def _unique_addresses(addresses: Iterable[str]) -> list[str]:
    """Addresses without `@` prefix, blanks and repeats (user names are case-blind), in order."""
    unique: dict[str, str] = {}
    for address in addresses:
        clean = address.strip().removeprefix("@")
        if clean:
            unique.setdefault(clean.casefold(), clean)
    return list(unique.values())


def write_mastodon_csv(addresses: Iterable[str], out: TextIO, *, header: bool = True) -> int:
    """Write `user@instance,true,false,` rows (boosts shown, no notifications); return the count.

    Without `header`, the bare one-column list that other fediverse servers import.
    """
    writer = csv.writer(out, lineterminator="\n")
    if header:
        writer.writerow(MASTODON_HEADER)
    unique = _unique_addresses(addresses)
    for address in unique:
        writer.writerow([address, "true", "false", ""] if header else [address])
    return len(unique)


def read_mastodon_csv(data: bytes) -> Table:
    """Read a follow list: Mastodon's import/export file, or a header-less list of addresses."""
    def open_file() -> io.BytesIO:
        return io.BytesIO(data)

    lines = text_lines(open_file, scan_text(open_file, "CSV"), "CSV")
    records = [r for r in csv_rows(lines, ",") if not is_blank(r[1])]
    if not records:
        raise InvalidInput(Message(N_("The file is empty.")))
    index, ignored = 0, []
    if records:
        first = [fold(cell) for cell in records[0][1]]
        if _ADDRESS_HEADER in first:
            header = records.pop(0)[1]
            index = first.index(_ADDRESS_HEADER)
            known = {fold(name) for name in MASTODON_HEADER}
            ignored = [cell.strip() for cell in header if cell.strip() and fold(cell) not in known]
    rows = []
    for line, cells in records:
        fields: dict[str, str | list[str]] = {}
        if index < len(cells):
            put_value(fields, "mastodon", cells[index].strip().removeprefix("@"))
        rows.append(RawRow(line, fields))
    return Table(format="mastodon", rows=rows, columns=["mastodon"], ignored_columns=ignored)
