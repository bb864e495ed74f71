"""Diversity: the top of the list is re-ranked so that one kind or one region does not fill it.

Pure. Each penalty is a `diversity` reason of the new score. Diversity reorders the list but
never drops anyone from it, never takes more than half a contact's score, never pushes a
followable contact below a reference (a website-only contact) it outscored, nor a contact that
matches the interests below a territory partner of its geography.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace

from ..i18n import _
from .affinity import kind_word
from .signals import Candidate, Reason, reason, total

# The 4th contact of one kind costs 1.5, the 5th 3.0 ...; the 4th of one region costs 1.0, the
# 5th 2.0 ... (the asked region and kinds are exempt, and province-wide and national contacts
# from the kind count: each is the one source of its function, the MSP, Urgence Québec,
# Santé Québec, not one more of many alike as boroughs or VOST teams are).
WIDE_SCOPES = frozenset({"provincial", "national"})
KIND_FREE, KIND_STEP = 3, 1.5
REGION_FREE, REGION_STEP = 3, 1.0
DIVERSITY_MAX_SHARE = 0.5
POOL_FACTOR = 3  # diversity picks the top `limit` from the best 3 x limit


@dataclass(frozen=True)
class Ranked:
    """A recommended contact: its score and the reasons that add up to it."""

    contact_id: int
    name: str
    score: float
    reasons: tuple[Reason, ...]
    scope: str | None = None  # orders ties
    followable: bool = True  # on the asked platforms; a reference (website only) when False
    tie: tuple = ()  # the tie-break key after the score (ranking.tie_key)


Order = Callable[[Ranked, float], tuple]


def _penalties(c: Candidate | None, room: float, seen: tuple[Counter[str], Counter[str]],
               home: tuple[str | None, frozenset[str]]) -> list[Reason]:
    """What one more contact of a well-represented kind or region costs at this rank, within
    `room` points."""
    if c is None:
        return []
    kinds, regions = seen
    # The asked region and kinds are exempt: the person wants those contacts, and said so.
    in_region = regions[c.region] + 1 if c.region and c.region != home[0] else 0
    of_kind = kinds[c.kind] + 1 if c.kind not in home[1] and c.scope not in WIDE_SCOPES else 0
    reasons: list[Reason] = []
    for nth, free, step, detail in (
        (of_kind, KIND_FREE, KIND_STEP,
         _("diversity: contact no. {nth} of kind {kind} near the top of the list")),
        (in_region, REGION_FREE, REGION_STEP,
         _("diversity: contact no. {nth} of region {region} near the top of the list")),
    ):
        cost = round(min(room, step * (nth - free)), 2)
        if cost > 0:
            text = detail.format(nth=nth, kind=kind_word(c.kind), region=c.region)
            reasons.append(reason("diversity", text, -cost, "diversity"))
            room -= cost
    return reasons


def floors(ranked: Iterable[Ranked], depths: Mapping[int, int],
           partners: Iterable[int]) -> dict[int, float]:
    """The lowest score diversity may leave each contact at: a followable contact stays level
    with the best reference it outscored (level: followable first); a contact that matches the
    interests stays above the territory partners of its geography or farther (`depths`:
    2 same MRC, 1 same region)."""
    ranked = list(ranked)
    partner_ids = set(partners)
    references = [r.score for r in ranked if not r.followable]
    below: dict[int, list[float]] = {}
    for r in ranked:
        if r.contact_id in partner_ids:
            below.setdefault(depths.get(r.contact_id, 0), []).append(r.score)
    out: dict[int, float] = {}
    for r in ranked:
        lows = [s for s in references if s <= r.score] if r.followable else []
        depth = depths.get(r.contact_id, 0)
        if r.contact_id not in partner_ids and depth:
            lows += [s + 0.01 for d, scores in below.items() if d <= depth for s in scores
                     if s < r.score]
        if lows:
            out[r.contact_id] = max(lows)
    return out


def diversify(ranked: list[Ranked], candidates: Mapping[int, Candidate], order: Order, *,
              top: int, home_region: str | None = None, asked_kinds: Iterable[str] = (),
              keep_above: Mapping[int, float] | None = None) -> list[Ranked]:
    """Re-rank the first `top` places (greedy, from the best POOL_FACTOR x top, `ranked` being
    in `order`) so one kind or region does not fill them; `keep_above` (see `floors`) bounds
    what diversity may take from each contact."""
    if top <= 0:
        return list(ranked)
    pool, rest = list(ranked[: POOL_FACTOR * top]), list(ranked[POOL_FACTOR * top:])
    keep = keep_above or {}
    home = (home_region, frozenset(asked_kinds))
    seen: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
    chosen: list[Ranked] = []
    while pool and len(chosen) < top:
        options = []
        for i, r in enumerate(pool):
            room = round(DIVERSITY_MAX_SHARE * r.score, 2)
            if r.contact_id in keep:
                room = min(room, round(r.score - keep[r.contact_id], 2))
            extra = _penalties(candidates.get(r.contact_id), max(0.0, room), seen, home)
            adjusted = total((*r.reasons, *extra))
            options.append((order(r, adjusted), i, adjusted, extra))
        _, i, adjusted, extra = min(options, key=lambda o: o[0])
        pick = pool.pop(i)
        chosen.append(replace(pick, score=adjusted, reasons=(*pick.reasons, *extra)))
        c = candidates.get(pick.contact_id)
        if c is not None:
            if c.scope not in WIDE_SCOPES:
                seen[0][c.kind] += 1
            if c.region:
                seen[1][c.region] += 1
    return chosen + pool + rest
