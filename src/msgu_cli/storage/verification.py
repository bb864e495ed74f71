"""What verification reads and writes: accounts' `verified` flags, the websites that prove them,
and the municipalities' websites of the Répertoire when this database holds it."""

from __future__ import annotations

from collections.abc import Sequence

from .connection import Database


def save_verification(db: Database, account_id: int, verified_by: str | None) -> None:
    """An account is verified exactly when there is evidence; none clears an earlier flag."""
    db.execute("UPDATE accounts SET verified = ?, verified_by = ? WHERE id = ?",
               [int(verified_by is not None), verified_by, account_id])


def account_websites(db: Database, account_ids: Sequence[int]) -> dict[int, list[str]]:
    """account id -> the website URLs of the contact that holds it (accounts without: absent)."""
    found: dict[int, list[str]] = {}
    for start in range(0, len(account_ids), 500):
        chunk = list(account_ids[start:start + 500])
        for account_id, url in db.execute(
            "SELECT a.id, coalesce(w.url, w.handle) FROM accounts a "
            "JOIN accounts w ON w.contact_id = a.contact_id AND w.platform = 'website' "
            f"WHERE a.id IN ({', '.join('?' * len(chunk))}) ORDER BY a.id, w.handle", chunk):
            found.setdefault(account_id, []).append(url)
    return found


def contact_websites(db: Database) -> list[tuple[int, str, str]]:
    """(contact id, contact name, website URL) of every website account."""
    return db.execute(
        "SELECT c.id, c.name, coalesce(a.url, a.handle) FROM accounts a "
        "JOIN contacts c ON c.id = a.contact_id WHERE a.platform = 'website' "
        "ORDER BY c.id, a.handle").fetchall()


def municipal_websites(db: Database) -> list[tuple[str, str]]:
    """(municipality name, website) from the Répertoire des municipalités, when the database
    has it (a `municipalities` table with `name` and `website`); none otherwise.

    The hook through which municipal domains count as official: one query, here.
    """
    if "municipalities" not in db.table_names():
        return []
    columns = {row[1] for row in db.execute("PRAGMA table_info(municipalities)")}
    if not {"name", "website"} <= columns:
        return []
    return db.execute("SELECT name, website FROM municipalities WHERE website IS NOT NULL "
                      "AND website != '' ORDER BY name").fetchall()


def bluesky_accounts(db: Database) -> list[tuple[int, str, str | None, str]]:
    """(contact id, contact name, fetched display name, handle) of every Bluesky account."""
    return db.execute(
        "SELECT c.id, c.name, a.display_name, a.handle FROM accounts a "
        "JOIN contacts c ON c.id = a.contact_id WHERE a.platform = 'bluesky' "
        "ORDER BY c.name_key, c.id, a.handle").fetchall()
