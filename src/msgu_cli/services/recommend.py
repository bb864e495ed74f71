"""`msgu recommend`: interests + territory + profile -> ranked, explained contacts to follow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlite_utils import Database

from ..domain.models import DEAD_STATES, FOLLOWED_STATUSES, Contact, Profile
from ..domain.ranking import (
    Candidate,
    Query,
    Ranked,
    Reason,
    TopicContext,
    rank_contacts,
    topic_weight,
)
from ..domain.vocabulary import parse_kind, parse_language, parse_platform
from ..errors import InvalidInput
from ..storage import candidates as pool
from ..storage import contacts as store
from ..storage.graph import trusted_count, trusted_followers
from ..storage.reference import topic_contact_counts
from ..storage.relations import load_profile
from .reference import Reference, load_reference


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
    if region is None and mrc is None:
        region, mrc = profile.region, profile.mrc
    languages = (parse_language(request.lang),) if request.lang else profile.languages
    query = Query(topics=tuple(dict.fromkeys([*topics, *text_topics])), region=region, mrc=mrc,
                  org_kind=profile.kind, languages=tuple(languages), has_text=bool(text))
    return query, text_topics


def recommend(db: Database, request: RecommendRequest, *, today: date) -> RecommendResult:
    ref = load_reference(db)
    profile = load_profile(db)
    query, text_topics = build_query(request, ref, profile)
    kinds = [parse_kind(k) for k in request.kinds]
    platforms = [parse_platform(p) for p in request.platforms] or list(profile.platforms)
    network = trusted_followers(db) if trusted_count(db) else {}
    if not (query.topics or query.has_text or query.region or query.org_kind or network):
        raise InvalidInput(
            "Nothing to rank by: give interests (--topic geolocalisation, or words such as "
            "\"cartographie des zones inondables\") or set a profile (msgu profile set --topic … "
            "--region …)."
        )
    excluded = ["unfollowed", "candidate"]
    if not request.include_followed:
        excluded += sorted(FOLLOWED_STATUSES)
    criteria = {"excluded_statuses": excluded, "kinds": kinds, "platforms": platforms}
    ctx = _topic_context(db, ref, query.topics)
    text_scores = _text_scores(db, request.interests) if query.has_text else {}
    ids = _candidate_ids(db, query, ctx, criteria, text_scores, network)
    contacts = {c.id: c for c in store.load_contacts(db, ids)}
    candidates = [_candidate(c, text_scores.get(c.id, 0.0), network.get(c.id, ()),
                             len(network) and trusted_count(db)) for c in contacts.values()]
    ranked = rank_contacts(candidates, query, ctx, ref.geography, today=today,
                           limit=request.limit)
    return RecommendResult(query, text_topics, [
        Recommendation(i, contacts[r.contact_id], r.score, r.reasons)
        for i, r in enumerate(ranked, 1)
    ])


def _candidate_ids(db, query: Query, ctx: TopicContext, criteria: dict,
                   text_scores: dict[int, float], network: dict[int, list[str]]) -> list[int]:
    """Tagged contacts (asked topics and their relatives) plus text and network matches."""
    if not (query.topics or query.has_text):
        return pool.candidate_ids(db, topics=(), **criteria)
    codes = set(query.topics)
    for code in query.topics:
        codes.update(ctx.related.get(code, {}))
    ids = set(pool.candidate_ids(db, topics=sorted(codes), **criteria)) if codes else set()
    extra = [i for i in (*text_scores, *network) if i not in ids]
    ids.update(pool.allowed_ids(db, extra, **criteria))
    return sorted(ids)


def _topic_context(db: Database, ref: Reference, codes: Sequence[str]) -> TopicContext:
    counts = topic_contact_counts(db)
    total = db.execute("SELECT count(*) FROM contacts").fetchone()[0]
    labels = {t.code: t.label_fr for t in ref.taxonomy.topics}
    return TopicContext(
        related={code: ref.taxonomy.related(code) for code in codes},
        weights={code: topic_weight(counts.get(code, 0), total) for code in codes},
        labels=labels,
    )


def _text_scores(db: Database, text: str | None) -> dict[int, float]:
    """Full-text matches of the free text, bm25 scaled to 0..1 against the best match."""
    hits = store.search_contact_ids(db, text or "", limit=200, any_word=True)
    if not hits:
        return {}
    best = min(rank for _, rank in hits) or -1.0
    return {contact_id: round(rank / best, 3) for contact_id, rank in hits if rank < 0}


def _candidate(contact: Contact, text_score: float, followed_by: Sequence[str],
               circle: int) -> Candidate:
    fetched = [a for a in contact.accounts if a.state]
    alive = not fetched or any(a.state not in DEAD_STATES for a in fetched)
    dates = [a.last_post_at for a in contact.accounts if a.last_post_at]
    return Candidate(
        contact_id=contact.id, name=contact.name, kind=contact.kind, region=contact.region,
        mrc=contact.mrc, scope=contact.scope, languages=contact.languages,
        topics=contact.topics, suggested_topics=contact.suggested_topics,
        text_score=text_score, followed_by=tuple(followed_by),
        network_score=len(followed_by) / circle if circle else 0.0,
        last_post_at=max(dates) if dates else None, any_account_alive=alive,
    )


def ranked_contacts(result: RecommendResult) -> list[Contact]:
    return [r.contact for r in result.recommendations]


__all__ = ["RecommendRequest", "Recommendation", "RecommendResult", "Ranked", "recommend",
           "build_query", "ranked_contacts"]
