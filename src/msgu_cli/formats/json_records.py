"""Contacts as JSON: the `show --json` shape, written for scripts and read back by `import`."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from ..domain.community_lists import public_url
from ..domain.models import PLATFORMS, Account, Contact, RelationEvent
from ..domain.text import fold, shown
from ..errors import InvalidInput
from ..i18n import N_, Message
from .records import LIST_COLUMNS, RawRow, Table, canonical_column, decode_text, put_value

ACCOUNT_KEYS: tuple[str, ...] = (
    "platform",
    "handle",
    "url",
    "display_name",
    "description",
    "followers_count",
    "following_count",
    "posts_count",
    "last_post_at",
    "state",
    "last_error",
    "checked_at",
    "verified",
    "verified_by",
)
# Keys that our own export writes but an import has no use for (machine suggestions).
# The relationship history belongs to this organisation: a file never rewrites it.
_EXPORT_ONLY = frozenset({"suggested_topics", "history", "packs"})
_BOM = "\ufeff"  # never data, even written as an escape: dropped like the reader's


def account_json(account: Account) -> dict[str, Any]:
    """One account, every key present (null when not fetched yet), so scripts need no guards."""
    return {key: getattr(account, key) for key in ACCOUNT_KEYS}


def contact_json(
    contact: Contact, region_names: Mapping[str, str],
    history: Sequence[RelationEvent] | None = None,
    packs: Sequence[tuple[str, str, str, str | None]] | None = None,
) -> dict[str, Any]:
    """One contact as `show --json` prints it: `region` two-digit, `region_name` its name,
    and, when `history` is given, the dated relationship steps oldest first; when `packs`
    (subscription, url, joined_at, left_at) are given, the packs that brought it."""
    data = {
        "id": contact.id,
        "name": contact.name,
        "kind": contact.kind,
        "region": contact.region,
        "region_name": region_names.get(contact.region) if contact.region else None,
        "mrc": contact.mrc,
        "municipality": contact.municipality,
        "scope": contact.scope,
        "languages": list(contact.languages),
        "topics": list(contact.topics),
        "suggested_topics": list(contact.suggested_topics),
        "description": contact.description,
        "notes": contact.notes,
        "source": contact.source,
        "status": contact.status,
        "accounts": [account_json(account) for account in contact.accounts],
    }
    if history is not None:
        data["history"] = [{"status": e.status, "date": e.date, "note": e.note} for e in history]
    if packs is not None:
        data["packs"] = [{"name": name, "url": public_url(url), "joined_at": joined,
                          "left_at": left} for name, url, joined, left in packs]
    return data


def write_json(items: list[Any], out: TextIO) -> None:
    """Pretty, accent-preserving JSON with a final newline (friendly to diffs and shells)."""
    json.dump(items, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _kind_of(value: object) -> Message:
    """The JSON name of a value's type, for error messages."""
    names = {dict: N_("an object"), list: N_("a list"), str: N_("a string"),
             bool: N_("a boolean")}
    return Message(N_("null") if value is None else names.get(type(value), N_("a number")))


def _text(item: int, key: str, value: object, column: str) -> str | list[str]:
    """A JSON value as cell text; lists only where the column is a list column."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, str):  # a _Number too: the digits as written
        return value.replace(_BOM, "")
    if column in LIST_COLUMNS and isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return value
        raise InvalidInput(Message(N_(
            "item {item}: '{key}' must be a list of strings."), {"item": item, "key": shown(key)}))
    raise InvalidInput(Message(N_(
        "item {item}: '{key}' cannot be {kind}."), {
        "item": item, "key": shown(key), "kind": _kind_of(value)}))


def _put_accounts(item: int, accounts: object, fields: dict[str, str | list[str]]) -> None:
    """Accounts become platform columns: the handle, or the URL for a website."""
    if accounts is None:
        return
    if not isinstance(accounts, list):
        raise InvalidInput(Message(N_(
            "item {item}: 'accounts' must be a list, not {kind}."), {
            "item": item, "kind": _kind_of(accounts)}))
    for number, account in enumerate(accounts, start=1):
        if not isinstance(account, dict):
            raise InvalidInput(Message(N_(
                "item {item}: account {number} must be an object."), {
                "item": item, "number": number}))
        platform = fold(str(account.get("platform") or ""))
        if platform not in PLATFORMS:
            raise InvalidInput(Message(N_(
                "item {item}: account {number} has unknown platform '{platform}' (one of "
                "{platforms})."), {
                "item": item, "number": number, "platform": shown(account.get("platform")),
                "platforms": ", ".join(PLATFORMS)}))
        handle, url = account.get("handle"), account.get("url")
        value = (url or handle) if platform == "website" else (handle or url)
        if isinstance(value, str):
            put_value(fields, platform, value)


def _item_fields(
    item: int, obj: dict[str, Any], seen: dict[str, None], ignored: dict[str, None]
) -> dict[str, str | list[str]]:
    """One contact object as canonical fields; `seen`/`ignored` gather the keys met."""
    fields: dict[str, str | list[str]] = {}
    for key, value in obj.items():
        if key == "accounts":
            _put_accounts(item, value, fields)
            seen.update(dict.fromkeys(p for p in PLATFORMS if p in fields))
            continue
        column = None if key in _EXPORT_ONLY else canonical_column(key)
        if column is None:
            if key not in _EXPORT_ONLY:
                ignored[key] = None
            continue
        seen[column] = None
        put_value(fields, column, _text(item, key, value, column))
    return fields


class JsonNumber(str):
    """A JSON number kept as the text it was written as: no 5,000-digit integer is ever
    converted (Python refuses them), and `1.10` stays `1.10`."""


_LONGEST_NUMBER = 40  # characters; far more than any count or id a contact holds
_DEEPEST = 100  # levels of lists and objects: a contact needs 3; the parser stops near 1,000


def _load(text: str) -> tuple[Any, bool]:
    """The parsed document, and whether it holds a number too long for any field (the items
    are searched for it only then). A nesting too deep for the parser is refused naming its
    item."""
    long_numbers: list[str] = []

    def number(digits: str) -> JsonNumber:
        if len(digits) > _LONGEST_NUMBER:
            long_numbers.append(digits)
        return JsonNumber(digits)

    try:
        document = json.loads(text, parse_int=number, parse_float=number,
                              parse_constant=number)
        return document, bool(long_numbers)
    except json.JSONDecodeError as error:
        raise InvalidInput(Message(N_(
            "The file is not valid JSON: {reason} (line {line}, column {column})."), {
            "reason": error.msg, "line": error.lineno, "column": error.colno})) from None
    except RecursionError:
        raise InvalidInput(Message(N_(
            "item {item}: lists and objects nested more than {limit} levels deep: a contact is "
            "an object of texts and lists."), {
            "item": _item_nested_too_deep(text), "limit": _DEEPEST})) from None


_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{},]')


def _item_nested_too_deep(text: str) -> int:
    """The number of the top-level item whose nesting first passes _DEEPEST (1 when the
    document is not a list): read only on that error, and only up to that point."""
    depth, item = 0, 1
    for token in _STRUCTURE.finditer(text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth > _DEEPEST:
                break
        elif mark in "]}":
            depth -= 1
        elif mark == "," and depth == 1:
            item += 1
    return item


def _check_numbers(number: int, value: object) -> None:
    """Refuse a number too long to be a count or an id anywhere in one item."""
    if isinstance(value, JsonNumber):
        if len(value) > _LONGEST_NUMBER:
            raise InvalidInput(Message(N_(
                "item {item}: a number of {digits} characters ({number}): no field of a contact "
                "holds one that long."), {
                "item": number, "digits": len(value), "number": shown(value, 24)}))
    elif isinstance(value, dict):
        for inner in value.values():
            _check_numbers(number, inner)
    elif isinstance(value, list):
        for inner in value:
            _check_numbers(number, inner)


def read_json_document(data: bytes, what: str = "JSON") -> Any:
    """The parsed document of a JSON file: invalid JSON names its line and column, nesting too
    deep its item; numbers stay the text they were written as (JsonNumber)."""
    return _load(decode_text(data, what))[0]


def read_contacts_json(data: bytes) -> Table:
    """Read a list of contact objects (or one object) as export writes them."""
    document, long_numbers = _load(decode_text(data, "JSON"))
    items = [document] if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise InvalidInput(Message(N_(
            "The JSON must be a list of contacts, not {kind}."), {"kind": _kind_of(items)}))
    return contact_items_table(items, check_numbers=long_numbers)


def contact_items_table(items: list[Any], fmt: str = "json", *,
                        check_numbers: bool = True) -> Table:
    """Contact objects (`item N` is the Nth) as rows of canonical fields; `check_numbers`
    refuses an item holding a number too long for any field (the reader knows when none is)."""
    seen: dict[str, None] = {}
    ignored: dict[str, None] = {}
    rows = []
    for number, obj in enumerate(items, start=1):
        if not isinstance(obj, dict):
            raise InvalidInput(Message(N_(
                "item {item}: a contact must be an object, not {kind}."), {
                "item": number, "kind": _kind_of(obj)}))
        if check_numbers:
            _check_numbers(number, obj)
        rows.append(RawRow(number, _item_fields(number, obj, seen, ignored)))
    return Table(format=fmt, rows=rows, columns=list(seen), ignored_columns=list(ignored))
