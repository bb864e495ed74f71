"""The pack file: one JSON object, a shared directory that anyone can publish as a static file.

    {"msgu_pack": 1, "name": …, "description": …, "maintainer": …, "updated": "ISO 8601",
     "contacts": [… as export --format json, without id, history, status or notes]}

Status, notes and history are an organisation's own: a pack never carries them, and a pack
that does (made by hand) has them ignored.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, TextIO

from ..domain.packs import PACK_VERSION, PackInfo
from ..domain.text import first_unsafe, shown
from ..errors import InvalidInput
from ..i18n import N_, Message
from .json_records import JsonNumber, contact_items_table, read_json_document
from .records import Table

# What an organisation keeps to itself: never written to a pack, never read from one.
PRIVATE_KEYS = frozenset({"id", "history", "status", "notes", "packs"})


def pack_contact(contact: Mapping[str, Any]) -> dict[str, Any]:
    """A contact as `show --json` prints it, less what is the organisation's own."""
    return {key: value for key, value in contact.items() if key not in PRIVATE_KEYS}


def write_pack(info: PackInfo, contacts: Iterable[Mapping[str, Any]], out: TextIO) -> int:
    """Write the pack; returns how many contacts it holds."""
    listed = [pack_contact(c) for c in contacts]
    document = {"msgu_pack": PACK_VERSION, "name": info.name, "description": info.description,
                "maintainer": info.maintainer, "updated": info.updated, "contacts": listed}
    json.dump(document, out, ensure_ascii=False, indent=2)
    out.write("\n")
    return len(listed)


def looks_like_pack(data: bytes) -> bool:
    """A JSON object that says it is a pack (for format detection; reading validates)."""
    head = data[:65536].removeprefix(b"\xef\xbb\xbf").lstrip()
    return head[:1] == b"{" and b'"msgu_pack"' in head


def read_pack(data: bytes) -> tuple[PackInfo, Table]:
    """The pack's header and its contacts as rows (`item N`), or InvalidInput saying why the
    file is not a pack this msgu can read."""
    document = read_json_document(data, "pack")
    if not isinstance(document, dict) or "msgu_pack" not in document:
        raise InvalidInput(Message(N_(
            'This is not an msgu pack: a pack is a JSON object with "msgu_pack": 1 and its '
            '"contacts".')))
    version = document["msgu_pack"]
    if not isinstance(version, JsonNumber) or version != str(PACK_VERSION):
        raise InvalidInput(Message(N_(
            "This pack has format {version}; this msgu reads format {known}: upgrade msgu to "
            "read it."), {"version": shown(version), "known": PACK_VERSION}))
    info = PackInfo(name=_required_text(document, "name"),
                    description=_optional_text(document, "description"),
                    maintainer=_optional_text(document, "maintainer"),
                    updated=_date(document.get("updated")))
    items = document.get("contacts")
    if not isinstance(items, list):
        raise InvalidInput(Message(N_('The pack\'s "contacts" must be a list of contacts.')))
    public = [{k: v for k, v in item.items() if k not in PRIVATE_KEYS}
              if isinstance(item, dict) else item for item in items]
    table = contact_items_table(public, fmt="pack")
    for row, item in zip(table.rows, public, strict=True):
        suggested = item.get("suggested_topics") or []
        if not isinstance(suggested, list) or not all(isinstance(s, str) for s in suggested):
            raise InvalidInput(Message(N_(
                "item {number}: 'suggested_topics' must be a list of topic codes."), {
                "number": row.line}))
        if suggested:
            row.fields["suggested_topics"] = suggested
    return info, table


def _required_text(document: Mapping[str, Any], key: str) -> str:
    value = document.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(Message(N_(
            'The pack has no "{key}": give it one (a line of text).'), {"key": key}))
    return _safe_line(key, value)


def _optional_text(document: Mapping[str, Any], key: str) -> str | None:
    value = document.get(key)
    if value is not None and not isinstance(value, str):
        raise InvalidInput(Message(N_('The pack\'s "{key}" must be text or null.'), {"key": key}))
    return _safe_line(key, value) or None if value else None


def _safe_line(key: str, value: str) -> str:
    """A header's text, refused like a contact's field when it holds a control character or
    what no database can store (a lone surrogate escaped in the JSON)."""
    bad = first_unsafe(value)
    if bad is not None:
        raise InvalidInput(Message(N_(
            'The pack\'s "{key}" contains the control character {char}: the pack cannot be '
            'read.'), {"key": key, "char": shown(bad)}))
    return value.strip()


def _date(value: object) -> str | None:
    """`updated`, an ISO 8601 date or date and time (or null)."""
    if value is None:
        return None
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            return value
        except ValueError:
            pass
    raise InvalidInput(Message(N_(
        'The pack\'s "updated" must be an ISO 8601 date such as 2026-03-01T12:00:00+00:00, not '
        "{value}."), {"value": shown(value)}))
