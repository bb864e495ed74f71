"""Opening the one SQLite file: safety checks, WAL, busy timeout, migrations, transactions."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from ..errors import DatabaseError
from .migrations import known_migration_names, migrations
from .reference import reference_fingerprint, sync_reference_data

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


def check_database_file(path: Path) -> None:
    """Refuse, without touching it, a file that is not an SQLite database."""
    if not path.exists():
        return
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a database file. Give a file path with --db.")
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if header and header != SQLITE_HEADER:
        raise DatabaseError(
            f"{path} is not an msgu database (not an SQLite file). "
            "Pick another file with --db or MSGU_DB; this one was left untouched."
        )


def _connect(path: Path) -> Database:
    # isolation_level=None: we open every transaction ourselves (BEGIN IMMEDIATE for writes).
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    return Database(conn)


def _check_schema(db: Database, path: Path) -> bool:
    """True when the file still needs migrations; refuse foreign or newer databases."""
    tables = set(db.table_names())
    if not tables:
        return True
    if "_sqlite_migrations" not in tables:
        raise DatabaseError(
            f"{path} is an SQLite database, but not an msgu one. "
            "Pick another file with --db or MSGU_DB; this one was left untouched."
        )
    applied = {m.name for m in migrations.applied(db)}
    unknown = applied - known_migration_names()
    if unknown:
        raise DatabaseError(
            f"{path} was written by a newer version of msgu (schema {max(unknown)}). "
            "Upgrade msgu (pip install --upgrade msgu); the file was left untouched."
        )
    return bool(known_migration_names() - applied)


def open_db(path: Path, *, on_create: Callable[[Database], None] | None = None) -> Database:
    """Open (creating if missing) the database, migrate it, and run `on_create` once if new."""
    check_database_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        db = _connect(path)
        needs_migration = _check_schema(db, path)
        db.execute("PRAGMA journal_mode = WAL")
        bundled = reference_fingerprint()
        if needs_migration or db.execute("PRAGMA user_version").fetchone()[0] != bundled:
            _migrate(db, on_create, bundled)
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"Cannot open {path}: {error}.") from error
    return db


def _migrate(db: Database, on_create: Callable[[Database], None] | None, bundled: int) -> None:
    """Apply pending migrations and bring the reference data up to the installed msgu's.

    BEGIN IMMEDIATE serialises processes that open a new file at once: one creates and seeds.
    `user_version` remembers which bundled taxonomy, MRCs and hashtags the file holds, so an
    upgrade of msgu brings its new topics to existing databases (user-made topics are kept).
    """
    with transaction(db):
        fresh = not db["_sqlite_migrations"].exists()
        migrations.apply(db)
        sync_reference_data(db)
        db.execute(f"PRAGMA user_version = {int(bundled)}")
        if fresh and on_create is not None:
            on_create(db)


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction, taken at once so concurrent writers queue instead of failing."""
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.execute("COMMIT")
