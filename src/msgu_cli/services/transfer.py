"""Import and export: files and URLs in, follow lists and directories out."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from itertools import repeat
from pathlib import Path
from typing import TextIO

from sqlite_utils import Database

from ..domain.models import Contact
from ..domain.packs import PackInfo
from ..errors import InvalidInput, NotFound
from ..formats import FORMATS
from ..formats.records import RawRow, RowStream, Table, row_unit
from ..i18n import _
from ..storage import contacts as store
from ..storage.database import read_snapshot, transaction
from ..storage.lookups import use_bulk_cache
from ..storage.packs import memberships
from ..storage.reference import save_topics
from ..storage.relations import load_relations
from .fields import FieldError
from .import_plan import (
    DUPLICATE_POLICIES,
    Checked,
    ImportPlan,
    ImportReport,
    Progress,
    check_row,
    memoised,
)
from .reference import Reference, load_reference, utc_now

_SAVE_CHUNK = 2000  # contacts written between two progress updates


def read_source(source: str) -> tuple[bytes, str]:
    """The bytes of a file or an http(s) URL, and a name to guess the format from."""
    if source.startswith(("https://", "http://")):
        from ..clients.files import fetch_bytes
        from ..clients.http import make_http_client

        with make_http_client() as client:
            return fetch_bytes(client, source), source.split("?")[0]
    path = Path(source)
    if not path.exists():
        raise NotFound(f"No such file: {source}. Give the path of a CSV or JSON file, "
                       "or an https:// URL.")
    if path.is_dir():
        raise InvalidInput(f"{source} is a folder: give a CSV or JSON file.")
    try:
        return path.read_bytes(), path.name
    except OSError as error:
        raise InvalidInput(f"Cannot read {source}: {error.strerror}.") from None


def parse_table(data: bytes, name: str, fmt: str | None) -> Table | RowStream:
    """The file's rows, read as `fmt` (csv, mastodon, json) or as the format it looks like;
    a directory CSV, which may be large, is streamed."""
    from ..formats import detect_format
    from ..formats.json_records import read_contacts_json
    from ..formats.mastodon_list import read_mastodon_csv
    from ..formats.spreadsheet import stream_contacts_csv

    fmt = fmt or detect_format(name, data)
    readers: dict[str, Callable[[bytes], Table | RowStream]] = {
        "csv": stream_contacts_csv, "mastodon": read_mastodon_csv, "json": read_contacts_json,
        "pack": _pack_rows}
    if fmt not in readers:
        raise InvalidInput(f"Unknown format '{fmt}'. Use one of: {', '.join(FORMATS)}.")
    return readers[fmt](data)


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
    db: Database, source: str, *, fmt: str | None = None, on_duplicate: str = "skip",
    skip_invalid: bool = False, dry_run: bool = False, progress: Progress | None = None,
) -> ImportReport:
    """Read a file, a URL or a community list and import it (see import_table)."""
    if on_duplicate not in DUPLICATE_POLICIES:
        raise InvalidInput(f"--on-duplicate must be one of: {', '.join(DUPLICATE_POLICIES)}.")
    table: Table | RowStream | None = _community_list(db, source) if fmt is None else None
    if table is None:
        data, name = read_source(source)
        if progress is not None:  # a large file shows its bar while it is being read
            progress("Reading", 0, data.count(b"\n"))
        table = parse_table(data, name, fmt)
        del data  # the rows hold what is needed; a large file's bytes are let go
    return import_table(db, table, on_duplicate=on_duplicate, skip_invalid=skip_invalid,
                        dry_run=dry_run, progress=progress)


@_bulk_work()
def import_table(
    db: Database, table: Table | RowStream, *, on_duplicate: str = "skip",
    skip_invalid: bool = False,
    dry_run: bool = False, progress: Progress | None = None,
) -> ImportReport:
    """All rows in one transaction: the first bad row stops it unless `skip_invalid`.
    The table is consumed (its rows are emptied as they are checked).

    Rows are checked first, then matched and merged in memory (import_plan), then written in
    batches; a dry run stops before writing.
    """
    if on_duplicate not in DUPLICATE_POLICIES:
        raise InvalidInput(f"--on-duplicate must be one of: {', '.join(DUPLICATE_POLICIES)}.")
    tick = progress or (lambda stage, done, total: None)
    report = ImportReport(table.format, ignored_columns=list(table.ignored_columns),
                          dry_run=dry_run)
    ref = memoised(load_reference(db))
    # Checking needs no database: other writers are not kept waiting meanwhile.
    checked = _check_rows(table, ref, tick, to_first_error=not skip_invalid,
                          keep_cells=on_duplicate == "update")
    report.rows = len(checked)
    if not dry_run and report.rows >= _SAVE_CHUNK:
        use_bulk_cache(db)
    with transaction(db):
        plan = ImportPlan(db, ref, report, on_duplicate=on_duplicate, skip_invalid=skip_invalid,
                          where=row_unit(table.format))
        plan.load_duplicates(db, [c[0] if isinstance(c, tuple) else None for _, c in checked])
        for row, outcome in checked:
            plan.apply(row, outcome)  # raises at the first bad row unless skip_invalid
        plan.settle_ids(None if dry_run else _save(db, plan, tick))
    return report


_NO_CELLS: dict = {}  # shared by every checked row whose cells were let go (never written to)


def _check_rows(table: Table | RowStream, ref: Reference, tick: Progress, *,
                to_first_error: bool, keep_cells: bool) -> list[tuple[RawRow, Checked]]:
    """Each row with its Contact and created topics, or the FieldError that rejects it; with
    `to_first_error`, nothing after the first bad row (the import stops there).

    The rows are consumed: a row's cells are let go once it is checked (unless `keep_cells`:
    an update merges them), so a large file is not held twice over.
    """
    checked: list[tuple[RawRow, Checked]] = []
    if isinstance(table, RowStream):
        rows, total = table.rows, table.expected
    else:
        rows, total = _draining(table.rows), len(table.rows)
    for row in rows:
        try:
            outcome: Checked = row.problem or check_row(row.fields, ref)
        except FieldError as error:
            outcome = error
        checked.append((row if keep_cells else RawRow(row.line, _NO_CELLS), outcome))
        if to_first_error and not isinstance(outcome, tuple):
            break
        if len(checked) % _SAVE_CHUNK == 0:
            tick("Checking", len(checked), total)
    tick("Checking", len(checked), max(total, len(checked)))
    return checked


def _draining(rows: list[RawRow]) -> Iterator[RawRow]:
    """The rows in order, each taken out of the list as it is handed over."""
    rows.reverse()
    while rows:
        yield rows.pop()


def _save(db: Database, plan: ImportPlan, tick: Progress) -> list[int]:
    """Write the plan: new topics, new contacts (in file order), rewritten ones; new ids."""
    now = utc_now()
    save_topics(db, list(plan.topics.values()), origin="user")
    words = store.topic_words(db)
    new, rewritten = plan.new_contacts(), plan.rewritten()
    total = len(new) + len(rewritten)
    ids: list[int] = []
    with store.search_index_rebuilt_once(db, adding=len(new)):
        for start in range(0, len(new), _SAVE_CHUNK):
            ids += store.save_contacts(db, new[start:start + _SAVE_CHUNK], now=now, words=words)
            tick("Writing", len(ids), total)
    store.save_contacts(db, rewritten, now=now, words=words)
    if rewritten:
        tick("Writing", total, total)
    return ids


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
    pack: PackInfo | None = None,
) -> int:
    """`msgu export`: the contacts the filters pick, by name, to the file `output` (atomically,
    with a BOM for CSV) or else to `stream`; returns the rows written. `pack` is the header of
    a pack (--format pack: its name, description and maintainer)."""
    from ..domain.vocabulary import parse_platform

    chosen = parse_platform(platform) if platform else None
    check_export_options(fmt, chosen, header)
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
                                   pack=pack)
        return write_file(db, contacts, output, fmt, platform=chosen, header=header, pack=pack)


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


def check_export_options(fmt: str, platform: str | None, header: bool) -> None:
    """Refuse a bad combination before a single byte is written."""
    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown format '{fmt}'. Use one of: {', '.join(FORMATS)}.")
    if fmt == "mastodon" and platform not in (None, "mastodon"):
        raise InvalidInput("The mastodon format lists Mastodon accounts only: drop --platform.")
    if fmt != "mastodon" and not header:
        raise InvalidInput("--no-header is for --format mastodon (a bare list of addresses); "
                           f"a {fmt} export always has its header.")


def export_contacts(
    db: Database, contacts: Iterable[Contact], out: TextIO, fmt: str, *,
    platform: str | None = None, header: bool = True, pack: PackInfo | None = None,
) -> int:
    """Write `contacts` as csv, a Mastodon follow list, JSON or a pack; returns rows written."""
    from ..formats.json_records import contact_json, write_json
    from ..formats.mastodon_list import write_mastodon_csv
    from ..formats.spreadsheet import write_contacts_csv

    check_export_options(fmt, platform, header)
    if fmt == "mastodon":
        addresses = [a.handle for c in contacts for a in c.accounts if a.platform == "mastodon"]
        return write_mastodon_csv(addresses, out, header=header)
    if platform is not None:
        contacts = (c for c in map(_only_platform, contacts, repeat(platform)) if c.accounts)
    names = load_reference(db).region_names()
    if fmt == "csv":
        return write_contacts_csv(contacts, out, names)
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


def _only_platform(contact: Contact, platform: str) -> Contact:
    return replace(contact, accounts=tuple(a for a in contact.accounts if a.platform == platform))


def guess_output_format(path: Path) -> str:
    """json for .json files, csv otherwise (a Mastodon list must be asked for by name)."""
    return "json" if path.suffix.lower() == ".json" else "csv"


def write_file(
    db: Database, contacts: Iterable[Contact], path: Path, fmt: str, *,
    platform: str | None = None, header: bool = True, pack: PackInfo | None = None,
) -> int:
    """Write to `path` atomically (through a symlink to its target; never over a device or a
    pipe); CSV files get a BOM so Excel reads the accents right."""
    from ..storage.database import database_files
    from .output_files import replaced_atomically

    check_export_options(fmt, platform, header)
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    with replaced_atomically(path, keep=database_files(db)) as partial, \
            partial.open("w", encoding=encoding, newline="") as out:
        return export_contacts(db, contacts, out, fmt, platform=platform, header=header,
                               pack=pack)
