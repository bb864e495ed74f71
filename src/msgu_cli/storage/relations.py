"""The organisation's side: its profile and its dated relationship history with contacts."""

from __future__ import annotations

import json
from collections.abc import Sequence

from sqlite_utils import Database

from ..domain.models import Profile, RelationEvent


def add_relation(db: Database, event: RelationEvent, *, now: str) -> None:
    db.execute(
        "INSERT INTO relations (contact_id, status, date, note, recorded_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [event.contact_id, event.status, event.date, event.note, now],
    )


def load_relations(db: Database, contact_ids: Sequence[int]) -> dict[int, list[RelationEvent]]:
    """Each contact's history, oldest first (by date, then by when it was recorded).

    The ids travel as one JSON array, so a whole directory's worth stays one query.
    """
    history: dict[int, list[RelationEvent]] = {}
    if not contact_ids:
        return history
    for contact_id, status, date, note in db.execute(
        "SELECT contact_id, status, date, note FROM relations "
        "WHERE contact_id IN (SELECT value FROM json_each(?)) ORDER BY contact_id, date, id",
        [json.dumps(list(contact_ids))],
    ):
        history.setdefault(contact_id, []).append(RelationEvent(contact_id, status, date, note))
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
                   tuple(json.loads(languages)), tuple(json.loads(platforms)), municipality)


def save_profile(db: Database, profile: Profile) -> None:
    db.execute(
        "INSERT OR REPLACE INTO profile (id, name, kind, region, mrc, topics, languages, platforms,"
        " municipality) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
        [profile.name, profile.kind, profile.region, profile.mrc, json.dumps(list(profile.topics)),
         json.dumps(list(profile.languages)), json.dumps(list(profile.platforms)),
         profile.municipality],
    )
