"""What bulk work (a 100,000-row import) needs from the database besides the rows it saves.

Look-ups by the chunk, not by the row nor by the directory: an import asks "who owns this
handle?" for every row; one indexed query per platform answers a whole chunk of rows, and
memory never holds more than that chunk's answers, however large the directory. The import
writes each chunk before it reads the next, so the file's own earlier rows are found here too.
And a page cache large enough for the indexes a big import writes into.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from .connection import Database

_PARAMETERS = 500  # per statement, well under SQLite's bound-parameter limit


def _parts(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _PARAMETERS):
        yield values[start:start + _PARAMETERS]


def account_owners(db: Database, pairs: Iterable[tuple[str, str]]
                   ) -> list[tuple[str, str, int, str]]:
    """(platform, normalised handle, contact id, contact name) of those `pairs` that exist."""
    by_platform: dict[str, list[str]] = {}
    for platform, handle in pairs:
        by_platform.setdefault(platform, []).append(handle)
    found: list[tuple[str, str, int, str]] = []
    for platform, handles in by_platform.items():
        for part in _parts(handles):
            found += db.execute(
                "SELECT a.platform, a.handle, a.contact_id, c.name FROM accounts a "
                "JOIN contacts c ON c.id = a.contact_id "
                f"WHERE a.platform = ? AND a.handle IN ({', '.join('?' * len(part))})",
                [platform, *part]).fetchall()
    return found


def contacts_named(db: Database, name_keys: Iterable[str]
                   ) -> list[tuple[str, str | None, int, str]]:
    """(folded name, region, id, name) of the contacts whose folded name is one of
    `name_keys`, oldest first."""
    keys = list(dict.fromkeys(name_keys))
    found: list[tuple[str, str | None, int, str]] = []
    for part in _parts(keys):
        found += db.execute(
            "SELECT name_key, region, id, name FROM contacts "
            f"WHERE name_key IN ({', '.join('?' * len(part))})", list(part)).fetchall()
    return sorted(found, key=lambda row: row[2])


BULK_CACHE_MB = 24  # measured: no faster at 64 MB, and 40 MB more memory at 100,000 rows


def use_bulk_cache(db: Database, megabytes: int = BULK_CACHE_MB) -> None:
    """A page cache for this connection large enough for a big import's index pages.

    Inserts land all over the handle, name and full-text indexes; with SQLite's default 2 MB
    cache, pages are spilled to the WAL and read back again and again inside the transaction.
    """
    db.execute(f"PRAGMA cache_size = -{int(megabytes) * 1024}")
