"""Contacts, their accounts and topic tags: every SQL statement about the directory."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import fields as dataclass_fields
from functools import lru_cache
from operator import attrgetter

from ..domain.models import Account, Contact
from ..domain.text import fold
from .connection import Database

_CONTACT_COLUMNS = (
    "name", "name_key", "kind", "region", "mrc", "municipality", "scope", "languages",
    "description", "notes", "source", "status", "topics_text", "handles_text",
)
_ACCOUNT_FIELDS = tuple(f.name for f in dataclass_fields(Account))
_VERIFIED = _ACCOUNT_FIELDS.index("verified")
_ACCOUNT_VALUES = attrgetter(*_ACCOUNT_FIELDS)  # one C call per account, not twelve getattr
_FETCHED_VALUES = attrgetter(*(f for f in _ACCOUNT_FIELDS if f not in ("platform", "handle",
                                                                       "url")))
_NOTHING_FETCHED = _FETCHED_VALUES(Account("", ""))  # what an account holds before refresh
_CHUNK = 500  # stays under SQLite's bound-parameter limit


def _chunks(values: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def topic_words(db: Database) -> dict[str, str]:
    """code -> 'code label_fr label_en', so full-text search finds a contact by its topics."""
    return {
        code: f"{code} {fr} {en}"
        for code, fr, en in db.execute("SELECT code, label_fr, label_en FROM topics")
    }


@lru_cache(maxsize=64)
def _languages_json(languages: tuple[str, ...]) -> str:
    """A contact's languages as stored: a few lists (["fr"], ["fr", "en"]) for a whole import."""
    return json.dumps(list(languages))


def _row(contact: Contact, topic_words: dict[str, str]) -> tuple:
    topics = (*contact.topics, *contact.suggested_topics)
    return (
        contact.name, fold(contact.name), contact.kind, contact.region, contact.mrc,
        contact.municipality, contact.scope, _languages_json(contact.languages),
        contact.description, contact.notes, contact.source, contact.status,
        " ".join([topic_words.get(t, t) for t in topics]),
        " ".join([f"{a.handle} {a.url}" if a.url else a.handle for a in contact.accounts]),
    )


def next_contact_id(db: Database) -> int:
    """The id the next new contact gets: save_contacts numbers new contacts from here."""
    return db.execute("SELECT coalesce(max(id), 0) + 1 FROM contacts").fetchone()[0]


def save_contacts(
    db: Database, contacts: Sequence[Contact], *, now: str, words: dict[str, str] | None = None
) -> list[int]:
    """Insert new contacts (id None) and rewrite existing ones; returns their ids in order.
    Call inside a write transaction: new contacts take the ids after the highest one, so that
    each table is written with one `executemany` however many contacts come.

    `words` is `topic_words(db)`, passed in by callers that save many contacts in batches.
    """
    words = topic_words(db) if words is None else words
    next_id = next_contact_id(db)
    ids: list[int] = []
    for contact in contacts:
        ids.append(next_id if contact.id is None else contact.id)
        next_id += contact.id is None
    numbered = list(zip(ids, contacts, strict=True))
    new = [(i, c) for i, c in numbered if c.id is None]
    db.conn.executemany(
        f"INSERT INTO contacts (id, {', '.join(_CONTACT_COLUMNS)}, created_at, updated_at) "
        f"VALUES ({', '.join('?' * (len(_CONTACT_COLUMNS) + 3))})",
        [(i, *_row(c, words), now, now) for i, c in new],
    )
    _insert_accounts(db, ((i, a) for i, c in new for a in c.accounts))
    _insert_topics(db, new)
    assignments = ", ".join(f"{c} = ?" for c in _CONTACT_COLUMNS)
    for contact_id, contact in numbered:
        if contact.id is not None:
            db.execute(f"UPDATE contacts SET {assignments}, updated_at = ? WHERE id = ?",
                       [*_row(contact, words), now, contact_id])
            _sync_accounts(db, contact_id, contact.accounts)
            db.execute("DELETE FROM contact_topics WHERE contact_id = ?", [contact_id])
            _insert_topics(db, [(contact_id, contact)])
    return ids


def _sync_accounts(db: Database, contact_id: int, accounts: Sequence[Account]) -> None:
    """Keep the rows (and their fetched state and follow edges) of accounts that stay."""
    existing = {
        (p, h): i for i, p, h in db.execute(
            "SELECT id, platform, handle FROM accounts WHERE contact_id = ?", [contact_id])
    }
    wanted = {(a.platform, a.handle): a for a in accounts}
    gone = [i for key, i in existing.items() if key not in wanted]
    for chunk in _chunks(gone):
        db.execute(f"DELETE FROM accounts WHERE id IN ({', '.join('?' * len(chunk))})", chunk)
    for key, account in wanted.items():
        if key in existing:
            db.execute("UPDATE accounts SET url = ? WHERE id = ?", [account.url, existing[key]])
    _insert_accounts(db, ((contact_id, a) for key, a in wanted.items() if key not in existing))


def _insert_accounts(db: Database, owned: Iterable[tuple[int, Account]]) -> None:
    """Insert (contact id, account) pairs. Accounts nothing was fetched for yet (all those an
    import adds) bind their address alone: a third of an import's time went to the rest."""
    plain, fetched = [], []
    for contact_id, a in owned:
        if _FETCHED_VALUES(a) == _NOTHING_FETCHED:
            plain.append((contact_id, a.platform, a.handle, a.url))
        else:
            fetched.append((contact_id, *_ACCOUNT_VALUES(a)))
    db.conn.executemany(
        "INSERT INTO accounts (contact_id, platform, handle, url) VALUES (?, ?, ?, ?)", plain)
    db.conn.executemany(
        f"INSERT INTO accounts (contact_id, {', '.join(_ACCOUNT_FIELDS)}) "
        f"VALUES (?, {', '.join('?' * len(_ACCOUNT_FIELDS))})", fetched)


def _insert_topics(db: Database, numbered: Iterable[tuple[int, Contact]]) -> None:
    """A person's tags, then suggested ones that are not also a person's."""
    rows = []
    for contact_id, contact in numbered:
        rows += [(contact_id, t, 0) for t in dict.fromkeys(contact.topics)]
        rows += [(contact_id, t, 1) for t in dict.fromkeys(contact.suggested_topics)
                 if t not in contact.topics]
    db.conn.executemany(
        "INSERT INTO contact_topics (contact_id, topic, suggested) VALUES (?, ?, ?)", rows
    )


# What a large import reads while it writes (owners by name, accounts by contact): these
# indexes stay; the table's other secondary indexes are built again once, after the rows.
_INDEXES_IMPORT_READS = frozenset({"contacts_name_key", "accounts_contact_platform"})
_BULK_TABLES = ("contacts", "accounts", "contact_topics")


@contextmanager
def search_index_rebuilt_once(db: Database, *, adding: int) -> Iterator[None]:
    """Inside a write transaction that adds `adding` contacts: when that is at least as many as
    the directory already holds, they skip the row-by-row full-text triggers and the index is
    rebuilt once at the end (about 3x faster); so do the secondary indexes that nothing reads
    during the import (kind, status, topic…), built once from the sorted rows instead of page
    by page. The update trigger goes too: a contact added here and rewritten by a later row
    was never indexed, and removing it from the index row by row would damage it. An error
    rolls back the removals too: all of it is one transaction."""
    if not adding or adding < contact_count(db):
        yield
        return
    marks = ", ".join("?" * len(_BULK_TABLES))
    triggers = db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'contacts' "
        "AND name IN ('contacts_ai', 'contacts_au') ORDER BY name").fetchall()
    indexes = [(name, sql) for name, sql in db.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name", _BULK_TABLES)
        if name not in _INDEXES_IMPORT_READS]
    for name, _sql in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
    for name, _sql in indexes:
        db.execute(f'DROP INDEX "{name}"')
    yield
    db.execute("INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild')")
    for _name, sql in (*indexes, *triggers):
        db.execute(sql)


def contact_count(db: Database) -> int:
    return db.execute("SELECT count(*) FROM contacts").fetchone()[0]


def delete_contact(db: Database, contact_id: int) -> None:
    db.execute("DELETE FROM contacts WHERE id = ?", [contact_id])


def set_status(db: Database, contact_id: int, status: str, *, now: str) -> None:
    db.execute(
        "UPDATE contacts SET status = ?, updated_at = ? WHERE id = ?", [status, now, contact_id]
    )


def load_contacts(db: Database, ids: Sequence[int] | None = None) -> list[Contact]:
    """Whole contacts, in the order of `ids` (all of them, by name, when `ids` is None)."""
    if ids is None:
        rows = db.execute(f"SELECT {_LOADED} FROM contacts ORDER BY name_key, id")
        contacts = _assemble(db, rows, where="")
        return contacts
    found: dict[int, Contact] = {}
    for chunk in _chunks(list(ids)):
        marks = ", ".join("?" * len(chunk))
        rows = db.execute(f"SELECT {_LOADED} FROM contacts WHERE id IN ({marks})", chunk)
        for contact in _assemble(db, rows, where=f"WHERE contact_id IN ({marks})", args=chunk):
            found[contact.saved_id()] = contact
    return [found[i] for i in ids if i in found]


def iter_contacts(db: Database, ids: Sequence[int], *, chunk: int = 2000) -> Iterator[Contact]:
    """Whole contacts in the order of `ids`, read a chunk at a time: an export of a whole
    province never holds every contact in memory at once."""
    for start in range(0, len(ids), chunk):
        yield from load_contacts(db, ids[start:start + chunk])


# What a Contact holds, not the full-text words and dates beside it (half of a row's bytes).
_LOADED = ("id, name, kind, region, mrc, municipality, scope, languages, description, notes, "
           "source, status")


def _assemble(db: Database, cursor, *, where: str, args: Sequence = ()) -> list[Contact]:
    columns = [d[0] for d in cursor.description]
    rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
    accounts: dict[int, list[Account]] = {}
    for row in db.execute(
        f"SELECT contact_id, {', '.join(_ACCOUNT_FIELDS)} FROM accounts {where} "
        "ORDER BY contact_id, platform, handle", args
    ):
        values = list(row[1:])
        values[_VERIFIED] = bool(values[_VERIFIED])  # SQLite stores 0 or 1
        accounts.setdefault(row[0], []).append(Account(*values))
    topics: dict[int, tuple[list[str], list[str]]] = {}
    for contact_id, topic, suggested in db.execute(
        f"SELECT contact_id, topic, suggested FROM contact_topics {where} "
        "ORDER BY contact_id, topic", args
    ):
        topics.setdefault(contact_id, ([], []))[suggested].append(topic)
    return [_contact(r, accounts.get(r["id"], []), topics.get(r["id"], ([], []))) for r in rows]


def _contact(row: dict, accounts: list[Account], topics: tuple[list[str], list[str]]) -> Contact:
    return Contact(
        id=row["id"], name=row["name"], kind=row["kind"], region=row["region"], mrc=row["mrc"],
        municipality=row["municipality"], scope=row["scope"],
        languages=tuple(json.loads(row["languages"] or "[]")), topics=tuple(topics[0]),
        suggested_topics=tuple(topics[1]), description=row["description"], notes=row["notes"],
        source=row["source"], status=row["status"], accounts=tuple(accounts),
    )


def find_by_accounts(db: Database, pairs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(platform, handle) -> contact id, for the pairs that exist."""
    found: dict[tuple[str, str], int] = {}
    for platform, handle in dict.fromkeys(pairs):
        row = db.execute(
            "SELECT contact_id FROM accounts WHERE platform = ? AND handle = ?", [platform, handle]
        ).fetchone()
        if row:
            found[(platform, handle)] = row[0]
    return found


def find_by_name(db: Database, name: str, region: str | None = None) -> list[int]:
    """Ids of contacts whose name is `name`, ignoring case and accents (and in `region`)."""
    sql, args = "SELECT id FROM contacts WHERE name_key = ?", [fold(name)]
    if region is not None:
        sql, args = sql + " AND region IS ?", [*args, region]
    return [r[0] for r in db.execute(sql + " ORDER BY id", args)]


def contact_exists(db: Database, contact_id: int) -> bool:
    return db.execute("SELECT 1 FROM contacts WHERE id = ?", [contact_id]).fetchone() is not None


def filter_contact_ids(
    db: Database, *, kinds: Sequence[str] = (), regions: Sequence[str] = (),
    mrcs: Sequence[str] = (), topics: Sequence[str] = (), statuses: Sequence[str] = (),
    platforms: Sequence[str] = (), limit: int | None = None,
) -> list[int]:
    """Contacts by name; filters combine with AND, values of one filter with OR."""
    clauses, args = [], []
    for column, values in (("kind", kinds), ("region", regions), ("mrc", mrcs),
                           ("status", statuses)):
        if values:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            args += list(values)
    if topics:
        clauses.append("id IN (SELECT contact_id FROM contact_topics WHERE topic IN "
                       f"({', '.join('?' * len(topics))}))")
        args += list(topics)
    if platforms:
        clauses.append("id IN (SELECT contact_id FROM accounts WHERE platform IN "
                       f"({', '.join('?' * len(platforms))}))")
        args += list(platforms)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    tail = f" LIMIT {int(limit)}" if limit is not None else ""
    return [r[0] for r in db.execute(
        f"SELECT id FROM contacts {where} ORDER BY name_key, id{tail}", args)]


def fts_query(text: str) -> str:
    """Quote each word so FTS5 never reads user text as its query syntax (AND, *, :)."""
    words = [w for w in fold(text).replace('"', " ").split() if any(ch.isalnum() for ch in w)]
    return " ".join(f'"{w}"' for w in words)


def search_contact_ids(
    db: Database, text: str, *, limit: int | None = 20, any_word: bool = False
) -> list[tuple[int, float]]:
    """(id, bm25 rank) best first; all words must match unless `any_word`."""
    query = fts_query(text)
    if not query:
        return []
    if any_word:
        query = " OR ".join(query.split(" "))
    tail = f" LIMIT {int(limit)}" if limit is not None else ""
    return [
        (row[0], row[1]) for row in db.execute(
            "SELECT rowid, bm25(contacts_fts) AS rank FROM contacts_fts "
            f"WHERE contacts_fts MATCH ? ORDER BY rank, rowid{tail}", [query])
    ]
