"""Turning what a person typed (options, CSV cells, JSON) into a valid Contact: one path for all."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from ..domain.handles import parse_account
from ..domain.models import PLATFORMS, Account, Contact, Topic
from ..domain.taxonomy import Taxonomy
from ..domain.text import first_unsafe, shown, unsafe_characters
from ..domain.vocabulary import parse_kind, parse_language, parse_scope, parse_status
from ..errors import InvalidInput
from ..i18n import N_, Message, Text
from .reference import Reference

FieldValue = str | Sequence[str]
NAME_LIMIT = 500  # an organisation's full name fits; a pasted page does not
TEXT_FIELDS = ("description", "notes", "source")
# The fields where a person's line breaks and tabs belong (contract: text safety).
MULTILINE_FIELDS = frozenset({"description", "notes", "--description", "--note"})
_BLANK = Contact(name="")  # what a new contact holds before its fields


class FieldError(InvalidInput):
    """A bad value in one named field (a CSV column, an option)."""

    def __init__(self, column: str, message: Text):
        super().__init__(message)
        self.column = column

    def __reduce__(self) -> tuple:  # pickled whole when an import checks rows in a child
        return FieldError, (self.column, self.message)


def check_text(column: str, value: FieldValue) -> None:
    """Refuse control and bidirectional characters in what a person typed or a file holds
    (tab and newline only in descriptions and notes): the one input check, for options, CSV
    cells and JSON items alike. The error names the field and the character, escaped."""
    texts = [value] if isinstance(value, str) else value if isinstance(value, list | tuple) else ()
    for text in texts:
        if not isinstance(text, str):
            continue
        bad = first_unsafe(text, multiline=column in MULTILINE_FIELDS)
        if bad is not None:
            raise FieldError(column, Message(N_(
                "The {column} field contains the control character {char} in '{where}': "
                "remove it (tab and newline are allowed only in descriptions and notes)."),
                {"column": column.lstrip("-"), "char": shown(bad), "where": shown(text, 40)}))


def check_name_length(name: str) -> None:
    """A name is a line a table can show: refuse a pasted page."""
    if len(name) > NAME_LIMIT:
        raise FieldError("name", Message(N_(
            "The name is {size} characters long: keep it to {limit} or fewer."),
            {"size": len(name), "limit": NAME_LIMIT}))


def unix_lines(text: str) -> str:
    """A description's or a note's line breaks as `\\n`, however the file or the terminal
    wrote them (`\\r\\n` from Windows, a lone `\\r`): a carriage return is no text."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def check_fields(fields: Mapping[str, FieldValue]) -> None:
    """`check_text` on every field given. The clean case (nearly every row of a 100,000-row
    import) costs two regular-expression searches: one over the single-line fields joined."""
    single: list[str] = []
    multiline: list[str] = []
    for column, value in fields.items():
        texts = multiline if column in MULTILINE_FIELDS else single
        if isinstance(value, str):
            texts.append(value)
        elif column not in MULTILINE_FIELDS:
            texts += [text for text in value if isinstance(text, str)]
    if not unsafe_characters(" ".join(single), multiline=False) and not unsafe_characters(
            " ".join(multiline), multiline=True):
        return
    for column, value in fields.items():
        check_text(column, value)


def _one(value: FieldValue) -> str:
    if isinstance(value, str):
        return value.strip()
    return " | ".join(v.strip() for v in value if v.strip())


def _many(value: FieldValue) -> list[str]:
    items = (value,) if isinstance(value, str) else value
    return [stripped for item in items if item and (stripped := item.strip())]


def _checked(column: str, parse, value):
    try:
        return parse(value)
    except InvalidInput as error:
        raise FieldError(column, error.message) from None


def resolve_topics(
    labels: Sequence[str], taxonomy: Taxonomy, *, create: bool, column: str = "topics",
    checked: bool = False,
) -> tuple[list[str], list[Topic]]:
    """Topic codes for labels in either language; unknown ones created when `create`.
    `checked`: the labels already went through check_fields."""
    if not checked:
        check_text(column, labels)
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
            raise _unknown_topic(column, taxonomy, label)
        codes.append(code)
    return list(dict.fromkeys(codes)), created


def _unknown_topic(column: str, taxonomy: Taxonomy, label: str) -> FieldError:
    """The error for a topic the taxonomy lacks, with the closest ones it has."""
    try:
        taxonomy.resolve(label, creatable=True)
    except InvalidInput as error:
        return FieldError(column, error.message)
    return FieldError(column, Message(N_("Unknown topic '{label}'."), {"label": shown(label)}))


def parse_accounts(fields: Mapping[str, FieldValue]) -> list[Account]:
    accounts: list[Account] = []
    for platform in PLATFORMS:
        if platform not in fields:  # most rows name two or three platforms of ten
            continue
        for text in _many(fields[platform]):
            try:
                accounts.append(parse_account(platform, text))
            except InvalidInput as error:
                raise FieldError(platform, error.message) from None
    return accounts


def contact_from_fields(
    fields: Mapping[str, FieldValue], ref: Reference, *, create_topics: bool = False,
    base: Contact | None = None,
) -> tuple[Contact, list[Topic]]:
    """Validate `fields` (canonical column names) onto `base`: a field left out keeps its value."""
    fields = _unix_lines_in(fields)
    check_fields(fields)
    contact = base or _BLANK
    changes: dict = {column: _vocabulary(column, _one(fields[column]))
                     for column in _VOCABULARY if column in fields}
    if "name" in fields:
        changes["name"] = _one(fields["name"])
    if "languages" in fields:
        changes["languages"] = _languages(tuple(_many(fields["languages"])))
    for column in TEXT_FIELDS:
        if column in fields:
            changes[column] = _one(fields[column]) or None
    if "name" in changes:
        check_name_length(changes["name"])
    changes.update(_territory(fields, ref, contact))
    created: list[Topic] = []
    if "topics" in fields:
        codes, created = resolve_topics(_many(fields["topics"]), ref.taxonomy,
                                        create=create_topics, checked=True)
        changes["topics"] = tuple(codes)
    if "suggested_topics" in fields:  # machine guesses (discover, community lists): known
        guessed = (ref.taxonomy.find(label) for label in _many(fields["suggested_topics"]))
        changes["suggested_topics"] = tuple(dict.fromkeys(
            (*contact.suggested_topics, *(code for code in guessed if code))))
    new_accounts = parse_accounts(fields)
    if new_accounts:
        merged = {(a.platform, a.handle): a for a in (*contact.accounts, *new_accounts)}
        changes["accounts"] = tuple(merged.values())
    # One Contact per row of a 100,000-row import: a new one is built once, not built blank
    # and then replaced.
    contact = replace(contact, **changes) if base is not None else Contact(**{"name": "",
                                                                              **changes})
    if not contact.name:
        raise FieldError("name", Message(N_("The name is empty: give the contact's name.")))
    return contact, created


def _unix_lines_in(fields: Mapping[str, FieldValue]) -> Mapping[str, FieldValue]:
    """`fields` with the line breaks of its descriptions and notes made `\n` (the same
    mapping when they hold no carriage return, as nearly every row does)."""
    if not any(isinstance(value := fields.get(column), str) and "\r" in value
               for column in MULTILINE_FIELDS):
        return fields
    return {column: unix_lines(value) if column in MULTILINE_FIELDS and isinstance(value, str)
            else value for column, value in fields.items()}


_VOCABULARY: dict[str, Callable[[str], str]] = {
    "kind": parse_kind, "scope": parse_scope, "status": parse_status}


@functools.lru_cache(maxsize=1024)
def _vocabulary(column: str, text: str) -> str:
    """A kind, scope or status code: a file names the same few thousands of times."""
    return _checked(column, _VOCABULARY[column], text)


@functools.lru_cache(maxsize=1024)
def _languages(values: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_checked("languages", parse_language, v) for v in values))


def _territory(fields: Mapping[str, FieldValue], ref: Reference, base: Contact) -> dict:
    """Region by number or name; an MRC must lie in that region (and implies it when alone);
    a municipality must lie in both (and implies them)."""
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
    if "municipality" in fields:
        changes.update(municipality_fields(_one(fields["municipality"]), ref,
                                           changes.get("region") if region_text else None,
                                           changes.get("mrc")))
    elif changes and ref.municipalities.find(base.municipality, base.region, base.mrc):
        # A new region or MRC must still hold the municipality the contact keeps.
        _checked("municipality", lambda v: ref.municipalities.parse(
            v, changes.get("region"), changes.get("mrc")), base.municipality or "")
    return changes


def municipality_fields(text: str, ref: Reference, region: str | None = None,
                        mrc: str | None = None) -> dict[str, str | None]:
    """The municipality of the répertoire that `text` names, as a contact stores it, with its
    MRC and region; it must lie in the `region` and `mrc` given with it. Empty text clears it."""
    if not text:
        return {"municipality": None}
    town = _checked("municipality", lambda v: ref.municipalities.parse(v, region, mrc), text)
    return {"municipality": ref.municipalities.stored_name(town), "mrc": town.mrc,
            "region": town.region}
