"""Import and export: files and URLs in, follow lists and directories out."""

from __future__ import annotations

import gc
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from itertools import repeat
from pathlib import Path
from typing import TextIO

from ..domain.models import Contact
from ..domain.packs import PackInfo
from ..domain.text import shown
from ..errors import InvalidInput, NotFound
from ..formats import FORMATS
from ..formats.encodings import HEAD_SIZE, OpenFile
from ..formats.records import RawRow, RowStream, Table, row_unit
from ..i18n import _
from ..storage import contacts as store
from ..storage.connection import Database
from ..storage.database import read_snapshot, transaction
from ..storage.lookups import use_bulk_cache
from ..storage.packs import memberships
from ..storage.relations import load_relations
from .import_plan import (
    CHUNK_ROWS,
    DUPLICATE_POLICIES,
    ImportPlan,
    ImportReport,
    Progress,
    memoised,
)
from .reference import load_reference, utc_now
from .row_checks import PARALLEL_FROM_ROWS, checked_chunks


def read_source(source: str) -> tuple[OpenFile, str]:
    """How to open a file or an http(s) URL (a download is held in memory, at most 50 MB; a
    file is read from disk as it is parsed), and a name to guess the format from."""
    if source.startswith(("https://", "http://")):
        from ..clients.files import fetch_bytes, redacted
        from ..clients.http import make_http_client

        with make_http_client() as client:
            data = fetch_bytes(client, source)
        return (lambda: io.BytesIO(data)), redacted(source).split("?")[0]
    path = Path(source)
    if not path.exists():
        raise NotFound(_("No such file: {path}. Give the path of a CSV, Excel or JSON file, or "
                         "an https:// URL.").format(path=shown(source)))
    if path.is_dir():
        raise InvalidInput(_("{path} is a folder: give a CSV, Excel or JSON file.")
                           .format(path=shown(source)))
    try:
        path.open("rb").close()
    except OSError as error:
        raise InvalidInput(_("Cannot read {path}: {reason}.").format(
            path=shown(source), reason=error.strerror)) from None
    return (lambda: path.open("rb")), path.name


def parse_table(open_file: OpenFile, name: str, fmt: str | None,
                sheet: str | None = None) -> Table | RowStream:
    """The file's rows, read as `fmt` (csv, xlsx, mastodon, json) or as the format it looks
    like; a directory CSV or workbook, which may be large, is streamed."""
    from ..formats import detect_format
    from ..formats.json_records import read_contacts_json
    from ..formats.mastodon_list import read_mastodon_csv
    from ..formats.spreadsheet import stream_contacts_csv

    with open_file() as handle:
        head = handle.read(HEAD_SIZE)
    fmt = fmt or detect_format(name, head)
    if fmt not in FORMATS:
        raise InvalidInput(_("Unknown format '{format}'. Use one of: {formats}.").format(
            format=shown(fmt), formats=", ".join(FORMATS)))
    if sheet is not None and fmt != "xlsx":
        raise InvalidInput(_("--sheet names a sheet of an Excel workbook; this file is read "
                             "as {format}.").format(format=fmt))
    if fmt == "csv":
        return stream_contacts_csv(open_file)
    if fmt == "xlsx":
        from ..formats.workbook import stream_contacts_xlsx

        return stream_contacts_xlsx(open_file, sheet)
    readers: dict[str, Callable[[bytes], Table]] = {
        "mastodon": read_mastodon_csv, "json": read_contacts_json, "pack": _pack_rows}
    with open_file() as handle:
        return readers[fmt](handle.read())


def _pack_rows(data: bytes) -> Table:
    """A pack imported once, as a file: its contacts (its header is for `subscribe`)."""
    from ..formats.pack import read_pack

    return read_pack(data)[1]


def _community_list(db: Database, source: str) -> Table | None:
    """A starter pack, list, featured accounts or Trunk list read as rows; None otherwise."""
    from .community_lists import community_table

    return community_table(db, source)


@contextmanager
def _bulk_work() -> Iterator[None]:
    """No cyclic garbage collection while a whole file is read or written.

    Bulk work builds hundreds of thousands of objects that all live to the end; the collector
    would rescan them again and again for no garbage (a third of a 100,000-row import).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@_bulk_work()
def import_source(
    db: Database, source: str, *, fmt: str | None = None, sheet: str | None = None,
    on_duplicate: str = "skip", skip_invalid: bool = False, dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Read a file, a URL or a community list and import it (see import_table)."""
    if on_duplicate not in DUPLICATE_POLICIES:
        raise _bad_policy(on_duplicate)
    table: Table | RowStream | None = _community_list(db, source) if fmt is None else None
    if table is None:
        open_file, name = read_source(source)
        table = parse_table(open_file, name, fmt, sheet)
    if progress is not None:  # a large file shows its bar while its first rows are read
        progress("Reading", 0, table.expected if isinstance(table, RowStream)
                 else len(table.rows))
    return import_table(db, table, on_duplicate=on_duplicate, skip_invalid=skip_invalid,
                        dry_run=dry_run, progress=progress)


@_bulk_work()
def import_table(
    db: Database, table: Table | RowStream, *, on_duplicate: str = "skip",
    skip_invalid: bool = False,
    dry_run: bool = False, progress: Progress | None = None,
) -> ImportReport:
    """All rows in one transaction, checked, matched and written a chunk at a time
    (import_plan), so memory holds one chunk whatever the file's size. The first bad row
    rolls everything back unless `skip_invalid`; a dry run rolls back what it wrote. The
    table is consumed (its rows are emptied as they are read).
    """
    if on_duplicate not in DUPLICATE_POLICIES:
        raise _bad_policy(on_duplicate)
    tick = progress or (lambda stage, done, total: None)
    report = ImportReport(table.format, ignored_columns=list(table.ignored_columns),
                          dry_run=dry_run)
    ref = memoised(load_reference(db))
    if isinstance(table, RowStream):
        rows, expected = table.rows, table.expected
    else:
        rows, expected = _draining(table.rows), len(table.rows)
    stage, bulk_entered = ("Checking" if dry_run else "Writing"), False
    with _write_transaction(db, keep=not dry_run):
        if expected >= CHUNK_ROWS:
            use_bulk_cache(db)
        plan = ImportPlan(db, ref, report, on_duplicate=on_duplicate, skip_invalid=skip_invalid,
                          where=row_unit(table.format))
        with ExitStack() as bulk:
            for chunk in checked_chunks(
                    rows, ref, size=CHUNK_ROWS, keep_fields=on_duplicate == "update",
                    parallel=isinstance(table, RowStream) and expected >= PARALLEL_FROM_ROWS):
                plan.apply_chunk(chunk)
                if plan.adds and not dry_run and not bulk_entered:
                    # Decided before the first insert: a file that adds nothing never
                    # touches the full-text index.
                    bulk.enter_context(store.search_index_rebuilt_once(db, adding=expected))
                    bulk_entered = True
                plan.write()
                tick(stage, report.rows, max(expected, report.rows))
        tick(stage, report.rows, report.rows)  # `expected` counted lines, not rows
    plan.settle_ids(dry_run=dry_run)
    return report


def _bad_policy(policy: str) -> InvalidInput:
    return InvalidInput(_("--on-duplicate must be one of: {policies}; not '{policy}'.").format(
        policies=", ".join(DUPLICATE_POLICIES), policy=shown(policy)))


@contextmanager
def _write_transaction(db: Database, *, keep: bool) -> Iterator[None]:
    """The import's one write transaction: committed, or (a dry run) rolled back whole."""
    if keep:
        with transaction(db):
            yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        db.conn.rollback()


def _draining(rows: list[RawRow]) -> Iterator[RawRow]:
    """The rows in order, each taken out of the list as it is handed over."""
    rows.reverse()
    while rows:
        yield rows.pop()


def seed_starter_directory(db: Database) -> ImportReport:
    """Fill a new database with the bundled starter directory (seeds/contacts.csv)."""
    from ..formats.spreadsheet import read_contacts_csv
    from ..storage.seeds import seed_file

    table = read_contacts_csv(seed_file("contacts.csv").read_bytes())
    return import_table(db, table)


@_bulk_work()
def export_directory(
    db: Database, raw_filters: Mapping[str, Sequence[str]], fmt: str, stream: TextIO, *,
    output: Path | None = None, platform: str | None = None, header: bool = True,
    delimiter: str | None = None,
    pack: PackInfo | None = None,
) -> int:
    """`msgu export`: the contacts the filters pick, by name, to the file `output` (atomically,
    with a BOM for CSV) or else to `stream`; returns the rows written. `pack` is the header of
    a pack (--format pack: its name, description and maintainer)."""
    from ..domain.vocabulary import parse_platform

    chosen = parse_platform(platform) if platform else None
    separator = parse_delimiter(delimiter, fmt)
    check_export_options(fmt, chosen, header, to_file=output is not None)
    if fmt != "pack" and pack is not None:
        raise InvalidInput(_("--name, --description and --maintainer describe a pack: use them "
                             "with --format pack."))
    if fmt == "pack":
        pack = pack_header(db, pack, output)
    with read_snapshot(db):  # one snapshot: a concurrent import cannot mix old and new rows
        contacts = _contacts_to_export(db, {**raw_filters,
                                            "platforms": [chosen] if chosen else []})
        if output is None:
            return export_contacts(db, contacts, stream, fmt, platform=chosen, header=header,
                                   delimiter=separator, pack=pack)
        return write_file(db, contacts, output, fmt, platform=chosen, header=header,
                          delimiter=separator, pack=pack)


def pack_header(db: Database, given: PackInfo | None, output: Path | None) -> PackInfo:
    """The pack's header: what was given, the output file's name for a missing name, the
    profile's organisation for a missing maintainer, and now as `updated`."""
    from ..storage.relations import load_profile

    given = given or PackInfo(name="")
    name = given.name.strip() or (output.stem if output is not None else "") or "msgu"
    maintainer = (given.maintainer or "").strip() or load_profile(db).name
    return PackInfo(name=name, description=(given.description or "").strip() or None,
                    maintainer=maintainer or None, updated=utc_now())


def _contacts_to_export(db: Database, raw_filters: Mapping[str, Sequence[str]]
                        ) -> Iterator[Contact]:
    """The contacts the directory filters pick, by name, read a chunk at a time."""
    from .directory import matching_ids, parse_filters

    return store.iter_contacts(db, matching_ids(db, parse_filters(db, raw_filters)))


_DELIMITERS = {",": ",", ";": ";", "\t": "\t", "\\t": "\t", "tab": "\t"}


def parse_delimiter(text: str | None, fmt: str) -> str:
    """The CSV separator `--delimiter` names: `,` (default), `;` (what a French-Canadian
    Excel expects) or a tab (`\\t` or `tab`)."""
    if text is None:
        return ","
    if fmt != "csv":
        raise InvalidInput(_("--delimiter is for --format csv; a {format} file has its own "
                             "layout.").format(format=shown(fmt)))
    separator = _DELIMITERS.get(text.strip().lower() if text.strip() else text)
    if separator is None:
        raise InvalidInput(_("--delimiter must be ',', ';' or a tab (written \\t or tab), not "
                             "'{delimiter}'.").format(delimiter=shown(text)))
    return separator


def check_export_options(fmt: str, platform: str | None, header: bool, *,
                         to_file: bool = True) -> None:
    """Refuse a bad combination before a single byte is written."""
    if fmt not in FORMATS:
        raise InvalidInput(_("Unknown format '{format}'. Use one of: {formats}.").format(
            format=shown(fmt), formats=", ".join(FORMATS)))
    if fmt == "mastodon" and platform not in (None, "mastodon"):
        raise InvalidInput(_("The mastodon format lists Mastodon accounts only: drop "
                             "--platform."))
    if fmt != "mastodon" and not header:
        raise InvalidInput(_("--no-header is for --format mastodon (a bare list of addresses); "
                             "a {format} export always has its header.").format(format=fmt))
    if fmt == "xlsx" and not to_file:
        raise InvalidInput(_("An Excel workbook is a file, not text for the terminal: give "
                             "--output FILE.xlsx."))


def export_contacts(
    db: Database, contacts: Iterable[Contact], out: TextIO, fmt: str, *,
    platform: str | None = None, header: bool = True, delimiter: str = ",",
    pack: PackInfo | None = None,
) -> int:
    """Write `contacts` as csv, a Mastodon follow list, JSON or a pack; returns rows written."""
    from ..formats.json_records import contact_json, write_json
    from ..formats.mastodon_list import write_mastodon_csv
    from ..formats.spreadsheet import write_contacts_csv

    check_export_options(fmt, platform, header, to_file=False)
    if fmt == "mastodon":
        addresses = [a.handle for c in contacts for a in c.accounts if a.platform == "mastodon"]
        return write_mastodon_csv(addresses, out, header=header)
    contacts, names = _prepared(db, contacts, platform)
    if fmt == "csv":
        return write_contacts_csv(contacts, out, names, delimiter=delimiter)
    if fmt == "pack":
        from ..formats.pack import write_pack

        return write_pack(pack or pack_header(db, None, None),
                          (contact_json(c, names) for c in contacts), out)
    contacts = list(contacts)
    ids = [c.saved_id() for c in contacts]
    history, packs = load_relations(db, ids), memberships(db, ids)
    write_json([contact_json(c, names, history.get(c.saved_id(), []), packs.get(c.saved_id(), []))
                for c in contacts], out)
    return len(contacts)


def _prepared(db: Database, contacts: Iterable[Contact], platform: str | None
              ) -> tuple[Iterable[Contact], dict[str, str]]:
    """The contacts to write (only `platform`'s accounts, when given) and the region names."""
    if platform is not None:
        contacts = (c for c in map(_only_platform, contacts, repeat(platform)) if c.accounts)
    return contacts, load_reference(db).region_names()


def _only_platform(contact: Contact, platform: str) -> Contact:
    return replace(contact, accounts=tuple(a for a in contact.accounts if a.platform == platform))


def guess_output_format(path: Path) -> str:
    """json for .json files, xlsx for Excel workbooks, csv otherwise (a Mastodon list must be
    asked for by name)."""
    suffix = path.suffix.lower()
    return {".json": "json", ".xlsx": "xlsx"}.get(suffix, "csv")


def write_file(
    db: Database, contacts: Iterable[Contact], path: Path, fmt: str, *,
    platform: str | None = None, header: bool = True, delimiter: str = ",",
    pack: PackInfo | None = None,
) -> int:
    """Write to `path` atomically (through a symlink to its target; never over a device or a
    pipe); CSV files get a BOM so Excel reads the accents right."""
    from ..storage.database import database_files
    from .output_files import replaced_atomically

    check_export_options(fmt, platform, header)
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with replaced_atomically(path, keep=database_files(db)) as partial:
        if fmt == "xlsx":
            return _write_workbook(db, contacts, partial, platform)
        with partial.open("w", encoding=encoding, newline="") as out:
            return export_contacts(db, contacts, out, fmt, platform=platform, header=header,
                                   delimiter=delimiter, pack=pack)


def _write_workbook(db: Database, contacts: Iterable[Contact], path: Path,
                    platform: str | None) -> int:
    from ..formats.workbook import write_contacts_xlsx

    contacts, names = _prepared(db, contacts, platform)
    return write_contacts_xlsx(contacts, path, names)
