"""storage.concurrent_read: a read on a second connection, in another thread, gives what the
caller's own connection would (the same rows, the same errors), and reads on the caller's
connection where a second one would not see the same data."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from msgu_cli.storage.concurrent_read import read_beside
from msgu_cli.storage.connection import Database
from msgu_cli.storage.database import open_db


@pytest.fixture
def db(db_path: Path):
    database = open_db(db_path)
    database.execute("INSERT INTO contacts (name, name_key, created_at, updated_at) "
                     "VALUES ('Urgence Québec', 'urgence quebec', '2026-01-01', '2026-01-01')")
    yield database
    database.close()


def _names(reader: Database) -> tuple[list[str], str, bool]:
    """What it read, in which thread, and whether its connection is the read-only one."""
    names = [row[0] for row in reader.execute("SELECT name FROM contacts ORDER BY id")]
    read_only = reader.execute("PRAGMA query_only").fetchone()[0] == 1
    return names, threading.current_thread().name, read_only


def test_reads_the_same_rows_on_a_read_only_connection_in_another_thread(db):
    names, thread, read_only = read_beside(db, _names)()
    assert names == ["Urgence Québec"]
    assert thread != threading.current_thread().name
    assert read_only  # never the caller's connection, which may write


def test_an_error_of_the_read_is_raised_to_the_caller(db):
    waited = read_beside(db, lambda reader: reader.execute("SELECT nope FROM contacts"))
    with pytest.raises(sqlite3.OperationalError, match="nope"):
        waited()


def test_uncommitted_changes_are_read_on_the_callers_connection(db):
    db.execute("BEGIN")
    db.execute("UPDATE contacts SET name = 'Urgence Québec (changed)'")
    names, thread, read_only = read_beside(db, _names)()
    db.execute("ROLLBACK")
    assert names == ["Urgence Québec (changed)"]
    assert thread == threading.current_thread().name and not read_only


def test_a_database_in_memory_is_read_on_the_callers_connection():
    memory = Database(sqlite3.connect(":memory:"))
    memory.execute("CREATE TABLE contacts (id INTEGER PRIMARY KEY, name TEXT)")
    memory.execute("INSERT INTO contacts (name) VALUES ('SPVM')")
    names, thread, _read_only = read_beside(memory, _names)()
    assert names == ["SPVM"] and thread == threading.current_thread().name
