"""The rules of an import, applied in memory: each row is checked, matched against the directory
and against the rows before it, then added, merged or skipped. Nothing here writes: the caller
saves the plan in one transaction, or shows it (dry run).

Matching reads two look-up tables once (every account's owner, every name + region), so a row
costs no query; rows of one file that repeat each other meet in those same tables, exactly as
if they had been imported one after the other.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlite_utils import Database

from ..domain.models import Contact, Topic
from ..domain.text import escaped, fold
from ..errors import InvalidInput
from ..formats.records import RawRow
from ..storage import contacts as store
from ..storage.lookups import account_owners, contact_keys
from .fields import FieldError, contact_from_fields, resolve_topics
from .reference import Reference

DUPLICATE_POLICIES = ("skip", "update", "error")
# A person's own words and the relationship history are never taken from a file on update.
_KEPT_ON_UPDATE = frozenset({"notes", "status"})
# Placeholder name while a row without one is checked; its first handle names it afterwards.
_UNNAMED = "\x00unnamed"

Progress = Callable[[str, int, int], None]
# A row checked: its contact and new topics, the FieldError against it, or why it is unreadable.
Checked = tuple[Contact, list[Topic]] | FieldError | str


@dataclass(frozen=True)
class RowOutcome:
    """What happened to one row: `id` of the contact it made or changed, `reason` when skipped."""

    line: int
    name: str
    id: int | None = None
    reason: str | None = None


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


class _RowError(Exception):
    """A row that cannot be imported, for a reason that is not one column's value."""


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
        raise FieldError("name", "The row has no name and no account: give at least one.")
    return replace(contact, name=contact.accounts[0].handle), created


class ImportPlan:
    """Rows turned into contacts to insert and contacts to rewrite, with the report to show."""

    def __init__(self, db: Database, ref: Reference, report: ImportReport, *,
                 on_duplicate: str, skip_invalid: bool, where: str = "line") -> None:
        self.ref, self.report, self.where = ref, report, where
        self.on_duplicate, self.skip_invalid = on_duplicate, skip_invalid
        self.owners: dict[tuple[str, str], int] = account_owners(db)
        self.by_name: dict[tuple[str, str | None], int] = {}
        self.names: dict[int, str] = {}
        for contact_id, name, name_key, region in contact_keys(db):
            self.by_name.setdefault((name_key, region), contact_id)
            self.names[contact_id] = name
        self.loaded: dict[int, Contact] = {}
        self.contacts: dict[int, Contact] = {}  # new ones under keys < 0, then rewritten ones
        self.added_at: dict[int, int] = {}  # new key -> the line that added it
        self.topics: dict[str, Topic] = {}
        self.unnamed: list[int] = []  # contacts of this file not yet in `by_name`

    def load_duplicates(self, db: Database, contacts: Sequence[Contact | None]) -> None:
        """Read at once every existing contact that `update` may rewrite."""
        if self.on_duplicate != "update":
            return
        ids = {self.owners.get((a.platform, a.handle)) for c in contacts if c for a in c.accounts}
        ids |= {self.by_name.get((fold(c.name), c.region)) for c in contacts
                if c and not c.accounts}
        wanted = sorted(i for i in ids if i is not None)
        self.loaded = {c.id: c for c in store.load_contacts(db, wanted) if c.id is not None}

    def apply(self, row: RawRow, checked: Checked) -> None:
        """Add, merge or skip one checked row; a bad row stops all unless skip_invalid."""
        if isinstance(checked, str):
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
            self._invalid(row.line, f"column {error.column}: {error}")
        except _RowError as error:
            self._invalid(row.line, str(error))

    def _invalid(self, line: int, reason: str) -> None:
        reason = escaped(reason)  # a message quoting cells stays one line
        if not self.skip_invalid:
            raise InvalidInput(f"{self.where} {line}, {reason} Nothing was imported.")
        self.report.invalid.append(RowOutcome(line, "", reason=reason))

    def _owner(self, contact: Contact) -> int | None:
        """The contact this row repeats: by any shared handle, else (no handles) name + region."""
        keys = {self.owners[k] for a in contact.accounts
                if (k := (a.platform, a.handle)) in self.owners}
        if len(keys) > 1:
            listed = ", ".join(self._describe(k) for k in sorted(keys, key=abs))
            raise _RowError(f"its accounts belong to several contacts ({listed}).")
        if keys:
            return keys.pop()
        if contact.accounts:
            return None
        for key in self.unnamed:  # fold names only when a row without handles needs them
            known = self.contacts[key]
            self.by_name.setdefault((fold(known.name), known.region), key)
        self.unnamed.clear()
        return self.by_name.get((fold(contact.name), contact.region))

    def _describe(self, key: int) -> str:
        if key < 0:
            return f"{self.names[key]!r} ({self.where} {self.added_at[key]} of this file)"
        return f"#{key} {self.names[key]}"

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
                self.report.created_topics.append(topic.code)

    def _add(self, line: int, contact: Contact, created: Sequence[Topic]) -> None:
        key = -(len(self.added_at) + 1)
        self.added_at[key] = line
        self._remember(key, contact)
        self._learn(created)
        self.report.added.append(RowOutcome(line, contact.name, key))

    def _duplicate(self, row: RawRow, key: int, contact: Contact) -> None:
        where = self._describe(key)
        if self.on_duplicate == "error":
            raise InvalidInput(escaped(
                f"{self.where} {row.line}: {contact.name!r} is already in the directory as "
                f"{where} (--on-duplicate error). Nothing was imported."))
        if self.on_duplicate == "skip":
            self.report.skipped.append(RowOutcome(row.line, contact.name, key,
                                                  f"already in the directory as {where}"))
            return
        base = self.contacts.get(key) or self.loaded[key]
        merged, created = self._merged(base, row.fields)
        if merged == base:
            self.report.skipped.append(RowOutcome(row.line, base.name, key,
                                                  f"nothing new for {where}"))
            return
        self._check_accounts(key, merged)
        self._remember(key, merged)
        self._learn(created)
        self.report.updated.append(RowOutcome(row.line, merged.name, key))

    def _merged(self, base: Contact, fields: Mapping) -> tuple[Contact, list[Topic]]:
        """`base` with what the row gives; topics are added to, never replaced."""
        given = {k: v for k, v in fields.items() if k not in _KEPT_ON_UPDATE and k != "topics"}
        merged, _ = contact_from_fields(given, self.ref, base=base)
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
                raise _RowError(f"account {account.platform}:{account.handle} belongs to "
                                f"another contact ({self._describe(owner)}).")

    def new_contacts(self) -> list[Contact]:
        """The contacts to insert, in file order (keys -1, -2, …)."""
        return [self.contacts[-number] for number in range(1, len(self.added_at) + 1)]

    def rewritten(self) -> list[Contact]:
        return [c for k, c in self.contacts.items() if k > 0]

    def settle_ids(self, new_ids: Sequence[int] | None) -> None:
        """Give the report the ids the new contacts got (none in a dry run)."""
        def real(key: int | None) -> int | None:
            if key is None or key > 0:
                return key
            return new_ids[-key - 1] if new_ids is not None else None

        for outcomes in (self.report.added, self.report.updated, self.report.skipped):
            outcomes[:] = [RowOutcome(o.line, o.name, real(o.id), o.reason) for o in outcomes]
