"""The plainest way to do each job that benchmarks/run.py times: `sqlite3` and `csv`, no msgu.

Run as a child process, like `msgu`, so both pay the same interpreter start-up:

    python benchmarks/baseline.py list DB
    python benchmarks/baseline.py search DB WORDS
    python benchmarks/baseline.py import DB FILE.csv    (DB made by `msgu init --empty`;
                                                         msgu_cli importable)
    python benchmarks/baseline.py one-table DB FILE.csv (any new DB file)
    python benchmarks/baseline.py export DB FILE.csv

`sqlite-utils insert DB rows FILE.csv --csv`, the tool a user would reach for instead of
`msgu import`, is the other import baseline (benchmarks/run.py, benchmarks/import_export.py).
"""

from __future__ import annotations

import csv
import gc
import json
import sqlite3
import sys

PLATFORMS = ("x", "bluesky", "mastodon", "facebook", "instagram", "threads", "youtube",
             "linkedin", "tiktok", "website")
CONTACT_COLUMNS = ("id", "name", "name_key", "kind", "region", "mrc", "municipality", "scope",
                   "languages", "description", "notes", "source", "status", "topics_text",
                   "handles_text", "created_at", "updated_at")
NOW = "2026-01-15T12:00:00+00:00"


def list_contacts(db: str) -> None:
    with sqlite3.connect(db) as conn:
        for row in conn.execute("SELECT id, name, kind, region, topics_text FROM contacts "
                                "ORDER BY name_key, id LIMIT 20"):
            print(*row, sep="\t")


def search(db: str, text: str) -> None:
    with sqlite3.connect(db) as conn:
        for row in conn.execute(
            "SELECT c.id, c.name, c.kind, c.region FROM contacts_fts "
            "JOIN contacts c ON c.id = contacts_fts.rowid WHERE contacts_fts MATCH ? "
            "ORDER BY bm25(contacts_fts) LIMIT 20", [text]
        ):
            print(*row, sep="\t")


def import_csv(db: str, path: str) -> None:
    """The floor of msgu's storage: the rows msgu writes for the file (the same full-text
    words: topic labels, handles and their URLs), written the way msgu's bulk path writes them
    (no full-text triggers, the secondary indexes nothing reads dropped and built once, the
    full-text index rebuilt once, one transaction), with no check, no duplicate matching and
    no normalised handle: what the tables and the index cost by themselves."""
    from msgu_cli.domain.handles import account_url  # pure functions: the same URLs and
    from msgu_cli.domain.text import fold  # folded names as msgu stores, at no I/O cost

    gc.disable()  # as msgu's import: every row lives to the end
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA cache_size = -24576")
    regions = {name: number for number, name in conn.execute("SELECT number, name FROM regions")}
    words = {code: f"{code} {fr} {en}" for code, fr, en in
             conn.execute("SELECT code, label_fr, label_en FROM topics")}
    next_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM contacts").fetchone()[0]
    contacts, accounts, topics = [], [], []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        for contact_id, row in enumerate(csv.DictReader(handle), next_id):
            tags = [t for t in row["topics"].split("|") if t]
            handles = [(p, h, _url(account_url, p, h)) for p in PLATFORMS
                       for h in row[p].split("|") if h]
            contacts.append((
                contact_id, row["name"], fold(row["name"]), row["kind"],
                regions.get(row["region"]), row["mrc"] or None, row["municipality"] or None,
                row["scope"] or None, json.dumps(row["languages"].split("|")),
                row["description"] or None, row["notes"] or None, row["source"] or None,
                row["status"], " ".join(words.get(t, t) for t in tags),
                " ".join(f"{h} {url}" for _, h, url in handles), NOW, NOW,
            ))
            accounts += [(contact_id, *account) for account in handles]
            topics += [(contact_id, t) for t in tags]
    conn.execute("BEGIN IMMEDIATE")
    rebuilt = _drop_bulk_objects(conn)
    conn.executemany(f"INSERT INTO contacts ({', '.join(CONTACT_COLUMNS)}) "
                     f"VALUES ({', '.join('?' * len(CONTACT_COLUMNS))})", contacts)
    conn.executemany("INSERT INTO accounts (contact_id, platform, handle, url) "
                     "VALUES (?, ?, ?, ?)", accounts)
    conn.executemany("INSERT INTO contact_topics (contact_id, topic) VALUES (?, ?)", topics)
    conn.execute("INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild')")
    for sql in rebuilt:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as every msgu write command does
    conn.close()


def _url(account_url, platform: str, handle: str) -> str:
    try:
        return account_url(platform, handle)
    except Exception:  # a cell msgu would have normalised first: its URL as it is
        return handle


# What msgu's bulk path keeps while it writes (it reads them), as storage/contacts.py says.
_KEPT_INDEXES = ("contacts_name_key", "accounts_contact_platform")


def _drop_bulk_objects(conn: sqlite3.Connection) -> list[str]:
    """Drop the full-text triggers and the secondary indexes msgu's bulk path drops; return
    the SQL that makes them again."""
    found = conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND ("
        "(type = 'trigger' AND name IN ('contacts_ai', 'contacts_au')) OR (type = 'index' AND "
        "tbl_name IN ('contacts', 'accounts', 'contact_topics') AND name NOT IN (?, ?)))",
        _KEPT_INDEXES).fetchall()
    for kind, name, _sql in found:
        conn.execute(f'DROP {kind.upper()} "{name}"')
    return [sql for kind, _name, sql in sorted(found, key=lambda f: f[0] == "trigger")]


def import_one_table(db: str, path: str) -> None:
    """The least any CSV import does: csv.reader, then one executemany of the raw cells into
    one table of text columns, in one transaction (no checks, no accounts, no index)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader)
        rows = list(reader)
    conn = sqlite3.connect(db, isolation_level=None)
    columns = ", ".join(f'"{name}" TEXT' for name in header)
    conn.execute(f"CREATE TABLE IF NOT EXISTS rows ({columns})")
    conn.execute("BEGIN")
    conn.executemany(f"INSERT INTO rows VALUES ({', '.join('?' * len(header))})", rows)
    conn.execute("COMMIT")
    conn.close()


def export_csv(db: str, path: str) -> None:
    """Every contact with its topics and accounts, one row each, in the export's columns."""
    with sqlite3.connect(db) as conn:
        regions = dict(conn.execute("SELECT number, name FROM regions"))
        accounts: dict[int, dict[str, list[str]]] = {}
        for contact_id, platform, handle in conn.execute(
                "SELECT contact_id, platform, handle FROM accounts ORDER BY contact_id, handle"):
            accounts.setdefault(contact_id, {}).setdefault(platform, []).append(handle)
        topics: dict[int, list[str]] = {}
        for contact_id, topic in conn.execute(
                "SELECT contact_id, topic FROM contact_topics ORDER BY contact_id, topic"):
            topics.setdefault(contact_id, []).append(topic)
        with open(path, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out, lineterminator="\r\n")
            writer.writerow(("id", "name", "kind", "region", "mrc", "municipality", "scope",
                             "languages", "topics", "status", *PLATFORMS, "description",
                             "notes", "source"))
            for row in conn.execute(
                "SELECT id, name, kind, region, mrc, municipality, scope, languages, status, "
                "description, notes, source FROM contacts ORDER BY name_key, id"
            ):
                (cid, name, kind, region, mrc, municipality, scope, languages, status,
                 description, notes, source) = row
                mine = accounts.get(cid, {})
                writer.writerow((
                    cid, name, kind, regions.get(region, ""), mrc or "", municipality or "",
                    scope or "", "|".join(json.loads(languages)), "|".join(topics.get(cid, ())),
                    status, *("|".join(mine.get(p, ())) for p in PLATFORMS), description or "",
                    notes or "", source or "",
                ))


JOBS = {"list": list_contacts, "search": search, "import": import_csv,
        "one-table": import_one_table, "export": export_csv}

if __name__ == "__main__":
    JOBS[sys.argv[1]](*sys.argv[2:])
