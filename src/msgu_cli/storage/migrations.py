"""Numbered, append-only schema migrations (sqlite-utils `Migrations`), applied at open.

Never edit or renumber one that has shipped: add a new one.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("msgu")

FTS_COLUMNS = ["name", "description", "notes", "topics_text", "handles_text"]


@migrations()
def m001_directory(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE regions (number TEXT PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE mrcs (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            region TEXT NOT NULL REFERENCES regions(number),
            source TEXT,
            UNIQUE (name, region)
        );
        CREATE TABLE topics (
            code TEXT PRIMARY KEY,
            label_fr TEXT NOT NULL,
            label_en TEXT NOT NULL,
            synonyms TEXT NOT NULL DEFAULT '[]',
            grp TEXT NOT NULL DEFAULT 'function',
            origin TEXT NOT NULL DEFAULT 'taxonomy'
        );
        CREATE TABLE topic_parents (
            topic TEXT NOT NULL REFERENCES topics(code) ON DELETE CASCADE,
            parent TEXT NOT NULL REFERENCES topics(code) ON DELETE CASCADE,
            PRIMARY KEY (topic, parent)
        );
        CREATE TABLE contacts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            kind TEXT NOT NULL DEFAULT 'other',
            region TEXT REFERENCES regions(number),
            mrc TEXT,
            municipality TEXT,
            scope TEXT,
            languages TEXT NOT NULL DEFAULT '[]',
            description TEXT,
            notes TEXT,
            source TEXT,
            status TEXT NOT NULL DEFAULT 'none',
            topics_text TEXT NOT NULL DEFAULT '',
            handles_text TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX contacts_name_key ON contacts(name_key);
        CREATE INDEX contacts_kind ON contacts(kind);
        CREATE INDEX contacts_region ON contacts(region);
        CREATE INDEX contacts_status ON contacts(status);
        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            platform TEXT NOT NULL,
            handle TEXT NOT NULL,
            url TEXT,
            remote_id TEXT,
            display_name TEXT,
            description TEXT,
            followers_count INTEGER,
            following_count INTEGER,
            posts_count INTEGER,
            last_post_at TEXT,
            state TEXT,
            last_error TEXT,
            checked_at TEXT,
            UNIQUE (platform, handle)
        );
        CREATE INDEX accounts_contact ON accounts(contact_id);
        CREATE TABLE contact_topics (
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            topic TEXT NOT NULL REFERENCES topics(code) ON DELETE CASCADE,
            suggested INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (contact_id, topic)
        ) WITHOUT ROWID;
        CREATE INDEX contact_topics_topic ON contact_topics(topic, contact_id);
        CREATE TABLE relations (
            id INTEGER PRIMARY KEY,
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            date TEXT NOT NULL,
            note TEXT,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX relations_contact ON relations(contact_id, date);
        CREATE TABLE follows (
            follower_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            followee_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            source TEXT,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (follower_id, followee_id)
        ) WITHOUT ROWID;
        CREATE INDEX follows_followee ON follows(followee_id, follower_id);
        CREATE TABLE profile (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT,
            kind TEXT,
            region TEXT,
            mrc TEXT,
            topics TEXT NOT NULL DEFAULT '[]',
            languages TEXT NOT NULL DEFAULT '[]',
            platforms TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE hashtags (
            tag TEXT PRIMARY KEY,
            language TEXT,
            description TEXT,
            source TEXT
        );
        -- For Datasette and people reading the file: one row per contact with its handles.
        CREATE VIEW contacts_with_accounts AS
            SELECT c.id, c.name, c.kind, c.region, r.name AS region_name, c.mrc, c.scope,
                   c.status, c.topics_text AS topics,
                   (SELECT group_concat(a.platform || ':' || a.handle, ' ')
                      FROM accounts a WHERE a.contact_id = c.id) AS accounts
            FROM contacts c LEFT JOIN regions r ON r.number = c.region;
        """
    )
    db.table("contacts").enable_fts(
        FTS_COLUMNS, tokenize="unicode61 remove_diacritics 2", create_triggers=True
    )


@migrations()
def m002_reference_data(db: Database) -> None:
    from .reference import sync_reference_data

    sync_reference_data(db)


@migrations()
def m003_accounts_by_contact_and_platform(db: Database) -> None:
    """recommend's --platform filter reads this index alone; it also serves every look-up by
    contact, so the narrower index it replaces goes."""
    db.execute("CREATE INDEX IF NOT EXISTS accounts_contact_platform "
               "ON accounts(contact_id, platform)")
    db.execute("DROP INDEX IF EXISTS accounts_contact")


@migrations()
def m004_topic_index_covers_suggested(db: Database) -> None:
    """recommend weighs a suggested tag apart from a person's: with `suggested` in the topic
    index, the candidate query never leaves the index (about 10 ms at 100,000 contacts)."""
    db.execute("DROP INDEX IF EXISTS contact_topics_topic")
    db.execute("CREATE INDEX contact_topics_topic ON contact_topics(topic, contact_id, suggested)")


@migrations()
def m005_view_topic_codes(db: Database) -> None:
    """`contacts_with_accounts.topics` becomes the contact's topic codes as a JSON array (a
    person's tags, in code order), so Datasette can facet on them (`_facet_array=topics`);
    the search index's words stay in `contacts.topics_text`."""
    db.execute("DROP VIEW IF EXISTS contacts_with_accounts")
    db.execute(
        """
        CREATE VIEW contacts_with_accounts AS
            SELECT c.id, c.name, c.kind, c.region, r.name AS region_name, c.mrc, c.scope,
                   c.status,
                   (SELECT json_group_array(topic) FROM (
                        SELECT t.topic FROM contact_topics t
                        WHERE t.contact_id = c.id AND t.suggested = 0 ORDER BY t.topic)
                   ) AS topics,
                   (SELECT group_concat(a.platform || ':' || a.handle, ' ')
                      FROM accounts a WHERE a.contact_id = c.id) AS accounts
            FROM contacts c LEFT JOIN regions r ON r.number = c.region
        """
    )


def known_migration_names() -> set[str]:
    return {m.name for m in migrations.pending(Database(memory=True))}
