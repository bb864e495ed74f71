"""Recommendation ranking: independent, explained signals -> a scored, diversified list.

Pure: data in, new data out (no database, no network, no clock: `today` is a parameter). Points
are rounded to 2 decimals and a score is the sum of its rounded points: reasons add up to it.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

from ..i18n import _
from .affinity import affinity, kind_word, org_phrase
from .geo import Geography
from .text import fold as _fold_text

SIGNALS = ("topic", "text", "geography", "kind", "network", "activity", "language", "trust",
           "diversity", "penalty")

# Point scale. Topic points are the base times the asked topic's rarity weight.
EXACT_POINTS = 10.0
RELATED_POINTS = 4.0  # the contact has a parent or a child of the asked topic
SUGGESTED_FACTOR = 0.5  # machine-suggested tags are weaker evidence than a person's
COVERAGE_POINTS = 2.0  # per asked topic covered beyond the first
# Weights stay within a factor of 2, so covering two topics always beats covering one rare one
# with the same kind of match (2 x 10 x 0.75 + 2 > 10 x 1.5).
WEIGHT_MIN, WEIGHT_MAX, WEIGHT_SLOPE = 0.75, 1.5, 0.15
TEXT_POINTS = 5.0
SAME_MRC, SAME_REGION, NEIGHBOUR_REGION = 6.0, 4.0, 2.0
SCOPE_POINTS: dict[str, tuple[float, str]] = {
    "provincial": (1.5, "portée : tout le Québec"),
    "national": (0.75, "portée : nationale"),
    "international": (0.25, "portée : internationale"),
}
FOLLOWER_POINTS, FOLLOWERS_CAP, NETWORK_POINTS, NETWORK_CAP = 2.0, 6.0, 4.0, 8.0
SILENT_DAYS, SILENT_POINTS, QUIET_DAYS, QUIET_POINTS = 365, -3.0, 180, -1.0
LANGUAGE_SHARED, LANGUAGE_NONE = 1.0, -1.5
TRUST_POINTS = 1.5  # an account `refresh` proved to be the organisation's own
# Diversity: the 3rd contact of one kind costs 1.5, the 4th 3.0 ...; the 4th of one region costs
# 1.0, the 5th 2.0 ... (the asked region is exempt).
KIND_FREE, KIND_STEP = 2, 1.5
REGION_FREE, REGION_STEP = 3, 1.0
# Equal scores: reach that serves any Quebec organisation first. No points (geography stays
# neutral without a territory): this only orders ties, here and in the SQL shortlist.
TIE_SCOPES = ("provincial", "national", "regional", "local", "international")
DIVERSITY_MAX_SHARE = 0.5  # diversity never takes more than half a contact's score
POOL_FACTOR = 3  # diversity picks the top `limit` from the best 3 x limit

_RELATIONS: dict[str, str] = {"parent": "parent de", "child": "sous-sujet de"}
# Names, MRCs and the circle of trust's names repeat across thousands of candidates: fold
# (Unicode decomposition) each once per process.
fold = functools.lru_cache(maxsize=65_536)(_fold_text)
_INTEREST_SIGNALS = frozenset({"topic", "text"})


@dataclass(frozen=True)
class Reason:
    """One explained contribution to a score; `signal` is one of SIGNALS."""

    signal: str
    detail: str
    points: float


@dataclass(frozen=True)
class Query:
    """What the organisation asks for, already resolved to codes (topics, region, kind)."""

    topics: tuple[str, ...] = ()
    region: str | None = None
    mrc: str | None = None
    org_kind: str | None = None
    languages: tuple[str, ...] = ()
    has_text: bool = False
    kinds: tuple[str, ...] = ()  # the --kind filter: diversity leaves these kinds alone


@dataclass(frozen=True)
class Candidate:
    """A contact as the ranking sees it, with the scores that storage computed for it."""

    contact_id: int
    name: str
    kind: str
    region: str | None
    mrc: str | None
    scope: str | None
    languages: tuple[str, ...]
    topics: tuple[str, ...]
    suggested_topics: tuple[str, ...] = ()
    text_score: float = 0.0
    followed_by: tuple[str, ...] = ()
    network_score: float = 0.0
    last_post_at: str | None = None
    any_account_alive: bool = True
    verified: bool = False  # one of its accounts is verified (refresh)


@dataclass(frozen=True)
class TopicContext:
    """What the taxonomy says about the asked topics: relatives, rarity weights, labels."""

    related: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Ranked:
    """A recommended contact: its score and the reasons that add up to it."""

    contact_id: int
    name: str
    score: float
    reasons: tuple[Reason, ...]
    scope: str | None = None  # orders ties only


def _reason(signal: str, detail: str, points: float) -> Reason:
    """Round once, here, so that sums of points match the shown score."""
    return Reason(signal, detail, round(points, 2) + 0.0)  # + 0.0 turns -0.0 into 0.0


def _total(reasons: Iterable[Reason]) -> float:
    return round(sum(r.points for r in reasons), 2) + 0.0


def topic_weight(contacts_with_topic: int, total_contacts: int) -> float:
    """Idf-like weight in [0.75, 1.5]: a topic few contacts carry says more about them."""
    if total_contacts <= 0:
        return 1.0
    n = min(max(contacts_with_topic, 0), total_contacts)
    raw = WEIGHT_MIN + WEIGHT_SLOPE * math.log((total_contacts + 1) / (n + 1))
    return round(min(WEIGHT_MAX, max(WEIGHT_MIN, raw)), 4)


def _best_match(code: str, c: Candidate, ctx: TopicContext) -> tuple[float, str] | None:
    """The strongest evidence that `c` covers the asked topic `code`: (base points, detail)."""
    label = ctx.labels.get(code, code)
    if code in c.topics:
        return EXACT_POINTS, f"sujet « {label} » (étiquette exacte)"
    options: list[tuple[float, str]] = []
    if code in c.suggested_topics:
        options.append((EXACT_POINTS * SUGGESTED_FACTOR, f"sujet « {label} » (étiquette suggérée)"))
    for other, relation in sorted(ctx.related.get(code, {}).items()):
        how = f"{_RELATIONS.get(relation, 'proche de')} « {label} »"
        other_label = ctx.labels.get(other, other)
        if other in c.topics:
            options.append((RELATED_POINTS, f"sujet « {other_label} » ({how})"))
        elif other in c.suggested_topics:
            options.append((RELATED_POINTS * SUGGESTED_FACTOR,
                            f"sujet « {other_label} » ({how}, suggérée)"))
    return max(options, key=lambda o: o[0]) if options else None


def score_topic(c: Candidate, q: Query, ctx: TopicContext) -> list[Reason]:
    """One reason per asked topic the contact covers, plus a bonus for covering several."""
    asked = tuple(dict.fromkeys(q.topics))
    reasons: list[Reason] = []
    for code in asked:
        match = _best_match(code, c, ctx)
        weight = ctx.weights.get(code, 1.0)
        if match is not None and weight > 0:
            reasons.append(_reason("topic", match[1], match[0] * weight))
    if len(reasons) >= 2:
        detail = f"couvre {len(reasons)} des {len(asked)} sujets demandés"
        reasons.append(_reason("topic", detail, COVERAGE_POINTS * (len(reasons) - 1)))
    return reasons


def score_text(c: Candidate, q: Query) -> list[Reason]:
    """Free-text match (FTS5 bm25, normalised by storage) for words the tags miss."""
    if not q.has_text or c.text_score <= 0:
        return []
    points = TEXT_POINTS * min(1.0, c.text_score)
    return [_reason("text", "texte : la description correspond", points)]


def _query_region(q: Query, geo: Geography) -> str | None:
    """The query's region, or the region of its MRC when only the MRC was given."""
    if q.region or not q.mrc:
        return q.region
    key = fold(q.mrc)
    return next((m.region for m in geo.mrcs if fold(m.name) == key), None)


def _territory(c: Candidate, q: Query, region: str | None, geo: Geography) -> Reason | None:
    """Where the contact sits compared with the asked territory: MRC, region or neighbour."""
    same_region = bool(region) and c.region == region
    region_fits = same_region or not region or not c.region
    if q.mrc and c.mrc and region_fits and fold(c.mrc) == fold(q.mrc):
        return _reason("geography", f"territoire : même MRC ({c.mrc})", SAME_MRC)
    name = f"{c.region} {geo.region_name(c.region) or ''}".strip()
    if same_region:
        return _reason("geography", f"territoire : même région ({name})", SAME_REGION)
    if geo.are_neighbours(region, c.region):
        return _reason("geography", f"territoire : région voisine ({name})", NEIGHBOUR_REGION)
    return None


def score_geography(c: Candidate, q: Query, geo: Geography) -> list[Reason]:
    """Nearer first: same MRC > same region > neighbour > provincial > national > international;
    neutral when the query names no territory, and nothing (not 0-point noise) for far ones."""
    if not (q.region or q.mrc):
        return []
    territory = _territory(c, q, _query_region(q, geo), geo)
    if territory is not None:  # a place in or beside the territory beats any scope (2 > 1.5)
        return [territory]
    if c.scope in SCOPE_POINTS:
        points, detail = SCOPE_POINTS[c.scope]
        return [_reason("geography", detail, points)]
    return []


def score_kind(c: Candidate, q: Query) -> list[Reason]:
    """What an organisation of this kind gains from following a contact of that kind."""
    if not q.org_kind:
        return []
    points = affinity(q.org_kind, c.kind)
    if points <= 0:
        return []
    detail = f"type : utile pour {org_phrase(q.org_kind)} ({kind_word(c.kind)})"
    return [_reason("kind", detail, points)]


def score_network(c: Candidate) -> list[Reason]:
    """Followed by the organisation's circle of trust, or close to it in the follow graph."""
    mass = min(1.0, max(0.0, c.network_score))
    if not c.followed_by and mass <= 0:
        return []
    names = sorted({n for n in c.followed_by if n}, key=lambda n: (fold(n), n))
    points = min(FOLLOWERS_CAP, FOLLOWER_POINTS * len(names)) + NETWORK_POINTS * mass
    parts = []
    if names:
        noun = "compte de confiance" if len(names) == 1 else "comptes de confiance"
        shown = ", ".join(names[:3]) + (f" et {len(names) - 3} autre(s)" if len(names) > 3 else "")
        parts.append(f"suivi par {len(names)} {noun} : {shown}")
    if mass > 0:
        parts.append(f"proche du réseau de confiance ({mass:.2f})")
    return [_reason("network", " ; ".join(parts), min(NETWORK_CAP, points))]


def score_activity(c: Candidate, today: date) -> list[Reason]:
    """Long-silent accounts lose points; never-fetched (or unreadable dates) are not judged."""
    try:  # `2023-01-05` or `2023-01-05T10:00:00Z`
        last = date.fromisoformat(c.last_post_at[:10]) if c.last_post_at else None
    except ValueError:
        last = None
    if last is None:
        return []
    age = (today - last).days
    if age > SILENT_DAYS:
        return [_reason("activity", f"silencieux depuis {last.isoformat()}", SILENT_POINTS)]
    if age > QUIET_DAYS:
        return [_reason("activity", f"peu actif depuis {last.isoformat()}", QUIET_POINTS)]
    return []


def score_language(c: Candidate, q: Query) -> list[Reason]:
    """Contacts that publish in one of the organisation's languages gain; others lose a little."""
    if not q.languages or not c.languages:
        return []
    wanted = [lang.lower() for lang in q.languages]
    theirs = {lang.lower() for lang in c.languages}
    shared = [lang for lang in dict.fromkeys(wanted) if lang in theirs]
    if shared:
        return [_reason("language", f"publie en {', '.join(shared)}", LANGUAGE_SHARED)]
    detail = f"publie en {', '.join(sorted(theirs))}, pas en {', '.join(dict.fromkeys(wanted))}"
    return [_reason("language", detail, LANGUAGE_NONE)]


def score_trust(c: Candidate) -> list[Reason]:
    """A verified account is the organisation itself, not an impersonator or a fan page."""
    if not c.verified:
        return []
    return [_reason("trust", _("verified account: it is the organisation's own"), TRUST_POINTS)]


def scope_tie_rank(scope: str | None) -> int:
    return TIE_SCOPES.index(scope) if scope in TIE_SCOPES else len(TIE_SCOPES)


def _order(r: Ranked, score: float | None = None) -> tuple[float, int, str, int]:
    """Score desc, then scope (TIE_SCOPES), name (accent-blind) and id: the same data always
    give the same order."""
    return (-(r.score if score is None else score), scope_tie_rank(r.scope), fold(r.name),
            r.contact_id)


def _repeat_penalties(
    c: Candidate | None, score: float, seen: tuple[Counter[str], Counter[str]],
    home: tuple[str | None, frozenset[str]],
) -> list[Reason]:
    """What one more contact of a well-represented kind or region costs at this rank: never more
    than half its score, so diversity reorders the list but never drops anyone from it."""
    if c is None:
        return []
    kinds, regions = seen
    room = round(DIVERSITY_MAX_SHARE * score, 2)
    # The asked region and kinds are exempt: the person wants those contacts, and said so.
    in_region = regions[c.region] + 1 if c.region and c.region != home[0] else 0
    of_kind = kinds[c.kind] + 1 if c.kind not in home[1] else 0
    reasons: list[Reason] = []
    for nth, free, step, what in (
        (of_kind, KIND_FREE, KIND_STEP, f"type {kind_word(c.kind)}"),
        (in_region, REGION_FREE, REGION_STEP, f"la région {c.region}"),
    ):
        cost = round(min(room, step * (nth - free)), 2)
        if cost > 0:
            detail = f"diversité : {nth}e contact de {what} dans le haut de la liste"
            reasons.append(_reason("diversity", detail, -cost))
            room -= cost
    return reasons


def diversify(
    ranked: list[Ranked], candidates: Mapping[int, Candidate], *, top: int,
    home_region: str | None = None, asked_kinds: Iterable[str] = (),
) -> list[Ranked]:
    """Re-rank the first `top` places (greedy, from the best POOL_FACTOR x top) so one kind or
    region does not fill them; each penalty becomes a `diversity` reason of the new score."""
    if top <= 0:
        return list(ranked)
    pool, rest = list(ranked[: POOL_FACTOR * top]), list(ranked[POOL_FACTOR * top :])
    home = (home_region, frozenset(asked_kinds))
    seen: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    chosen: list[Ranked] = []
    while pool and len(chosen) < top:
        options = []
        for i, r in enumerate(pool):
            extra = _repeat_penalties(candidates.get(r.contact_id), r.score, seen, home)
            adjusted = _total((*r.reasons, *extra))
            options.append((_order(r, adjusted), i, adjusted, extra))
        _, i, adjusted, extra = min(options, key=lambda o: o[0])
        pick = pool.pop(i)
        chosen.append(replace(pick, score=adjusted, reasons=(*pick.reasons, *extra)))
        c = candidates.get(pick.contact_id)
        if c is not None:
            seen[0][c.kind] += 1
            if c.region:
                seen[1][c.region] += 1
    return chosen + pool + rest


class _Scorer:
    """All signals for one query. Signals that read few fields are memoised by those fields:
    100,000 contacts share a few tag sets, places, kinds and languages."""

    def __init__(self, q: Query, ctx: TopicContext, geo: Geography, today: date) -> None:
        self.q, self.ctx, self.geo, self.today = q, ctx, geo, today
        self.needs_interest = bool(q.topics) or q.has_text
        # Every tag that can earn topic points: the asked codes, their parents and children.
        self.codes = frozenset(q.topics).union(*(ctx.related.get(t, {}) for t in q.topics))
        self.topics: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[Reason, ...]] = {}
        self.places: dict[tuple[str | None, ...], tuple[Reason, ...]] = {}
        self.moments: dict[str | None, tuple[Reason, ...]] = {}
        self.tongues: dict[tuple[str, ...], tuple[Reason, ...]] = {}

    def reasons(self, c: Candidate) -> tuple[Reason, ...]:
        """topic, text, geography, kind, network, activity, language, trust: the contract's
        order."""
        q = self.q
        topic = self.topics.get((c.topics, c.suggested_topics))
        if topic is None:
            topic = self.topics[c.topics, c.suggested_topics] = tuple(score_topic(c, q, self.ctx))
        place = self.places.get((c.region, c.mrc, c.scope, c.kind))
        if place is None:
            place = (*score_geography(c, q, self.geo), *score_kind(c, q))
            self.places[c.region, c.mrc, c.scope, c.kind] = place
        moment = self.moments.get(c.last_post_at)
        if moment is None:
            moment = self.moments[c.last_post_at] = tuple(score_activity(c, self.today))
        tongue = self.tongues.get(c.languages)
        if tongue is None:
            tongue = self.tongues[c.languages] = tuple(score_language(c, q))
        text = score_text(c, q) if q.has_text else ()
        network = score_network(c) if c.followed_by or c.network_score > 0 else ()
        trust = score_trust(c) if c.verified else ()
        return (*topic, *text, *place, *network, *moment, *tongue, *trust)

    def may_qualify(self, c: Candidate) -> bool:
        """Fast path: with interests asked, a contact that matches none of them cannot qualify."""
        return not self.needs_interest or (
            (self.q.has_text and c.text_score > 0)
            or not self.codes.isdisjoint(c.topics)
            or not self.codes.isdisjoint(c.suggested_topics)
        )

    def rank(self, c: Candidate) -> Ranked | None:
        """The contact scored, or None when it has nothing to recommend it."""
        reasons = self.reasons(c)
        score = _total(reasons)
        # With interests asked, territory, kind or network alone are no reason to follow.
        matched = any(r.points > 0 and r.signal in _INTEREST_SIGNALS for r in reasons)
        if score <= 0 or (self.needs_interest and not matched):
            return None
        return Ranked(c.contact_id, c.name, score, reasons, c.scope)


def rank_contacts(
    candidates: Iterable[Candidate], q: Query, ctx: TopicContext, geo: Geography, *,
    today: date, limit: int = 10,
) -> list[Ranked]:
    """The best `limit` contacts for the query, best first, each with reasons adding up to its
    score. Dead contacts (no account alive) are never recommended."""
    if limit <= 0:
        return []
    q = replace(q, region=_query_region(q, geo))  # resolve once, not per contact
    scorer = _Scorer(q, ctx, geo, today)
    ranked: list[Ranked] = []
    by_id: dict[int, Candidate] = {}
    for c in candidates:
        if not c.any_account_alive or c.contact_id in by_id:
            continue
        by_id[c.contact_id] = c
        result = scorer.rank(c) if scorer.may_qualify(c) else None
        if result is not None:
            ranked.append(result)
    # Only the best POOL_FACTOR x limit (and their ties) can reach the list: sort just those.
    if len(ranked) > POOL_FACTOR * limit:
        cut = heapq.nlargest(POOL_FACTOR * limit, (r.score for r in ranked))[-1]
        ranked = [r for r in ranked if r.score >= cut]
    ranked.sort(key=_order)
    top = diversify(ranked, by_id, top=limit, home_region=q.region, asked_kinds=q.kinds)[:limit]
    return [r for r in top if r.score > 0]
