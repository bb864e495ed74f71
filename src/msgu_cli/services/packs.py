"""`msgu subscribe`, `pull` and `subscriptions`: packs (shared directories) followed by address.

A pack is read whole and checked before anything is written; each pull is one transaction.
A contact the pack brings is matched like an import duplicate (a shared handle, else name and
region); domain.packs decides what the pack may change. Packs live at an http(s):// URL, or
in a file (a path or file://, e.g. on a synced shared drive).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..domain.community_lists import public_url
from ..domain.models import Contact, Topic
from ..domain.packs import PackInfo, Subscription, merge_member, new_member, snapshot
from ..domain.text import fold, shown
from ..errors import InvalidInput, MsguError, NotFound
from ..formats.records import Table
from ..i18n import N_, Message, Text
from ..storage import contacts as store
from ..storage import packs as subscriptions_store
from ..storage.connection import Database
from ..storage.database import transaction
from ..storage.lookups import account_owners, contacts_named
from ..storage.reference import save_topics
from .fields import FieldError
from .import_plan import check_row, memoised
from .reference import load_reference, utc_now


@dataclass
class PullReport:
    """What one pull did. `changed` is False when the pack had not changed (nothing read)."""

    name: str
    url: str
    changed: bool = True
    contacts: int = 0  # in the pack now
    added: list[tuple[int, str]] = field(default_factory=list)
    updated: list[tuple[int, str]] = field(default_factory=list)
    left: list[tuple[int, str]] = field(default_factory=list)
    returned: list[tuple[int, str]] = field(default_factory=list)
    created_topics: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PullOutcome:
    """One subscription's pull: its report, or why it failed (and then nothing changed); the
    reason is a Message when it may go into JSON (people read it in their language)."""

    name: str
    report: PullReport | None = None
    error: Text | None = None


@dataclass(frozen=True)
class _Body:
    """A pack as read: None when unchanged since the last pull."""

    data: bytes | None
    etag: str | None = None
    last_modified: str | None = None


def subscribe(db: Database, address: str, *, name: str | None = None) -> PullReport:
    """Record a subscription to the pack at `address` and pull it at once; a pack that cannot
    be read or does not validate records nothing."""
    url = _location(address)
    taken = {s.url: s.name for s in subscriptions_store.load_subscriptions(db)}
    if url in taken:
        raise InvalidInput(Message(N_(
            "You already subscribe to {url} as {name}: bring in its changes with 'msgu pull "
            "{name}'."), {"url": shown(public_url(url)), "name": shown(taken[url])}))
    body = _read(Subscription(name="", url=url))
    info, table = _parse(body)
    chosen = " ".join((name if name is not None else info.name).split())
    if not chosen:
        raise InvalidInput(Message(N_("--name is empty: give the subscription a name.")))
    if fold(chosen) in {fold(n) for n in taken.values()}:
        raise InvalidInput(Message(N_(
            "A subscription is already named {name}: choose another with --name."), {
            "name": shown(chosen)}))
    now = utc_now()
    with transaction(db):
        sub = Subscription(name=chosen, url=url, subscribed_at=now)
        sub = replace(sub, id=subscriptions_store.save_subscription(db, sub))
        return _apply(db, sub, body, info, table, now)


def pull(db: Database, name: str | None = None) -> list[PullOutcome]:
    """Bring in the changes of every subscription (or the one named), each on its own: one
    that fails changes nothing and does not stop the others."""
    subs = subscriptions_store.load_subscriptions(db)
    if name is not None:
        subs = [s for s in subs if fold(s.name) == fold(name)]
        if not subs:
            raise NotFound(Message(N_(
                "No subscription is named {name}. See them with 'msgu subscriptions'."), {
                "name": shown(name)}))
    elif not subs:
        raise NotFound(Message(N_(
            "No subscriptions yet: follow a pack with 'msgu subscribe URL'.")))
    outcomes = []
    for sub in subs:
        try:
            outcomes.append(PullOutcome(sub.name, report=_pull_one(db, sub)))
        except MsguError as error:
            outcomes.append(PullOutcome(sub.name, error=error.message))
    return outcomes


def _pull_one(db: Database, sub: Subscription) -> PullReport:
    body = _read(sub)
    now = utc_now()
    if body.data is not None and _digest(body.data) == sub.digest:
        body = replace(body, data=None)  # a server without validators sent the same bytes
    if body.data is None:
        with transaction(db):
            subscriptions_store.save_subscription(db, replace(
                sub, etag=body.etag or sub.etag, last_modified=body.last_modified
                or sub.last_modified, last_pulled=now))
        counts = subscriptions_store.member_counts(db).get(sub.id or 0, (0, 0))
        return PullReport(sub.name, public_url(sub.url), changed=False, contacts=counts[0])
    info, table = _parse(body)
    with transaction(db):
        return _apply(db, sub, body, info, table, now)


def subscription_list(db: Database) -> list[dict]:
    """`subscriptions --json`: name, url, last_pulled, contacts (in the pack now), and more."""
    counts = subscriptions_store.member_counts(db)
    listed = []
    for sub in subscriptions_store.load_subscriptions(db):
        now, left = counts.get(sub.id or 0, (0, 0))
        pack = sub.pack or PackInfo("")
        listed.append({"name": sub.name, "url": public_url(sub.url),
                       "last_pulled": sub.last_pulled, "contacts": now, "left": left,
                       "pack_name": pack.name or None, "maintainer": pack.maintainer,
                       "updated": pack.updated, "subscribed_at": sub.subscribed_at})
    return listed


def _location(address: str) -> str:
    """A pack's address as stored: an http(s) URL, or an absolute file path."""
    text = address.strip()
    if text.lower().startswith(("https://", "http://")):
        return text
    path = Path(unquote(urlsplit(text).path)) if text.lower().startswith("file://") else Path(
        text).expanduser()
    if not path.is_file():
        raise NotFound(Message(N_(
            "No pack at {address}: give an https:// (or http://) URL, or the path of a pack "
            "file."), {"address": shown(address)}))
    return str(path.resolve())


def _read(sub: Subscription) -> _Body:
    """The pack's bytes: asked conditionally over HTTP, read whole from a file."""
    if not sub.url.lower().startswith(("https://", "http://")):
        try:
            return _Body(Path(sub.url).read_bytes())
        except OSError as error:
            raise InvalidInput(Message(N_(
                "Cannot read the pack {path}: {reason}."), {
                "path": shown(sub.url), "reason": shown(error.strerror or error)})) from None
    from ..clients.packs import fetch_pack
    from .session import http_client

    with http_client() as http:
        got = fetch_pack(http, sub.url, etag=sub.etag, last_modified=sub.last_modified)
    return _Body(got.body, got.etag, got.last_modified)


def _parse(body: _Body) -> tuple[PackInfo, Table]:
    from ..formats.pack import read_pack

    if body.data is None:  # a 304 to a request that asked for no condition
        raise InvalidInput(Message(N_(
            "The server sent no pack (HTTP 304 without a condition asked).")))
    return read_pack(body.data)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _apply(db: Database, sub: Subscription, body: _Body, info: PackInfo, table: Table,
           now: str) -> PullReport:
    """Merge a validated pack into the directory and remember what it said (in the caller's
    transaction: an error part-way leaves everything as it was)."""
    assert sub.id is not None and body.data is not None
    report = PullReport(sub.name, public_url(sub.url))
    merge = _Merge(db, sub.id, report)
    checked = []
    for row in table.rows:
        try:
            checked.append((row.line, *check_row(row.fields, merge.ref)))
        except FieldError as error:
            raise InvalidInput(Message(N_(
                "The pack {name} cannot be used: item {number}, {column}: {reason} Nothing was "
                "changed."), {
                "name": shown(info.name), "number": row.line, "column": error.column,
                "reason": error.message})) from None
    merge.preload([contact for _line, contact, _created in checked])
    for line, contact, created in checked:
        merge.take(line, contact, created)
    merge.save(now)
    report.contacts = len(merge.said)
    subscriptions_store.save_subscription(db, replace(
        sub, pack=info, etag=body.etag, last_modified=body.last_modified,
        digest=_digest(body.data), last_pulled=now))
    return report


class _Merge:
    """The pack's contacts matched against the directory and merged in memory, then saved."""

    def __init__(self, db: Database, subscription_id: int, report: PullReport) -> None:
        self.db, self.subscription_id, self.report = db, subscription_id, report
        self.ref = memoised(load_reference(db))  # one look-up per distinct region, topic
        self.owners: dict[tuple[str, str], int] = {}  # filled by preload
        self.by_name: dict[tuple[str, str | None], int] = {}
        self.known = subscriptions_store.members(db, subscription_id)
        self.loaded: dict[int, Contact] = {}  # the directory's contacts the pack names
        self.current: dict[int, Contact] = {}  # new contacts under keys -1, -2, …
        self.new = 0
        self.said: dict[int, dict] = {}
        self.topics: dict[str, Topic] = {}
        # Where a new contact that names no source of its own comes from.
        self.origin = f"msgu pack: {report.name} ({report.url})"

    def _key(self, line: int, contact: Contact) -> int | None:
        """The contact this one repeats: by a shared handle, else (no handles) name + region."""
        keys = {self.owners[k] for a in contact.accounts
                if (k := (a.platform, a.handle)) in self.owners}
        if len(keys) > 1:
            raise InvalidInput(Message(N_(
                "The pack's item {number} has accounts of several contacts ({ids}): nothing was "
                "changed."), {
                "number": line, "ids": ", ".join(f"#{k}" for k in sorted(keys) if k > 0) or "-"}))
        if keys:
            return keys.pop()
        if contact.accounts:
            return None
        return self.by_name.get((fold(contact.name), contact.region))

    def preload(self, contacts: list[Contact]) -> None:
        """Read at once every contact of the directory that the pack's contacts may repeat:
        the owners of their handles, the contacts of their names (those without handles), and
        those contacts whole (whose other accounts they keep)."""
        pairs = {(a.platform, a.handle) for c in contacts for a in c.accounts}
        self.owners = {(p, h): i for p, h, i, _name in account_owners(self.db, pairs)}
        names = {fold(c.name) for c in contacts if not c.accounts}
        for key, region, i, _name in contacts_named(self.db, names):
            self.by_name.setdefault((key, region), i)
        ids = {self.owners.get((a.platform, a.handle)) for c in contacts for a in c.accounts}
        ids |= {self.by_name.get((fold(c.name), c.region)) for c in contacts if not c.accounts}
        wanted = sorted(i for i in ids if i is not None)
        self.loaded = {c.id: c for c in store.load_contacts(self.db, wanted) if c.id is not None}
        for contact_id, known in self.loaded.items():
            for account in known.accounts:
                self.owners.setdefault((account.platform, account.handle), contact_id)

    def take(self, line: int, contact: Contact, created: list[Topic]) -> None:
        key = self._key(line, contact)
        if key is None:
            self.new += 1
            key = -self.new
            merged = new_member(contact)
            merged = merged if merged.source else replace(merged, source=self.origin)
        else:
            base = self.current.get(key) or self.loaded[key]
            repeated = key in self.said  # a pack listing one contact twice: both count
            before = None if repeated or key not in self.known else self.known[key][0]
            merged = merge_member(base, before, contact)
        for account in merged.accounts:
            self.owners.setdefault((account.platform, account.handle), key)
        self.by_name.setdefault((fold(merged.name), merged.region), key)
        self.current[key] = merged
        self.said[key] = snapshot(contact)
        for topic in created:
            self.topics.setdefault(topic.code, topic)

    def save(self, now: str) -> None:
        """New contacts, changed ones, the topics they need, and the pack's membership."""
        for key, contact in self.current.items():
            for account in contact.accounts:
                if self.owners[(account.platform, account.handle)] != key:
                    raise InvalidInput(Message(N_(
                        "The pack gives {account} to two contacts: nothing was changed."), {
                        "account": shown(f"{account.platform}:{account.handle}")}))
        save_topics(self.db, list(self.topics.values()), origin="user")
        self.report.created_topics = sorted(self.topics)
        new_keys = sorted((k for k in self.current if k < 0), reverse=True)
        ids = dict(zip(new_keys, store.save_contacts(
            self.db, [self.current[k] for k in new_keys], now=now), strict=True))
        changed = [c for k, c in self.current.items() if k > 0 and c != self.loaded.get(k)]
        store.save_contacts(self.db, changed, now=now)
        self.report.added = [(ids[k], self.current[k].name) for k in new_keys]
        self.report.updated = [(c.id, c.name) for c in changed if c.id is not None]
        said = {ids.get(k, k): s for k, s in self.said.items()}
        self.said = said
        subscriptions_store.save_members(self.db, self.subscription_id, said.items(), now=now)
        self._mark_departures(set(said), now)

    def _mark_departures(self, listed: set[int], now: str) -> None:
        left = [i for i, (_said, left_at) in self.known.items() if left_at is None
                and i not in listed]
        subscriptions_store.mark_left(self.db, self.subscription_id, left, now=now)
        names = {c.id: c.name for c in store.load_contacts(
            self.db, left + [i for i in listed if i in self.known])}
        self.report.left = [(i, names[i]) for i in left if i in names]
        self.report.returned = [(i, names[i]) for i, (_said, left_at) in self.known.items()
                                if left_at is not None and i in listed and i in names]
