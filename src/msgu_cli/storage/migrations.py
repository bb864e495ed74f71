"""Numbered, append-only schema migrations (sqlite-utils `Migrations`), applied at open.

Never edit or renumber one that has shipped: add a new one, and its name to
`storage.database.MIGRATIONS` (open_db reads that list to know, without importing this module
and sqlite-utils, whether a file needs a migration; a test checks the two agree).
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


@migrations()
def m006_municipalities(db: Database) -> None:
    """The Répertoire des municipalités as reference data (filled by sync_reference_data, like
    the MRCs), and the profile's municipality."""
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS municipalities (
            code TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            designation TEXT NOT NULL,
            region TEXT NOT NULL REFERENCES regions(number),
            mrc TEXT,
            population INTEGER NOT NULL DEFAULT 0,
            website TEXT
        );
        CREATE INDEX IF NOT EXISTS municipalities_region ON municipalities(region, mrc);
        """
    )
    if "municipality" not in db["profile"].columns_dict:
        db.execute("ALTER TABLE profile ADD COLUMN municipality TEXT")


@migrations()
def m007_relationship_loop(db: Database) -> None:
    """What `sync` and `next` need: the organisation's own accounts (the profile's), which
    history steps a sync observed (`observed_on`: the platform; NULL when a person recorded
    the step), and each sync that read something (`syncs`: when, which own accounts, how many
    statuses it changed, and the history's last step id after it, so `next` knows which steps
    came after a sync)."""
    db.execute("CREATE TABLE IF NOT EXISTS profile_accounts (platform TEXT NOT NULL, "
               "handle TEXT NOT NULL, url TEXT, PRIMARY KEY (platform, handle))")
    if "observed_on" not in db["relations"].columns_dict:
        db.execute("ALTER TABLE relations ADD COLUMN observed_on TEXT")
    db.execute("CREATE TABLE IF NOT EXISTS syncs (id INTEGER PRIMARY KEY, "
               "synced_at TEXT NOT NULL, accounts TEXT NOT NULL DEFAULT '[]', "
               "changes INTEGER NOT NULL DEFAULT 0, last_step INTEGER NOT NULL DEFAULT 0)")


@migrations()
def m008_verification_and_packs(db: Database) -> None:
    """Per account, whether `refresh` proved it official (and how); the packs (shared
    directories) the organisation subscribes to, and which contacts each one brought."""
    accounts = db["accounts"]
    if "verified" not in accounts.columns_dict:
        db.execute("ALTER TABLE accounts ADD COLUMN verified INTEGER NOT NULL DEFAULT 0")
    if "verified_by" not in accounts.columns_dict:
        db.execute("ALTER TABLE accounts ADD COLUMN verified_by TEXT")
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS subscriptions (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            url TEXT NOT NULL UNIQUE,
            pack_name TEXT,
            description TEXT,
            maintainer TEXT,
            updated TEXT,
            etag TEXT,
            last_modified TEXT,
            digest TEXT,
            subscribed_at TEXT NOT NULL,
            last_pulled TEXT
        );
        -- One row per contact a pack brought: `snapshot` is what the pack said of it at the
        -- last pull (so a pull changes only what the pack changed), `left_at` when it left.
        CREATE TABLE IF NOT EXISTS pack_members (
            subscription_id INTEGER NOT NULL REFERENCES subscriptions(id) ON DELETE CASCADE,
            contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
            snapshot TEXT NOT NULL,
            joined_at TEXT NOT NULL,
            left_at TEXT,
            PRIMARY KEY (subscription_id, contact_id)
        ) WITHOUT ROWID;
        CREATE INDEX IF NOT EXISTS pack_members_contact ON pack_members(contact_id);
        """
    )


@migrations()
def m009_narrow_indexes_for_recommend(db: Database) -> None:
    """recommend at 100,000 contacts looks up thousands of contacts and accounts by id, for a
    few columns of each: two narrow indexes hold those columns, so the look-ups never read the
    wide rows (descriptions, fetched profiles). contacts_ranked: what the score bounds, the
    filters and the order of ties read; accounts_owner: which contact an account belongs to
    (the follow graph's walk from each followed account to its contact)."""
    db.execute("CREATE INDEX IF NOT EXISTS contacts_ranked "
               "ON contacts(id, status, kind, region, scope, mrc, name_key)")
    db.execute("CREATE INDEX IF NOT EXISTS accounts_owner ON accounts(id, contact_id)")


@migrations()
def m010_covering_index_for_nearby_candidates(db: Database) -> None:
    """recommend's territory partners are the best contacts of a region (thousands at 100,000
    contacts): contacts_nearby holds every column their bound, the filters and the order of
    ties read, so they are read from the index alone, never from the wide rows. It starts with
    the region, so it also serves every look-up by region that contacts_region served."""
    db.execute("CREATE INDEX IF NOT EXISTS contacts_nearby "
               "ON contacts(region, status, kind, scope, mrc, name_key)")
    db.execute("DROP INDEX IF EXISTS contacts_region")
