"""The storage layer on its own: migrations, connection settings, the search index, the
geography, and transactions that leave nothing behind when they fail."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from msgu_cli.domain.geo import REGIONS
from msgu_cli.errors import DatabaseError
from msgu_cli.storage.database import MIGRATIONS, applied_migrations, open_db, transaction
from msgu_cli.storage.migrations import migrations
from msgu_cli.storage.reference import load_geography, load_taxonomy

DESIGN_TABLES = {"contacts", "accounts", "topics", "contact_topics", "topic_parents", "regions",
                 "mrcs", "relations", "follows", "profile", "hashtags"}


def test_migrations_build_the_designed_schema_in_memory():
    db = Database(memory=True)
    migrations.apply(db)
    assert set(db.table_names()) >= DESIGN_TABLES
    assert "contacts_with_accounts" in db.view_names()
    assert {"platform", "handle", "state", "last_error", "checked_at", "last_post_at"} <= set(
        db["accounts"].columns_dict)
    assert {"follower_id", "followee_id", "source", "seen_at"} <= set(db["follows"].columns_dict)
    assert [m.name for m in migrations.applied(db)] == list(MIGRATIONS)


def test_open_db_knows_every_registered_migration_without_loading_them():
    """storage.database.MIGRATIONS is what open_db reads instead of importing the migrations:
    it must name exactly the registered ones, in order."""
    assert [m.name for m in migrations.pending(Database(memory=True))] == list(MIGRATIONS)


def test_migration_names_are_numbered_and_unique():
    names = sorted(MIGRATIONS)
    assert names and all(n[0] == "m" and n[1:4].isdigit() and n[4] == "_" for n in names)
    assert len({n[:4] for n in names}) == len(names)


def test_open_applies_migrations_once_and_sets_the_connection_up(tmp_path):
    path = tmp_path / "msgu.db"
    db = open_db(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    applied = applied_migrations(db)
    assert applied == list(MIGRATIONS)
    db.conn.close()
    again = open_db(path)
    assert applied_migrations(again) == applied


def test_reference_data_is_complete(tmp_path):
    db = open_db(tmp_path / "msgu.db")
    geo = load_geography(db)
    assert len(geo.regions) == 17 and len(geo.mrcs) == 104
    assert {m.region for m in geo.mrcs} == {r.number for r in REGIONS}
    assert len(load_taxonomy(db).topics) >= 40


def test_search_index_folds_accents_and_follows_writes(tmp_path):
    db = open_db(tmp_path / "msgu.db")
    [schema] = db.execute("SELECT sql FROM sqlite_master WHERE name = 'contacts_fts'").fetchone()
    assert "remove_diacritics 2" in schema
    with transaction(db):
        db.execute("INSERT INTO contacts (name, name_key, description, created_at, updated_at) "
                   "VALUES ('Sécurité civile', 'securite civile', 'Géolocalisation des sinistrés',"
                   " 'now', 'now')")
    hits = db.execute("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH 'geolocalisation'"
                      ).fetchall()
    assert len(hits) == 1
    with transaction(db):
        db.execute("DELETE FROM contacts")
    assert db.execute("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'securite'"
                      ).fetchone()[0] == 0


def test_foreign_keys_cascade_from_contacts(tmp_path):
    db = open_db(tmp_path / "msgu.db")
    with transaction(db):
        db.execute("INSERT INTO contacts (id, name, name_key, created_at, updated_at) "
                   "VALUES (1, 'A', 'a', 'now', 'now'), (2, 'B', 'b', 'now', 'now')")
        db.execute("INSERT INTO accounts (id, contact_id, platform, handle) "
                   "VALUES (1, 1, 'x', 'a'), (2, 2, 'x', 'b')")
        db.execute("INSERT INTO follows (follower_id, followee_id, seen_at) VALUES (1, 2, 'now')")
    with transaction(db):
        db.execute("DELETE FROM contacts WHERE id = 2")
    assert db.execute("SELECT count(*) FROM accounts").fetchone()[0] == 1
    assert db.execute("SELECT count(*) FROM follows").fetchone()[0] == 0
    with pytest.raises(sqlite3.IntegrityError), transaction(db):
        db.execute("INSERT INTO accounts (contact_id, platform, handle) VALUES (42, 'x', 'z')")


def test_a_failed_transaction_leaves_nothing(tmp_path):
    db = open_db(tmp_path / "msgu.db")
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("INSERT INTO contacts (name, name_key, created_at, updated_at) "
                   "VALUES ('A', 'a', 'now', 'now')")
        raise RuntimeError("interrupted")
    assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 0
    assert not db.conn.in_transaction


def test_nested_transactions_roll_back_together(tmp_path):
    db = open_db(tmp_path / "msgu.db")
    with pytest.raises(RuntimeError), transaction(db):
        db.execute("INSERT INTO contacts (name, name_key, created_at, updated_at) "
                   "VALUES ('A', 'a', 'now', 'now')")
        with transaction(db):
            db.execute("INSERT INTO contacts (name, name_key, created_at, updated_at) "
                       "VALUES ('B', 'b', 'now', 'now')")
        raise RuntimeError("interrupted")
    assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 0


def test_on_create_runs_only_for_a_new_file(tmp_path):
    calls = []
    path = tmp_path / "msgu.db"
    open_db(path, on_create=lambda db: calls.append(1)).conn.close()
    open_db(path, on_create=lambda db: calls.append(2)).conn.close()
    assert calls == [1]


def test_a_failing_seed_leaves_no_half_made_database(tmp_path):
    path = tmp_path / "msgu.db"

    def broken_seed(db):
        db.execute("INSERT INTO contacts (name, name_key, created_at, updated_at) "
                   "VALUES ('A', 'a', 'now', 'now')")
        raise DatabaseError("seed file unreadable")

    with pytest.raises(DatabaseError):
        open_db(path, on_create=broken_seed)
    db = open_db(path)
    assert "contacts" not in db.table_names() or db.execute(
        "SELECT count(*) FROM contacts").fetchone()[0] == 0


def test_an_upgrade_brings_new_bundled_topics_and_keeps_the_users(tmp_path):
    """A database made by an older msgu (older taxonomy) gets the bundled topics on next open;
    user-made topics and every contact's tags stay."""
    path = tmp_path / "msgu.db"
    db = open_db(path)
    with transaction(db):
        db.execute("INSERT INTO topics (code, label_fr, label_en, origin) "
                   "VALUES ('crues-locales', 'Crues locales', 'Local floods', 'user')")
        db.execute("INSERT INTO contacts (id, name, name_key, created_at, updated_at) "
                   "VALUES (1, 'A', 'a', 'now', 'now')")
        db.execute("INSERT INTO contact_topics (contact_id, topic) "
                   "VALUES (1, 'crues-locales'), (1, 'inondations')")
        db.execute("DELETE FROM topics WHERE code = 'verglas'")  # as if older msgu lacked it
        db.execute("PRAGMA user_version = 0")
    db.conn.close()
    reopened = open_db(path)
    codes = {t.code for t in load_taxonomy(reopened).topics}
    assert {"verglas", "crues-locales", "inondations"} <= codes
    assert reopened.execute("SELECT topic FROM contact_topics ORDER BY topic").fetchall() == [
        ("crues-locales",), ("inondations",)]


def test_an_up_to_date_database_is_not_written_at_open(tmp_path):
    path = tmp_path / "msgu.db"
    open_db(path).conn.close()
    before = path.read_bytes()
    db = open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] != 0
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    db.conn.close()
    assert path.read_bytes() == before


def _trigger_names(db) -> set[str]:
    return {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}


def _indexes(db) -> set[tuple[str, str]]:
    return set(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))


@pytest.mark.parametrize("already", [0, 5])
def test_a_bulk_insert_leaves_the_search_index_whole(tmp_path, already):
    """As many new contacts as the directory holds: the index is rebuilt once; fewer: the
    trigger indexes each. Either way every contact is found and the trigger is back."""
    from msgu_cli.domain.models import Contact
    from msgu_cli.storage.contacts import save_contacts, search_index_rebuilt_once

    db = open_db(tmp_path / "msgu.db")
    triggers, indexes = _trigger_names(db), _indexes(db)
    with transaction(db):
        save_contacts(db, [Contact(f"Ancien {i}", kind="fire") for i in range(already)],
                      now="now")
    new = [Contact(f"Nouveau {i}", description="géolocalisation des sinistrés") for i in range(3)]
    with transaction(db), search_index_rebuilt_once(db, adding=len(new)):
        save_contacts(db, new, now="now")
    assert _trigger_names(db) == triggers and _indexes(db) == indexes
    # the secondary indexes built again hold every row: a query through one finds them all
    plan = " ".join(r[3] for r in db.execute(
        "EXPLAIN QUERY PLAN SELECT count(*) FROM contacts WHERE kind = 'other'"))
    assert "contacts_kind" in plan
    assert db.execute("SELECT count(*) FROM contacts WHERE kind = 'other'").fetchone()[0] == 3
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    found = db.execute("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH "
                       "'geolocalisation'").fetchone()[0]
    assert found == 3
    # FTS5's own check raises SQLITE_CORRUPT when the index and the table disagree.
    db.execute("INSERT INTO contacts_fts (contacts_fts, rank) VALUES ('integrity-check', 1)")


def test_a_failed_bulk_insert_keeps_the_trigger(tmp_path):
    from msgu_cli.domain.models import Contact
    from msgu_cli.storage.contacts import save_contacts, search_index_rebuilt_once

    db = open_db(tmp_path / "msgu.db")
    triggers, indexes = _trigger_names(db), _indexes(db)
    with pytest.raises(RuntimeError), transaction(db), search_index_rebuilt_once(db, adding=2):
        save_contacts(db, [Contact("A"), Contact("B")], now="now")
        raise RuntimeError("disk full")
    assert _trigger_names(db) == triggers and _indexes(db) == indexes
    assert db.execute("SELECT count(*) FROM contacts").fetchone()[0] == 0
