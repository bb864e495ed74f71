"""Looking after the database file: creation, statistics, integrity, backups."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.relationships import FunnelStage
from ..domain.text import shown
from ..errors import DatabaseError, InvalidInput
from ..i18n import N_, Message
from ..storage.connection import Database
from ..storage.contacts import contact_count
from ..storage.database import (
    MIGRATIONS,
    applied_migrations,
    check_database_file,
    database_files,
    is_read_only,
    journal_mode,
    open_read_only,
)
from .relations import funnel
from .session import close_directory, open_directory


def create_database(path: Path, *, empty: bool, force: bool) -> Database:
    """A new database (starter directory unless `empty`); an existing one only with `force`."""
    if path.exists() and not force:
        raise InvalidInput(Message(N_(
            "{path} already exists. Use --force to recreate it (its contents will be lost)."), {
            "path": shown(path)}))
    if path.exists():
        check_database_file(path)  # never delete something that is not a database
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    return open_directory(path, seed=not empty)


@dataclass(frozen=True)
class Stats:
    contacts: int
    accounts: int
    by_kind: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    by_topic: list[tuple[str, int]]
    by_platform: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    followable: int = 0  # contacts with an account to follow (a platform other than website)
    # Local and regional followable contacts, by region: what a territory has to follow.
    followable_by_region: list[tuple[str, int]] = field(default_factory=list)
    funnel: list[FunnelStage] = field(default_factory=list)


_FOLLOWABLE = ("EXISTS (SELECT 1 FROM accounts a WHERE a.contact_id = c.id "
               "AND a.platform != 'website')")


def _counts(db: Database, sql: str) -> list[tuple[str, int]]:
    return [(str(k) if k is not None else "—", n) for k, n in db.execute(sql).fetchall()]


def directory_stats(db: Database) -> Stats:
    return Stats(
        contacts=contact_count(db),
        accounts=db.execute("SELECT count(*) FROM accounts").fetchone()[0],
        by_kind=_counts(db, "SELECT kind, count(*) n FROM contacts GROUP BY kind "
                            "ORDER BY n DESC, kind"),
        by_region=_counts(db, "SELECT r.number || ' ' || r.name, count(*) n FROM contacts c "
                              "JOIN regions r ON r.number = c.region GROUP BY c.region "
                              "ORDER BY n DESC, c.region"),
        by_topic=_counts(db, "SELECT topic, count(*) n FROM contact_topics WHERE suggested = 0 "
                             "GROUP BY topic ORDER BY n DESC, topic"),
        by_platform=_counts(db, "SELECT platform, count(*) n FROM accounts GROUP BY platform "
                                "ORDER BY n DESC, platform"),
        by_status=_counts(db, "SELECT status, count(*) n FROM contacts GROUP BY status "
                              "ORDER BY n DESC, status"),
        followable=db.execute(f"SELECT count(*) FROM contacts c WHERE {_FOLLOWABLE}").fetchone()[0],
        followable_by_region=_counts(
            db, "SELECT r.number || ' ' || r.name, count(*) n FROM contacts c JOIN regions r "
                f"ON r.number = c.region WHERE c.scope IN ('local', 'regional') AND {_FOLLOWABLE} "
                "GROUP BY c.region ORDER BY n DESC, c.region"),
        funnel=funnel(db),
    )


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str | Message  # a Message: JSON gets its English text, people their language


def diagnose(path: Path) -> list[Finding]:
    """`msgu doctor` on the file at `path`: the checks, even when the file is too damaged for
    the other commands to open it (each check that cannot run is a failed check)."""
    try:
        db = open_directory(path, seed=False)
    except DatabaseError as error:
        if not isinstance(error.__cause__, sqlite3.DatabaseError):
            raise  # not an msgu database at all, or a newer one: nothing to diagnose
        opened = Finding("open", False, Message(N_("cannot be opened: {error}"),
                                                {"error": shown(error.__cause__, 200)}))
        try:
            db = open_read_only(path)
        except DatabaseError:
            return [opened]
        return [opened, *_checks_then_close(db)]
    return _checks_then_close(db)


def _checks_then_close(db: Database) -> list[Finding]:
    """The checks, then the file closed: what they count as changes (the search index checks
    itself through an INSERT) is no write to fold into the file."""
    opened = db.conn.total_changes
    try:
        return check_database(db)
    finally:
        close_directory(db, not_written=db.conn.total_changes - opened)


_INTEGRITY_LINES = 5  # a damaged file can have thousands of problems: the first few say enough


def check_database(db: Database) -> list[Finding]:
    """What `msgu doctor` reports: integrity, schema, foreign keys, search index, data sanity.
    A check that the file is too damaged to run fails with SQLite's reason."""
    return [_checked(name, check, db) for name, check in _CHECKS]


def _checked(name: str, check, db: Database) -> Finding:
    try:
        return check(db)
    except sqlite3.DatabaseError as error:
        return Finding(name, False, Message(N_("cannot be read: {error}"),
                                            {"error": shown(error, 200)}))


def _integrity(db: Database) -> Finding:
    problems = [line for row in db.execute(f"PRAGMA integrity_check({_INTEGRITY_LINES})")
                for line in str(row[0]).splitlines() if not line.startswith("*** ")]
    return Finding("integrity", problems == ["ok"],
                   "; ".join(shown(p, 200) for p in problems[:_INTEGRITY_LINES]))


def _schema(db: Database) -> Finding:
    applied = set(applied_migrations(db))
    missing = sorted(set(MIGRATIONS) - applied)
    return Finding("schema", not missing,
                   Message(N_("{count} migration(s) applied"), {"count": len(applied)})
                   if not missing
                   else Message(N_("missing: {names}"), {"names": ", ".join(missing)}))


def _foreign_keys(db: Database) -> Finding:
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    return Finding("foreign keys", not broken,
                   Message(N_("{count} broken reference(s)"), {"count": len(broken)}))


def _search_index(db: Database) -> Finding:
    if is_read_only(db):  # FTS5 checks itself through an INSERT, which a read-only file refuses
        return Finding("search index", True, Message(N_("not checked: the file is read-only")))
    try:
        db.execute("INSERT INTO contacts_fts(contacts_fts, rank) VALUES('integrity-check', 1)")
    except sqlite3.DatabaseError as error:
        return Finding("search index", False, Message(N_(
            "{error}: run 'msgu doctor' after 'sqlite-utils rebuild-fts'"),
            {"error": shown(error, 200)}))
    return Finding("search index", True, Message(N_("consistent with contacts")))


def _journal(db: Database) -> Finding:
    mode = journal_mode(db)
    return Finding("journal", mode == "wal", f"journal_mode={mode}")


def _accounts(db: Database) -> Finding:
    orphans = db.execute("SELECT count(*) FROM contacts c WHERE NOT EXISTS "
                         "(SELECT 1 FROM accounts a WHERE a.contact_id = c.id)").fetchone()[0]
    return Finding("accounts", True,
                   Message(N_("{count} contact(s) without any account"), {"count": orphans}))


def _topics(db: Database) -> Finding:
    unknown = Counter(r[0] for r in db.execute(
        "SELECT topic FROM contact_topics WHERE topic NOT IN (SELECT code FROM topics)"))
    return Finding("topics", not unknown,
                   Message(N_("{count} unknown tag(s)"), {"count": sum(unknown.values())}))


def _impersonation(db: Database) -> Finding:
    """Accounts that carry one organisation's name from another organisation's domain."""
    from .verification import misplaced_claims

    claims = misplaced_claims(db)
    if not claims:
        return Finding("impersonation", True,
                       Message(N_("no account sits on another organisation's official domain")))
    listed = [Message(N_("bluesky:{handle} of #{id} {name} sits on {domain}, the domain of "
                         "{owner}"),
                      {"handle": shown(c.handle), "id": c.contact_id, "name": shown(c.contact_name),
                       "domain": c.owner.domain, "owner": shown(c.owner.name)})
              for c in claims]
    return Finding("impersonation", False, Message(N_(
        "{count} account(s) claim an organisation's name from another organisation's domain: "
        "{accounts}. Check them, then fix or remove them (msgu edit REF --remove-account …)."
    ), {"count": len(claims), "accounts": listed}))


_CHECKS = (("integrity", _integrity), ("schema", _schema), ("foreign keys", _foreign_keys),
           ("search index", _search_index), ("journal", _journal), ("accounts", _accounts),
           ("topics", _topics), ("impersonation", _impersonation))


def backup_database(db: Database, target: Path, *, force: bool) -> Path:
    """A consistent online copy (SQLite's backup API) while others may be writing; written
    beside the target and renamed over it (through a symlink, never over a device)."""
    from .output_files import replaced_atomically

    if target.exists() and not force:
        raise InvalidInput(Message(N_(
            "{path} already exists. Use --force to overwrite it."), {"path": shown(target)}))
    with replaced_atomically(target, keep=database_files(db)) as partial:
        destination = sqlite3.connect(str(partial))
        try:
            db.conn.backup(destination)
        finally:
            destination.close()
    return target
