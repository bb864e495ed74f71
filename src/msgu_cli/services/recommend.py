"""`msgu recommend`: interests + territory + profile -> ranked, explained contacts to follow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from sqlite_utils import Database

from ..domain.geo import Geography
from ..domain.models import FOLLOWED_STATUSES, Contact, Profile
from ..domain.ranking import (
    Candidate,
    Query,
    Ranked,
    Reason,
    TopicContext,
    rank_contacts,
    topic_weight,
)
from ..domain.shortlist import score_bounds
from ..domain.text import stems
from ..domain.vocabulary import KINDS, parse_kind, parse_language, parse_platform
from ..errors import InvalidInput
from ..storage import candidates as pool
from ..storage import contacts as store
from ..storage.graph import trusted_count, trusted_followers
from ..storage.relations import load_profile
from .reference import Reference, load_reference
from .relations import own_contact_ids


@dataclass(frozen=True)
class RecommendRequest:
    """What the command line gave; the profile fills whatever is left out."""

    interests: str | None = None
    topics: Sequence[str] = ()
    region: str | None = None
    mrc: str | None = None
    kinds: Sequence[str] = ()
    platforms: Sequence[str] = ()
    lang: str | None = None
    limit: int = 10
    include_followed: bool = False
    municipality: str | None = None


@dataclass(frozen=True)
class Recommendation:
    rank: int
    contact: Contact
    score: float
    reasons: tuple[Reason, ...]


@dataclass(frozen=True)
class RecommendResult:
    query: Query
    text_topics: tuple[str, ...] = ()
    recommendations: list[Recommendation] = field(default_factory=list)


def build_query(request: RecommendRequest, ref: Reference, profile: Profile) -> tuple[Query, tuple]:
    """Resolve every word of the request; the profile supplies what the command line lacks."""
    topics = [ref.taxonomy.resolve(t) for t in request.topics]
    text = (request.interests or "").strip()
    text_topics = tuple(code for code, _ in ref.taxonomy.topics_in_text(text)) if text else ()
    if not topics and not text:
        topics = list(profile.topics)
    region = ref.geography.parse_region(request.region) if request.region else None
    mrc = None
    if request.mrc:
        found = ref.geography.parse_mrc(request.mrc, region)
        mrc, region = found.name, region or found.region
    if request.municipality:  # ranks like --mrc, from the municipality's MRC and region
        town = ref.municipalities.parse(request.municipality, region, mrc)
        mrc, region = town.mrc, town.region
    if region is None and mrc is None:
        region, mrc = profile.region, profile.mrc
    languages = (parse_language(request.lang),) if request.lang else profile.languages
    query = Query(topics=tuple(dict.fromkeys([*topics, *text_topics])), region=region, mrc=mrc,
                  org_kind=profile.kind, languages=tuple(languages), has_text=bool(text),
                  kinds=tuple(dict.fromkeys(parse_kind(k) for k in request.kinds)))
    return query, text_topics


# Candidates are the contacts with the best upper bound of topic, geography and kind points
# (SQL orders them), at least this many, plus every text match and every contact the circle of
# trust follows. Without interests, the nearest territory is read first (the region, then its
# neighbours, then wider scopes) until that many are found. Directories smaller than this are
# scored whole.
SHORTLIST, SHORTLIST_PER_RESULT = 300, 10
TEXT_HITS = 500  # best full-text matches scored; bm25 is relative to the best one
_MIN_TERM = 3  # shorter stems would match half the directory as prefixes


def recommend(db: Database, request: RecommendRequest, *, today: date,
              shortlist: bool = True) -> RecommendResult:
    """Resolve the request, pick candidates in SQL, score them, and load the top ones whole.
    `shortlist=False` scores every candidate: benchmarks compare it with the shortlist."""
    ref = load_reference(db)
    profile = load_profile(db)
    query, text_topics = build_query(request, ref, profile)
    filters = pool.Filters(
        excluded_statuses=("unfollowed", *(() if request.include_followed
                                           else sorted(FOLLOWED_STATUSES))),
        excluded_ids=own_contact_ids(db, profile),
        kinds=query.kinds,
        platforms=tuple(parse_platform(p) for p in request.platforms) or profile.platforms,
    )
    ctx = _topic_context(db, ref, query.topics)
    codes = _scored_codes(query, ctx)
    circle, network = _trusted_network(db, query, codes)
    if not (query.topics or query.has_text or query.region or query.org_kind or network):
        raise InvalidInput(
            "Nothing to rank by: give interests (--topic geolocalisation, or words such as "
            "\"cartographie des zones inondables\") or set a profile (msgu profile set --topic … "
            "--region …)."
        )
    text_scores = _text_scores(db, request.interests) if query.has_text else {}
    keep = max(SHORTLIST, SHORTLIST_PER_RESULT * request.limit) if shortlist else 2**62
    ids = {*_candidate_ids(db, query, ctx, codes, filters, ref.geography, keep), *text_scores,
           *network}  # text and network reach any contact; candidate_rows applies the filters
    candidates = [_scored(c, text_scores.get(c.contact_id, 0.0), network.get(c.contact_id, ()),
                          circle) for c in pool.candidate_rows(db, sorted(ids), codes, filters)]
    ranked = rank_contacts(candidates, query, ctx, ref.geography, today=today,
                           limit=request.limit)
    contacts = {c.id: c for c in store.load_contacts(db, [r.contact_id for r in ranked])}
    return RecommendResult(query, text_topics, [
        Recommendation(i, contacts[r.contact_id], r.score, r.reasons)
        for i, r in enumerate(ranked, 1)
    ])


def _trusted_network(db: Database, query: Query,
                     codes: Sequence[str]) -> tuple[int, dict[int, list[str]]]:
    """The size of the circle of trust, and whom its accounts follow. With interests asked,
    only contacts with a scored tag can qualify (text matches aside): the walk keeps those."""
    circle = trusted_count(db)
    interested = bool(query.topics or query.has_text)
    if not circle or (interested and not codes):
        return circle, {}
    return circle, trusted_followers(db, codes if interested else ())


def _candidate_ids(db: Database, query: Query, ctx: TopicContext, codes: Sequence[str],
                   filters: pool.Filters, geo: Geography, keep: int) -> list[int]:
    """The `keep` contacts with the best bounds: tagged ones when interests are asked (no other
    contact can qualify, but text matches); else the nearest territory first."""
    bounds = score_bounds(query, ctx, geo, codes, KINDS)
    if query.topics or query.has_text:
        return [i for i, _ in pool.best_tagged(db, bounds, filters, keep=keep)]
    ids: list[int] = []
    for column, values in _nearest_first(query, geo):
        if len(ids) >= keep:
            break
        ids += [i for i, _ in pool.best_nearby(db, bounds, filters, column=column,
                                               values=values, keep=keep)]
    return ids


def _nearest_first(query: Query, geo: Geography) -> list[tuple[str | None, list[str]]]:
    """Where to look for candidates without interests: nearest first; everywhere without a
    territory (a kind or a follow graph alone)."""
    if not query.region:
        return [(None, [])]
    return [("region", [query.region]), ("region", sorted(geo.neighbours(query.region))),
            ("scope", ["provincial"]), ("scope", ["national"]), ("scope", ["international"])]


def _scored_codes(query: Query, ctx: TopicContext) -> list[str]:
    """The tags that can earn topic points: the asked topics, their parents and children."""
    return sorted(set(query.topics).union(*(ctx.related.get(t, {}) for t in query.topics)))


def _topic_context(db: Database, ref: Reference, codes: Sequence[str]) -> TopicContext:
    counts = pool.tag_counts(db, codes)
    total = store.contact_count(db)
    related = {code: ref.taxonomy.related(code) for code in codes}
    shown = set(codes).union(*related.values())
    return TopicContext(
        related=related,
        weights={code: topic_weight(counts.get(code, 0), total) for code in codes},
        labels={t.code: t.label_fr for t in ref.taxonomy.topics if t.code in shown},
    )


def _text_scores(db: Database, text: str | None) -> dict[int, float]:
    """Full-text matches of the free text's word stems, bm25 scaled to 0..1 against the best."""
    terms = [t for t in stems(text or "") if len(t) >= _MIN_TERM]
    hits = pool.text_hits(db, terms, limit=TEXT_HITS)
    if not hits:
        return {}
    best = min(rank for _, rank in hits) or -1.0
    return {contact_id: round(rank / best, 3) for contact_id, rank in hits if rank < 0}


def _scored(c: Candidate, text_score: float, followed_by: Sequence[str],
            circle: int) -> Candidate:
    """The candidate with what other queries found: its text score and its trusted followers."""
    if not (text_score or followed_by):
        return c
    return replace(c, text_score=text_score, followed_by=tuple(followed_by),
                   network_score=len(followed_by) / circle if circle else 0.0)


def ranked_contacts(result: RecommendResult) -> list[Contact]:
    return [r.contact for r in result.recommendations]


__all__ = ["RecommendRequest", "Recommendation", "RecommendResult", "Ranked", "recommend",
           "build_query", "ranked_contacts"]
