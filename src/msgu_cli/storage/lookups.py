"""Whole-directory look-up tables for bulk work: one query each instead of one per row.

An import of 100,000 rows asks "who owns this handle?" hundreds of thousands of times; reading
every owner once (a few MB even at province scale) answers them all from memory.
"""

from __future__ import annotations

from sqlite_utils import Database


def account_owners(db: Database) -> dict[tuple[str, str], int]:
    """(platform, normalised handle) -> contact id, for every account."""
    return {
        (platform, handle): contact_id
        for platform, handle, contact_id in db.execute(
            "SELECT platform, handle, contact_id FROM accounts")
    }


def contact_keys(db: Database) -> list[tuple[int, str, str, str | None]]:
    """(id, name, folded name, region) of every contact, oldest first."""
    return db.execute("SELECT id, name, name_key, region FROM contacts ORDER BY id").fetchall()
