"""The organisation's relationships (follow, network) and its profile."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from ..domain.handles import parse_account_spec
from ..domain.models import STATUSES, Account, Contact, Profile, RelationEvent
from ..domain.relationships import FUNNEL, FunnelStage, relationship_funnel
from ..domain.text import shown
from ..domain.vocabulary import parse_kind, parse_language, parse_platform, parse_status
from ..errors import InvalidInput
from ..i18n import N_, Message
from ..storage import contacts as store
from ..storage.connection import Database
from ..storage.database import transaction
from ..storage.relations import (
    add_relation,
    load_profile,
    load_relations,
    save_profile,
    statuses_held,
)
from .directory import resolve_ref
from .fields import check_fields, check_name_length, check_text, municipality_fields, unix_lines
from .reference import Reference, load_reference, today, utc_now

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
        raise InvalidInput(Message(N_(
            "Invalid date '{value}': use YYYY-MM-DD, e.g. 2026-06-12."), {"value": shown(value)}))
    if day.isoformat() > today():
        raise InvalidInput(Message(N_(
            "The date {date} is in the future: record what has happened, on {today} or before."), {
            "date": text, "today": today()}))
    return day.isoformat()


def follow(
    db: Database, refs: Sequence[str], *, status: str = "following", note: str | None = None,
    on: str | None = None,
) -> list[Contact]:
    """Record a step in the relationship with each contact; all or none are recorded."""
    if not refs:
        raise InvalidInput(Message(N_("Name at least one contact to follow.")))
    code = parse_status(status)
    if code in ("none", "candidate"):
        raise InvalidInput(Message(N_(
            "'{status}' is not a relationship step: use one of {steps}."), {
            "status": code,
            "steps": ", ".join(s for s in STATUSES if s not in ("none", "candidate"))}))
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


def _profile_municipality(changes: dict, updates: dict, profile: Profile,
                          ref: Reference) -> dict:
    """A municipality given fills in the MRC and region (and must lie in those given with it);
    a new region or MRC drops the old municipality that lies outside it."""
    if "municipality" in changes:
        return municipality_fields(changes["municipality"].strip(), ref,
                                   updates.get("region") if "region" in changes else None,
                                   updates.get("mrc") if "mrc" in changes else None)
    moved = (updates.get("region", profile.region), updates.get("mrc", profile.mrc)) != (
        profile.region, profile.mrc)
    return {"municipality": None} if moved and profile.municipality else {}


def _own_accounts(stored: Sequence[Account], specs: Sequence[str]) -> tuple[Account, ...]:
    """The organisation's accounts after `profile set`: each `PLATFORM:HANDLE` normalised as
    a contact's would be; those given for a platform replace that platform's stored ones."""
    given = []
    for spec in specs:
        try:
            given.append(parse_account_spec(spec))
        except InvalidInput as error:
            raise InvalidInput(Message(N_(
                "The profile's account {spec} is not valid: {reason}"), {
                "spec": shown(spec), "reason": error.message})) from None
    replaced = {a.platform for a in given}
    kept = [a for a in stored if a.platform not in replaced]
    merged = {(a.platform, a.handle): a for a in (*kept, *given)}
    return tuple(merged[key] for key in sorted(merged))


def funnel(db: Database) -> list[FunnelStage]:
    """How many contacts reached each stage of the relationship, now or in their history."""
    return relationship_funnel(statuses_held(db, FUNNEL))


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
    updates.update(_profile_municipality(changes, updates, profile, ref))
    if "topics" in changes:
        updates["topics"] = tuple(dict.fromkeys(ref.taxonomy.resolve(t) for t in changes["topics"]))
    if "languages" in changes:
        updates["languages"] = tuple(dict.fromkeys(parse_language(v) for v in changes["languages"]))
    if "platforms" in changes:
        updates["platforms"] = tuple(dict.fromkeys(parse_platform(p)
                                                   for p in changes["platforms"]))
    if "accounts" in changes:
        updates["accounts"] = _own_accounts(profile.accounts, changes["accounts"])
    for name in clear:
        if name not in Profile.__dataclass_fields__:
            raise InvalidInput(Message(N_(
                "Unknown profile field '{name}': use one of {fields}."), {
                "name": shown(name), "fields": ", ".join(Profile.__dataclass_fields__)}))
        updates[name] = () if isinstance(getattr(profile, name), tuple) else None
    profile = replace(profile, **updates)
    with transaction(db):
        save_profile(db, profile)
    return profile
