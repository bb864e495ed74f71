"""Upper bounds of the ranking's static signals (topic, geography, kind), as tables keyed by
column values, so that storage can order candidates in SQL and hand `rank_contacts` only the
few hundred that can reach the top.

Pure. Every table is filled by the signals themselves (`score_topic`, `score_geography`,
`score_kind`) applied to one-field candidates, so no point value is written twice. The kind
bound is the full affinity (a contact of another territory earns less).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .geo import Geography
from .interests import COVERAGE_POINTS, score_topic
from .models import SCOPES
from .signals import (
    Candidate,
    Query,
    Reason,
    TopicContext,
    score_geography,
    score_kind,
)


@dataclass(frozen=True)
class Bounds:
    """What one contact can at most earn from each column value.

    A contact's topic points are at most the sum of `tags[(code, suggested)][0]` over its tags
    plus `coverage` x (min(served, asked) - 1), where `served` sums `tags[...][1]`; its
    geography at most max(regions[region], mrc points when its MRC is the asked one,
    scopes[scope]); its kind points at most kinds[kind]. Languages are left out: they move a
    contact by three points at most, the same for every candidate's bound, and a Quebec public
    body's French counts whatever language is asked.
    """

    tags: Mapping[tuple[str, bool], tuple[float, int]]
    asked: int
    coverage: float
    regions: Mapping[str, float]
    mrc: tuple[str, float] | None
    scopes: Mapping[str, float]
    kinds: Mapping[str, float]


def _points(reasons: Iterable[Reason]) -> float:
    return round(sum(r.points for r in reasons), 2)


def _probe(**fields: object) -> Candidate:
    """A candidate with one field set: what that field alone earns."""
    values: dict[str, object] = {"contact_id": 0, "name": "", "kind": "", "region": None,
                                 "mrc": None, "scope": None, "languages": (), "topics": ()}
    values.update(fields)
    return Candidate(**values)  # type: ignore[arg-type]


def _tag_bound(code: str, suggested: bool, q: Query, ctx: TopicContext) -> tuple[float, int]:
    """(points, asked topics served) of one tag on its own."""
    field = "suggested_topics" if suggested else "topics"
    reasons = score_topic(_probe(**{field: (code,)}), q, ctx)
    # score_topic adds one coverage reason exactly when a contact serves two asked topics or more.
    served = len(reasons) - 1 if len(reasons) >= 2 else len(reasons)
    return _points(reasons), served


def score_bounds(q: Query, ctx: TopicContext, geo: Geography, codes: Iterable[str],
                 kinds: Iterable[str]) -> Bounds:
    """The bound tables of query `q` for the tags `codes` and the contact kinds `kinds`."""
    tags = {(code, suggested): _tag_bound(code, suggested, q, ctx)
            for code in codes for suggested in (False, True)}
    regions = {r.number: _points(score_geography(_probe(region=r.number), q, geo))
               for r in geo.regions}
    mrc = None
    if q.mrc:
        mrc = (q.mrc, _points(score_geography(_probe(region=q.region, mrc=q.mrc), q, geo)))
    return Bounds(
        tags={key: value for key, value in tags.items() if value[0] > 0},
        asked=len(set(q.topics)),
        coverage=COVERAGE_POINTS,
        regions={k: v for k, v in regions.items() if v},
        mrc=mrc,
        scopes={s: p for s in SCOPES if (p := _points(score_geography(_probe(scope=s), q, geo)))},
        kinds={k: p for k in kinds if (p := _points(score_kind(_probe(kind=k), q)))},
    )
