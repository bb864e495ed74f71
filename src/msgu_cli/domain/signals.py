"""What one contact earns for one query, signal by signal, each point explained: the records
the ranking reads, and the signals of place, kind, network, activity and language (the
interests are in domain.interests).

Pure: data in, new data out (no database, no network, no clock: `today` is a parameter). Points
are rounded to 2 decimals; a score is the sum of its rounded points, so reasons add up to it.
Every `detail` is a text for people, in the interface language (English msgids); `key` says
what a reason is about in codes (`exact:inondations`, `mrc`...) for the plain reason of a row.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from ..i18n import _, ngettext
from .affinity import affinity, is_partner_kind, is_service, kind_word
from .geo import Geography
from .text import fold as _fold_text

SIGNALS = ("topic", "text", "geography", "kind", "network", "activity", "language", "trust",
           "diversity", "penalty")

# Geography with a territory asked: nearer first; a province-wide source serves every territory.
# A town (or an MRC) of another MRC of your region serves its own MRC, not yours: NEARBY, still
# nearer than a province-wide source (nearer first).
SAME_MRC, SAME_REGION, NEARBY, NEIGHBOUR_REGION = 8.0, 6.0, 5.5, 3.0
PROVINCIAL, NATIONAL, ELSEWHERE_IN_QUEBEC = 5.0, 4.0, 0.5
# Without a territory: Quebec and Canada first, the widest reach first, international last.
UNPLACED_POINTS: dict[str, float] = {"provincial": 3.0, "national": 3.0, "regional": 2.0,
                                     "local": 1.5}
IN_QUEBEC = 1.5  # a contact with a Quebec region but no scope
# A contact that does not serve the asked territory (a local one of another region, a foreign
# one) is a peer: what it posts is about elsewhere, so its topics count for this share less.
PEER_SHARE = 0.5
# Kind affinity counts whole for a contact that serves the organisation's territory, a quarter
# for one of another Quebec region (a peer), nothing for a foreign one (not *its* weather service).
PEER_KIND_FACTOR = 0.25
PARTNER_POINTS = 1.0  # more for a partner kind on its own territory: a neighbouring town
SERVICE_POINTS = 3.0  # instead, for *its* police, fire service, health agency (affinity.SERVICES)
FOLLOWER_POINTS, FOLLOWERS_CAP, NETWORK_POINTS, NETWORK_CAP = 2.0, 6.0, 4.0, 8.0
SILENT_DAYS, SILENT_POINTS, QUIET_DAYS, QUIET_POINTS = 365, -3.0, 180, -1.0
# Languages are asked in order of preference (French first by default): the first counts whole.
LANGUAGE_SHARED, LANGUAGE_LATER, LANGUAGE_NONE = 1.0, 0.5, -2.0
TRUST_POINTS = 1.5  # an account `refresh` proved to be the organisation's own
QUEBEC_SCOPES = frozenset({"provincial", "regional", "local"})
# Quebec public bodies: never penalised for publishing in French only (contract: languages).
PUBLIC_KINDS = frozenset({"municipality", "mrc", "provincial", "police", "fire", "health",
                          "utility", "transport"})

# Names, MRCs and the circle of trust's names repeat across thousands of candidates: fold
# (Unicode decomposition) each once per process.
fold = functools.lru_cache(maxsize=65_536)(_fold_text)


@dataclass(frozen=True)
class Reason:
    """One explained contribution to a score; `signal` is one of SIGNALS. `key` (not shown)
    names what it is about in codes, for the row's plain reason."""

    signal: str
    detail: str
    points: float
    key: str = field(default="", compare=False)


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
    platforms: tuple[str, ...] = ()  # the --platform filter (or the profile's): followability
    own_name: str | None = None  # the profile's name: never recommended to itself
    own_town: str | None = None  # a town's profile: its municipality (ranking.own_town)
    with_references: bool = False  # --include-websites: references ranked among followables


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
    platforms: tuple[str, ...] = ()  # of its accounts, `website` included
    followers: int | None = None  # the most followers `refresh` saw on one of its accounts
    text_topics: tuple[str, ...] = ()  # asked topics named in its description or notes
    name_key: str = ""  # fold(name), as storage keeps it (computed here when empty)
    verified: bool = False  # one of its accounts is verified (refresh)
    municipality: str | None = None

    @property
    def key(self) -> str:
        return self.name_key or fold(self.name)


@dataclass(frozen=True)
class TopicContext:
    """What the taxonomy says about the asked topics: relatives (`parent`, `child`,
    `all-hazards`), rarity weights, and labels in the interface language."""

    related: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    weights: Mapping[str, float] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


def reason(signal: str, detail: str, points: float, key: str = "") -> Reason:
    """Round once, here, so that sums of points match the shown score."""
    return Reason(signal, detail, round(points, 2) + 0.0, key)  # + 0.0 turns -0.0 into 0.0


def total(reasons: Iterable[Reason]) -> float:
    return round(sum(r.points for r in reasons), 2) + 0.0


def query_region(q: Query, geo: Geography) -> str | None:
    """The query's region, or the region of its MRC when only the MRC was given."""
    if q.region or not q.mrc:
        return q.region
    key = fold(q.mrc)
    return next((m.region for m in geo.mrcs if fold(m.name) == key), None)


def in_quebec(region: str | None, scope: str | None) -> bool:
    """A Quebec contact: placed in a Quebec region, or with a Quebec scope."""
    return bool(region) or scope in QUEBEC_SCOPES


def is_quebec(c: Candidate) -> bool:
    return in_quebec(c.region, c.scope)


def serves_one_mrc(c: Candidate) -> bool:
    """A town, a borough, a town's police or fire service, an MRC: it serves its own MRC (or
    less), not its region."""
    return c.scope == "local" or c.kind == "mrc"


def territory_tier(c: Candidate, q: Query, geo: Geography) -> str | None:
    """`mrc`, `region`, `nearby` (a town or MRC of another MRC of the asked region: it serves
    its own MRC, not yours) or `neighbour`: where the contact sits against the asked territory
    (the query's region already resolved), or None."""
    same_region = bool(q.region) and c.region == q.region
    region_fits = same_region or not q.region or not c.region
    if q.mrc and c.mrc and region_fits and fold(c.mrc) == fold(q.mrc):
        return "mrc"
    if same_region:
        return "nearby" if q.mrc and c.mrc and serves_one_mrc(c) else "region"
    if geo.are_neighbours(q.region, c.region):
        return "neighbour"
    return None


def partner_tier(c: Candidate, q: Query, geo: Geography) -> str | None:
    """Where a contact is one of the organisation's territory partners (contract): `mrc` (any
    kind of its MRC), `region` (a partner kind serving its region), `nearby` (a neighbouring
    municipality or MRC of its region), `province` (its province-wide counterpart: the SQ for
    a police service, Santé Québec for a health agency); None for any other contact. (Which
    towns the SQ polices, the directory does not say: for a town it is not a partner.)"""
    if not (q.org_kind and (q.region or q.mrc)):
        return None
    tier = territory_tier(c, q, geo)
    if tier == "mrc":
        return tier
    if tier == "region" and is_partner_kind(q.org_kind, c.kind):
        return tier
    if tier == "nearby" and c.kind in ("municipality", "mrc") and is_partner_kind(q.org_kind,
                                                                                    c.kind):
        return tier
    if c.scope == "provincial" and c.kind == q.org_kind and is_service(q.org_kind, c.kind):
        return "province"
    return None


def is_own_service(c: Candidate, q: Query, tier: str | None) -> bool:
    """*Its* police, fire service, health agency or MRC: a service kind for the organisation's
    kind (affinity.SERVICES) that serves its territory: of its MRC, serving its region, or its
    province-wide counterpart. A neighbouring town's police is not."""
    if not is_service(q.org_kind, c.kind):
        return False
    return tier in ("mrc", "province") or (tier == "region" and not serves_one_mrc(c))


def territory_depth(c: Candidate, q: Query, geo: Geography) -> int:
    """How near the contact is, for keeping territory partners below the matching contacts of
    their geography or nearer: 3 same MRC, 2 the region, 1 province-wide, 0 farther."""
    tier = territory_tier(c, q, geo)
    if tier == "mrc":
        return 3
    if tier in ("region", "nearby"):
        return 2
    return 1 if c.scope == "provincial" else 0


def _region_label(c: Candidate, geo: Geography) -> str:
    return f"{c.region} {geo.region_name(c.region) or ''}".strip()


def score_geography(c: Candidate, q: Query, geo: Geography) -> list[Reason]:
    """Nearer first: same MRC > same region > province-wide > neighbour or national > elsewhere
    in Quebec > international (nothing). Without a territory: Quebec and Canada first."""
    if not (q.region or q.mrc):
        return _unplaced(c, geo)
    tier = territory_tier(c, q, geo)
    if tier == "mrc":
        return [reason("geography", _("territory: same MRC ({mrc})").format(mrc=c.mrc),
                       SAME_MRC, "mrc")]
    if tier == "region":
        return [reason("geography", _("territory: same region ({region})").format(
            region=_region_label(c, geo)), SAME_REGION, "region")]
    if tier == "nearby":
        return [reason("geography", _("territory: another MRC of your region ({mrc})").format(
            mrc=c.mrc), NEARBY, "nearby")]
    if c.scope == "provincial":
        return [reason("geography", _("reach: all of Quebec"), PROVINCIAL, "provincial")]
    if tier == "neighbour":
        return [reason("geography", _("territory: neighbouring region ({region})").format(
            region=_region_label(c, geo)), NEIGHBOUR_REGION, "neighbour")]
    if c.scope == "national":
        return [reason("geography", _("reach: all of Canada"), NATIONAL, "national")]
    if is_quebec(c):
        return [reason("geography", _("elsewhere in Quebec"), ELSEWHERE_IN_QUEBEC, "elsewhere")]
    return []


def serves_territory(c: Candidate, q: Query, geo: Geography) -> bool | None:
    """Whether the contact serves the asked territory: in it, province-wide or national (True);
    of another region, neighbouring or not (it serves that region), or foreign (False); None
    without a place. Without a territory, a Quebec organisation (a profile with a kind: a
    ministry, the SQ) is served by Quebec and Canada, not by a foreign contact; a query
    without either judges nobody."""
    if not (q.region or q.mrc):
        return False if q.org_kind and c.scope == "international" else None
    if not (is_quebec(c) or c.scope in ("national", "international")):
        return None
    tier = territory_tier(c, q, geo)
    return c.scope in ("provincial", "national") or tier in ("mrc", "region", "nearby")


def score_peer(c: Candidate, q: Query, geo: Geography,
               interest: Iterable[Reason]) -> list[Reason]:
    """A contact outside the asked territory is a peer: its topics count PEER_SHARE less."""
    points = sum(r.points for r in interest if r.signal in ("topic", "text"))
    if points <= 0 or serves_territory(c, q, geo) is not False:
        return []
    return [reason("geography", _("outside your territory: its topics count half"),
                   -PEER_SHARE * points, "peer")]


def _unplaced(c: Candidate, geo: Geography) -> list[Reason]:
    """No territory asked: Quebec and national contacts ahead of international ones."""
    if c.scope == "provincial":
        return [reason("geography", _("reach: all of Quebec"), UNPLACED_POINTS["provincial"],
                       "provincial")]
    if c.scope == "national":
        return [reason("geography", _("reach: all of Canada"), UNPLACED_POINTS["national"],
                       "national")]
    if c.scope in UNPLACED_POINTS or c.region:
        detail = (_("in Quebec ({region})").format(region=_region_label(c, geo)) if c.region
                  else _("in Quebec"))
        return [reason("geography", detail, UNPLACED_POINTS.get(c.scope or "", IN_QUEBEC),
                       "quebec")]
    return []


def kind_reach(c: Candidate, q: Query, geo: Geography) -> float:
    """How much the kind affinity counts: whole for a contact that serves the organisation's
    territory, PEER_KIND_FACTOR for one of another Quebec region, 0 for a foreign one."""
    if c.scope == "international" or not (is_quebec(c) or c.scope == "national"):
        return 0.0
    if not (q.region or q.mrc) or c.scope in ("provincial", "national"):
        return 1.0
    return 1.0 if serves_territory(c, q, geo) else PEER_KIND_FACTOR


def score_kind(c: Candidate, q: Query, geo: Geography | None = None) -> list[Reason]:
    """What an organisation of this kind gains from following a contact of that kind: more
    for a partner of its territory, most for its own services (its police, its health
    agency...), less for one that serves elsewhere. Without `geo`, the most a contact of that
    kind can earn."""
    if not q.org_kind:
        return []
    points = affinity(q.org_kind, c.kind) * (kind_reach(c, q, geo) if geo else 1.0)
    if points <= 0:
        return []
    # Without `geo` (the shortlist's bounds), a partner kind may be its own service.
    tier = partner_tier(c, q, geo) if geo else ("mrc" if q.region or q.mrc else None)
    if tier and is_own_service(c, q, tier):
        detail = _("{kind}, a service of your territory ({org})")
        points += SERVICE_POINTS
    elif tier and is_partner_kind(q.org_kind, c.kind):
        detail = _("{kind}, a partner on your territory ({org})")
        points += PARTNER_POINTS
    else:
        detail = _("{kind}, useful to your organisation ({org})")
    return [reason("kind", detail.format(kind=kind_word(c.kind), org=kind_word(q.org_kind)),
                   points, c.kind)]


def score_network(c: Candidate) -> list[Reason]:
    """Followed by the organisation's circle of trust, or close to it in the follow graph."""
    mass = min(1.0, max(0.0, c.network_score))
    if not c.followed_by and mass <= 0:
        return []
    names = sorted({n for n in c.followed_by if n}, key=lambda n: (fold(n), n))
    points = min(FOLLOWERS_CAP, FOLLOWER_POINTS * len(names)) + NETWORK_POINTS * mass
    parts = []
    if names:
        shown = ", ".join(names[:3])
        if len(names) > 3:
            shown = _("{names} and {count} more").format(names=shown, count=len(names) - 3)
        parts.append(ngettext("followed by {count} trusted account: {names}",
                              "followed by {count} trusted accounts: {names}",
                              len(names)).format(count=len(names), names=shown))
    if mass > 0:
        parts.append(_("close to your circle of trust ({mass})").format(mass=f"{mass:.2f}"))
    detail = parts[0] if len(parts) == 1 else _("{first}; {then}").format(first=parts[0],
                                                                         then=parts[1])
    return [reason("network", detail, min(NETWORK_CAP, points), f"trusted:{len(names)}")]


def score_activity(c: Candidate, today: date) -> list[Reason]:
    """Long-silent accounts lose points; never-fetched (or unreadable dates) are not judged."""
    last = last_post_date(c)
    if last is None:
        return []
    age = (today - last).days
    if age > SILENT_DAYS:
        return [reason("activity", _("silent since {date}").format(date=last.isoformat()),
                       SILENT_POINTS, "silent")]
    if age > QUIET_DAYS:
        return [reason("activity", _("little activity since {date}").format(
            date=last.isoformat()), QUIET_POINTS, "quiet")]
    return []


def last_post_date(c: Candidate) -> date | None:
    try:  # `2023-01-05` or `2023-01-05T10:00:00Z`
        return date.fromisoformat(c.last_post_at[:10]) if c.last_post_at else None
    except ValueError:
        return None


def is_public_body(c: Candidate) -> bool:
    return c.kind in PUBLIC_KINDS and is_quebec(c)


def score_language(c: Candidate, q: Query) -> list[Reason]:
    """Contacts that publish in one of the organisation's languages gain; others lose, except a
    Quebec public body publishing in French, which serves every Quebec organisation."""
    if not q.languages or not c.languages:
        return []
    wanted = list(dict.fromkeys(lang.lower() for lang in q.languages))
    theirs = {lang.lower() for lang in c.languages}
    shared = [lang for lang in wanted if lang in theirs]
    if shared:
        points = LANGUAGE_SHARED if shared[0] == wanted[0] else LANGUAGE_LATER
        return [reason("language", _("publishes in {languages}").format(
            languages=", ".join(shared)), points, "shared")]
    if "fr" in theirs and is_public_body(c):
        return [reason("language", _("Quebec public body: publishes in French"),
                       LANGUAGE_SHARED, "shared")]
    detail = _("publishes in {theirs}, not in {wanted}").format(
        theirs=", ".join(sorted(theirs)), wanted=", ".join(wanted))
    return [reason("language", detail, LANGUAGE_NONE, "none")]


def score_trust(c: Candidate) -> list[Reason]:
    """A verified account is the organisation itself, not an impersonator or a fan page."""
    if not c.verified:
        return []
    return [reason("trust", _("verified account: it is the organisation's own"), TRUST_POINTS)]
