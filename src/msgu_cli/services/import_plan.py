"""The rules of an import, applied a chunk of rows at a time inside the import's one transaction.

Each row is checked, matched against the directory and against the rows before it in its
chunk, then added, merged or skipped; then the chunk is written and let go. The directory
already holds the file's earlier chunks when the next one is matched, so rows of one file that
repeat each other meet exactly as if they had been imported one after the other, and a file of
any size costs the memory of one chunk. The caller owns the transaction: a bad row, or a dry
run, rolls all of it back.
"""

from __future__ import annotations

import functools
from array import array
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ..domain.models import Contact, Topic
from ..domain.text import fold, shown
from ..errors import InvalidInput
from ..formats.records import RawRow
from ..i18n import N_, Message
from ..storage import contacts as store
from ..storage.connection import Database
from ..storage.lookups import account_owners, contacts_named
from ..storage.reference import save_topics
from .fields import FieldError, contact_from_fields, resolve_topics
from .reference import Reference, utc_now

DUPLICATE_POLICIES = ("skip", "update", "error")
CHUNK_ROWS = 2000  # rows checked, matched and written together
# A person's own words and the relationship history are never taken from a file on update.
_KEPT_ON_UPDATE = frozenset({"notes", "status"})
# Placeholder name while a row without one is checked; its first handle names it afterwards.
_UNNAMED = "\x00unnamed"

Progress = Callable[[str, int, int], None]
# A row checked: its contact and new topics, the FieldError against it, or why it is unreadable.
Checked = tuple[Contact, list[Topic]] | FieldError | Message


@dataclass(frozen=True, slots=True)
class RowOutcome:
    """What happened to one row: `id` of the contact it made or changed, `reason` when skipped
    (a Message: people read it in their language, JSON in English). A reason quotes the file's
    values through `shown`, so it stays one readable line."""

    line: int
    name: str
    id: int | None = None
    reason: Message | None = None


@dataclass
class ImportReport:
    format: str
    rows: int = 0
    added: list[RowOutcome] = field(default_factory=list)
    updated: list[RowOutcome] = field(default_factory=list)
    skipped: list[RowOutcome] = field(default_factory=list)  # duplicates left as they are
    invalid: list[RowOutcome] = field(default_factory=list)  # bad rows (--skip-invalid)
    created_topics: list[str] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    dry_run: bool = False


class _RowError(InvalidInput):
    """A row that cannot be imported, for a reason that is not one column's value."""

    def __init__(self, reason: Message) -> None:
        super().__init__(reason)
        self.reason = reason


class _Memo:
    """A reference object whose look-ups are cached for one import: a file names the same
    regions, MRCs and topics thousands of times, and each look-up folds every name it knows."""

    def __init__(self, target: Any, *methods: str) -> None:
        self._target = target
        for name in methods:
            setattr(self, name, functools.lru_cache(maxsize=None)(getattr(target, name)))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def memoised(ref: Reference) -> Reference:
    """`ref` with cached topic, region and MRC look-ups (same answers, same errors)."""
    return Reference(_Memo(ref.taxonomy, "find"),  # type: ignore[arg-type]
                     _Memo(ref.geography, "parse_region", "parse_mrc"),  # type: ignore[arg-type]
                     ref.db)


def place(where: str, number: int) -> Message:
    """`line 5` of a spreadsheet, `item 5` of a JSON list, as a message names a row."""
    return Message(N_("item {number}") if where == "item" else N_("line {number}"),
                   {"number": number})


def check_row(fields: Mapping, ref: Reference) -> tuple[Contact, list[Topic]]:
    """The row as a valid Contact (and the topics it would create), or FieldError.

    A row without a name (a Mastodon follow list, a column of handles) is named after its
    first account: a fact from the file, where a made-up name would not be.
    """
    unnamed = None if "name" in fields else Contact(name=_UNNAMED)
    contact, created = contact_from_fields(fields, ref, create_topics=True, base=unnamed)
    if contact.name != _UNNAMED:
        return contact, created
    if not contact.accounts:
        raise FieldError("name", Message(N_(
            "The row has no name and no account: give at least one.")))
    return replace(contact, name=contact.accounts[0].handle), created


class ImportPlan:
    """Rows turned, a chunk at a time, into contacts inserted and contacts rewritten, with the
    report to show. Inside a chunk, contacts not yet written have keys < 0."""

    def __init__(self, db: Database, ref: Reference, report: ImportReport, *,
                 on_duplicate: str, skip_invalid: bool, where: str = "line") -> None:
        self.db, self.ref, self.report, self.where = db, ref, report, where
        self.on_duplicate, self.skip_invalid = on_duplicate, skip_invalid
        self.now = utc_now()
        self.words = store.topic_words(db)
        self.first_new_id = store.next_contact_id(db)
        self.added_lines = array("q")  # the line that added each new contact, by id order
        self.topics: dict[str, Topic] = {}  # created by this import
        self._new_chunk()

    def _new_chunk(self) -> None:
        self.owners: dict[tuple[str, str], int] = {}
        self.by_name: dict[tuple[str, str | None], int] = {}
        self.names: dict[int, str] = {}
        self.loaded: dict[int, Contact] = {}
        self.contacts: dict[int, Contact] = {}  # new ones under keys < 0, then rewritten ones
        self.added_at: dict[int, int] = {}  # new key -> the line that added it
        self.unnamed: list[int] = []  # contacts of this chunk not yet in `by_name`
        self.created: list[Topic] = []
        # Where this chunk's updates and skips start: those naming a new contact get its id.
        self.marks = len(self.report.updated), len(self.report.skipped)

    def _outcome_lists(self) -> tuple[list[RowOutcome], ...]:
        return self.report.added, self.report.updated, self.report.skipped

    def apply_chunk(self, checked: Sequence[tuple[RawRow, Checked]]) -> None:
        """Match and merge one chunk of checked rows, in file order; `write` saves it."""
        self._look_up([c[0] for _row, c in checked if isinstance(c, tuple)])
        for row, outcome in checked:
            self.apply(row, outcome)
        self.report.rows += len(checked)

    @property
    def adds(self) -> bool:
        """Whether the chunk in hand inserts contacts."""
        return bool(self.added_at)

    def _look_up(self, contacts: Sequence[Contact]) -> None:
        """Read what the chunk's rows may repeat: owners of their handles, contacts of their
        names (for rows without handles), and, for `update`, those contacts whole."""
        pairs = {(a.platform, a.handle) for c in contacts for a in c.accounts}
        for platform, handle, contact_id, name in account_owners(self.db, pairs):
            self.owners[(platform, handle)] = contact_id
            self.names[contact_id] = name
        keys = {fold(c.name) for c in contacts if not c.accounts}
        for name_key, region, contact_id, name in contacts_named(self.db, keys):
            self.by_name.setdefault((name_key, region), contact_id)
            self.names[contact_id] = name
        if self.on_duplicate == "update" and self.names:
            self.loaded = {c.id: c for c in store.load_contacts(self.db, sorted(self.names))
                           if c.id is not None}

    def apply(self, row: RawRow, checked: Checked) -> None:
        """Add, merge or skip one checked row; a bad row stops all unless skip_invalid."""
        if isinstance(checked, Message):
            self._invalid(row.line, checked)
            return
        try:
            if isinstance(checked, FieldError):
                raise checked
            contact, created = checked
            key = self._owner(contact)
            if key is None:
                self._add(row.line, contact, created)
            else:
                self._duplicate(row, key, contact)
        except FieldError as error:
            self._invalid(row.line, Message(N_("column {column}: {reason}"), {
                "column": error.column, "reason": error.message}))
        except _RowError as error:
            self._invalid(row.line, error.reason)

    def _invalid(self, line: int, reason: Message) -> None:
        if not self.skip_invalid:
            raise InvalidInput(Message(N_("{place}, {reason} Nothing was imported."), {
                "place": place(self.where, line), "reason": reason}))
        self.report.invalid.append(RowOutcome(line, "", reason=reason))

    def _owner(self, contact: Contact) -> int | None:
        """The contact this row repeats: by any shared handle, else (no handles) name + region."""
        keys = {self.owners[k] for a in contact.accounts
                if (k := (a.platform, a.handle)) in self.owners}
        if len(keys) > 1:
            listed = [self._describe(k) for k in sorted(keys, key=abs)]
            raise _RowError(Message(N_(
                "its accounts belong to several contacts ({contacts})."), {"contacts": listed}))
        if keys:
            return keys.pop()
        if contact.accounts:
            return None
        for key in self.unnamed:  # fold names only when a row without handles needs them
            known = self.contacts[key]
            self.by_name.setdefault((fold(known.name), known.region), key)
        self.unnamed.clear()
        return self.by_name.get((fold(contact.name), contact.region))

    def _describe(self, key: int) -> Message:
        """A contact as a message names it: `#12 Name`, or the line of this file that added it."""
        if key < 0:
            line = self.added_at[key]
        elif key >= self.first_new_id:
            line = self.added_lines[key - self.first_new_id]
        else:
            return Message(N_("#{id} {name}"), {"id": key, "name": shown(self.names[key])})
        return Message(N_("'{name}' ({place} of this file)"), {
            "name": shown(self.names[key]), "place": place(self.where, line)})

    def _remember(self, key: int, contact: Contact) -> None:
        self.contacts[key] = contact
        self.names.setdefault(key, contact.name)
        for account in contact.accounts:
            self.owners[(account.platform, account.handle)] = key
        self.unnamed.append(key)

    def _learn(self, created: Sequence[Topic]) -> None:
        for topic in created:
            if topic.code not in self.topics:
                self.topics[topic.code] = topic
                self.created.append(topic)
                self.report.created_topics.append(topic.code)

    def _add(self, line: int, contact: Contact, created: Sequence[Topic]) -> None:
        key = -(len(self.added_at) + 1)
        self.added_at[key] = line
        self._remember(key, contact)
        self._learn(created)  # its outcome is made when it is written, with its id

    def _duplicate(self, row: RawRow, key: int, contact: Contact) -> None:
        where = self._describe(key)
        if self.on_duplicate == "error":
            raise InvalidInput(Message(N_(
                "{place}: '{name}' is already in the directory as {contact} (--on-duplicate "
                "error). Nothing was imported."), {
                "place": place(self.where, row.line), "name": shown(contact.name),
                "contact": where}))
        if self.on_duplicate == "skip":
            self.report.skipped.append(RowOutcome(
                row.line, contact.name, key,
                Message(N_("already in the directory as {contact}"), {"contact": where})))
            return
        base = self.contacts.get(key) or self.loaded[key]
        merged, created = self._merged(base, row.fields)
        if merged == base:
            self.report.skipped.append(RowOutcome(
                row.line, base.name, key,
                Message(N_("nothing new for {contact}"), {"contact": where})))
            return
        self._check_accounts(key, merged)
        self._remember(key, merged)
        self._learn(created)
        self.report.updated.append(RowOutcome(row.line, merged.name, key))

    def _merged(self, base: Contact, fields: Mapping) -> tuple[Contact, list[Topic]]:
        """`base` with what the row gives; topics are added to, never replaced."""
        given = {k: v for k, v in fields.items() if k not in _KEPT_ON_UPDATE and k != "topics"}
        merged, _created = contact_from_fields(given, self.ref, base=base)
        # An account the contact already has keeps what `refresh` stored about it.
        known = {(a.platform, a.handle): a for a in base.accounts}
        merged = replace(merged, accounts=tuple(
            replace(known[key], url=a.url or known[key].url) if (key := (a.platform, a.handle))
            in known else a for a in merged.accounts))
        if "topics" not in fields:
            return merged, []
        labels = [fields["topics"]] if isinstance(fields["topics"], str) else fields["topics"]
        codes, created = resolve_topics(labels, self.ref.taxonomy, create=True)
        topics = tuple(dict.fromkeys((*base.topics, *codes)))
        return replace(merged, topics=topics), created

    def _check_accounts(self, key: int, contact: Contact) -> None:
        for account in contact.accounts:
            owner = self.owners.get((account.platform, account.handle), key)
            if owner != key:
                raise _RowError(Message(N_(
                    "account {platform}:{handle} belongs to another contact ({contact})."), {
                    "platform": account.platform, "handle": shown(account.handle),
                    "contact": self._describe(owner)}))

    def write(self) -> None:
        """Write the chunk (its new topics first, then new contacts in file order, then the
        rewritten ones), give its outcomes their ids, and let it go."""
        if self.created:
            save_topics(self.db, self.created, origin="user")
            self.words = store.topic_words(self.db)
        new = [self.contacts[-number] for number in range(1, len(self.added_at) + 1)]
        ids = store.save_contacts(self.db, new, now=self.now, words=self.words)
        rewritten = [c for key, c in self.contacts.items() if key > 0]
        store.save_contacts(self.db, rewritten, now=self.now, words=self.words)
        keys = range(-1, -len(ids) - 1, -1)
        lines = [self.added_at[key] for key in keys]
        self.added_lines.extend(lines)
        self.report.added += map(RowOutcome, lines, (self.names[key] for key in keys), ids)
        for outcomes, start in zip((self.report.updated, self.report.skipped), self.marks,
                                   strict=True):
            outcomes[start:] = [RowOutcome(o.line, o.name, ids[-o.id - 1], o.reason)
                                if o.id is not None and o.id < 0 else o
                                for o in outcomes[start:]]
        self._new_chunk()

    def settle_ids(self, *, dry_run: bool) -> None:
        """A dry run rolls its contacts back: the report gives them no id."""
        if not dry_run:
            return
        for outcomes in self._outcome_lists():
            outcomes[:] = [replace(o, id=None) if o.id is not None and o.id >= self.first_new_id
                           else o for o in outcomes]
