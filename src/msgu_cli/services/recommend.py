"""`msgu recommend`: interests + territory + profile -> ranked, explained contacts to follow."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from ..domain.affinity import is_service
from ..domain.followability import follow_account, followable_platforms
from ..domain.geo import Geography
from ..domain.interests import related_topics, topic_names
from ..domain.models import FOLLOWED_STATUSES, Account, Contact, Profile
from ..domain.plain_reasons import plain_reason
from ..domain.ranking import (
    Candidate,
    Query,
    Ranked,
    Reason,
    TopicContext,
    own_town,
    rank_contacts,
    topic_weight,
)
from ..domain.shortlist import Bounds, score_bounds
from ..domain.signals import in_quebec
from ..domain.text import stems
from ..domain.vocabulary import KINDS, parse_kind, parse_language, parse_platform
from ..errors import InvalidInput
from ..i18n import _, language
from ..storage import candidates as pool
from ..storage import contacts as store
from ..storage.concurrent_read import read_beside
from ..storage.graph import trusted_count, trusted_followers
from ..storage.relations import load_profile, own_contact_ids
from .reference import Reference, load_reference

if TYPE_CHECKING:  # the type only: sqlite-utils is not needed to read
    from ..storage.connection import Database

DEFAULT_LANGUAGES = ("fr", "en")  # when neither --lang nor the profile says (contract)
SEE_ALSO = 3  # website-only references named below the table


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
    include_websites: bool = False
    municipality: str | None = None


@dataclass(frozen=True)
class Recommendation:
    rank: int
    contact: Contact
    score: float
    reasons: tuple[Reason, ...]
    followable: bool = True
    follow: Account | None = None  # the account to follow first; None for a reference
    why: str = ""  # the plain reason, for people


@dataclass(frozen=True)
class RecommendResult:
    query: Query
    text_topics: tuple[str, ...] = ()
    recommendations: list[Recommendation] = field(default_factory=list)
    references: list[Recommendation] = field(default_factory=list)  # "See also"
    topic_labels: tuple[str, ...] = ()  # the asked topics' names, in the interface language
    region_name: str | None = None  # the asked region's name (`Mauricie` for 04)

    @property
    def quebec_count(self) -> int:
        """How many recommended contacts are in Quebec (a region or a Quebec scope)."""
        return sum(1 for r in self.recommendations if in_quebec(r.contact.region, r.contact.scope))


def build_query(request: RecommendRequest, ref: Reference, profile: Profile) -> tuple[Query, tuple]:
    """Resolve every word of the request; the profile supplies what the command line lacks."""
    topics = [ref.taxonomy.resolve(t) for t in request.topics]
    text = (request.interests or "").strip()
    text_topics = tuple(code for code, _phrase in ref.taxonomy.topics_in_text(text)) if text else ()
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
    if region is None and mrc is None or (region == profile.region and mrc is None):
        # The profile's territory, also its MRC when the command line names its own region.
        region, mrc = profile.region, profile.mrc
    if region and not mrc:  # Montréal and Laval are each one MRC (equivalent territory)
        mrcs = ref.geography.mrcs_of(region)
        mrc = mrcs[0].name if len(mrcs) == 1 else None
    languages = ((parse_language(request.lang),) if request.lang
                 else tuple(profile.languages) or DEFAULT_LANGUAGES)
    platforms = tuple(parse_platform(p) for p in request.platforms) or tuple(profile.platforms)
    query = Query(topics=tuple(dict.fromkeys([*topics, *text_topics])), region=region, mrc=mrc,
                  org_kind=profile.kind, languages=languages, has_text=bool(text),
                  kinds=tuple(dict.fromkeys(parse_kind(k) for k in request.kinds)),
                  platforms=tuple(dict.fromkeys(platforms)), own_name=profile.name,
                  own_town=own_town(profile.name, profile.kind, profile.municipality),
                  with_references=request.include_websites and set(platforms) != {"website"})
    return query, text_topics


# Candidates are the contacts with the best upper bound of topic, geography and kind points
# (SQL orders them), at least this many, plus every text match, every territory partner and
# every contact the circle of trust follows. Without interests, the nearest territory is read
# first (the region, then its neighbours, then wider scopes) until that many are found.
# Directories smaller than this are scored whole.
SHORTLIST, SHORTLIST_PER_RESULT = 300, 10
TEXT_HITS = 500  # best full-text matches scored; bm25 is relative to the best one
TOPIC_WORD_HITS = 100  # per asked topic, untagged contacts whose description names it
PARTNERS = 100  # territory partners read, nearest and best suited first (bound order)
COUNTERPARTS = 10  # province-wide partners of the organisation's own kind
_MIN_TERM = 3  # shorter stems would match half the directory as prefixes


def recommend(db: Database, request: RecommendRequest, *, today: date,
              shortlist: bool = True) -> RecommendResult:
    """Resolve the request, pick candidates in SQL, score them, and load the top ones whole.
    `shortlist=False` scores every candidate: benchmarks compare it with the shortlist."""
    ref = load_reference(db)
    profile = load_profile(db)
    query, text_topics = build_query(request, ref, profile)
    # A platform filter of websites alone asks for references: rank them.
    websites = request.include_websites or set(query.platforms) == {"website"}
    filters = pool.Filters(
        excluded_statuses=("unfollowed", *(() if request.include_followed
                                           else sorted(FOLLOWED_STATUSES))),
        excluded_ids=own_contact_ids(db, profile),
        kinds=query.kinds, platforms=query.platforms,
    )
    ctx = _topic_context(db, ref, query.topics)
    codes = _scored_codes(query, ctx)
    text = (request.interests or "").strip()
    text_scores = _text_scores(db, _unmapped_words(ref, text)) if text else {}
    words = _topic_words(db, ref, query.topics)
    circle, network = _trusted_network(db, query, codes, filters)  # beside the queries below
    if not (query.topics or query.has_text or query.region or query.org_kind
            or network().followers):
        raise InvalidInput(_(
            "Nothing to rank by: give interests (--topic geolocalisation, or words such as "
            "\"cartographie des zones inondables\") or set a profile (msgu profile set --topic "
            "… --region …)."))
    keep = max(SHORTLIST, SHORTLIST_PER_RESULT * request.limit) if shortlist else 2**62
    ids = {*_candidate_ids(db, query, ctx, codes, filters, ref.geography, keep), *text_scores,
           *words}  # text reaches any contact, as the network does
    read = pool.candidate_rows(db, sorted(ids), codes, filters,
                               _found_fields(_Found(text_scores, words, {}, circle)))
    found = _Found(text_scores, words, network().followers, circle)
    candidates = _candidates(read, network().rows, found)
    ranked, seen = _followable_first(candidates, query, ctx, ref.geography, today=today,
                                     limit=request.limit, websites=websites)
    return RecommendResult(query, text_topics, *_loaded(db, query, ctx, ranked, seen),
                           topic_labels=tuple(ctx.labels.get(c, c) for c in query.topics),
                           region_name=ref.geography.region_name(query.region))


def _followable_first(candidates: Sequence[Candidate], query: Query, ctx: TopicContext,
                      geo: Geography, *, today: date, limit: int,
                      websites: bool) -> tuple[list[Ranked], list[Ranked]]:
    """Followable first (contract): the contacts followable on the asked platforms are ranked,
    and the best website-only references named apart; `websites` ranks both together."""
    if websites:
        return rank_contacts(candidates, query, ctx, geo, today=today, limit=limit), []
    followable = [c for c in candidates if followable_platforms(c.platforms, query.platforms)]
    references = [c for c in candidates if not followable_platforms(c.platforms)]
    return (rank_contacts(followable, query, ctx, geo, today=today, limit=limit),
            rank_contacts(references, query, ctx, geo, today=today, limit=SEE_ALSO))


@dataclass(frozen=True)
class _Found:
    """What other queries found per contact id: text scores, topic names, trusted followers."""

    text: dict[int, float]
    words: dict[int, tuple[str, ...]]
    network: dict[int, list[str]]
    circle: int


def _candidates(read: Sequence[Candidate], walked: Sequence[Candidate],
                found: _Found) -> list[Candidate]:
    """The contacts worth scoring, by id, with everything other queries found: those `read`
    here (the best bounds, text matches: with their text fields) and those the circle of
    trust follows, `walked` beside (with their network fields, and here their text ones)."""
    fields = _found_fields(found)
    also_text = found.text.keys() | found.words.keys()
    walked = [replace(c, **fields[c.contact_id]) if c.contact_id in also_text else c
              for c in walked]
    rest = [c for c in read if c.contact_id not in found.network]
    return sorted([*walked, *rest], key=lambda c: c.contact_id)


def _loaded(db: Database, query: Query, ctx: TopicContext, ranked: list[Ranked],
            references: list[Ranked]) -> tuple[list[Recommendation], list[Recommendation]]:
    """The ranked contacts loaded whole, with the account to follow and the plain reason."""
    contacts = {c.id: c for c in store.load_contacts(
        db, [r.contact_id for r in (*ranked, *references)])}

    def made(rank: int, r: Ranked) -> Recommendation:
        c = contacts[r.contact_id]
        follow = follow_account(c.accounts, query.platforms, c.name) if r.followable else None
        return Recommendation(rank, c, r.score, r.reasons, r.followable, follow,
                              plain_reason(r.reasons, c.kind, c.scope, ctx.labels))

    return ([made(i, r) for i, r in enumerate(ranked, 1)],
            [made(i, r) for i, r in enumerate(references, 1)])


@dataclass(frozen=True)
class _Network:
    """Whom the circle of trust follows, and those contacts that pass the filters, read as
    candidates with their network fields."""

    followers: dict[int, list[str]] = field(default_factory=dict)
    rows: list[Candidate] = field(default_factory=list)


def _trusted_network(db: Database, query: Query, codes: Sequence[str], filters: pool.Filters
                     ) -> tuple[int, Callable[[], _Network]]:
    """The size of the circle of trust, and what waits for the contacts its accounts follow:
    the walk over the follow graph (a million edges at province scale) and the reading of
    those contacts run on a second connection, beside the other candidate queries. With
    interests asked, only contacts with a scored tag can qualify (text matches aside): the
    walk keeps those."""
    circle = trusted_count(db)
    interested = bool(query.topics or query.has_text)
    if not circle or (interested and not codes):
        return circle, _Network

    def walked(reader: Database) -> _Network:
        followers = trusted_followers(reader, codes if interested else ())
        fields = _found_fields(_Found({}, {}, followers, circle))
        return _Network(followers, pool.candidate_rows(reader, sorted(followers), codes,
                                                       filters, fields))

    return circle, read_beside(db, walked)


def _candidate_ids(db: Database, query: Query, ctx: TopicContext, codes: Sequence[str],
                   filters: pool.Filters, geo: Geography, keep: int) -> list[int]:
    """The `keep` contacts with the best bounds: tagged ones when interests are asked (no other
    contact can qualify, but text matches and territory partners); else the nearest territory
    first."""
    bounds = score_bounds(query, ctx, geo, codes, KINDS)
    if query.topics or query.has_text:
        ids = [i for i, _bound in pool.best_tagged(db, bounds, filters, keep=keep)]
        if query.org_kind and query.region:  # territory partners: the region, MRC first
            ids += [i for i, _bound in pool.best_nearby(db, bounds, filters, column="region",
                                                        values=[query.region],
                                                        keep=min(keep, PARTNERS))]
            ids += _counterparts(db, bounds, filters, query.org_kind)
        return ids
    ids = []
    for column, values in _nearest_first(query, geo):
        if len(ids) >= keep:
            break
        ids += [i for i, _bound in pool.best_nearby(db, bounds, filters, column=column,
                                                    values=values, keep=keep)]
    return ids


def _counterparts(db: Database, bounds: Bounds, filters: pool.Filters,
                  org_kind: str) -> list[int]:
    """The organisation's province-wide counterparts (the SQ for a police service): territory
    partners without a region (signals.partner_tier), read by kind (indexed)."""
    if not is_service(org_kind, org_kind) or (filters.kinds and org_kind not in filters.kinds):
        return []
    return [i for i, _bound in pool.best_nearby(db, bounds, replace(filters, kinds=(org_kind,)),
                                                column="scope", values=["provincial"],
                                                keep=COUNTERPARTS)]


def _nearest_first(query: Query, geo: Geography) -> list[tuple[str | None, list[str]]]:
    """Where to look for candidates without interests: nearest first; everywhere without a
    territory (a kind or a follow graph alone)."""
    if not query.region:
        return [(None, [])]
    return [("region", [query.region]), ("region", sorted(geo.neighbours(query.region))),
            ("scope", ["provincial"]), ("scope", ["national"]), ("scope", ["international"])]


def _scored_codes(query: Query, ctx: TopicContext) -> list[str]:
    """The tags that can earn topic points: the asked topics and their relatives."""
    return sorted(set(query.topics).union(*(ctx.related.get(t, {}) for t in query.topics)))


def _topic_context(db: Database, ref: Reference, codes: Sequence[str]) -> TopicContext:
    """Relatives (all-hazards sources for every hazard), rarity, and labels in the interface
    language."""
    counts = pool.tag_counts(db, codes)
    total = store.contact_count(db)
    known = [t.code for t in ref.taxonomy.topics]
    related = {}
    for code in codes:
        topic = ref.taxonomy.get(code)
        related[code] = related_topics(code, topic.group if topic else None,
                                       ref.taxonomy.related(code), known)
    shown = set(codes).union(*related.values())
    french = language() == "fr"
    return TopicContext(
        related=related,
        weights={code: topic_weight(counts.get(code, 0), total) for code in codes},
        labels={t.code: t.label_fr if french else t.label_en for t in ref.taxonomy.topics
                if t.code in shown},
    )


def _topic_words(db: Database, ref: Reference, codes: Sequence[str]) -> dict[int, tuple[str, ...]]:
    """contact id -> the asked topics whose labels or synonyms (either language) its
    description or notes hold, as whole words (signal `text`)."""
    found: dict[int, list[str]] = {}
    for code in codes:
        topic = ref.taxonomy.get(code)
        if topic is None:
            continue
        phrases, acronyms = topic_names(topic.label_fr, topic.label_en, topic.synonyms)
        for contact_id in pool.phrase_hits(db, phrases, untagged=code, acronyms=acronyms,
                                           limit=TOPIC_WORD_HITS):
            found.setdefault(contact_id, []).append(code)
    return {i: tuple(topics) for i, topics in found.items()}


def _unmapped_words(ref: Reference, text: str) -> str:
    """The free text without the phrases that name topics: those are matched as topics (tags,
    and their names in descriptions); full-text search is for the other words."""
    for _code, phrase in ref.taxonomy.topics_in_text(text):
        text = text.replace(phrase, " ", 1)
    return text


def _text_scores(db: Database, text: str) -> dict[int, float]:
    """Full-text matches of the free text's word stems, bm25 scaled to 0..1 against the best."""
    terms = [t for t in stems(text) if len(t) >= _MIN_TERM]
    hits = pool.text_hits(db, terms, limit=TEXT_HITS)
    if not hits:
        return {}
    best = min(rank for _id, rank in hits) or -1.0
    return {contact_id: round(rank / best, 3) for contact_id, rank in hits if rank < 0}


def _found_fields(found: _Found) -> dict[int, dict[str, Any]]:
    """What other queries found, as the Candidate fields of each contact they found something
    for: its text scores and trusted followers (the others keep the fields' defaults)."""
    fields = {}
    for contact_id in {*found.text, *found.words, *found.network}:
        text, words = found.text.get(contact_id, 0.0), found.words.get(contact_id, ())
        followed_by = found.network.get(contact_id, ())
        if text or words or followed_by:
            fields[contact_id] = {
                "text_score": text, "text_topics": words, "followed_by": tuple(followed_by),
                "network_score": len(followed_by) / found.circle if found.circle else 0.0}
    return fields


def ranked_contacts(result: RecommendResult) -> list[Contact]:
    return [r.contact for r in result.recommendations]


def few_quebec_contacts(result: RecommendResult) -> bool:
    """Whether the list holds few or no Quebec contacts (fewer than 3, and fewer than half),
    which the human output says in one line (contract)."""
    shown = len(result.recommendations)
    return shown > 0 and result.quebec_count < min(3, (shown + 1) // 2)


__all__ = ["RecommendRequest", "Recommendation", "RecommendResult", "Ranked", "recommend",
           "build_query", "few_quebec_contacts", "ranked_contacts"]
