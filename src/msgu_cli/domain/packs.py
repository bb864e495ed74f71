"""Packs: shared directories that a few maintain and many subscribe to. What a pack says of a
contact, and how a pull merges it into the organisation's own copy (pure: no I/O, no clock).

A pull changes only what the pack changed since the previous pull (each member's `snapshot`
is what the pack said then): an organisation's own edit of a field stays until the pack edits
that field again. Status, notes and history are the organisation's and never come from a pack;
topics and accounts a person added stay, those the pack dropped go.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .models import Account, Contact

PACK_VERSION = 1
# The plain fields a pack maintains (the lists below are merged item by item).
MAINTAINED: tuple[str, ...] = ("name", "kind", "region", "mrc", "municipality", "scope",
                               "languages", "description", "source")


@dataclass(frozen=True)
class PackInfo:
    """A pack's own header: who maintains it and when it last changed."""

    name: str
    description: str | None = None
    maintainer: str | None = None
    updated: str | None = None  # ISO 8601


@dataclass(frozen=True)
class Subscription:
    """A pack the organisation follows, and what the last pull learnt of it."""

    name: str
    url: str
    id: int | None = None
    pack: PackInfo | None = None
    etag: str | None = None
    last_modified: str | None = None
    digest: str | None = None  # sha256 of the last body read
    subscribed_at: str | None = None
    last_pulled: str | None = None


def snapshot(contact: Contact) -> dict[str, Any]:
    """What a pack says of a contact, as JSON-ready values (kept to compare with the next)."""
    said: dict[str, Any] = {}
    for name in MAINTAINED:
        value = getattr(contact, name)
        said[name] = list(value) if isinstance(value, tuple) else value
    said["topics"] = list(contact.topics)
    said["suggested_topics"] = list(contact.suggested_topics)
    said["accounts"] = [[a.platform, a.handle] for a in contact.accounts]
    return said


def _given(value: object) -> bool:
    return value not in (None, "", (), [])


def _follow(local: Sequence, before: Iterable | None, now: Sequence) -> tuple:
    """`local` items, less those the pack dropped since `before`, plus the pack's new ones."""
    dropped = set(before or ()) - set(now)
    return tuple(dict.fromkeys([*(x for x in local if x not in dropped), *now]))


def merge_member(local: Contact, before: dict[str, Any] | None, pack: Contact) -> Contact:
    """`local` with what the pack changed since `before` (None: the pack's first word on this
    contact, which fills the fields it gives, like an import's update, and removes nothing)."""
    changes: dict[str, Any] = {}
    now = snapshot(pack)
    for name in MAINTAINED:
        if (before is None and _given(now[name])) or (before is not None
                                                       and now[name] != before.get(name)):
            changes[name] = getattr(pack, name)
    old = before or {}
    changes["topics"] = _follow(local.topics, old.get("topics"), pack.topics)
    changes["suggested_topics"] = _follow(local.suggested_topics, old.get("suggested_topics"),
                                          pack.suggested_topics)
    changes["accounts"] = _merge_accounts(local.accounts, old.get("accounts"), pack.accounts)
    return replace(local, **changes)


def _merge_accounts(local: Sequence[Account], before: Iterable[Sequence[str]] | None,
                    pack: Sequence[Account]) -> tuple[Account, ...]:
    """Accounts kept whole (what `refresh` stored stays), the pack's new ones added, those it
    dropped removed."""
    mine = {(a.platform, a.handle): a for a in local}
    theirs = {(a.platform, a.handle): a for a in pack}
    kept = _follow(list(mine), (tuple(k) for k in before or ()), list(theirs))
    return tuple(mine.get(key) or theirs[key] for key in kept)


def new_member(pack: Contact) -> Contact:
    """A contact the pack brings that the directory lacks: the organisation has no
    relationship with it yet, and has written nothing about it."""
    return replace(pack, id=None, status="none", notes=None)
