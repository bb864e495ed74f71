"""`msgu sync`: what the organisation's own Bluesky and Mastodon accounts show, over the public
APIs, recorded in the relationship history (forward only, each step dated and sourced).

Bluesky: `getFollows` of each own account (whom it follows, the directory's gaps included) and
`getRelationships` against every Bluesky account of the directory, 30 at a time (who follows
back). Mastodon: each own account's public `following` and `followers` lists on its home
server. Requests: per own Bluesky account, one per 100 accounts it follows plus one per 30
Bluesky accounts of the directory (5,000 contacts, 200 follows: 2 + 167).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..domain.models import Account, Contact, RelationEvent
from ..domain.relationships import Observation, observed_change, synced_platform
from ..domain.text import fold
from ..domain.vocabulary import parse_platform
from ..errors import ApiError, InvalidInput
from ..i18n import N_, Message, Text, _, english
from ..storage import contacts as store
from ..storage.connection import Database
from ..storage.database import transaction
from ..storage.graph import platform_accounts
from ..storage.relations import (
    add_relation,
    load_profile,
    load_relations,
    own_contact_ids,
    save_sync,
)
from .discover import fetched_account, new_candidate
from .reference import load_reference, today, utc_now

if TYPE_CHECKING:
    import httpx

    from ..clients.models import FollowList, RelationshipBatch, RemoteProfile

SYNCABLE = ("bluesky", "mastodon")
COLLECTIONS = {"bluesky": ("following",), "mastodon": ("following", "followers")}
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class StatusChange:
    contact_id: int
    name: str
    before: str
    after: str
    platform: str
    account: str  # the contact's account it was seen on
    own: str  # the organisation's account it was seen against


@dataclass(frozen=True)
class MissingAccount:
    """An account an own account follows that no contact holds."""

    platform: str
    handle: str
    followed_by: str  # the own account that follows it
    profile: RemoteProfile


@dataclass
class SyncReport:
    dry_run: bool = False
    read: list[tuple[str, str]] = field(default_factory=list)  # own accounts read
    changes: list[StatusChange] = field(default_factory=list)
    missing: list[MissingAccount] = field(default_factory=list)
    added: list[tuple[int, str]] = field(default_factory=list)  # id, name
    # platform, own account, error (a Message: people read it in their language, JSON in English)
    errors: list[tuple[str, str, Text]] = field(default_factory=list)
    not_found: list[tuple[str, str]] = field(default_factory=list)  # platform, handle


class _Directory:
    """The directory's Bluesky and Mastodon accounts, found by handle or, on Bluesky, by DID;
    `accounts` are those whose relationships sync reads: the organisation's own contacts
    (`held`) are left out."""

    def __init__(self, rows: Sequence[tuple[int, str, str, str | None]],
                 held: set[int]) -> None:
        self.accounts = [(contact_id, platform, handle) for contact_id, platform, handle, _x
                         in rows if contact_id not in held]
        self.dids = {handle: did for _c, platform, handle, did in rows
                     if platform == "bluesky" and did and did.startswith("did:")}
        self._keys: dict[tuple[str, str], tuple[int, str]] = {}
        for contact_id, platform, handle, _did in rows:
            self._keys[(platform, handle)] = (contact_id, handle)
        for handle, did in self.dids.items():
            self._keys.setdefault(("bluesky", did), self._keys[("bluesky", handle)])

    def handles(self, platform: str) -> list[str]:
        return [handle for _c, p, handle in self.accounts if p == platform]

    def find(self, platform: str, profile: RemoteProfile) -> tuple[int, str] | None:
        """(contact id, handle) of the account a list entry names, if the directory has it."""
        account = fetched_account(profile)
        keys = [(platform, account.handle)] if account else []
        if platform == "bluesky" and profile.remote_id:
            keys.append(("bluesky", profile.remote_id))
        return next((self._keys[k] for k in keys if k in self._keys), None)


def sync(db: Database, *, http: httpx.Client, platform: str | None = None,
         dry_run: bool = False, add_missing: bool = False,
         progress: Progress | None = None) -> SyncReport:
    """Read the own accounts' relationships and record what changed, in one transaction
    (nothing with `dry_run`). Raises ApiError, having written nothing, when nothing at all
    could be read; a platform that fails is listed in `errors` and changes nothing."""
    profile = load_profile(db)
    own = _own_accounts(profile.accounts, platform)
    directory = _Directory(platform_accounts(db, SYNCABLE), set(own_contact_ids(db, profile)))
    lists, batches = _read(http, own, directory, progress)
    report = SyncReport(dry_run=dry_run)
    seen = _observations(lists, batches, directory, report)
    _note_errors(lists, batches, report)
    if not report.read:
        first = report.errors[0][2] if report.errors else Message(N_("no answer"))
        raise ApiError(Message(N_("Nothing could be read for your own accounts: {error}"),
                               {"error": first}))
    report.changes = _changes(db, seen)
    report.missing = _missing(lists, directory, own)
    if not dry_run:
        _write(db, report, add_missing=add_missing)
    return report


def _own_accounts(accounts: Sequence[Account], platform: str | None) -> list[tuple[str, str]]:
    """The profile's Bluesky and Mastodon accounts (of `platform` only, when given)."""
    wanted = SYNCABLE if platform is None else (parse_platform(platform),)
    if platform is not None and wanted[0] not in SYNCABLE:
        raise InvalidInput(Message(N_(
            "sync reads Bluesky and Mastodon only: {platform} has no public API msgu can "
            "read."), {"platform": wanted[0]}))
    own = [(a.platform, a.handle) for a in accounts if a.platform in wanted]
    if not own:
        raise InvalidInput(Message(N_(
            "sync needs your organisation's own Bluesky or Mastodon account: set it with msgu "
            "profile set --bluesky HANDLE (or --mastodon user@instance), then run msgu sync "
            "again.")))
    return own


def _read(http: httpx.Client, own: list[tuple[str, str]], directory: _Directory,
          progress: Progress | None) -> tuple[list[FollowList], list[RelationshipBatch]]:
    """The own accounts' lists, then (for each own Bluesky account whose list could be
    started) its relationships with every Bluesky account of the directory."""
    from ..clients.bluesky import RELATIONSHIPS_BATCH
    from ..clients.social import fetch_follow_lists, fetch_relationships

    sky = directory.handles("bluesky")
    per_account = -(-len(sky) // RELATIONSHIPS_BATCH)
    total = sum(len(COLLECTIONS[p]) for p, _h in own) + per_account * sum(
        1 for p, _h in own if p == "bluesky")
    done = 0

    def step() -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, total)

    lists = []
    for follow_list in fetch_follow_lists(http, own, limit=None, collections=COLLECTIONS):
        lists.append(follow_list)
        step()
    batches = []
    for follow_list in lists:
        if follow_list.platform != "bluesky" or not sky:
            continue
        if follow_list.error and not follow_list.accounts:  # the account itself is unreadable
            done += per_account
            continue
        for batch in fetch_relationships(http, follow_list.handle, sky, dids=directory.dids):
            batches.append(batch)
            step()
    return lists, batches


def _observations(lists: list[FollowList], batches: list[RelationshipBatch],
                  directory: _Directory, report: SyncReport) -> dict[int, list[Observation]]:
    """contact id -> what was seen of its accounts against each own account."""
    seen: dict[int, list[Observation]] = {}
    read = {(fl.platform, fl.handle, fl.collection): fl for fl in lists}
    relations = {(b.actor, r.handle): r for b in batches for r in b.relationships}
    for (platform, own, collection), follow_list in read.items():
        if collection != "following":
            continue
        followed = {found for p in follow_list.accounts
                    if (found := directory.find(platform, p)) is not None}
        followers = read.get((platform, own, "followers"))
        fans = {found for p in (followers.accounts if followers else ())
                if (found := directory.find(platform, p)) is not None}
        for contact_id, account_platform, handle in directory.accounts:
            if account_platform != platform:
                continue
            key = (contact_id, handle)
            following = _said(key in followed, follow_list)
            followed_by = _said(key in fans, followers) if followers else None
            rel = relations.get((own, handle))
            if rel is not None and rel.found:
                following, followed_by = rel.following or key in followed, rel.followed_by
            elif rel is not None:
                report.not_found.append((platform, handle))
            if following is not None or followed_by is not None:
                seen.setdefault(contact_id, []).append(
                    Observation(platform, handle, own, following, followed_by))
    report.not_found = sorted(set(report.not_found))
    return seen


def _said(on_list: bool, follow_list: FollowList) -> bool | None:
    """On the list: yes. Missing from it: no, when the whole list was read; else unknown."""
    return True if on_list else (False if follow_list.complete else None)


def _note_errors(lists: list[FollowList], batches: list[RelationshipBatch],
                 report: SyncReport) -> None:
    """Which own accounts were read (at least in part), and what could not be read."""
    read: set[tuple[str, str]] = set()
    errors: set[tuple[str, str, Text]] = set()
    for fl in lists:
        if fl.complete or fl.accounts:
            read.add((fl.platform, fl.handle))
        if fl.error:
            errors.add((fl.platform, fl.handle, fl.error))
    for batch in batches:
        if batch.error is None:
            read.add(("bluesky", batch.actor))
        else:
            errors.add(("bluesky", batch.actor, Message(N_(
                "{error} ({count} account(s) of the directory not read)"), {
                "error": batch.error, "count": len(batch.handles)})))
    report.read = sorted(read)
    report.errors = sorted(errors, key=lambda item: (item[0], item[1], english(item[2])))


def _changes(db: Database, seen: dict[int, list[Observation]]) -> list[StatusChange]:
    ids = sorted(seen)
    contacts = {c.id: c for c in store.load_contacts(db, ids)}
    histories = load_relations(db, ids)
    changes = []
    for contact_id in ids:
        contact = contacts[contact_id]
        change = observed_change(contact.status, seen[contact_id], synced_on=synced_platform(
            histories.get(contact_id, []), contact.status))
        if change is not None:
            changes.append(StatusChange(contact_id, contact.name, contact.status, change.status,
                                        change.seen.platform, change.seen.account,
                                        change.seen.own))
    return sorted(changes, key=lambda c: (fold(c.name), c.contact_id))


def _missing(lists: list[FollowList], directory: _Directory,
             own: list[tuple[str, str]]) -> list[MissingAccount]:
    """Accounts the own accounts follow that no contact holds (nor the profile itself)."""
    found: dict[tuple[str, str], MissingAccount] = {}
    for fl in lists:
        if fl.collection != "following":
            continue
        for profile in fl.accounts:
            account = fetched_account(profile)
            if (account is None or directory.find(fl.platform, profile) is not None
                    or (account.platform, account.handle) in own):
                continue
            found.setdefault((account.platform, account.handle),
                             MissingAccount(account.platform, account.handle, fl.handle, profile))
    return [found[key] for key in sorted(found)]


def _write(db: Database, report: SyncReport, *, add_missing: bool) -> None:
    """Every change a dated history step that says where it was observed; the candidates;
    when each own account was read."""
    day, now = today(), utc_now()
    with transaction(db):
        for change in report.changes:
            note = _note(change)
            add_relation(db, RelationEvent(change.contact_id, change.after, day, note,
                                           observed_on=change.platform), now=now)
            store.set_status(db, change.contact_id, change.after, now=now)
        if add_missing and report.missing:
            report.added = _add_candidates(db, report.missing, day)
        save_sync(db, report.read, synced_at=now, changes=len(report.changes))


def _note(change: StatusChange) -> str:
    """The history step's note: written once, in the language of this run, for the person who
    keeps the record (like the notes people give `follow`), and stored as it is."""
    values = {"platform": change.platform, "own": change.own, "account": change.account}
    if change.after == "unfollowed":
        return _("Observed by msgu sync on {platform}: {own} no longer follows {account}."
                 ).format(**values)
    if change.after == "follows-back":
        return _("Observed by msgu sync on {platform}: {own} and {account} follow each "
                 "other.").format(**values)
    return _("Observed by msgu sync on {platform}: {own} follows {account}.").format(**values)


def _add_candidates(db: Database, missing: list[MissingAccount],
                    day: str) -> list[tuple[int, str]]:
    """The missing accounts as `candidate` contacts, named and described as they are."""
    taxonomy = load_reference(db).taxonomy
    contacts: list[Contact] = []
    for item in missing:
        account = fetched_account(item.profile)
        if account is not None:
            contacts.append(new_candidate(
                account, item.profile, taxonomy,
                source=f"msgu sync, {day}: followed by {item.platform}:{item.followed_by}"))
    ids = store.save_contacts(db, contacts, now=utc_now())
    return [(contact_id, c.name) for contact_id, c in zip(ids, contacts, strict=True)]

