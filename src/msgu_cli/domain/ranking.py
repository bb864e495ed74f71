"""Recommendation ranking: independent, explained signals (domain.interests, domain.signals)
-> a scored, diversified list, with the contract's rules: never yourself, interests or
territory partners, ties broken on followability, activity and reach, then scope and name.

Pure: data in, new data out (no database, no network, no clock: `today` is a parameter).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from ..i18n import _
from .diversity import POOL_FACTOR, Ranked, diversify, floors
from .followability import followable_platforms
from .geo import Geography, names_town, same_municipality
from .interests import score_text, score_topic, topic_weight, warns_you
from .signals import (
    QUIET_DAYS,
    SIGNALS,
    Candidate,
    Query,
    Reason,
    TopicContext,
    fold,
    is_own_service,
    last_post_date,
    partner_tier,
    query_region,
    reason,
    score_activity,
    score_geography,
    score_kind,
    score_language,
    score_network,
    score_peer,
    score_trust,
    territory_depth,
    territory_tier,
    total,
)

# Equal scores, after followability, activity and reach: the reach that serves any Quebec
# organisation first. No points: this only orders ties, here and in the SQL shortlist.
TIE_SCOPES = ("provincial", "national", "regional", "local", "international")
_INTEREST_SIGNALS = frozenset({"topic", "text"})
# A unit's name after its organisation's (« Ville de Québec – Bureau de la sécurité civile »).
UNIT_MARKS = (" – ", " — ", " - ", " : ", ": ", " (")
# Ranked among followable contacts (--include-websites), a website-only reference costs this
# much: it never outranks a followable source that fits as well, only ones that fit less.
REFERENCE_POINTS = -2.0


def scope_tie_rank(scope: str | None) -> int:
    return TIE_SCOPES.index(scope) if scope in TIE_SCOPES else len(TIE_SCOPES)


def _is_unit_of(key: str, own: str) -> bool:
    """`surete du quebec` or `surete du quebec – district nord`, for `surete du quebec`."""
    return key == own or (key.startswith(own) and key[len(own):].startswith(UNIT_MARKS))


def own_town(name: str | None, kind: str | None, municipality: str | None) -> str | None:
    """The municipality a profile *is*: a municipality's profile with a municipality, unnamed
    or named after it (« Ville de Gatineau – Sécurité civile »); not a borough's (« Arrondissement
    de Verdun » is in Montréal, it is not the city)."""
    if kind != "municipality" or not municipality:
        return None
    return municipality if not name or names_town(name, municipality) else None


def is_yourself(c: Candidate, q: Query) -> bool:
    """The organisation of the profile: the same name, accents and case aside, one of its own
    units named after it (« Sûreté du Québec – district Nord » for the Sûreté du Québec) or the
    organisation a unit's profile belongs to (the Red Cross for « Croix-Rouge – Québec »);
    for a town's profile, also the town itself under another name (« Ville de Gatineau » for a
    profile `--municipality Gatineau`) and its own services' pages named after it."""
    own = fold(q.own_name or "")
    if own and (_is_unit_of(c.key, own) or _is_unit_of(own, c.key)):
        return True
    town = q.own_town
    return bool(town) and c.kind == "municipality" and same_municipality(c.municipality, town) \
        and names_town(c.name, town or "")


def score_reference(followable: bool, q: Query) -> list[Reason]:
    """A reference (nothing to follow on the asked platforms) ranked among followable
    contacts costs REFERENCE_POINTS: a coordinator follows sources, and consults sites."""
    if followable or not q.with_references:
        return []
    return [reason("penalty", _("website only: nothing to follow"), REFERENCE_POINTS,
                   "reference")]


def tie_key(c: Candidate, q: Query, today: date) -> tuple:
    """How equal scores are ordered (contract): followable on the asked platforms (on more of
    them first), then active lately and most followed (refresh), then scope, then name."""
    platforms = followable_platforms(c.platforms, q.platforms)
    last = last_post_date(c)
    active = last is not None and (today - last).days <= QUIET_DAYS
    return (not platforms, -len(platforms), not active, -(c.followers or 0),
            scope_tie_rank(c.scope), c.key, c.contact_id)


def order(r: Ranked, score: float | None = None) -> tuple:
    """Score desc, then the tie key: the same data always give the same order."""
    return (-(r.score if score is None else score), *r.tie)


@dataclass(frozen=True)
class _Place:
    """What a contact's place and kind earn for one query (geography and kind reasons) and
    mean: its territory tier, its partner tier (signals.partner_tier), its depth."""

    reasons: tuple[Reason, ...]
    tier: str | None
    partner: str | None
    depth: int
    service: bool  # one of its own services (signals.is_own_service)


class _Scorer:
    """All signals for one query. Signals that read few fields are memoised by those fields:
    100,000 contacts share a few tag sets, places, kinds and languages."""

    def __init__(self, q: Query, ctx: TopicContext, geo: Geography, today: date) -> None:
        self.q, self.ctx, self.geo, self.today = q, ctx, geo, today
        self.needs_interest = bool(q.topics) or q.has_text
        self.placed = bool(q.region or q.mrc)
        self.partners = bool(q.org_kind and self.placed)
        self.grounds = {"kind", "network", *(("geography",) if self.placed else ())}
        self.partner_ids: set[int] = set()  # ranked as territory partners, no interest matched
        self.service_ids: set[int] = set()  # those of them that are its own services
        # Every tag that can earn topic points: the asked codes, their relatives.
        self.codes = frozenset(q.topics).union(*(ctx.related.get(t, {}) for t in q.topics))
        self.topics: dict[tuple, tuple[Reason, ...]] = {}
        self.places: dict[tuple, _Place] = {}
        self.moments: dict[str | None, tuple[Reason, ...]] = {}
        self.tongues: dict[tuple, tuple[Reason, ...]] = {}
        self.peers: dict[tuple, tuple[Reason, ...]] = {}

    def place_key(self, c: Candidate) -> tuple:
        """The fields a contact's place and kind signals read. The MRC matters only when one
        is asked: 100,000 contacts share far fewer places."""
        return (c.region, c.mrc if self.q.mrc else None, c.scope, c.kind)

    def place(self, c: Candidate) -> _Place:
        """What the contact's place and kind earn and mean for this query."""
        key = self.place_key(c)
        found = self.places.get(key)
        if found is None:
            q, geo = self.q, self.geo
            partner = partner_tier(c, q, geo)
            found = self.places[key] = _Place(
                (*score_geography(c, q, geo), *score_kind(c, q, geo)), territory_tier(c, q, geo),
                partner, territory_depth(c, q, geo),
                partner is not None and is_own_service(c, q, partner))
        return found

    def reasons(self, c: Candidate, place: _Place) -> tuple[Reason, ...]:
        """topic, text, geography, kind, network, activity, language, trust: the contract's
        order (`place`: the contact's, from `place`)."""
        q = self.q
        tags = (c.topics, c.suggested_topics, c.text_topics, warns_you(c, place.tier, self.placed))
        topic = self.topics.get(tags)
        if topic is None:
            topic = self.topics[tags] = tuple(score_topic(c, q, self.ctx, all_hazards=tags[3]))
        moment = self.moments.get(c.last_post_at)
        if moment is None:
            moment = self.moments[c.last_post_at] = tuple(score_activity(c, self.today))
        tongue = self.tongues.get((c.languages, c.kind, c.region, c.scope))
        if tongue is None:
            tongue = self.tongues[c.languages, c.kind, c.region, c.scope] = tuple(
                score_language(c, q))
        # Free-text bm25 only where no asked topic's name already matched the description.
        text = (tuple(score_text(c, q)) if q.has_text
                and not any(r.signal == "text" for r in topic) else ())
        network = score_network(c) if c.followed_by or c.network_score > 0 else ()
        peer = self.peer(c, tags, topic, text) if self.placed or q.org_kind else ()
        trust = score_trust(c) if c.verified else ()
        return (*topic, *text, *place.reasons, *peer, *network, *moment, *tongue, *trust)

    def peer(self, c: Candidate, tags: tuple, topic: tuple[Reason, ...],
             text: tuple[Reason, ...]) -> tuple[Reason, ...]:
        """score_peer, memoised: it reads the place and the interest reasons (`topic`, the same
        for the same `tags`, and `text`)."""
        key = (self.place_key(c), tags, text)
        found = self.peers.get(key)
        if found is None:
            found = self.peers[key] = tuple(score_peer(c, self.q, self.geo, (*topic, *text)))
        return found

    def is_partner(self, c: Candidate) -> bool:
        """A territory partner (signals.partner_tier), memoised with the place."""
        return self.partners and self.place(c).partner is not None

    def may_qualify(self, c: Candidate) -> bool:
        """Fast path: with interests asked, a contact that matches none cannot qualify, unless
        it is a territory partner."""
        return not self.needs_interest or (
            (self.q.has_text and c.text_score > 0) or bool(c.text_topics)
            or not self.codes.isdisjoint(c.topics)
            or not self.codes.isdisjoint(c.suggested_topics)
            or self.is_partner(c)
        )

    def rank(self, c: Candidate) -> Ranked | None:
        """The contact scored, or None when it has nothing to recommend it."""
        place = self.place(c)
        followable = bool(followable_platforms(c.platforms, self.q.platforms))
        reasons = (*self.reasons(c, place), *score_reference(followable, self.q))
        score = total(reasons)
        # With interests asked, only a territory partner qualifies without matching them;
        # without, the territory, the kind or the network must say something (Quebec-first
        # points and languages order contacts, they are no reason to follow one).
        if self.needs_interest:
            matched = any(r.points > 0 and r.signal in _INTEREST_SIGNALS for r in reasons)
            qualified = matched or (self.partners and place.partner is not None)
        else:
            matched = qualified = any(r.points > 0 and r.signal in self.grounds for r in reasons)
        if score <= 0 or not qualified:
            return None
        if not matched:
            self.partner_ids.add(c.contact_id)
            if place.service:
                self.service_ids.add(c.contact_id)
        return Ranked(c.contact_id, c.name, score, reasons, c.scope, followable,
                      tie_key(c, self.q, self.today))


def partner_depths(depths: Mapping[int, int], partners: Iterable[int],
                   services: Iterable[int]) -> dict[int, int]:
    """The depth each contact is kept at: its own (signals.territory_depth), except a partner
    that is not one of the organisation's services (a neighbouring town, another agency of its
    MRC), kept at 1: below every contact that matches and serves its territory, province-wide
    ones included (its own police, its health agency, come whatever the question)."""
    kept = set(partners) - set(services)
    return {i: min(d, 1) if i in kept else d for i, d in depths.items()}


def below_matches(ranked: list[Ranked], depths: Mapping[int, int], partners: Iterable[int],
                  services: Iterable[int] = ()) -> list[Ranked]:
    """Territory partners that match no interest never outrank a contact of the same
    geography (or nearer: `depths`, see `partner_depths`) that does, and the other partners
    never outrank the organisation's own services: a `penalty` keeps each just below."""
    partner_ids, service_ids = set(partners), set(services)
    lowest: dict[int, float] = {}
    for r in ranked:
        depth = depths.get(r.contact_id, 0)
        if r.contact_id not in partner_ids and depth:
            lowest[depth] = min(lowest.get(depth, r.score), r.score)

    def floor(r: Ranked) -> float | None:
        depth = depths.get(r.contact_id, 0)
        return min((f for d, f in lowest.items() if d >= depth), default=None)

    first = {r.contact_id: _kept_below(r, floor(r)) for r in ranked if r.contact_id in service_ids}
    lowest_service = min((r.score for r in first.values()), default=None)
    out = []
    for r in ranked:
        if r.contact_id in first:
            r = first[r.contact_id]
        elif r.contact_id in partner_ids:
            bounds = [f for f in (floor(r), lowest_service) if f is not None]
            r = _kept_below(r, min(bounds, default=None))
        out.append(r)
    return out


def _kept_below(r: Ranked, floor: float | None) -> Ranked:
    """`r` with a penalty that puts it just below `floor`, when it is not already below."""
    if floor is None or r.score < floor:
        return r
    cut = reason("penalty", _("territory partner without an asked interest: kept below the "
                              "contacts of your territory that match"), floor - r.score - 0.01,
                 "partner")
    return replace(r, score=total((*r.reasons, cut)), reasons=(*r.reasons, cut))


def rank_contacts(
    candidates: Iterable[Candidate], q: Query, ctx: TopicContext, geo: Geography, *,
    today: date, limit: int = 10,
) -> list[Ranked]:
    """The best `limit` contacts for the query, best first, each with reasons adding up to its
    score. Dead contacts (no account alive) and the organisation itself are never recommended."""
    if limit <= 0:
        return []
    q = replace(q, region=query_region(q, geo))  # resolve once, not per contact
    scorer = _Scorer(q, ctx, geo, today)
    ranked: list[Ranked] = []
    by_id: dict[int, Candidate] = {}
    for c in candidates:
        if not c.any_account_alive or c.contact_id in by_id or is_yourself(c, q):
            continue
        by_id[c.contact_id] = c
        result = scorer.rank(c) if scorer.may_qualify(c) else None
        if result is not None:
            ranked.append(result)
    partners, services = scorer.partner_ids, scorer.service_ids
    depths = partner_depths({r.contact_id: scorer.place(by_id[r.contact_id]).depth
                             for r in ranked}, partners, services) if partners else {}
    if partners:
        ranked = [r for r in below_matches(ranked, depths, partners, services) if r.score > 0]
    # Only the best POOL_FACTOR x limit (and their ties) can reach the list: sort just those.
    if len(ranked) > POOL_FACTOR * limit:
        cut = heapq.nlargest(POOL_FACTOR * limit, (r.score for r in ranked))[-1]
        ranked = [r for r in ranked if r.score >= cut]
    ranked.sort(key=order)
    top = diversify(ranked, by_id, order, top=limit, home_region=q.region, asked_kinds=q.kinds,
                    keep_above=floors(ranked[:POOL_FACTOR * limit], depths, partners))[:limit]
    return [r for r in top if r.score > 0]


__all__ = ["SIGNALS", "TIE_SCOPES", "Candidate", "Query", "Ranked", "Reason", "TopicContext",
           "is_yourself", "own_town", "order", "rank_contacts", "scope_tie_rank", "score_activity",
           "score_geography", "score_kind", "score_language", "score_network", "score_text",
           "score_topic", "tie_key", "topic_weight"]
