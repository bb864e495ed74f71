"""Candidate generation for `recommend`: indexed SQL picks the contacts worth scoring, and reads
them as light rows, so a query at 100,000 contacts never builds 100,000 `Contact` objects.

Id lists travel as one JSON array (`json_each`), not as thousands of bound parameters.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..domain.models import DEAD_STATES
from ..domain.ranking import TIE_SCOPES, Candidate
from ..domain.shortlist import Bounds

if TYPE_CHECKING:  # the type only: sqlite-utils is not needed to read
    from .connection import Database

_DEAD = ", ".join(f"'{s}'" for s in sorted(DEAD_STATES))
# The ranking's order of ties (domain.ranking.TIE_SCOPES), so the shortlist keeps the same ones.
_TIE_ORDER = "CASE scope {} ELSE {} END".format(
    " ".join(f"WHEN '{scope}' THEN {rank}" for rank, scope in enumerate(TIE_SCOPES)),
    len(TIE_SCOPES))
# Free text is matched where people describe a contact, not in its tags (the topic signal
# already counts those) nor in its handles; a topic's names, in descriptions and notes only.
_TEXT_COLUMNS = "{name description notes}"
_TOPIC_WORD_COLUMNS = "{description notes}"


@dataclass(frozen=True)
class Filters:
    """What every candidate must pass: statuses and contacts left out (the organisation's own:
    "never yourself"), and the --kind/--platform filters."""

    excluded_statuses: tuple[str, ...] = ()
    excluded_ids: tuple[int, ...] = ()
    kinds: tuple[str, ...] = ()
    # An account on one of these platforms, or none but websites: a reference is read for the
    # "See also" of any query (it has nothing to follow on any platform).
    platforms: tuple[str, ...] = ()


def _marks(values: Sequence) -> str:
    return ", ".join("?" * len(values))


def _filter_sql(filters: Filters, *, platforms: bool = True) -> tuple[str, list]:
    """The WHERE clause (on alias `c`) shared by every candidate query; without the --platform
    filter when `platforms` is false (the bound queries apply it apart: `_best_first`)."""
    clauses: list[str] = ["1"]
    args: list[object] = []
    if filters.excluded_statuses:
        clauses.append(f"c.status NOT IN ({_marks(filters.excluded_statuses)})")
        args += filters.excluded_statuses
    if filters.excluded_ids:
        clauses.append("c.id NOT IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(list(filters.excluded_ids)))
    if filters.kinds:
        clauses.append(f"c.kind IN ({_marks(filters.kinds)})")
        args += filters.kinds
    if filters.platforms and platforms:
        clauses.append(_PLATFORM_FILTER.format(alias="c", marks=_marks(filters.platforms)))
        args += filters.platforms
    return " AND ".join(clauses), args


_PLATFORM_FILTER = ("(EXISTS (SELECT 1 FROM accounts a WHERE a.contact_id = {alias}.id "
                    "AND a.platform IN ({marks})) OR NOT EXISTS (SELECT 1 FROM accounts a "
                    "WHERE a.contact_id = {alias}.id AND a.platform != 'website'))")
# The --platform filter costs two look-ups in `accounts` per contact. The bound queries order
# every contact they select (thousands) but apply it only to the best `keep` x this many, and
# to all of them only when too few of those pass (`_best_first`).
PLATFORM_READ_AHEAD = 4
# Best first, ties as the ranking breaks them; on the columns `_best_first_sql` selects.
_BEST_FIRST = f"bound DESC, {_TIE_ORDER}, name_key, id"


def _best_first_sql(bound: str, source: str, args: Sequence, filters: Filters, *, keep: int,
                    read_ahead: int) -> tuple[str, list]:
    """The `keep` contacts `c` of `source` (`FROM … WHERE …`, every filter applied but
    --platform) with the highest `bound`, best first, as (id, bound): the --platform filter
    applies to the best `read_ahead` (-1: all of them)."""
    select = (f"SELECT c.id AS id, {bound} AS bound, c.scope AS scope, "
              f"c.name_key AS name_key {source}")
    if not filters.platforms:
        return f"{select} ORDER BY {_BEST_FIRST} LIMIT ?", [*args, keep]
    platform = _PLATFORM_FILTER.format(alias="best", marks=_marks(filters.platforms))
    return (f"SELECT id, bound FROM ({select} ORDER BY {_BEST_FIRST} LIMIT ?) best "
            f"WHERE {platform} ORDER BY {_BEST_FIRST} LIMIT ?",
            [*args, read_ahead, *filters.platforms, keep])


def _best_first(db: Database, sql: Callable[[int], tuple[str, list]], filters: Filters,
                keep: int) -> list[tuple[int, float]]:
    """Run a `_best_first_sql` query (`sql(read_ahead)`): --platform on the best contacts
    first, on all of them when fewer than `keep` of those pass (the same rows as filtering all
    at once: the order is total)."""
    rows = db.execute(*sql(PLATFORM_READ_AHEAD * keep)).fetchall()
    if filters.platforms and len(rows) < keep:
        rows = db.execute(*sql(-1)).fetchall()
    return [(row[0], row[1]) for row in rows]


def text_hits(db: Database, terms: Sequence[str], *, limit: int) -> list[tuple[int, float]]:
    """(contact id, bm25) of the contacts whose name, description or notes hold any of `terms`
    (word stems, matched as prefixes: `inond` finds inondation and inondables), best first."""
    words = [t for t in dict.fromkeys(terms) if t.isalnum()]
    if not words:
        return []
    prefixes = " OR ".join(f'"{w}"*' for w in words)
    match = f"{_TEXT_COLUMNS} : ({prefixes})"
    return [(row[0], row[1]) for row in db.execute(
        "SELECT rowid, bm25(contacts_fts) AS rank FROM contacts_fts WHERE contacts_fts MATCH ? "
        f"ORDER BY rank, rowid LIMIT {int(limit)}", [match])]


def phrase_hits(db: Database, phrases: Sequence[str], *, untagged: str, limit: int,
                acronyms: Sequence[str] = ()) -> list[int]:
    """Ids of the contacts not tagged `untagged` whose description or notes hold any of
    `phrases` (whole words, in order; accents and case folded by the index), or one of
    `acronyms` written in capitals: at most `limit` of each, in id order (no ranking: a tag
    counts more than any of these words)."""
    found = _phrase_ids(db, phrases, untagged, limit)
    if acronyms:
        capitals = re.compile(r"\b(?:" + "|".join(map(re.escape, acronyms)) + r")\b")
        hits = [i for i in _phrase_ids(db, acronyms, untagged, limit) if i not in set(found)]
        rows = db.execute("SELECT id, description, notes FROM contacts WHERE id IN "
                          "(SELECT value FROM json_each(?))", [json.dumps(hits)])
        kept = {row[0] for row in rows if capitals.search(f"{row[1] or ''}\n{row[2] or ''}")}
        found += [i for i in hits if i in kept]
    return found


def _phrase_ids(db: Database, phrases: Sequence[str], untagged: str, limit: int) -> list[int]:
    quoted = ['"' + p.replace('"', '""') + '"' for p in dict.fromkeys(phrases) if p.strip()]
    if not quoted:
        return []
    match = f"{_TOPIC_WORD_COLUMNS} : ({' OR '.join(quoted)})"
    return [row[0] for row in db.execute(
        "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH ? AND rowid NOT IN "
        "(SELECT contact_id FROM contact_topics WHERE topic = ?) "
        f"ORDER BY rowid LIMIT {int(limit)}", [match, untagged])]


def tag_counts(db: Database, codes: Sequence[str]) -> dict[str, int]:
    """How many contacts a person tagged with each of `codes` (for the topics' rarity)."""
    if not codes:
        return {}
    return dict(db.execute(
        f"SELECT topic, count(*) FROM contact_topics WHERE topic IN ({_marks(codes)}) "
        "AND suggested = 0 GROUP BY topic", list(codes)).fetchall())


def candidate_rows(db: Database, ids: Sequence[int], codes: Sequence[str], filters: Filters,
                   found: Mapping[int, Mapping[str, Any]] | None = None) -> list[Candidate]:
    """Those `ids` that pass `filters`, in id order, as the ranking reads them, with only their
    tags among `codes`; accounts and tags are aggregated by SQL. A contact is dead when every
    account `refresh` fetched is gone (none fetched: alive). `found`: more Candidate fields of
    some of them, by id (what other queries found: text scores, trusted followers)."""
    tags = "NULL"
    if codes:
        tags = ("(SELECT group_concat(t.topic || ':' || t.suggested, ' ') FROM contact_topics t "
                f"WHERE t.contact_id = c.id AND t.topic IN ({_marks(codes)}))")
    # --platform is checked on the platforms each row aggregates (`on_platforms`), not by
    # SQL's two look-ups in `accounts` per contact.
    where, filter_args = _filter_sql(filters, platforms=False)
    cursor = db.execute(
        f"""
        SELECT c.id, c.name, c.kind, c.region, c.mrc, c.scope, c.languages, {tags},
               max(a.last_post_at),
               count(a.state) = 0 OR count(CASE WHEN a.state IN ({_DEAD}) THEN 1 END)
                                     < count(a.state),
               group_concat(a.platform), max(a.followers_count), c.name_key,
               coalesce(max(a.verified), 0), c.municipality
        FROM contacts c LEFT JOIN accounts a ON a.contact_id = c.id
        WHERE c.id IN (SELECT value FROM json_each(?)) AND {where}
        GROUP BY c.id ORDER BY c.id
        """, [*codes, json.dumps(sorted(set(ids))), *filter_args])
    found = found or {}
    rows = []
    for row in cursor:
        platforms = _platform_set(row[10])
        if filters.platforms and not on_platforms(platforms, filters.platforms):
            continue
        topics, suggested = _tag_lists(row[7])
        rows.append(Candidate(
            contact_id=row[0], name=row[1], kind=row[2], region=row[3], mrc=row[4], scope=row[5],
            languages=_language_list(row[6]), topics=topics, suggested_topics=suggested,
            last_post_at=row[8], any_account_alive=bool(row[9]), platforms=platforms,
            followers=row[11], name_key=row[12], verified=bool(row[13]), municipality=row[14],
            **found.get(row[0], {}),
        ))
    return rows


# A candidate query's rows share a few distinct aggregated strings (language lists, tag lists
# among the asked codes, platform sets): each is parsed once.
@functools.lru_cache(maxsize=4096)
def _platform_set(platforms: str | None) -> tuple[str, ...]:
    """`x,website,x` -> `("website", "x")`: a contact's platforms, one each, sorted."""
    return tuple(sorted(set(platforms.split(",")))) if platforms else ()


@functools.lru_cache(maxsize=4096)
def _tag_lists(pairs: str | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """`inondations:0 alerte:1` -> its tags and its suggested tags, each sorted."""
    split = sorted(pair.rsplit(":", 1) for pair in (pairs or "").split())
    return (tuple(code for code, suggested in split if suggested == "0"),
            tuple(code for code, suggested in split if suggested != "0"))


@functools.lru_cache(maxsize=4096)
def _language_list(languages: str | None) -> tuple[str, ...]:
    return tuple(json.loads(languages or "[]"))


def on_platforms(platforms: Sequence[str], wanted: Sequence[str]) -> bool:
    """The --platform filter (`_PLATFORM_FILTER`) on a contact's platforms: an account on one
    of `wanted`, or none but websites (a reference)."""
    return not set(wanted).isdisjoint(platforms) or all(p == "website" for p in platforms)


def _case(column: str, table: Mapping[str, float]) -> tuple[str, list]:
    """`CASE column WHEN v THEN p ... ELSE 0 END` with bound parameters."""
    if not table:
        return "0", []
    whens = " ".join("WHEN ? THEN ?" for _ in table)
    return f"(CASE {column} {whens} ELSE 0 END)", [x for kv in table.items() for x in kv]


def _bound_sql(bounds: Bounds) -> tuple[str, list]:
    """Geography and kind bounds of contact `c` (the topic part is summed per tag)."""
    region, region_args = _case("c.region", bounds.regions)
    scope, scope_args = _case("c.scope", bounds.scopes)
    kind, kind_args = _case("c.kind", bounds.kinds)
    mrc, mrc_args = "0", []
    if bounds.mrc is not None:
        mrc, mrc_args = "(CASE WHEN c.mrc = ? COLLATE NOCASE THEN ? ELSE 0 END)", list(bounds.mrc)
    return (f"max({region}, {mrc}, {scope}) + {kind}",
            [*region_args, *mrc_args, *scope_args, *kind_args])


def _tag_case(values: Mapping[tuple[str, bool], float]) -> tuple[str, list]:
    """What a tag row `ct` is worth in `values` (keyed by code and suggested): a CASE on the
    code, then on `suggested` (no string built per row)."""
    if not values:
        return "0", []
    whens, args = [], []
    for code in sorted({code for code, _suggested in values}):
        whens.append("WHEN ? THEN (CASE ct.suggested WHEN 0 THEN ? ELSE ? END)")
        args += [code, values.get((code, False), 0), values.get((code, True), 0)]
    return f"(CASE ct.topic {' '.join(whens)} ELSE 0 END)", args


def tagged_sql(bounds: Bounds, filters: Filters, *, keep: int,
               read_ahead: int = -1) -> tuple[str, list]:
    """The SQL of `best_tagged`. INDEXED BY: grouping by contact id, the planner would rather
    scan the whole table in primary-key order than read the asked tags from the topic index;
    and it would read each contact's whole row where the narrow index contacts_ranked holds
    every column the bound, the filters and the order need. One asked topic earns no
    coverage points (min(served, 1) - 1 is never above 0): then no `served` sum is made."""
    tagged = sorted({code for code, _ in bounds.tags})
    points, point_args = _tag_case({k: v[0] for k, v in bounds.tags.items()})
    served, coverage = "", ""
    served_args: list[object] = []
    coverage_args: list[object] = []
    if bounds.asked > 1:
        served, served_args = _tag_case({k: v[1] for k, v in bounds.tags.items()})
        served = f", sum({served}) AS served"
        coverage, coverage_args = "? * max(0, min(t.served, ?) - 1) + ", [bounds.coverage,
                                                                         bounds.asked]
    rest, rest_args = _bound_sql(bounds)
    where, filter_args = _filter_sql(filters, platforms=False)
    source = f"""
        FROM (SELECT ct.contact_id AS id, sum({points}) AS points{served}
              FROM contact_topics ct INDEXED BY contact_topics_topic
              WHERE ct.topic IN ({_marks(tagged)}) GROUP BY ct.contact_id) t
        JOIN contacts c INDEXED BY contacts_ranked ON c.id = t.id
        WHERE {where}"""
    return _best_first_sql(
        f"t.points + {coverage}{rest}", source,
        [*coverage_args, *rest_args, *point_args, *served_args, *tagged, *filter_args],
        filters, keep=keep, read_ahead=read_ahead)


def best_tagged(db: Database, bounds: Bounds, filters: Filters, *,
                keep: int) -> list[tuple[int, float]]:
    """(id, upper bound of topic + geography + kind points) of the `keep` tagged
    contacts with the highest bound, best first."""
    if not bounds.tags:
        return []
    return _best_first(db, lambda ahead: tagged_sql(bounds, filters, keep=keep,
                                                    read_ahead=ahead), filters, keep)


def nearby_sql(bounds: Bounds, filters: Filters, *, column: str | None,
               values: Sequence[str] = (), keep: int, read_ahead: int = -1) -> tuple[str, list]:
    """The SQL of `best_nearby` (the covering index contacts_nearby, or a scan of `scope`)."""
    rest, rest_args = _bound_sql(bounds)
    where, filter_args = _filter_sql(filters, platforms=False)
    if column is not None:
        if column not in ("region", "scope") or not values:
            raise ValueError(f"cannot select candidates by {column!r}")
        where, filter_args = f"c.{column} IN ({_marks(values)}) AND {where}", [*values,
                                                                              *filter_args]
    return _best_first_sql(rest, f"FROM contacts c WHERE {where}", [*rest_args, *filter_args],
                           filters, keep=keep, read_ahead=read_ahead)


def best_nearby(db: Database, bounds: Bounds, filters: Filters, *, column: str | None,
                values: Sequence[str] = (), keep: int) -> list[tuple[int, float]]:
    """(id, bound of geography + kind points) of the `keep` best contacts whose
    `column` (region or scope) is in `values` (of all contacts when `column` is None)."""
    return _best_first(db, lambda ahead: nearby_sql(bounds, filters, column=column,
                                                    values=values, keep=keep,
                                                    read_ahead=ahead), filters, keep)
