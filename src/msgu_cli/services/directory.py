"""Use cases of the directory: add, find, show, edit, remove contacts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..domain.handles import candidate_accounts, parse_account_spec
from ..domain.models import Account, Contact, RelationEvent, Topic
from ..domain.text import shown
from ..errors import InvalidInput, NotFound
from ..i18n import N_, Message
from ..storage import contacts as store
from ..storage.connection import Database
from ..storage.database import transaction
from ..storage.reference import save_topics
from ..storage.relations import add_relation
from .fields import FieldValue, check_text, contact_from_fields, resolve_topics
from .reference import Reference, load_reference, today, utc_now

_LARGEST_ID = 2**63 - 1  # SQLite's largest integer: a longer number names no contact
_LISTED_CANDIDATES = 10


def _as_id(text: str) -> int | None:
    """The id `text` spells in ASCII digits (`１` and `²` are not digits of an id), or None."""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text) if len(text) <= 19 else _LARGEST_ID + 1
    return number if 0 < number <= _LARGEST_ID else None


def resolve_ref(db: Database, ref: str) -> int:
    """A contact id from an id, any spelling of one of its handles, or its exact name.

    `#N` is always the id. A bare number that is one contact's id and another's name or
    handle is ambiguous, like a name two contacts share: the error lists the candidates.
    """
    text = ref.strip()
    if not text:
        raise InvalidInput(Message(N_(
            "Empty contact reference: give an id, a handle or a name.")))
    if text.startswith("#") and text[1:].isascii() and text[1:].isdigit():
        number = _as_id(text[1:])
        if number is None or not store.contact_exists(db, number):
            raise NotFound(Message(N_(
                "No contact has the id {ref}. Try 'msgu list' to see the ids."), {
                "ref": shown(text)}))
        return number
    number = _as_id(text)
    matches = {number} if number is not None and store.contact_exists(db, number) else set()
    matches |= set(store.find_by_accounts(db, candidate_accounts(text)).values())
    matches |= set(store.find_by_name(db, text))
    if len(matches) == 1:
        return matches.pop()
    if not matches:
        raise NotFound(Message(N_(
            "No contact matches '{ref}'. Try 'msgu search …' or 'msgu list' to find its id."), {
            "ref": shown(text)}))
    found = store.load_contacts(db, sorted(matches)[:_LISTED_CANDIDATES])
    listed = [f"#{c.id} {shown(c.name, 40)}" for c in found]
    more = len(matches) - len(found)
    raise InvalidInput(Message(N_(
        "'{ref}' matches several contacts: {listed}{more}. Use the id instead (#{id})."), {
        "ref": shown(text), "listed": listed, "id": found[0].id,
        "more": Message(N_(" and {count} more"), {"count": more}) if more > 0 else ""}))


def get_contact(db: Database, ref: str) -> Contact:
    return store.load_contacts(db, [resolve_ref(db, ref)])[0]


def _check_accounts_free(db: Database, contact: Contact) -> None:
    taken = store.find_by_accounts(db, [(a.platform, a.handle) for a in contact.accounts])
    for (platform, handle), owner in taken.items():
        if owner != contact.id:
            name = store.load_contacts(db, [owner])[0].name
            raise InvalidInput(Message(N_(
                "The {platform} account '{handle}' already belongs to #{id} {name}. Edit that "
                "contact instead (msgu edit {id} …)."), {
                "platform": platform, "handle": shown(handle), "id": owner, "name": shown(name)}))


def _save(db: Database, contact: Contact, created: Sequence[Topic]) -> Contact:
    save_topics(db, created, origin="user")
    [contact_id] = store.save_contacts(db, [contact], now=utc_now())
    return replace(contact, id=contact_id)


def add_contact(
    db: Database, fields: Mapping[str, FieldValue], account_specs: Sequence[str] = (),
    *, create_topics: bool = False,
) -> Contact:
    """Record a new contact; its accounts must not belong to anyone yet."""
    ref = load_reference(db)
    contact, created = contact_from_fields(fields, ref, create_topics=create_topics)
    extra = [_spec(spec) for spec in account_specs]
    contact = replace(contact, accounts=_merge_accounts(contact.accounts, extra))
    with transaction(db):
        _check_accounts_free(db, contact)
        contact = _save(db, contact, created)
        if contact.status not in ("none", "candidate"):
            add_relation(db, RelationEvent(contact.saved_id(), contact.status, today()),
                         now=utc_now())
    return contact


def _spec(spec: str, option: str = "--account") -> Account:
    check_text(option, spec)
    try:
        return parse_account_spec(spec)
    except InvalidInput as error:
        raise InvalidInput(Message(N_("{option} '{spec}': {error}"), {
            "option": option, "spec": shown(spec), "error": error.message})) from None


def _merge_accounts(accounts, extra):
    return tuple({(a.platform, a.handle): a for a in (*accounts, *extra)}.values())


@dataclass(frozen=True)
class Edit:
    """What `msgu edit` may change besides plain fields."""

    add_topics: Sequence[str] = ()
    remove_topics: Sequence[str] = ()
    add_accounts: Sequence[str] = ()
    remove_accounts: Sequence[str] = ()


def edit_contact(
    db: Database, ref: str, fields: Mapping[str, FieldValue], edit: Edit,
    *, create_topics: bool = False,
) -> Contact:
    reference = load_reference(db)
    with transaction(db):
        base = get_contact(db, ref)
        contact, created = contact_from_fields(fields, reference, create_topics=create_topics,
                                               base=base)
        contact, more = _apply_edit(contact, edit, reference, create_topics)
        _check_accounts_free(db, contact)
        saved = _save(db, contact, [*created, *more])
        if saved.status != base.status:
            add_relation(db, RelationEvent(saved.saved_id(), saved.status, today()),
                         now=utc_now())
    return saved


def _apply_edit(
    contact: Contact, edit: Edit, ref: Reference, create_topics: bool
) -> tuple[Contact, list[Topic]]:
    added, created = resolve_topics(edit.add_topics, ref.taxonomy, create=create_topics,
                                    column="--add-topic")
    removed, _created = resolve_topics(edit.remove_topics, ref.taxonomy, create=False,
                                       column="--remove-topic")
    carried = {*contact.topics, *contact.suggested_topics}
    missing = [t for t in removed if t not in carried]
    if missing:
        raise InvalidInput(Message(N_(
            "#{id} {name} has no topic {topics}."), {
            "id": contact.id, "name": shown(contact.name), "topics": ", ".join(missing)}))
    topics = tuple(t for t in dict.fromkeys((*contact.topics, *added)) if t not in removed)
    suggested = tuple(t for t in contact.suggested_topics
                      if t not in removed and t not in topics)
    drop = {(a.platform, a.handle)
            for a in (_spec(spec, "--remove-account") for spec in edit.remove_accounts)}
    unknown = drop - {(a.platform, a.handle) for a in contact.accounts}
    if unknown:
        platform, handle = sorted(unknown)[0]
        raise InvalidInput(Message(N_(
            "#{id} {name} has no {platform} account '{handle}'."), {
            "id": contact.id, "name": shown(contact.name), "platform": platform,
            "handle": shown(handle)}))
    kept = [a for a in contact.accounts if (a.platform, a.handle) not in drop]
    accounts = _merge_accounts(kept, [_spec(spec, "--add-account")
                                      for spec in edit.add_accounts])
    return replace(contact, topics=topics, suggested_topics=suggested, accounts=accounts), created


def remove_contact(db: Database, ref: str) -> Contact:
    with transaction(db):
        contact = get_contact(db, ref)
        store.delete_contact(db, contact.saved_id())
    return contact


@dataclass(frozen=True)
class Filters:
    """The directory filters shared by list, export and recommend --output."""

    kinds: Sequence[str] = ()
    regions: Sequence[str] = ()
    mrcs: Sequence[str] = ()
    topics: Sequence[str] = ()
    statuses: Sequence[str] = ()
    platforms: Sequence[str] = ()


def parse_filters(db: Database, raw: Mapping[str, Sequence[str]]) -> Filters:
    """Words of either language for kinds, regions, topics, statuses and platforms -> codes."""
    from ..domain.vocabulary import parse_kind, parse_platform, parse_status

    kinds = [parse_kind(k) for k in raw.get("kinds", ())]
    statuses = [parse_status(s) for s in raw.get("statuses", ())]
    platforms = [parse_platform(p) for p in raw.get("platforms", ())]
    if not any(raw.get(name) for name in ("regions", "mrcs", "topics")):
        return Filters(kinds=kinds, statuses=statuses, platforms=platforms)
    ref = load_reference(db)  # the taxonomy and the MRCs, only when a filter needs them
    regions = [ref.geography.parse_region(r) for r in raw.get("regions", ())]
    mrcs = [ref.geography.parse_mrc(m, regions[0] if len(regions) == 1 else None).name
            for m in raw.get("mrcs", ())]
    return Filters(
        kinds=kinds,
        regions=regions,
        mrcs=mrcs,
        topics=[ref.taxonomy.resolve(t) for t in raw.get("topics", ())],
        statuses=statuses,
        platforms=platforms,
    )


def matching_ids(db: Database, filters: Filters, *, limit: int | None = None) -> list[int]:
    """Ids of the contacts that pass `filters`, by name."""
    return store.filter_contact_ids(
        db, kinds=filters.kinds, regions=filters.regions, mrcs=filters.mrcs,
        topics=filters.topics, statuses=filters.statuses, platforms=filters.platforms,
        limit=limit,
    )


def list_contacts(db: Database, filters: Filters, *, limit: int | None = None) -> list[Contact]:
    return store.load_contacts(db, matching_ids(db, filters, limit=limit))


def search_contacts(db: Database, text: str, *, limit: int = 20) -> list[Contact]:
    if not text.strip():
        raise InvalidInput(Message(N_(
            "Empty search: give one or more words, e.g. msgu search inondations.")))
    ids = [contact_id for contact_id, _rank in store.search_contact_ids(db, text, limit=limit)]
    return store.load_contacts(db, ids)
