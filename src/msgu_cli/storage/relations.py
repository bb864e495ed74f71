"""The organisation's side: its profile and its dated relationship history with contacts."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..domain.models import Account, Profile, RelationEvent
from .connection import Database
from .contacts import find_by_accounts


def add_relation(db: Database, event: RelationEvent, *, now: str) -> None:
    db.execute(
        "INSERT INTO relations (contact_id, status, date, note, recorded_at, observed_on) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [event.contact_id, event.status, event.date, event.note, now, event.observed_on],
    )


def load_relations(db: Database, contact_ids: Sequence[int]) -> dict[int, list[RelationEvent]]:
    """Each contact's history, oldest first (by date, then by when it was recorded).

    The ids travel as one JSON array, so a whole directory's worth stays one query.
    """
    history: dict[int, list[RelationEvent]] = {}
    if not contact_ids:
        return history
    for contact_id, status, date, note, observed_on in db.execute(
        "SELECT contact_id, status, date, note, observed_on FROM relations "
        "WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, date, id",
        [json.dumps(list(contact_ids))],
    ):
        history.setdefault(contact_id, []).append(
            RelationEvent(contact_id, status, date, note, observed_on))
    return history


def load_profile(db: Database) -> Profile:
    row = db.execute(
        "SELECT name, kind, region, mrc, topics, languages, platforms, municipality FROM profile "
        "WHERE id = 1"
    ).fetchone()
    if row is None:
        return Profile()
    name, kind, region, mrc, topics, languages, platforms, municipality = row
    return Profile(name, kind, region, mrc, tuple(json.loads(topics)),
                   tuple(json.loads(languages)), tuple(json.loads(platforms)),
                   municipality=municipality, accounts=load_profile_accounts(db))


def own_contact_ids(db: Database, profile: Profile) -> tuple[int, ...]:
    """Contacts holding one of the profile's own accounts: the organisation itself, never
    recommended to itself, nor a relationship for sync and next."""
    held = find_by_accounts(db, [(a.platform, a.handle) for a in profile.accounts])
    return tuple(sorted(set(held.values())))


def load_profile_accounts(db: Database) -> tuple[Account, ...]:
    """The organisation's own accounts, by platform then handle."""
    return tuple(Account(platform, handle, url) for platform, handle, url in db.execute(
        "SELECT platform, handle, url FROM profile_accounts ORDER BY platform, handle"))


def save_profile(db: Database, profile: Profile) -> None:
    db.execute(
        "INSERT OR REPLACE INTO profile (id, name, kind, region, mrc, topics, languages, platforms,"
        " municipality) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
        [profile.name, profile.kind, profile.region, profile.mrc, json.dumps(list(profile.topics)),
         json.dumps(list(profile.languages)), json.dumps(list(profile.platforms)),
         profile.municipality],
    )
    db.execute("DELETE FROM profile_accounts")
    db.conn.executemany("INSERT INTO profile_accounts (platform, handle, url) VALUES (?, ?, ?)",
                        [(a.platform, a.handle, a.url) for a in profile.accounts])


def save_sync(db: Database, accounts: Sequence[tuple[str, str]], *, synced_at: str,
              changes: int) -> None:
    """Remember a sync that read the own `accounts` (platform, handle) and changed `changes`
    statuses, after its steps."""
    db.execute("INSERT INTO syncs (synced_at, accounts, changes, last_step) "
               "VALUES (?, ?, ?, (SELECT coalesce(max(id), 0) FROM relations))",
               [synced_at, json.dumps([list(a) for a in accounts]), changes])


def steps_since_previous_sync(db: Database, status: str) -> set[int]:
    """Contacts with a `status` step recorded after the sync before the latest one that saw a
    change (a sync that saw nothing new does not make earlier news old); every such contact
    when there were fewer than two such syncs."""
    previous = db.execute("SELECT last_step FROM syncs WHERE changes > 0 "
                          "ORDER BY id DESC LIMIT 1 OFFSET 1").fetchone()
    return {row[0] for row in db.execute(
        "SELECT DISTINCT contact_id FROM relations WHERE status = ? AND id > ?",
        [status, previous[0] if previous else 0])}


def statuses_held(db: Database, statuses: Sequence[str]) -> dict[int, set[str]]:
    """contact id -> which of `statuses` it holds now or held in its history."""
    marks = ", ".join("?" * len(statuses))
    held: dict[int, set[str]] = {}
    for contact_id, status in db.execute(
        f"SELECT contact_id, status FROM relations WHERE status IN ({marks}) "
        f"UNION SELECT id, status FROM contacts WHERE status IN ({marks})",
        [*statuses, *statuses],
    ):
        held.setdefault(contact_id, set()).add(status)
    return held


def waiting_candidates(db: Database, *, limit: int) -> list[tuple[int, str]]:
    """(id, date added) of the candidates waiting for review, the longest-waiting first (then
    by name)."""
    return [(row[0], row[1][:10]) for row in db.execute(
        "SELECT id, created_at FROM contacts WHERE status = 'candidate' "
        "ORDER BY created_at, name_key, id LIMIT ?", [limit])]
