"""The directory as an Excel workbook (.xlsx), written and read with openpyxl.

Written: one sheet `contacts`, the CSV header and rows, every cell a text cell (never a formula
nor an error value, whatever it starts with, so no guard is needed and none is added), the
header frozen with an autofilter, column widths that fit what each column holds. Read: the
first sheet or a named one, in openpyxl's read-only mode, row N reported as line N, the
header rules of CSV; what Excel typed (numbers, dates) comes back as the text a person sees.
A workbook is bounded before it is parsed: an encrypted or damaged file, or one that would
unpack to more than MAX_UNPACKED_BYTES (a zip bomb), is refused with the reason.

openpyxl is imported only here, and this module only when a workbook is read or written.
"""

from __future__ import annotations

import datetime
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from ..domain.models import Contact
from ..domain.text import shown
from ..errors import InvalidInput
from ..i18n import N_, Grouped, Message
from .encodings import OpenFile
from .records import CSV_COLUMNS, RawRow, RowStream
from .spreadsheet import check_header, contact_cells, map_header, row_fields

SHEET = "contacts"
CELL_LIMIT = 32_767  # characters an Excel cell holds
MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # a 100,000-row export unpacks to about 100 MB
MAX_ROWS = 1_048_576  # Excel's own limit
MAX_CELLS = 20_000_000  # cells read, however wide the rows
# Widths in characters: names and descriptions wide, codes narrow, handles in between.
_WIDTHS = {"id": 7, "name": 40, "kind": 13, "region": 22, "mrc": 24, "municipality": 22,
           "scope": 12, "languages": 10, "topics": 30, "status": 13, "website": 34,
           "description": 60, "notes": 40, "source": 30}
_HANDLE_WIDTH = 22
# What an XML file cannot hold, which no contact should either: such characters are dropped.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Office's escape for characters XML would not keep (a CR becomes LF when XML is read):
# `_x000D_`, and `_x005F_` before text that looks like an escape. Excel reads them so.
_LOOKS_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")  # the stream an encrypted xlsx holds


# --- writing ------------------------------------------------------------------------------------


def write_contacts_xlsx(contacts: Iterable[Contact], path: Path,
                        region_names: Mapping[str, str]) -> int:
    """Write the workbook to `path` (the caller makes that atomic); returns the row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.freeze_panes = "A2"
    for number, column in enumerate(CSV_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = _WIDTHS.get(
            column, _HANDLE_WIDTH)

    def text(value: str) -> Any:
        """A text cell: openpyxl would make `=…` a formula and `#N/A` an error value."""
        if not value:
            return None
        if value[0] not in "=#" or (value[0] == "#" and value not in ERROR_CODES):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell

    sheet.append(list(CSV_COLUMNS))
    count = 0
    for contact in contacts:
        sheet.append([text(_cell_value(contact, value))
                      for value in contact_cells(contact, region_names)])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(CSV_COLUMNS))}{count + 1}"
    book.save(path)
    return count


def _cell_value(contact: Contact, value: str) -> str:
    """`value` as a cell may hold it, or an error naming the contact when it is too long."""
    if len(value) > CELL_LIMIT:
        raise InvalidInput(Message(N_(
            "#{id} {name} has a cell of {length} characters; an Excel cell holds {limit}. "
            "Shorten it (msgu edit), or export as CSV or JSON."), {
            "id": contact.id, "name": shown(contact.name), "length": len(value),
            "limit": CELL_LIMIT}))
    value = _NOT_IN_XML.sub("", value)
    if "_x" in value:
        value = _LOOKS_ESCAPED.sub(r"_x005F_\1", value)
    return value.replace("\r", "_x000D_")


# --- reading ------------------------------------------------------------------------------------


def stream_contacts_xlsx(open_file: OpenFile, sheet: str | None = None) -> RowStream:
    """The rows of a workbook's first sheet (or `sheet`), read as they are asked for."""
    handle = open_file()
    try:
        _check_container(handle)
        book = _load(handle)
        worksheet = _worksheet(book, sheet)
        expected = min(worksheet.max_row or 0, MAX_ROWS)
        worksheet.reset_dimensions()  # a sheet may claim any size: read only what it holds
        rows = _rows(worksheet)
        header_line, header = next(((n, r) for n, r in rows if any(r)), (0, []))
        if not header:
            raise InvalidInput(Message(N_(
                "The sheet '{sheet}' is empty."), {"sheet": shown(worksheet.title)}))
        mapping, columns, ignored = map_header(header)
        check_header(header, columns)
        _check_formulas(book, worksheet)
    except BaseException:
        handle.close()
        raise
    records = _records(rows, mapping, handle, book)
    return RowStream(format="xlsx", rows=records, columns=columns, ignored_columns=ignored,
                     expected=max(expected - header_line, 0))


def _records(rows: Iterator[tuple[int, list[str]]], mapping: Sequence[str | None],
             handle: IO[bytes], book: Any) -> Iterator[RawRow]:
    try:
        for line, cells in rows:
            if any(cells):
                yield RawRow(line, row_fields(cells, mapping, guarded=False))
    finally:
        book.close()
        handle.close()


# A formula cell whose value no spreadsheet ever computed: `<c r="C2"><f>…</f><v/></c>`.
_FORMULA_WITHOUT_VALUE = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3}[0-9]{1,7})"[^>]*>\s*<f\b[^>]*(?:/>|>[^<]*</f>)'
    rb'\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>')
_XML_CHUNK = 1 << 20


def _check_formulas(book: Any, worksheet: Any) -> None:
    """Refuse a sheet with a formula whose value was never computed (openpyxl, pandas and
    scripts write them so; Excel and LibreOffice save the value too): its cell would read as
    empty and the row be imported without it, silently."""
    archive, path = getattr(book, "_archive", None), getattr(worksheet, "_worksheet_path", None)
    if archive is None or path is None:
        return
    tail = b""
    with archive.open(path) as xml:
        while chunk := xml.read(_XML_CHUNK):
            text = tail + chunk
            found = _FORMULA_WITHOUT_VALUE.search(text)
            if found:
                raise InvalidInput(Message(N_(
                    "The cell {cell} holds a formula whose value was never computed (the file "
                    "was written by a program, not saved by a spreadsheet): open it in Excel or "
                    "LibreOffice and save it, or paste the values, then import it again."),
                    {"cell": found.group(1).decode()}))
            start = text.rfind(b"<c ")
            tail = text[start:] if start >= 0 and len(text) - start < _XML_CHUNK else b""


def _check_container(handle: IO[bytes]) -> None:
    """Refuse, before any parsing, what is not a readable xlsx: an encrypted workbook or an
    old .xls (both OLE files), another kind of zip, or a zip that unpacks too large."""
    start = handle.read(8)
    handle.seek(0)
    if start == _OLE:
        if _ENCRYPTED in handle.read():
            raise InvalidInput(Message(N_(
                "The workbook is protected by a password (encrypted): open it in Excel, remove "
                "the password (File > Info > Protect Workbook > Encrypt with Password), save it "
                "and import it again.")))
        raise InvalidInput(Message(N_(
            "This is an Excel 97-2003 workbook (.xls): open it in Excel and save it as .xlsx "
            "(or as CSV UTF-8), then import that file.")))
    try:
        with zipfile.ZipFile(handle) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise _unreadable(Message(N_("it is damaged, truncated, or not an .xlsx file"))) from None
    finally:
        handle.seek(0)
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        kind = (Message(N_("an OpenDocument spreadsheet (.ods)")) if "content.xml" in names
                else Message(N_("a zip file without a workbook")))
        raise _unreadable(Message(N_(
            "it is {kind}: save it as .xlsx from its spreadsheet program"), {"kind": kind}))
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _unreadable(Message(N_(
            "it would unpack to {size} MB, more than the {limit} MB msgu reads; split it, or "
            "save it as CSV"), {"size": unpacked // 2**20, "limit": MAX_UNPACKED_BYTES // 2**20}))


def _damaged(error: Exception) -> InvalidInput:
    return _unreadable(Message(N_("it is damaged ({reason})"), {
        "reason": shown(str(error) or type(error).__name__)}))


def _unreadable(reason: Message) -> InvalidInput:
    return InvalidInput(Message(N_("Cannot read the workbook: {reason}."), {"reason": reason}))


def _load(handle: IO[bytes]) -> Any:
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
            return load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises whatever its parsers meet in a broken file
        raise _damaged(error) from None


def _worksheet(book: Any, name: str | None) -> Any:
    if name is None:
        return book.worksheets[0]
    if name in book.sheetnames:
        return book[name]
    raise InvalidInput(Message(N_(
        "The workbook has no sheet named '{sheet}'; its sheets: {sheets}."), {
        "sheet": shown(name), "sheets": shown(", ".join(book.sheetnames), 200)}))


def _rows(worksheet: Any) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells as text) for every row, blank ones included, bounded in rows and
    cells: a sheet may claim a million empty rows, or cells a thousand columns out."""
    cells = 0
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells += len(values)
                if number > MAX_ROWS or cells > MAX_CELLS:
                    raise _unreadable(Message(N_(
                        "its sheet goes on past {rows} rows or {cells} cells; split it"), {
                        "rows": Grouped(MAX_ROWS), "cells": Grouped(MAX_CELLS)}))
                yield number, [cell_text(value) for value in values]
    except InvalidInput:
        raise
    except Exception as error:  # a damaged entry shows only when it is read
        raise _damaged(error) from None


def _unescaped(match: re.Match[str]) -> str:
    return chr(int(match.group(1), 16))


def cell_text(value: object) -> str:
    """What a person sees in a cell, as text: Excel types `04` as the number 4 and a phone
    number as a float; dates come as datetimes."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _ESCAPED.sub(_unescaped, value) if "_x" in value else value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else f"{value:.15g}"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if value.second else "minutes")
    if isinstance(value, datetime.time):
        return value.isoformat(timespec="seconds" if value.second else "minutes")
    return str(value)  # int, date, timedelta
