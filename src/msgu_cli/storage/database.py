"""Opening the one SQLite file: safety checks, WAL, busy timeout, migrations, transactions."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from ..domain.text import shown
from ..errors import DatabaseError
from ..i18n import _
from .connection import Database, sqlite_utils_database
from .reference import reference_fingerprint, sync_reference_data

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
MIGRATION_SET = "msgu"
# The names of storage/migrations.py's migrations, in order (tests/test_storage.py checks that
# they are the registered ones). open_db compares them with the file's `_sqlite_migrations` in
# plain SQL, and loads the migrations, and sqlite-utils, only when one is pending.
MIGRATIONS = (
    "m001_directory", "m002_reference_data", "m003_accounts_by_contact_and_platform",
    "m004_topic_index_covers_suggested", "m005_view_topic_codes", "m006_municipalities",
    "m007_relationship_loop", "m008_verification_and_packs", "m009_narrow_indexes_for_recommend",
    "m010_covering_index_for_nearby_candidates",
)


def check_database_file(path: Path) -> None:
    """Refuse, without touching it, a file that is not an SQLite database: a folder, a device
    or a pipe, an empty file (the README: refused, not turned into a database), another
    format."""
    if not path.exists():
        return
    if path.is_dir():
        raise DatabaseError(_("{path} is a folder, not a database file. Give a file path with "
                              "--db.").format(path=shown(path)))
    if not path.is_file():
        raise DatabaseError(_("{path} is not a regular file (a device, a pipe or a socket). "
                              "Give a database file with --db or MSGU_DB; it was left "
                              "untouched.").format(path=shown(path)))
    with path.open("rb") as handle:
        header = handle.read(len(SQLITE_HEADER))
    if not header:
        raise DatabaseError(_("{path} is an empty file, not an msgu database. Delete it (msgu "
                              "creates a missing database) or pick another file with --db or "
                              "MSGU_DB; it was left untouched.").format(path=shown(path)))
    if header != SQLITE_HEADER:
        raise DatabaseError(_(
            "{path} is not an msgu database (not an SQLite file). "
            "Pick another file with --db or MSGU_DB; this one was left untouched."
        ).format(path=shown(path)))


def _connect(path: Path, *, uri: str | None = None) -> Database:
    # isolation_level=None: we open every transaction ourselves (BEGIN IMMEDIATE for writes).
    conn = sqlite3.connect(uri or str(path), timeout=BUSY_TIMEOUT_MS / 1000,
                           isolation_level=None, uri=uri is not None)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils always set it
    return Database(conn)


def _writable(path: Path) -> bool:
    """Whether msgu may write the file and, for the write-ahead log beside it, its folder."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def open_read_only(path: Path) -> Database:
    """A connection that never writes, for a file (or folder) msgu may not write.

    `mode=ro` reads through the write-ahead log when its `-shm` index can be used; in a
    read-only folder without one, `immutable=1` reads the file alone, which holds everything
    since every write command checkpoints the log (see `close_database`).
    """
    last: sqlite3.Error | None = None
    for params in ("mode=ro", "immutable=1"):
        db = _connect(path, uri=f"{path.resolve().as_uri()}?{params}")
        try:
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            db.execute("PRAGMA query_only = ON")  # said plainly, for `is_read_only`
            return db
        except sqlite3.DatabaseError as error:
            db.close()
            last = error
    raise DatabaseError(_("Cannot read {path}: {error}.").format(path=shown(path), error=last))


def open_untouched(path: Path) -> Database:
    """A read-only connection that leaves no file behind (`mode=ro` in a folder msgu may write
    makes `-wal` and `-shm` files that nothing removes): the file alone, `immutable=1`, when no
    write-ahead log is beside it (every write command checkpoints it); through the log of the
    process that has it open otherwise."""
    if Path(f"{path}-wal").exists():
        return open_read_only(path)
    db = _connect(path, uri=f"{path.resolve().as_uri()}?immutable=1")
    db.execute("PRAGMA query_only = ON")
    return db


def _check_schema(db: Database, path: Path) -> bool:
    """True when the file still needs migrations; refuse foreign or newer databases."""
    tables = set(db.table_names())
    if not tables:
        return True
    if "_sqlite_migrations" not in tables:
        raise DatabaseError(_(
            "{path} is an SQLite database, but not an msgu one. "
            "Pick another file with --db or MSGU_DB; this one was left untouched."
        ).format(path=shown(path)))
    applied = set(applied_migrations(db))
    unknown = applied - set(MIGRATIONS)
    if unknown:
        raise DatabaseError(_(
            "{path} was written by a newer version of msgu (schema {schema}). "
            "Upgrade msgu (pip install --upgrade msgu); the file was left untouched."
        ).format(path=shown(path), schema=shown(max(unknown))))
    return bool(set(MIGRATIONS) - applied)


def applied_migrations(db: Database) -> list[str]:
    """The names of msgu's migrations the file records as applied, in the order they were."""
    if "_sqlite_migrations" not in db.table_names():
        return []
    return [row[0] for row in db.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid",
        [MIGRATION_SET])]


def open_db(path: Path, *, on_create: Callable[[Database], None] | None = None) -> Database:
    """Open (creating if missing) the database, migrate it, and run `on_create` once if new.

    A file msgu may not write (or in a folder it may not write) is opened read-only: reading
    commands work, and a write is refused with a clear error (see `database_problem`).
    """
    check_database_file(path)
    if path.exists() and not _writable(path):
        return _read_only(path)
    if not path.exists():
        _create(path, on_create)
    db = None
    try:
        db = _connect(path)
        needs_migration = _check_schema(db, path)
        db.execute("PRAGMA journal_mode = WAL")
        bundled = reference_fingerprint()
        if needs_migration or db.execute("PRAGMA user_version").fetchone()[0] != bundled:
            _migrate(db, on_create, bundled)
    except sqlite3.OperationalError as error:
        if db is not None:
            db.close()
        if _is_read_only_error(error):  # a read-only file system, say
            return _read_only(path)
        raise DatabaseError(database_problem(error) or _(
            "Cannot open {path}: {error}. Check that its folder exists and that you may write "
            "there, or pick another file with --db.").format(path=shown(path), error=error)
        ) from error
    except sqlite3.DatabaseError as error:
        if db is not None:
            db.close()
        raise DatabaseError(_("Cannot open {path}: {error}. Run 'msgu doctor' to check it, or "
                              "restore a backup.").format(path=shown(path), error=error)
                            ) from error
    return db


def _create(path: Path, on_create: Callable[[Database], None] | None) -> None:
    """Build a new database under a temporary name beside `path`, then publish it whole: msgu
    processes started together on a missing file never meet a half-made (or empty) one, and
    a failed seed leaves nothing behind. The first to publish wins; the others use its file."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    except OSError as error:
        raise DatabaseError(_("Cannot create {path}: {error}. Check that its folder exists and "
                              "that you may write there, or pick another file with --db."
                              ).format(path=shown(path), error=error.strerror)) from None
    os.close(handle)
    building = Path(name)
    try:
        os.chmod(building, new_file_mode())
        db = _connect(building)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            _migrate(db, on_create, reference_fingerprint())
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything into the file itself
        finally:
            db.close()
        log = Path(f"{building}-wal")
        if log.exists() and log.stat().st_size:  # the disk refused part of the file
            raise DatabaseError(_("Cannot create {path}: the disk could not take the whole "
                                  "database. Free some space and try again.").format(
                                      path=shown(path)))
        _publish(building, path)
    except sqlite3.DatabaseError as error:
        raise DatabaseError(_("Cannot create {path}: {error}.").format(
            path=shown(path), error=error)) from error
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{building}{suffix}").unlink(missing_ok=True)


def _publish(building: Path, path: Path) -> None:
    """`building` under the name `path`, unless another process has published one first."""
    try:
        os.link(building, path)  # never replaces: an existing file stays
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links
        if not path.exists():
            os.replace(building, path)


def new_file_mode() -> int:
    """The permissions a new file gets here: 0666 less the umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def database_files(db: Database) -> list[Path]:
    """The database file and its write-ahead log and index: what no export may overwrite."""
    main = db.execute("PRAGMA database_list").fetchone()[2]
    return [Path(main + suffix) for suffix in ("", "-wal", "-shm")] if main else []


def is_read_only(db: Database) -> bool:
    """Whether `db` was opened read-only (see `open_read_only`)."""
    return bool(db.execute("PRAGMA query_only").fetchone()[0])


def journal_mode(db: Database) -> str:
    """The file's journal mode. A read-only connection may see `delete` where the file says
    `wal`: the header's format bytes (2 for WAL) tell the truth."""
    mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    if mode == "wal" or not is_read_only(db):
        return mode
    path = db.execute("PRAGMA database_list").fetchone()[2]
    with open(path, "rb") as handle:
        header = handle.read(20)
    return "wal" if header[18:20] == b"\x02\x02" else mode


def _read_only(path: Path) -> Database:
    """The file opened read-only, if its schema is this msgu's (nothing can be migrated)."""
    db = open_read_only(path)
    try:
        if _check_schema(db, path):
            raise DatabaseError(_(
                "{path} is read-only and was written by an older msgu: its schema cannot be "
                "brought up to date. Copy it to a folder you may write, or make it writable."
            ).format(path=shown(path)))
    except sqlite3.DatabaseError as error:
        db.close()
        raise DatabaseError(_("Cannot open {path}: {error}. Run 'msgu doctor' to check it, or "
                              "restore a backup.").format(path=shown(path), error=error)
                            ) from error
    except DatabaseError:
        db.close()
        raise
    return db


def _is_read_only_error(error: sqlite3.Error) -> bool:
    text = str(error).lower()
    return "readonly" in text or "read-only" in text or "unable to open" in text


def database_problem(error: sqlite3.Error) -> str | None:
    """What a user should read for an SQLite failure that is no bug of msgu's (a read-only,
    busy, full or damaged file), or None for any other (a bug: it must show as one)."""
    text = str(error)
    lowered = text.lower()
    if _is_read_only_error(error):
        return _("The database cannot be written: the file or its folder is read-only "
                 "({error}). Reading commands still work; for this one, make it writable or "
                 "copy the file elsewhere (--db). Nothing was changed.").format(error=text)
    if "locked" in lowered or "busy" in lowered:
        return _("The database stayed busy for {seconds} s: another program is writing to it. "
                 "Try again when it is done. Nothing was changed.").format(
                     seconds=BUSY_TIMEOUT_MS // 1000)
    if "full" in lowered or "i/o" in lowered:
        return _("The disk could not take the write ({error}): free some space and try again. "
                 "Nothing was changed.").format(error=text)
    if any(word in lowered for word in ("malformed", "not a database", "corrupt")):
        return _("The database is damaged ({error}): run 'msgu doctor' to see what is wrong, "
                 "or restore a backup (msgu backup makes one).").format(error=text)
    return None


def close_database(db: Database, *, not_written: int = 0) -> None:
    """Close, first copying the write-ahead log into the file when this connection wrote:
    Datasette or a copy of `msgu.db` then sees every change even while another program keeps
    the file open (SQLite folds the log back only when the last connection closes). With no
    busy wait, TRUNCATE empties the log when no reader is in it, and otherwise copies what it
    can without waiting for anyone, as PASSIVE does. A read-only run checkpoints nothing
    (`not_written`: how many of the changes SQLite counted were no write, such as doctor's
    check of the search index, an INSERT of a command)."""
    try:
        if db.conn.total_changes > not_written:
            db.execute("PRAGMA busy_timeout = 0")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.Error:
        pass  # the data is safe in the log; the next write command folds it in
    finally:
        db.close()


@contextmanager
def read_snapshot(db: Database) -> Iterator[Database]:
    """One read transaction: every query inside sees the database as it was at the first one,
    whatever another process commits meanwhile (an export never mixes old and new rows)."""
    if db.conn.in_transaction:
        yield db
        return
    db.execute("BEGIN")
    try:
        yield db
    finally:
        if db.conn.in_transaction:
            db.execute("COMMIT")


def _migrate(db: Database, on_create: Callable[[Database], None] | None, bundled: int) -> None:
    """Apply pending migrations and bring the reference data up to the installed msgu's.

    BEGIN IMMEDIATE serialises processes that migrate one file at once: one does the work.
    `user_version` remembers which bundled taxonomy, MRCs and hashtags the file holds, so an
    upgrade of msgu brings its new topics to existing databases (user-made topics are kept).
    """
    from .migrations import migrations  # sqlite-utils: only when a migration may be pending

    with transaction(db):
        fresh = "_sqlite_migrations" not in db.table_names()
        migrations.apply(sqlite_utils_database(db))
        sync_reference_data(db)
        db.execute(f"PRAGMA user_version = {int(bundled)}")
        if fresh and on_create is not None:
            on_create(db)


@contextmanager
def transaction(db: Database) -> Iterator[Database]:
    """One write transaction, taken at once so concurrent writers queue instead of failing."""
    if db.conn.in_transaction:
        with _savepoint(db):
            yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.execute("COMMIT")


@contextmanager
def _savepoint(db: Database) -> Iterator[None]:
    """A nested transaction: an error undoes its work and goes on up to the outer one."""
    db.execute("SAVEPOINT nested")
    try:
        yield
    except BaseException:
        if db.conn.in_transaction:  # a RAISE(ROLLBACK) may have ended the whole transaction
            db.execute("ROLLBACK TO nested")
            db.execute("RELEASE nested")
        raise
    db.execute("RELEASE nested")
