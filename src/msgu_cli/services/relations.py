"""The organisation's relationships (follow, network) and its profile."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from sqlite_utils import Database

from ..domain.models import STATUSES, Contact, Profile, RelationEvent
from ..domain.text import shown
from ..domain.vocabulary import parse_kind, parse_language, parse_platform, parse_status
from ..errors import InvalidInput
from ..i18n import _
from ..storage import contacts as store
from ..storage.database import transaction
from ..storage.relations import add_relation, load_profile, load_relations, save_profile
from .directory import resolve_ref
from .fields import check_fields, check_name_length, check_text, unix_lines
from .reference import load_reference, today, utc_now

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def parse_date(value: str | None) -> str:
    """YYYY-MM-DD, a real calendar date, not in the future; today when not given."""
    if value is None:
        return today()
    text = value.strip()
    try:
        day = date.fromisoformat(text) if _DATE.match(text) else None
    except ValueError:
        day = None
    if day is None:
        raise InvalidInput(_("Invalid date '{value}': use YYYY-MM-DD, e.g. 2026-06-12.").format(
            value=shown(value)))
    if day.isoformat() > today():
        raise InvalidInput(_("The date {date} is in the future: record what has happened, "
                             "on {today} or before.").format(date=text, today=today()))
    return day.isoformat()


def follow(
    db: Database, refs: Sequence[str], *, status: str = "following", note: str | None = None,
    on: str | None = None,
) -> list[Contact]:
    """Record a step in the relationship with each contact; all or none are recorded."""
    if not refs:
        raise InvalidInput(_("Name at least one contact to follow."))
    code = parse_status(status)
    if code in ("none", "candidate"):
        raise InvalidInput(_("'{status}' is not a relationship step: use one of {steps}.").format(
            status=code, steps=", ".join(s for s in STATUSES if s not in ("none", "candidate"))))
    if note is not None:
        note = unix_lines(note)
        check_text("--note", note)
    day = parse_date(on)
    with transaction(db):
        ids = list(dict.fromkeys(resolve_ref(db, r) for r in refs))
        for contact_id in ids:
            add_relation(db, RelationEvent(contact_id, code, day, note or None), now=utc_now())
            store.set_status(db, contact_id, _current_status(db, contact_id), now=utc_now())
    return store.load_contacts(db, ids)


def _current_status(db: Database, contact_id: int) -> str:
    """The latest step by date (a back-dated note does not undo a newer status)."""
    history = load_relations(db, [contact_id])[contact_id]
    return history[-1].status


@dataclass(frozen=True)
class Relationship:
    contact: Contact
    history: tuple[RelationEvent, ...]


def network(db: Database) -> dict[str, list[Relationship]]:
    """Relationships grouped by current status (all but none and candidate), in status order."""
    shown = [s for s in STATUSES if s not in ("none", "candidate")]
    ids = store.filter_contact_ids(db, statuses=shown)
    contacts = store.load_contacts(db, ids)
    histories = load_relations(db, ids)
    groups: dict[str, list[Relationship]] = {s: [] for s in shown}
    for contact in contacts:
        groups[contact.status].append(
            Relationship(contact, tuple(histories.get(contact.saved_id(), ()))))
    return {status: items for status, items in groups.items() if items}


def get_profile(db: Database) -> Profile:
    return load_profile(db)


def set_profile(db: Database, changes: dict, *, clear: Sequence[str] = ()) -> Profile:
    """Update the fields given; lists given replace the stored ones; `clear` empties fields."""
    check_fields(changes)
    check_fields({"--clear": list(clear)})
    ref = load_reference(db)
    profile = load_profile(db)
    updates: dict = {}
    if "name" in changes:
        updates["name"] = changes["name"].strip() or None
        check_name_length(updates["name"] or "")
    if "kind" in changes:
        updates["kind"] = parse_kind(changes["kind"])
    if "region" in changes:
        updates["region"] = ref.geography.parse_region(changes["region"])
    if "mrc" in changes:
        mrc = ref.geography.parse_mrc(changes["mrc"], updates.get("region", profile.region))
        updates["mrc"], updates["region"] = mrc.name, mrc.region
    elif "region" in updates and profile.mrc and updates["region"] != profile.region:
        updates["mrc"] = None  # the old MRC is not in the new region
    if "topics" in changes:
        updates["topics"] = tuple(dict.fromkeys(ref.taxonomy.resolve(t) for t in changes["topics"]))
    if "languages" in changes:
        updates["languages"] = tuple(dict.fromkeys(parse_language(v) for v in changes["languages"]))
    if "platforms" in changes:
        updates["platforms"] = tuple(dict.fromkeys(parse_platform(p)
                                                   for p in changes["platforms"]))
    for name in clear:
        if name not in Profile.__dataclass_fields__:
            raise InvalidInput(_("Unknown profile field '{name}': use one of {fields}.").format(
                name=shown(name), fields=", ".join(Profile.__dataclass_fields__)))
        updates[name] = () if isinstance(getattr(profile, name), tuple) else None
    profile = replace(profile, **updates)
    with transaction(db):
        save_profile(db, profile)
    return profile
