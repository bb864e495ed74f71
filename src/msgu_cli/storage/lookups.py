"""What bulk work (a 100,000-row import) needs from the database besides the rows it saves.

Look-up tables, one query each instead of one per row: an import asks "who owns this handle?"
hundreds of thousands of times, and reading every owner once (a few MB even at province scale)
answers them all from memory. And a page cache large enough for the indexes it writes into.
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


BULK_CACHE_MB = 64


def use_bulk_cache(db: Database, megabytes: int = BULK_CACHE_MB) -> None:
    """A page cache for this connection large enough for a big import's index pages.

    Inserts land all over the handle, name and full-text indexes; with SQLite's default 2 MB
    cache, pages are spilled to the WAL and read back again and again inside the transaction.
    """
    db.execute(f"PRAGMA cache_size = -{int(megabytes) * 1024}")
