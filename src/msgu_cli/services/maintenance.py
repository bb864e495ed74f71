"""Looking after the database file: creation, statistics, integrity, backups."""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlite_utils import Database

from ..domain.relationships import FunnelStage
from ..domain.text import shown
from ..errors import InvalidInput
from ..i18n import N_, Message
from ..storage.contacts import contact_count
from ..storage.database import check_database_file
from ..storage.migrations import known_migration_names, migrations
from .relations import funnel
from .session import open_directory


def create_database(path: Path, *, empty: bool, force: bool) -> Database:
    """A new database (starter directory unless `empty`); an existing one only with `force`."""
    if path.exists() and not force:
        raise InvalidInput(
            f"{path} already exists. Use --force to recreate it (its contents will be lost)."
        )
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


def check_database(db: Database) -> list[Finding]:
    """What `msgu doctor` reports: integrity, schema, foreign keys, search index, data sanity."""
    findings = []
    integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
    findings.append(Finding("integrity", integrity == "ok", integrity))
    applied = {m.name for m in migrations.applied(db)}
    missing = sorted(known_migration_names() - applied)
    findings.append(Finding("schema", not missing,
                            f"{len(applied)} migration(s) applied" if not missing
                            else f"missing: {', '.join(missing)}"))
    broken = db.execute("PRAGMA foreign_key_check").fetchall()
    findings.append(Finding("foreign keys", not broken, f"{len(broken)} broken reference(s)"))
    try:
        db.execute("INSERT INTO contacts_fts(contacts_fts, rank) VALUES('integrity-check', 1)")
        findings.append(Finding("search index", True, "consistent with contacts"))
    except sqlite3.DatabaseError as error:
        findings.append(Finding("search index", False, f"{error}: run 'msgu doctor' after "
                                "'sqlite-utils rebuild-fts'"))
    mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    findings.append(Finding("journal", mode == "wal", f"journal_mode={mode}"))
    orphans = db.execute("SELECT count(*) FROM contacts c WHERE NOT EXISTS "
                         "(SELECT 1 FROM accounts a WHERE a.contact_id = c.id)").fetchone()[0]
    findings.append(Finding("accounts", True, f"{orphans} contact(s) without any account"))
    unknown = Counter(r[0] for r in db.execute(
        "SELECT topic FROM contact_topics WHERE topic NOT IN (SELECT code FROM topics)"))
    findings.append(Finding("topics", not unknown, f"{sum(unknown.values())} unknown tag(s)"))
    findings.append(_impersonation(db))
    return findings


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


def backup_database(db: Database, target: Path, *, force: bool) -> Path:
    """A consistent online copy (SQLite's backup API) while others may be writing."""
    if target.exists() and not force:
        raise InvalidInput(f"{target} already exists. Use --force to overwrite it.")
    if target.is_dir():
        raise InvalidInput(f"{target} is a folder: give a file name for the backup.")
    if not target.parent.exists():
        raise InvalidInput(f"The folder {target.parent} does not exist.")
    source = Path(db.execute("PRAGMA database_list").fetchone()[2])
    if target.exists() and target.samefile(source):
        raise InvalidInput(f"{target} is the database itself: give another file for the backup.")
    partial = target.with_name(target.name + ".partial")
    destination = sqlite3.connect(str(partial))
    try:
        db.conn.backup(destination)
    finally:
        destination.close()
    partial.replace(target)
    return target
