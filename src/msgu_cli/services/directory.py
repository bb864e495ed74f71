"""Use cases of the directory: add, find, show, edit, remove contacts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from sqlite_utils import Database

from ..domain.handles import candidate_accounts, parse_account_spec
from ..domain.models import Contact, RelationEvent, Topic
from ..errors import InvalidInput, NotFound
from ..storage import contacts as store
from ..storage.database import transaction
from ..storage.reference import save_topics
from ..storage.relations import add_relation
from .fields import FieldValue, contact_from_fields, resolve_topics
from .reference import Reference, load_reference, today, utc_now


def resolve_ref(db: Database, ref: str) -> int:
    """A contact id from an id, any spelling of one of its handles, or its exact name."""
    text = ref.strip()
    if not text:
        raise InvalidInput("Empty contact reference: give an id, a handle or a name.")
    if text.isdigit() and store.contact_exists(db, int(text)):
        return int(text)
    by_handle = set(store.find_by_accounts(db, candidate_accounts(text)).values())
    matches = sorted(by_handle) if by_handle else store.find_by_name(db, text)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise NotFound(
            f"No contact matches '{ref}'. Try 'msgu search {text}' or 'msgu list' to find its id."
        )
    listed = "; ".join(f"#{c.id} {c.name}" for c in store.load_contacts(db, matches))
    raise InvalidInput(f"'{ref}' matches several contacts: {listed}. Use the id instead.")


def get_contact(db: Database, ref: str) -> Contact:
    return store.load_contacts(db, [resolve_ref(db, ref)])[0]


def _check_accounts_free(db: Database, contact: Contact) -> None:
    taken = store.find_by_accounts(db, [(a.platform, a.handle) for a in contact.accounts])
    for (platform, handle), owner in taken.items():
        if owner != contact.id:
            name = store.load_contacts(db, [owner])[0].name
            raise InvalidInput(
                f"The {platform} account '{handle}' already belongs to #{owner} {name}. "
                f"Edit that contact instead (msgu edit {owner} …)."
            )


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
    extra = [_spec(s) for s in account_specs]
    contact = replace(contact, accounts=_merge_accounts(contact.accounts, extra))
    with transaction(db):
        _check_accounts_free(db, contact)
        contact = _save(db, contact, created)
        if contact.status not in ("none", "candidate"):
            add_relation(db, RelationEvent(contact.id, contact.status, today()), now=utc_now())
    return contact


def _spec(spec: str):
    try:
        return parse_account_spec(spec)
    except InvalidInput as error:
        raise InvalidInput(f"--account '{spec}': {error}") from None


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
            add_relation(db, RelationEvent(saved.id, saved.status, today()), now=utc_now())
    return saved


def _apply_edit(
    contact: Contact, edit: Edit, ref: Reference, create_topics: bool
) -> tuple[Contact, list[Topic]]:
    added, created = resolve_topics(edit.add_topics, ref.taxonomy, create=create_topics,
                                    column="--add-topic")
    removed, _ = resolve_topics(edit.remove_topics, ref.taxonomy, create=False,
                                column="--remove-topic")
    missing = [t for t in removed if t not in contact.topics + contact.suggested_topics]
    if missing:
        raise InvalidInput(f"#{contact.id} {contact.name} has no topic {', '.join(missing)}.")
    topics = tuple(t for t in dict.fromkeys((*contact.topics, *added)) if t not in removed)
    suggested = tuple(t for t in contact.suggested_topics if t not in removed + topics)
    drop = {(a.platform, a.handle) for a in map(_spec, edit.remove_accounts)}
    unknown = drop - {(a.platform, a.handle) for a in contact.accounts}
    if unknown:
        platform, handle = sorted(unknown)[0]
        raise InvalidInput(f"#{contact.id} {contact.name} has no {platform} account '{handle}'.")
    kept = [a for a in contact.accounts if (a.platform, a.handle) not in drop]
    accounts = _merge_accounts(kept, [_spec(s) for s in edit.add_accounts])
    return replace(contact, topics=topics, suggested_topics=suggested, accounts=accounts), created


def remove_contact(db: Database, ref: str) -> Contact:
    with transaction(db):
        contact = get_contact(db, ref)
        store.delete_contact(db, contact.id)
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
        raise InvalidInput("Empty search: give one or more words, e.g. msgu search inondations.")
    ids = [i for i, _ in store.search_contact_ids(db, text, limit=limit)]
    return store.load_contacts(db, ids)
