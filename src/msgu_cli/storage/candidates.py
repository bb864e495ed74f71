"""Candidate generation for `recommend`: indexed SQL, so scoring only sees plausible contacts."""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database


def _in(values: Sequence[str]) -> str:
    return ", ".join("?" * len(values))


def candidate_sql(
    *, topics: Sequence[str], excluded_statuses: Sequence[str], kinds: Sequence[str],
    platforms: Sequence[str],
) -> tuple[str, list]:
    """The SQL and arguments that pick contacts tagged with any of `topics` (all if empty)."""
    clauses, args = [f"c.status NOT IN ({_in(excluded_statuses)})"], list(excluded_statuses)
    if kinds:
        clauses.append(f"c.kind IN ({_in(kinds)})")
        args += list(kinds)
    if platforms:
        clauses.append(f"EXISTS (SELECT 1 FROM accounts a WHERE a.contact_id = c.id "
                       f"AND a.platform IN ({_in(platforms)}))")
        args += list(platforms)
    where = " AND ".join(clauses)
    if not topics:
        return f"SELECT c.id FROM contacts c WHERE {where}", args
    sql = (f"SELECT c.id FROM contacts c WHERE c.id IN (SELECT ct.contact_id FROM contact_topics"
           f" ct WHERE ct.topic IN ({_in(topics)})) AND {where}")
    return sql, [*topics, *args]


def candidate_ids(db: Database, **criteria) -> list[int]:
    sql, args = candidate_sql(**criteria)
    return [row[0] for row in db.execute(sql, args)]


def allowed_ids(db: Database, ids: Sequence[int], **criteria) -> set[int]:
    """Which of `ids` (from full-text search or the network) pass the same filters."""
    sql, args = candidate_sql(topics=(), **criteria)
    allowed: set[int] = set()
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        allowed.update(r[0] for r in db.execute(
            f"{sql} AND c.id IN ({', '.join('?' * len(chunk))})", [*args, *chunk]))
    return allowed
