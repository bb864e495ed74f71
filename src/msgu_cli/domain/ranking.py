"""Recommendation ranking: independent, explained signals (domain.interests, domain.signals)
-> a scored, diversified list, with the contract's rules: never yourself, interests or
territory partners, ties broken on followability, activity and reach, then scope and name.

Pure: data in, new data out (no database, no network, no clock: `today` is a parameter).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from ..i18n import _
from .affinity import is_partner_kind
from .diversity import POOL_FACTOR, Ranked, diversify, floors
from .followability import followable_platforms
from .geo import Geography
from .interests import score_text, score_topic, topic_weight, warns_you
from .signals import (
    QUIET_DAYS,
    SIGNALS,
    Candidate,
    Query,
    Reason,
    TopicContext,
    fold,
    last_post_date,
    query_region,
    reason,
    score_activity,
    score_geography,
    score_kind,
    score_language,
    score_network,
    score_peer,
    score_trust,
    territory_tier,
    total,
)

# Equal scores, after followability, activity and reach: the reach that serves any Quebec
# organisation first. No points: this only orders ties, here and in the SQL shortlist.
TIE_SCOPES = ("provincial", "national", "regional", "local", "international")
_INTEREST_SIGNALS = frozenset({"topic", "text"})
_TIER_DEPTH = {"mrc": 2, "region": 1}  # a partner stays below matches at least this near


def scope_tie_rank(scope: str | None) -> int:
    return TIE_SCOPES.index(scope) if scope in TIE_SCOPES else len(TIE_SCOPES)


def is_yourself(c: Candidate, q: Query) -> bool:
    """The organisation of the profile: the same name, accents and case aside."""
    return bool(q.own_name) and c.key == fold(q.own_name or "")


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
        # Every tag that can earn topic points: the asked codes, their relatives.
        self.codes = frozenset(q.topics).union(*(ctx.related.get(t, {}) for t in q.topics))
        self.topics: dict[tuple, tuple[Reason, ...]] = {}
        self.places: dict[tuple, tuple[tuple[Reason, ...], str | None]] = {}
        self.moments: dict[str | None, tuple[Reason, ...]] = {}
        self.tongues: dict[tuple, tuple[Reason, ...]] = {}

    def place(self, c: Candidate) -> tuple[tuple[Reason, ...], str | None]:
        """(geography and kind reasons, territory tier) of the contact's place and kind. The
        MRC matters only when one is asked: 100,000 contacts share far fewer places."""
        key = (c.region, c.mrc if self.q.mrc else None, c.scope, c.kind)
        found = self.places.get(key)
        if found is None:
            reasons = (*score_geography(c, self.q, self.geo), *score_kind(c, self.q, self.geo))
            found = self.places[key] = (reasons, territory_tier(c, self.q, self.geo))
        return found

    def reasons(self, c: Candidate) -> tuple[Reason, ...]:
        """topic, text, geography, kind, network, activity, language, trust: the contract's
        order."""
        q = self.q
        place, tier = self.place(c)
        tags = (c.topics, c.suggested_topics, c.text_topics, warns_you(c, tier, self.placed,
                                                                  mrc_asked=bool(q.mrc)))
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
        text = (score_text(c, q) if q.has_text and not any(r.signal == "text" for r in topic)
                else ())
        network = score_network(c) if c.followed_by or c.network_score > 0 else ()
        peer = score_peer(c, q, self.geo, (*topic, *text)) if self.placed else ()
        trust = score_trust(c) if c.verified else ()
        return (*topic, *text, *place, *peer, *network, *moment, *tongue, *trust)

    def is_partner(self, c: Candidate) -> bool:
        """A territory partner: the same MRC, or the same region and a partner kind."""
        tier = self.place(c)[1]
        return self.partners and (tier == "mrc" or (
            tier == "region" and is_partner_kind(self.q.org_kind, c.kind)))

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
        reasons = self.reasons(c)
        score = total(reasons)
        # With interests asked, only a territory partner qualifies without matching them;
        # without, the territory, the kind or the network must say something (Quebec-first
        # points and languages order contacts, they are no reason to follow one).
        if self.needs_interest:
            matched = any(r.points > 0 and r.signal in _INTEREST_SIGNALS for r in reasons)
            qualified = matched or self.is_partner(c)
        else:
            matched = qualified = any(r.points > 0 and r.signal in self.grounds for r in reasons)
        if score <= 0 or not qualified:
            return None
        if not matched:
            self.partner_ids.add(c.contact_id)
        return Ranked(c.contact_id, c.name, score, reasons, c.scope,
                      bool(followable_platforms(c.platforms, self.q.platforms)),
                      tie_key(c, self.q, self.today))


def below_matches(ranked: list[Ranked], depths: Mapping[int, int],
                  partners: Iterable[int]) -> list[Ranked]:
    """Territory partners that match no interest never outrank a contact of the same
    geography (or nearer: `depths`, 2 same MRC, 1 same region) that does: a `penalty` keeps
    each just below them."""
    partner_ids = set(partners)
    lowest: dict[int, float] = {}
    for r in ranked:
        depth = depths.get(r.contact_id, 0)
        if r.contact_id not in partner_ids and depth:
            lowest[depth] = min(lowest.get(depth, r.score), r.score)
    out = []
    for r in ranked:
        depth = depths.get(r.contact_id, 0)
        floor = min((f for d, f in lowest.items() if d >= depth), default=None)
        if r.contact_id in partner_ids and floor is not None and r.score >= floor:
            cut = reason("penalty", _("territory partner without an asked interest: kept below "
                                      "the contacts of your territory that match"),
                         floor - r.score - 0.01, "partner")
            r = replace(r, score=total((*r.reasons, cut)), reasons=(*r.reasons, cut))
        out.append(r)
    return out


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
    partners = scorer.partner_ids
    depths = {r.contact_id: _TIER_DEPTH.get(scorer.place(by_id[r.contact_id])[1] or "", 0)
              for r in ranked} if partners else {}
    if partners:
        ranked = [r for r in below_matches(ranked, depths, partners) if r.score > 0]
    # Only the best POOL_FACTOR x limit (and their ties) can reach the list: sort just those.
    if len(ranked) > POOL_FACTOR * limit:
        cut = heapq.nlargest(POOL_FACTOR * limit, (r.score for r in ranked))[-1]
        ranked = [r for r in ranked if r.score >= cut]
    ranked.sort(key=order)
    top = diversify(ranked, by_id, order, top=limit, home_region=q.region, asked_kinds=q.kinds,
                    keep_above=floors(ranked[:POOL_FACTOR * limit], depths, partners))[:limit]
    return [r for r in top if r.score > 0]


__all__ = ["SIGNALS", "TIE_SCOPES", "Candidate", "Query", "Ranked", "Reason", "TopicContext",
           "is_yourself", "order", "rank_contacts", "scope_tie_rank", "score_activity",
           "score_geography", "score_kind", "score_language", "score_network", "score_text",
           "score_topic", "tie_key", "topic_weight"]
