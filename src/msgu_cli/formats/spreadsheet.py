"""The directory as CSV: what emergency managers open in Excel, edit, and bring back.

Written files are safe to open (no formula injection) and read back losslessly; read files may
come from anyone's spreadsheet: `;` or `,` separated, Windows-1252, French headers.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TextIO

from ..domain.models import PLATFORMS, Account, Contact
from ..domain.text import shown
from ..errors import InvalidInput
from ..i18n import N_, Grouped, Message
from .encodings import OpenFile, scan_text, text_lines
from .records import (
    CSV_COLUMNS,
    LIST_COLUMNS,
    WORD_LIST_COLUMNS,
    RawRow,
    RowStream,
    Table,
    canonical_column,
    put_text,
)

# A cell that a spreadsheet would run as a formula (OWASP "CSV injection"), possibly behind
# apostrophes that neutralise() itself adds: guarding those too keeps the round trip lossless.
_NEEDS_GUARD = re.compile(r"'*[=+\-@\t\r]")
_GUARD_STARTS = frozenset("'=+-@\t\r")  # a cheap first test: most cells start otherwise
_DELIMITERS = (",", ";", "\t")
_QUOTED = re.compile(r'"[^"]*"')
_SEP_HINT = re.compile(r"sep=(.)", re.IGNORECASE)  # Excel's own first line, e.g. "sep=;"
_END_OF_TEXT = "\ue000msgu: end of text\ue000"  # private-use characters: never in a file
_HEADER_SHOWN = 200  # characters of a header quoted in an error (one may be 50 MB long)


def neutralise(cell: str) -> str:
    """Prefix `'` to a cell that Excel would take for a formula (`=`, `+`, `-`, `@`, tab, CR)."""
    if cell and cell[0] in _GUARD_STARTS and _NEEDS_GUARD.match(cell):
        return "'" + cell
    return cell


def unneutralise(cell: str) -> str:
    """Undo `neutralise`: one `'` off a guarded cell; any other leading apostrophe is kept."""
    return cell[1:] if cell.startswith("'") and _NEEDS_GUARD.match(cell, 1) else cell


def _account_cell(account: Account) -> str:
    """A website is best read as its URL; every other platform as its normalised handle."""
    return account.url or account.handle if account.platform == "website" else account.handle


def contact_cells(contact: Contact, region_names: Mapping[str, str]) -> list[str]:
    """One contact as export cells, in CSV_COLUMNS order, as they are (a workbook's text cells
    need no guard)."""
    region = region_names.get(contact.region, contact.region) if contact.region else ""
    values = {
        "id": "" if contact.id is None else str(contact.id),
        "name": contact.name,
        "kind": contact.kind,
        "region": region,
        "mrc": contact.mrc or "",
        "municipality": contact.municipality or "",
        "scope": contact.scope or "",
        "languages": "|".join(contact.languages),
        "topics": "|".join(contact.topics),
        "status": contact.status,
        "description": contact.description or "",
        "notes": contact.notes or "",
        "source": contact.source or "",
    }
    cells: dict[str, list[str]] = {}
    for account in contact.accounts:
        cells.setdefault(account.platform, []).append(_account_cell(account))
    for platform in PLATFORMS:
        values[platform] = "|".join(cells.get(platform, ()))
    return [values[column] for column in CSV_COLUMNS]


def contact_row(contact: Contact, region_names: Mapping[str, str]) -> list[str]:
    """One contact as CSV cells, in CSV_COLUMNS order, every cell neutralised."""
    return [neutralise(cell) for cell in contact_cells(contact, region_names)]


def write_contacts_csv(
    contacts: Iterable[Contact], out: TextIO, region_names: Mapping[str, str], *,
    delimiter: str = ",",
) -> int:
    """Write the header and one row per contact, cells separated by `delimiter` (`;` for a
    French-Canadian Excel, which opens such a file by a double-click); return the row count.

    Lines end with CRLF (RFC 4180): Python's csv module then quotes every cell holding a CR or
    LF, which a bare LF terminator would not. Open `out` with newline=""; the BOM is the caller's.
    """
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for contact in contacts:
        writer.writerow(contact_row(contact, region_names))
        count += 1
    return count


def csv_rows(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (header = 1), multi-line cells included.

    A quote never closed would make the csv module read the rest of the file as one cell and
    say nothing: a sentinel line after the text ends up inside that cell, and the record is
    refused with the line where it starts.
    """
    reader = csv.reader(itertools.chain(lines, (_END_OF_TEXT,)), delimiter=delimiter)
    previous = 0
    try:
        for cells in reader:
            if cells and cells[-1].endswith(_END_OF_TEXT):
                if cells != [_END_OF_TEXT]:
                    raise InvalidInput(Message(N_(
                        'line {line}: a quote (") opened on this line is never closed, so the '
                        "rest of the file would be read as one cell. Close the quote (a quote "
                        'inside a quoted cell is written twice: "") and import again; nothing '
                        "was imported."), {"line": previous + 1}))
                return
            yield previous + 1, cells
            previous = reader.line_num
    except csv.Error as error:
        if "field larger than field limit" in str(error):  # most often a runaway quote
            raise InvalidInput(Message(N_(
                "line {line}: a cell runs past {limit} characters, more than any contact holds: "
                'if a quote (") opened on this line is never closed, close it (a quote inside a '
                'quoted cell is written twice: ""). Nothing was imported.'), {
                "line": previous + 1, "limit": Grouped(csv.field_size_limit())})) from None
        raise InvalidInput(Message(N_(
            "line {line}: unreadable CSV ({reason})."), {
            "line": previous + 1, "reason": shown(error)})) from None


def is_blank(cells: list[str]) -> bool:
    """A record with nothing in it (a blank line, or only separators)."""
    return not any(cell.strip() for cell in cells)


def _delimiter(first: str) -> tuple[str, bool]:
    """The separator, from the first line: Excel's `sep=` hint, else the most frequent one.

    Counting outside quotes on the header is enough: headers rarely hold separators, and
    csv.Sniffer guesses wrong on short files. The flag says the first line was a hint.
    """
    hint = _SEP_HINT.fullmatch(first.strip())
    if hint:
        return hint.group(1), True
    bare = _QUOTED.sub("", first)
    return max(_DELIMITERS, key=bare.count), False


def map_header(header: list[str]) -> tuple[list[str | None], list[str], list[str]]:
    """Canonical column per header cell (None: unused), the columns found, the ignored names.

    A scalar column named twice keeps its first occurrence; a list column (topics, a
    platform) named twice gathers both.
    """
    mapping: list[str | None] = []
    columns: list[str] = []
    ignored: list[str] = []
    for cell in header:
        name = cell.strip()
        column = canonical_column(name)
        duplicate = column in columns and column not in ("languages", "topics", *PLATFORMS)
        if column is None or duplicate:
            mapping.append(None)
            if name:
                ignored.append(name)
            continue
        mapping.append(column)
        if column not in columns:
            columns.append(column)
    return mapping, columns, ignored


def check_header(header: list[str], columns: list[str]) -> None:
    """Refuse a file that cannot name a single contact, before reading any row."""
    if "name" not in columns and not any(platform in columns for platform in PLATFORMS):
        named = [f"'{cell.strip()}'" for cell in header if cell.strip()]
        raise InvalidInput(Message(N_(
            "The header has no 'name' column nor any platform column (x, bluesky, mastodon, …): "
            "found {found}."), {
            "found": shown(", ".join(named), _HEADER_SHOWN) if named else Message(N_(
                "nothing"))}))


def _row(line: int, cells: list[str], mapping: list[str | None], delimiter: str) -> RawRow:
    """One CSV record as canonical fields; extra non-empty cells mean a broken row."""
    if len(cells) > len(mapping) and any(cell.strip() for cell in cells[len(mapping):]):
        if delimiter == "\t":
            problem = Message(N_("{cells} cells but the header has {columns} columns; put "
                                 "quotes around cells that contain a tab."),
                              {"cells": len(cells), "columns": len(mapping)})
        else:
            problem = Message(N_("{cells} cells but the header has {columns} columns; put "
                                 "quotes around cells that contain '{separator}'."),
                              {"cells": len(cells), "columns": len(mapping),
                               "separator": delimiter})
        return RawRow(line, {}, problem=problem)
    return RawRow(line, row_fields(cells, mapping, guarded=True))


def row_fields(cells: Sequence[str], mapping: Sequence[str | None], *,
               guarded: bool) -> dict[str, str | list[str]]:
    """The non-blank cells of a row under their canonical columns (cells past the header or
    under an unused one are left out); `guarded` cells lose export's formula guard."""
    fields: dict[str, str | list[str]] = {}
    for column, cell in zip(mapping, cells, strict=False):
        # Most cells are empty or plain: test cheaply before stripping and unguarding.
        if column is None or not cell or not (cell := cell.strip()):
            continue
        if guarded and cell[0] == "'" and not (cell := unneutralise(cell).strip()):
            continue
        if column not in LIST_COLUMNS:
            fields.setdefault(column, cell)
        elif column in fields or "|" in cell or column in WORD_LIST_COLUMNS:
            put_text(fields, column, cell)
        else:  # one handle, the usual case
            fields[column] = [cell]
    return fields


def read_contacts_csv(data: bytes) -> Table:
    """Read a directory CSV: msgu's own export or anybody's spreadsheet of contacts."""
    stream = stream_contacts_csv(lambda: io.BytesIO(data))
    rows = list(stream.rows)
    broken = next((row for row in rows if row.problem), None)
    if broken is not None:
        raise InvalidInput(Message(N_(
            "line {line}: {problem}"), {"line": broken.line, "problem": broken.problem}))
    return Table(format="csv", rows=rows, columns=stream.columns,
                 ignored_columns=stream.ignored_columns)


def stream_contacts_csv(open_file: OpenFile) -> RowStream:
    """Like read_contacts_csv, but from a file read a chunk at a time, its rows read as they
    are asked for; the header is checked at once, and a row whose cells do not fit it comes
    with its `problem`."""
    scan = scan_text(open_file, "CSV")
    lines = text_lines(open_file, scan, "CSV")
    read: list[str] = []  # blank lines, then the first line, which tells the separator
    for line in lines:
        read.append(line)
        if line.strip():
            break
    delimiter, hinted = _delimiter(read[-1] if read else "")
    records = (record for record in csv_rows(itertools.chain(read, lines), delimiter)
               if not is_blank(record[1]))
    if hinted:
        next(records, None)
    _start, header = next(records, (0, []))
    if not header:
        raise InvalidInput(Message(N_("The file is empty.")))
    mapping, columns, ignored = map_header(header)
    check_header(header, columns)
    rows = (_row(line, cells, mapping, delimiter) for line, cells in records)
    return RowStream(format="csv", rows=rows, columns=columns, ignored_columns=ignored,
                     expected=scan.lines)
