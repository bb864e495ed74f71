"""Contacts as JSON: the `show --json` shape, written for scripts and read back by `import`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from ..domain.community_lists import public_url
from ..domain.models import PLATFORMS, Account, Contact, RelationEvent
from ..domain.text import fold
from ..errors import InvalidInput
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


def _kind_of(value: object) -> str:
    """The JSON name of a value's type, for error messages."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    return "null" if value is None else names.get(type(value), "a number")


def _text(item: int, key: str, value: object, column: str) -> str | list[str]:
    """A JSON value as cell text; lists only where the column is a list column."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | int | float):
        return json.dumps(value)
    if column in LIST_COLUMNS and isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return value
        raise InvalidInput(f"item {item}: '{key}' must be a list of strings.")
    raise InvalidInput(f"item {item}: '{key}' cannot be {_kind_of(value)}.")


def _put_accounts(item: int, accounts: object, fields: dict[str, str | list[str]]) -> None:
    """Accounts become platform columns: the handle, or the URL for a website."""
    if accounts is None:
        return
    if not isinstance(accounts, list):
        raise InvalidInput(f"item {item}: 'accounts' must be a list, not {_kind_of(accounts)}.")
    for number, account in enumerate(accounts, start=1):
        if not isinstance(account, dict):
            raise InvalidInput(f"item {item}: account {number} must be an object.")
        platform = fold(str(account.get("platform") or ""))
        if platform not in PLATFORMS:
            raise InvalidInput(
                f"item {item}: account {number} has unknown platform "
                f"{account.get('platform')!r} (one of {', '.join(PLATFORMS)})."
            )
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


def read_json_document(data: bytes, what: str = "JSON") -> Any:
    """The parsed document of a JSON file; invalid JSON names its line and column."""
    text = decode_text(data, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInput(
            f"The file is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None


def read_contacts_json(data: bytes) -> Table:
    """Read a list of contact objects (or one object) as export writes them."""
    document = read_json_document(data)
    items = [document] if isinstance(document, dict) else document
    if not isinstance(items, list):
        raise InvalidInput(f"The JSON must be a list of contacts, not {_kind_of(items)}.")
    return contact_items_table(items)


def contact_items_table(items: list[Any], fmt: str = "json") -> Table:
    """Contact objects (`item N` is the Nth) as rows of canonical fields."""
    seen: dict[str, None] = {}
    ignored: dict[str, None] = {}
    rows = []
    for number, obj in enumerate(items, start=1):
        if not isinstance(obj, dict):
            raise InvalidInput(f"item {number}: a contact must be an object, not {_kind_of(obj)}.")
        rows.append(RawRow(number, _item_fields(number, obj, seen, ignored)))
    return Table(format=fmt, rows=rows, columns=list(seen), ignored_columns=list(ignored))
