"""The follow graph gathered by `discover`, and the account states stored by `refresh`."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlite_utils import Database

from ..domain.models import FOLLOWED_STATUSES

_TRUSTED = ", ".join(f"'{s}'" for s in sorted(FOLLOWED_STATUSES))


def trusted_followers(db: Database) -> dict[int, list[str]]:
    """contact id -> names of the organisation's followed contacts whose accounts follow it.

    Walks out from the circle of trust only (index on follows' primary key), never the
    whole graph, so it stays fast with a million edges.
    """
    rows = db.execute(
        f"""
        SELECT DISTINCT followee.contact_id, truster.name
        FROM contacts truster
        JOIN accounts mine ON mine.contact_id = truster.id
        JOIN follows f ON f.follower_id = mine.id
        JOIN accounts followee ON followee.id = f.followee_id
        WHERE truster.status IN ({_TRUSTED}) AND followee.contact_id != truster.id
        ORDER BY followee.contact_id, truster.name_key
        """
    )
    followers: dict[int, list[str]] = {}
    for contact_id, name in rows:
        followers.setdefault(contact_id, []).append(name)
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
