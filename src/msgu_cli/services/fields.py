"""Turning what a person typed (options, CSV cells, JSON) into a valid Contact: one path for all."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import replace

from ..domain.handles import parse_account
from ..domain.models import PLATFORMS, Account, Contact, Topic
from ..domain.taxonomy import Taxonomy
from ..domain.vocabulary import parse_kind, parse_language, parse_scope, parse_status
from ..errors import InvalidInput
from .reference import Reference

FieldValue = str | Sequence[str]
TEXT_FIELDS = ("municipality", "description", "notes", "source")


class FieldError(InvalidInput):
    """A bad value in one named field (a CSV column, an option)."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


def _one(value: FieldValue) -> str:
    if isinstance(value, str):
        return value.strip()
    return " | ".join(v.strip() for v in value if v.strip())


def _many(value: FieldValue) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    return [item.strip() for item in items if item and item.strip()]


def _checked(column: str, parse, value):
    try:
        return parse(value)
    except InvalidInput as error:
        raise FieldError(column, str(error)) from None


def resolve_topics(
    labels: Sequence[str], taxonomy: Taxonomy, *, create: bool, column: str = "topics"
) -> tuple[list[str], list[Topic]]:
    """Topic codes for labels in either language; unknown ones created when `create`."""
    codes: list[str] = []
    created: list[Topic] = []
    for label in labels:
        code = taxonomy.find(label)
        if code is None and create:
            topic = _checked(column, Taxonomy.new_topic, label)
            known = taxonomy.find(topic.code) or next(
                (t.code for t in created if t.code == topic.code), None)
            if known is None:
                created.append(topic)
            code = known or topic.code
        if code is None:
            _checked(column, functools.partial(taxonomy.resolve, creatable=True), label)
        codes.append(code)
    return list(dict.fromkeys(codes)), created


def parse_accounts(fields: Mapping[str, FieldValue]) -> list[Account]:
    accounts: list[Account] = []
    for platform in PLATFORMS:
        if platform not in fields:  # most rows name two or three platforms of ten
            continue
        for text in _many(fields[platform]):
            try:
                accounts.append(parse_account(platform, text))
            except InvalidInput as error:
                raise FieldError(platform, str(error)) from None
    return accounts


def contact_from_fields(
    fields: Mapping[str, FieldValue], ref: Reference, *, create_topics: bool = False,
    base: Contact | None = None,
) -> tuple[Contact, list[Topic]]:
    """Validate `fields` (canonical column names) onto `base`: a field left out keeps its value."""
    contact = base or Contact(name="")
    changes: dict = {}
    if "name" in fields:
        changes["name"] = _one(fields["name"])
    if "kind" in fields:
        changes["kind"] = _checked("kind", parse_kind, _one(fields["kind"]))
    if "scope" in fields:
        changes["scope"] = _checked("scope", parse_scope, _one(fields["scope"]))
    if "status" in fields:
        changes["status"] = _checked("status", parse_status, _one(fields["status"]))
    if "languages" in fields:
        changes["languages"] = tuple(dict.fromkeys(
            _checked("languages", parse_language, v) for v in _many(fields["languages"])))
    for column in TEXT_FIELDS:
        if column in fields:
            changes[column] = _one(fields[column]) or None
    changes.update(_territory(fields, ref, contact))
    created: list[Topic] = []
    if "topics" in fields:
        codes, created = resolve_topics(_many(fields["topics"]), ref.taxonomy,
                                        create=create_topics)
        changes["topics"] = tuple(codes)
    new_accounts = parse_accounts(fields)
    if new_accounts:
        merged = {(a.platform, a.handle): a for a in (*contact.accounts, *new_accounts)}
        changes["accounts"] = tuple(merged.values())
    contact = replace(contact, **changes)
    if not contact.name:
        raise FieldError("name", "The name is empty: give the contact's name.")
    return contact, created


def _territory(fields: Mapping[str, FieldValue], ref: Reference, base: Contact) -> dict:
    """Region by number or name; an MRC must lie in that region (and implies it when alone)."""
    changes: dict = {}
    region = base.region
    region_text = _one(fields.get("region", "")) or _one(fields.get("region_name", ""))
    if region_text:
        region = _checked("region", ref.geography.parse_region, region_text)
        changes["region"] = region
    mrc_text = _one(fields.get("mrc", ""))
    if mrc_text:
        mrc = _checked("mrc", lambda v: ref.geography.parse_mrc(v, region if region_text
                                                                 else None), mrc_text)
        changes["mrc"] = mrc.name
        if not region_text:
            changes["region"] = mrc.region
    return changes
