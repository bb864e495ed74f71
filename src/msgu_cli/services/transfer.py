"""Import and export: files and URLs in, follow lists and directories out."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from sqlite_utils import Database

from ..domain.models import Contact
from ..domain.taxonomy import Taxonomy
from ..errors import InvalidInput, NotFound
from ..storage import contacts as store
from ..storage.database import transaction
from ..storage.reference import save_topics
from .fields import FieldError, contact_from_fields
from .reference import Reference, load_reference, utc_now

DUPLICATE_POLICIES = ("skip", "update", "error")
FORMATS = ("csv", "mastodon", "json")
# A person's own words and the relationship history are never taken from a file on update.
_KEPT_ON_UPDATE = ("notes", "status")


@dataclass
class ImportReport:
    format: str
    rows: int = 0
    added: list[tuple[int, str]] = field(default_factory=list)
    updated: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)
    created_topics: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


class _DryRun(Exception):
    """Raised at the end of a dry run so the transaction rolls back."""


def read_source(source: str) -> tuple[bytes, str]:
    """The bytes of a file or an http(s) URL, and a name to guess the format from."""
    if source.startswith(("https://", "http://")):
        from ..clients.files import fetch_bytes
        from ..clients.http import make_http_client

        with make_http_client() as client:
            return fetch_bytes(client, source), source.split("?")[0]
    path = Path(source)
    if not path.exists():
        raise NotFound(f"No such file: {source}")
    if path.is_dir():
        raise InvalidInput(f"{source} is a folder: give a CSV or JSON file.")
    return path.read_bytes(), path.name


def parse_table(data: bytes, name: str, fmt: str | None):
    from .. import formats
    from ..formats.json_records import read_contacts_json
    from ..formats.mastodon_list import read_mastodon_csv
    from ..formats.spreadsheet import read_contacts_csv

    fmt = fmt or formats.detect_format(name, data)
    readers = {"csv": read_contacts_csv, "mastodon": read_mastodon_csv,
               "json": read_contacts_json}
    if fmt not in readers:
        raise InvalidInput(f"Unknown format '{fmt}'. Use one of: {', '.join(FORMATS)}.")
    return readers[fmt](data)


def import_source(
    db: Database, source: str, *, fmt: str | None = None, on_duplicate: str = "skip",
    skip_invalid: bool = False, dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    data, name = read_source(source)
    table = parse_table(data, name, fmt)
    return import_table(db, table, on_duplicate=on_duplicate, skip_invalid=skip_invalid,
                        dry_run=dry_run, progress=progress)


def import_table(
    db: Database, table, *, on_duplicate: str = "skip", skip_invalid: bool = False,
    dry_run: bool = False, progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """All rows in one transaction: the first bad row stops it unless `skip_invalid`."""
    if on_duplicate not in DUPLICATE_POLICIES:
        raise InvalidInput(f"--on-duplicate must be one of: {', '.join(DUPLICATE_POLICIES)}.")
    report = ImportReport(table.format, rows=len(table.rows),
                          ignored_columns=list(table.ignored_columns), dry_run=dry_run)
    importer = _Importer(db, load_reference(db), on_duplicate, skip_invalid, report)
    try:
        with transaction(db):
            for done, row in enumerate(table.rows, 1):
                importer.row(row.line, row.fields)
                if progress is not None:
                    progress(done, len(table.rows))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


class _Importer:
    """The per-row rules of an import, with the state that rows share (new topics, words)."""

    def __init__(self, db: Database, ref: Reference, on_duplicate: str, skip_invalid: bool,
                 report: ImportReport):
        self.db, self.ref, self.report = db, ref, report
        self.on_duplicate, self.skip_invalid = on_duplicate, skip_invalid
        self.words = store.topic_words(db)
        self.now = utc_now()

    def row(self, line: int, fields: Mapping) -> None:
        try:
            self._row(line, fields)
        except FieldError as error:
            self._invalid(line, f"column {error.column}: {error}")
        except _RowError as error:
            self._invalid(line, str(error))

    def _invalid(self, line: int, reason: str) -> None:
        if not self.skip_invalid:
            raise InvalidInput(f"line {line}, {reason} Nothing was imported.")
        self.report.skipped.append((line, reason))

    def _row(self, line: int, fields: Mapping) -> None:
        contact, created = contact_from_fields(fields, self.ref, create_topics=True)
        existing = self._duplicate_of(contact)
        if existing is None:
            self._learn_topics(created)
            [new_id] = store.save_contacts(self.db, [contact], now=self.now, words=self.words)
            self.report.added.append((new_id, contact.name))
            return
        if self.on_duplicate == "error":
            raise _RowError(f"{contact.name!r} is already in the directory as #{existing.id} "
                            f"{existing.name} (--on-duplicate error).")
        if self.on_duplicate == "skip":
            self.report.skipped.append((line, f"already in the directory as #{existing.id} "
                                              f"{existing.name}"))
            return
        self._update(existing, fields)

    def _update(self, existing: Contact, fields: Mapping) -> None:
        given = {k: v for k, v in fields.items() if k not in _KEPT_ON_UPDATE and k != "topics"}
        merged, _ = contact_from_fields(given, self.ref, base=existing)
        if "topics" in fields:
            row, created = contact_from_fields({"name": "-", "topics": fields["topics"]},
                                               self.ref, create_topics=True)
            self._learn_topics(created)
            merged = replace(merged, topics=tuple(dict.fromkeys(merged.topics + row.topics)))
        self._check_accounts(merged)
        store.save_contacts(self.db, [merged], now=self.now, words=self.words)
        self.report.updated.append((existing.id, merged.name))

    def _duplicate_of(self, contact: Contact) -> Contact | None:
        owners = set(store.find_by_accounts(
            self.db, [(a.platform, a.handle) for a in contact.accounts]).values())
        if len(owners) > 1:
            listed = ", ".join(f"#{i}" for i in sorted(owners))
            raise _RowError(f"its accounts belong to several contacts ({listed}).")
        if not owners and not contact.accounts:
            owners = set(store.find_by_name(self.db, contact.name, contact.region)[:1])
        return store.load_contacts(self.db, list(owners))[0] if owners else None

    def _check_accounts(self, contact: Contact) -> None:
        taken = store.find_by_accounts(self.db, [(a.platform, a.handle) for a in contact.accounts])
        clash = [f"{p}:{h}" for (p, h), owner in taken.items() if owner != contact.id]
        if clash:
            raise _RowError(f"account {clash[0]} belongs to another contact.")

    def _learn_topics(self, created) -> None:
        fresh = [t for t in created if self.ref.taxonomy.get(t.code) is None]
        if not fresh:
            return
        save_topics(self.db, fresh, origin="user")
        for topic in fresh:
            self.words[topic.code] = f"{topic.code} {topic.label_fr} {topic.label_en}"
            self.report.created_topics.append(topic.code)
        taxonomy = Taxonomy([*self.ref.taxonomy.topics, *fresh])
        self.ref = Reference(taxonomy, self.ref.geography)


class _RowError(Exception):
    """A row that cannot be imported, for a reason that is not one column's value."""


def seed_starter_directory(db: Database) -> ImportReport:
    """Fill a new database with the bundled starter directory (seeds/contacts.csv)."""
    from ..formats.spreadsheet import read_contacts_csv
    from ..storage.seeds import seed_file

    table = read_contacts_csv(seed_file("contacts.csv").read_bytes())
    return import_table(db, table)


def export_contacts(
    contacts: Sequence[Contact], out: TextIO, fmt: str, ref: Reference, *,
    platform: str | None = None, header: bool = True,
) -> int:
    """Write `contacts` as csv, a Mastodon follow list, or JSON; returns rows written."""
    from ..formats.json_records import contact_json, write_json
    from ..formats.mastodon_list import write_mastodon_csv
    from ..formats.spreadsheet import write_contacts_csv

    if fmt == "mastodon":
        if platform not in (None, "mastodon"):
            raise InvalidInput("The mastodon format lists Mastodon accounts only: drop --platform.")
        addresses = [a.handle for c in contacts for a in c.accounts if a.platform == "mastodon"]
        return write_mastodon_csv(addresses, out, header=header)
    if platform is not None:
        contacts = [_only_platform(c, platform) for c in contacts]
        contacts = [c for c in contacts if c.accounts]
    if fmt == "csv":
        return write_contacts_csv(contacts, out, ref.region_names())
    if fmt == "json":
        write_json([contact_json(c, ref.region_names()) for c in contacts], out)
        return len(contacts)
    raise InvalidInput(f"Unknown format '{fmt}'. Use one of: {', '.join(FORMATS)}.")


def _only_platform(contact: Contact, platform: str) -> Contact:
    return replace(contact, accounts=tuple(a for a in contact.accounts if a.platform == platform))


def guess_output_format(path: Path) -> str:
    """json for .json files, csv otherwise (a Mastodon list must be asked for by name)."""
    return "json" if path.suffix.lower() == ".json" else "csv"


def write_file(
    db: Database, contacts: Sequence[Contact], path: Path, fmt: str, *,
    platform: str | None = None, header: bool = True,
) -> int:
    """Write to `path` atomically; CSV files get a BOM so Excel reads the accents right."""
    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown format '{fmt}'. Use one of: {', '.join(FORMATS)}.")
    if path.is_dir():
        raise InvalidInput(f"{path} is a folder: give a file name.")
    if not path.parent.exists():
        raise InvalidInput(f"The folder {path.parent} does not exist.")
    encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding=encoding, newline="") as out:
            count = export_contacts(contacts, out, fmt, load_reference(db), platform=platform,
                                    header=header)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return count
