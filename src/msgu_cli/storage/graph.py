"""The follow graph gathered by `discover`, and the account states stored by `refresh`."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..domain.models import FOLLOWED_STATUSES
from ..domain.text import strip_unsafe

if TYPE_CHECKING:  # the type only: sqlite-utils is not needed to read
    from .connection import Database

_TRUSTED = ", ".join(f"'{s}'" for s in sorted(FOLLOWED_STATUSES))


# The hint exists from SQLite 3.35 (2021); an older library plans the same query without it.
_MATERIALIZED = "MATERIALIZED" if sqlite3.sqlite_version_info >= (3, 35) else ""


def trusted_followers_sql(tagged: Sequence[str] = ()) -> tuple[str, list]:
    """The SQL of `trusted_followers`: (followed contact id, truster id) pairs, repeated when a
    truster follows a contact through several accounts. CROSS JOIN pins the walk's direction:
    out from the circle of trust (index on status, then follows' primary key). Left free, the
    planner may start from every account instead: ten times slower at a million edges.
    INDEXED BY: each followed account's contact is read from the narrow index, not from the
    account's whole row. MATERIALIZED: the tag filter runs once on the reached contacts, after
    the walk (flattened into it, the planner would seek every tagged contact per edge)."""
    among, args = "", list(tagged)
    if tagged:
        among = ("WHERE r.contact_id IN (SELECT contact_id FROM contact_topics "
                 f"WHERE topic IN ({', '.join('?' * len(tagged))}))")
    sql = f"""
        WITH reached AS {_MATERIALIZED} (
            SELECT followee.contact_id AS contact_id, truster.id AS truster_id
            FROM contacts truster
            CROSS JOIN accounts mine ON mine.contact_id = truster.id
            CROSS JOIN follows f ON f.follower_id = mine.id
            CROSS JOIN accounts followee INDEXED BY accounts_owner ON followee.id = f.followee_id
            WHERE truster.status IN ({_TRUSTED}) AND followee.contact_id != truster.id)
        SELECT r.contact_id, r.truster_id FROM reached r {among}
        """
    return sql, args


def trusted_followers(db: Database, tagged: Sequence[str] = ()) -> dict[int, list[str]]:
    """contact id -> names of the organisation's followed contacts whose accounts follow it
    (only contacts carrying one of the `tagged` topics, when given), by contact id, each list
    in name order. Names and order come from the circle itself (a few hundred rows), not
    from a join and a sort per followed contact in SQL."""
    # Sorted here: ORDER BY name_key would walk the whole name index for a few hundred rows.
    # (Python orders str by code point, as SQLite orders UTF-8 text by bytes.)
    trusters = sorted(db.execute(f"SELECT name_key, id, name FROM contacts "
                                 f"WHERE status IN ({_TRUSTED})"))
    place = {truster_id: i for i, (_key, truster_id, _name) in enumerate(trusters)}
    pairs = sorted({(contact_id, place[truster_id])
                    for contact_id, truster_id in db.execute(*trusted_followers_sql(tagged))})
    followers: dict[int, list[str]] = {}
    for contact_id, i in pairs:
        followers.setdefault(contact_id, []).append(trusters[i][2])
    return followers


def trusted_count(db: Database) -> int:
    return db.execute(f"SELECT count(*) FROM contacts WHERE status IN ({_TRUSTED})").fetchone()[0]


def save_follows(
    db: Database, follower_id: int, followee_ids: Iterable[int], *, source: str, seen_at: str
) -> int:
    """Record that account `follower_id` follows each of `followee_ids` (idempotent)."""
    rows = [(follower_id, f, source, seen_at) for f in followee_ids if f != follower_id]
    db.conn.executemany(
        "INSERT INTO follows (follower_id, followee_id, source, seen_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(follower_id, followee_id) DO UPDATE SET seen_at = excluded.seen_at, "
        "source = excluded.source",
        rows,
    )
    return len(rows)


def account_ids(db: Database, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(platform, handle) -> account id, for those that exist."""
    found = {}
    for platform, handle in pairs:
        row = db.execute("SELECT id FROM accounts WHERE platform = ? AND handle = ?",
                         [platform, handle]).fetchone()
        if row:
            found[(platform, handle)] = row[0]
    return found


def accounts_to_fetch(
    db: Database, *, contact_ids: Sequence[int] | None, platforms: Sequence[str],
    checked_before: str | None,
) -> list[tuple[int, str, str]]:
    """(account id, platform, handle) of the accounts `refresh` should look up."""
    clauses = [f"platform IN ({', '.join('?' * len(platforms))})"]
    args: list = list(platforms)
    if contact_ids is not None:
        clauses.append(f"contact_id IN ({', '.join('?' * len(contact_ids))})")
        args += list(contact_ids)
    if checked_before is not None:  # a fetch that failed is due again at once
        clauses.append("(checked_at IS NULL OR checked_at < ? OR last_error IS NOT NULL)")
        args.append(checked_before)
    return [tuple(r) for r in db.execute(
        f"SELECT id, platform, handle FROM accounts WHERE {' AND '.join(clauses)} "
        "ORDER BY platform, handle", args)]


def platform_counts(db: Database, contact_ids: Sequence[int] | None) -> dict[str, int]:
    where, args = "", []
    if contact_ids is not None:
        where = f"WHERE contact_id IN ({', '.join('?' * len(contact_ids))})"
        args = list(contact_ids)
    return dict(db.execute(
        f"SELECT platform, count(*) FROM accounts {where} GROUP BY platform", args).fetchall())


_FETCHED = ("remote_id", "display_name", "description", "followers_count", "following_count",
            "posts_count", "last_post_at")


_LARGEST_INTEGER = 2**63 - 1  # SQLite's


def fetched(values: Mapping[str, Any]) -> dict[str, Any]:
    """What a server said of an account, made safe to store: text without control or
    bidirectional characters (a description keeps its line breaks), and only the counts
    SQLite can hold (a negative or 30-digit count is "not said")."""
    safe: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, str):
            value = strip_unsafe(value, multiline=key == "description")
        elif isinstance(value, int) and not isinstance(value, bool) and not (
                0 <= value <= _LARGEST_INTEGER):
            value = None
        safe[key] = value
    return safe


def save_fetched(db: Database, account_id: int, values: Mapping[str, object], *, state: str,
                 note: str | None, now: str) -> None:
    """Store what an API said of an account; a value it did not give keeps the stored one."""
    values = fetched(values)
    note = strip_unsafe(note) if note is not None else None
    given = {k: values[k] for k in _FETCHED if values.get(k) is not None}
    assignments = "".join(f"{k} = ?, " for k in given)
    db.execute(
        f"UPDATE accounts SET {assignments}state = ?, last_error = ?, checked_at = ? WHERE id = ?",
        [*given.values(), state, note, now, account_id],
    )


def save_fetch_error(db: Database, account_id: int, error: str, *, now: str) -> None:
    """A failed look-up keeps the last good data and state; the error is recorded beside them."""
    db.execute(
        "UPDATE accounts SET last_error = ?, checked_at = ?, state = coalesce(state, 'error') "
        "WHERE id = ?", [strip_unsafe(error), now, account_id],
    )


def platform_accounts(db: Database, platforms: Sequence[str]) -> list[tuple[int, str, str,
                                                                         str | None]]:
    """(contact id, platform, handle, remote id) of every account on `platforms`."""
    return [tuple(row) for row in db.execute(
        f"SELECT contact_id, platform, handle, remote_id FROM accounts "
        f"WHERE platform IN ({', '.join('?' * len(platforms))}) ORDER BY platform, handle",
        list(platforms))]
