"""Subscriptions to packs, and which contacts each pack brought (with what it said of them)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..domain.packs import PackInfo, Subscription
from .connection import Database

_COLUMNS = ("id", "name", "url", "pack_name", "description", "maintainer", "updated", "etag",
            "last_modified", "digest", "subscribed_at", "last_pulled")


def _subscription(row: tuple) -> Subscription:
    values = dict(zip(_COLUMNS, row, strict=True))
    pack = PackInfo(values["pack_name"], values["description"], values["maintainer"],
                    values["updated"]) if values["pack_name"] else None
    return Subscription(name=values["name"], url=values["url"], id=values["id"], pack=pack,
                        etag=values["etag"], last_modified=values["last_modified"],
                        digest=values["digest"], subscribed_at=values["subscribed_at"],
                        last_pulled=values["last_pulled"])


def load_subscriptions(db: Database) -> list[Subscription]:
    """Every subscription, by name."""
    return [_subscription(r) for r in db.execute(
        f"SELECT {', '.join(_COLUMNS)} FROM subscriptions ORDER BY name COLLATE NOCASE, id")]


def save_subscription(db: Database, sub: Subscription) -> int:
    """Insert (id None) or rewrite a subscription; returns its id."""
    pack = sub.pack or PackInfo("")
    values = [sub.name, sub.url, pack.name or None, pack.description, pack.maintainer,
              pack.updated, sub.etag, sub.last_modified, sub.digest, sub.subscribed_at,
              sub.last_pulled]
    if sub.id is None:
        cursor = db.execute(
            f"INSERT INTO subscriptions ({', '.join(_COLUMNS[1:])}) "
            f"VALUES ({', '.join('?' * len(values))})", values)
        return int(cursor.lastrowid or 0)
    db.execute(f"UPDATE subscriptions SET {', '.join(f'{c} = ?' for c in _COLUMNS[1:])} "
               "WHERE id = ?", [*values, sub.id])
    return sub.id


def members(db: Database, subscription_id: int) -> dict[int, tuple[dict[str, Any], str | None]]:
    """contact id -> (what the pack last said of it, when it left the pack or None)."""
    return {contact_id: (json.loads(said), left_at) for contact_id, said, left_at in db.execute(
        "SELECT contact_id, snapshot, left_at FROM pack_members WHERE subscription_id = ?",
        [subscription_id])}


def save_members(db: Database, subscription_id: int,
                 said: Iterable[tuple[int, dict[str, Any]]], *, now: str) -> None:
    """The contacts the pack lists now, with what it says of each; one that had left is back."""
    db.conn.executemany(
        "INSERT INTO pack_members (subscription_id, contact_id, snapshot, joined_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT (subscription_id, contact_id) DO UPDATE SET "
        "snapshot = excluded.snapshot, left_at = NULL",
        [(subscription_id, contact_id, json.dumps(snapshot, ensure_ascii=False), now)
         for contact_id, snapshot in said])


def mark_left(db: Database, subscription_id: int, contact_ids: Iterable[int], *,
              now: str) -> None:
    """These contacts are no longer in the pack: kept in the directory, marked."""
    db.conn.executemany(
        "UPDATE pack_members SET left_at = ? WHERE subscription_id = ? AND contact_id = ?",
        [(now, subscription_id, contact_id) for contact_id in contact_ids])


def member_counts(db: Database) -> dict[int, tuple[int, int]]:
    """subscription id -> (contacts in the pack now, contacts that left it)."""
    return {sub: (now, left) for sub, now, left in db.execute(
        "SELECT subscription_id, count(*) - count(left_at), count(left_at) FROM pack_members "
        "GROUP BY subscription_id")}


Membership = tuple[str, str, str, str | None]  # subscription name, url, joined_at, left_at


def memberships(db: Database, contact_ids: Sequence[int]) -> dict[int, list[Membership]]:
    """contact id -> the packs that brought it (subscription, url, joined_at, left_at)."""
    found: dict[int, list[Membership]] = {}
    for start in range(0, len(contact_ids), 500):
        chunk = list(contact_ids[start:start + 500])
        for contact_id, *membership in db.execute(
            "SELECT m.contact_id, s.name, s.url, m.joined_at, m.left_at FROM pack_members m "
            "JOIN subscriptions s ON s.id = m.subscription_id "
            f"WHERE m.contact_id IN ({', '.join('?' * len(chunk))}) "
            "ORDER BY m.contact_id, s.name COLLATE NOCASE", chunk):
            found.setdefault(contact_id, []).append(tuple(membership))
    return found
