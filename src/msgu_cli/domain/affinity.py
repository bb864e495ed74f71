"""Which kinds of contacts an organisation of a given kind gains from following (0 to 3 points).

A municipality watches the provincial agencies (MSP), the weather and the utilities first, then
its police and fire services, the health agency, the Red Cross and its neighbours; a police
service watches other police services first; an NGO such as the Red Cross the fire services
(house fires are most of its disaster responses). The table is read by `signals.score_kind`.
"""

from __future__ import annotations

import functools

from ..i18n import _, language

# Column order of every row below: the contact's kind.
_COLUMNS: tuple[str, ...] = (
    "municipality", "mrc", "provincial", "federal", "police", "fire", "health", "ngo",
    "weather", "utility", "transport", "research", "expert", "media", "volunteer", "other",
)

# Row: the organisation's kind (the profile). Values follow _COLUMNS.
_ROWS: dict[str, tuple[float, ...]] = {
    #              mun  mrc  prov fed  pol  fire hlth ngo  wthr util trsp rsch expt media vol oth
    "municipality": (1.5, 2.0, 3.0, 1.5, 2.0, 2.0, 2.0, 2.0, 3.0, 2.5, 2.0, 1.0, 1.5, 1.0, 1.5, 0),
    "mrc":          (1.5, 2.0, 3.0, 1.5, 2.0, 2.0, 2.0, 2.0, 3.0, 2.5, 2.0, 1.0, 1.5, 1.0, 1.5, 0),
    "provincial":   (1.5, 2.0, 2.0, 2.0, 1.5, 1.5, 2.0, 2.0, 2.5, 2.0, 2.0, 1.5, 1.5, 1.0, 1.0, 0),
    "federal":      (1.0, 1.0, 2.5, 2.0, 1.0, 1.0, 1.5, 1.5, 2.5, 2.0, 1.5, 1.5, 1.5, 1.0, 1.0, 0),
    "police":       (1.5, 1.5, 2.0, 1.5, 2.5, 2.0, 1.5, 1.0, 2.0, 1.5, 2.0, 0.5, 1.0, 1.0, 1.0, 0),
    "fire":         (1.5, 1.5, 2.0, 1.0, 2.0, 2.5, 1.5, 1.0, 2.5, 2.0, 1.5, 1.0, 1.0, 0.5, 1.0, 0),
    "health":       (1.5, 1.5, 2.5, 1.5, 1.0, 1.0, 2.5, 2.0, 2.0, 1.5, 1.0, 1.5, 1.5, 1.0, 1.0, 0),
    "ngo":          (2.0, 2.0, 2.0, 1.5, 1.0, 2.0, 2.0, 2.5, 2.0, 1.5, 1.0, 1.0, 1.0, 1.5, 2.5, 0),
    "weather":      (0.5, 0.5, 2.0, 2.0, 0.5, 1.0, 0.5, 0.5, 2.0, 1.0, 1.0, 2.0, 1.5, 1.5, 1.0, 0),
    "utility":      (1.5, 1.5, 2.0, 1.0, 1.0, 1.0, 0.5, 0.5, 3.0, 2.0, 1.5, 1.0, 1.0, 1.0, 0.5, 0),
    "transport":    (1.5, 1.5, 2.0, 1.5, 2.0, 1.0, 0.5, 0.5, 3.0, 1.5, 2.5, 1.0, 1.0, 1.0, 0.5, 0),
    "research":     (0.5, 0.5, 1.5, 1.5, 0.5, 0.5, 1.5, 1.0, 1.5, 1.0, 0.5, 2.5, 2.5, 1.0, 1.0, 0),
    "expert":       (1.0, 1.0, 1.5, 1.0, 0.5, 0.5, 1.0, 1.0, 1.5, 1.0, 0.5, 2.5, 2.5, 1.0, 2.0, 0),
    "media":        (2.0, 1.5, 2.5, 1.5, 2.5, 2.0, 2.0, 1.5, 3.0, 2.5, 2.0, 1.0, 1.5, 1.0, 1.0, 0),
    "volunteer":    (1.0, 1.0, 2.0, 1.0, 0.5, 0.5, 1.0, 2.5, 2.0, 1.0, 0.5, 1.5, 2.0, 1.0, 2.5, 0),
    "other":        (1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0),
}

# Territory partners: the kinds an organisation works with in its own region (its police, fire
# service, health agency, MRC, neighbouring municipalities, community organisations). In the
# same MRC every contact is a partner.
_LOCAL_PARTNERS = frozenset({"municipality", "mrc", "police", "fire", "health"})
_COMMUNITY = frozenset({"ngo", "volunteer"})
PARTNER_KINDS: dict[str, frozenset[str]] = {
    "municipality": _LOCAL_PARTNERS | _COMMUNITY,
    "mrc": _LOCAL_PARTNERS | _COMMUNITY,
    "police": _LOCAL_PARTNERS,
    "fire": _LOCAL_PARTNERS,
    "health": _LOCAL_PARTNERS | _COMMUNITY,
    "ngo": _LOCAL_PARTNERS | _COMMUNITY,
    "volunteer": _LOCAL_PARTNERS | _COMMUNITY,
}

# Its own services, among those partners: the police, fire service and health agency that act
# on its territory in every emergency (and its MRC, for a town), whatever the question. A
# police service counts the fire service and the other police forces; a health agency the
# health network; a Red Cross the fire service (house fires are most of its responses).
# signals.is_own_service says where.
_RESPONDERS = frozenset({"police", "fire", "health"})
SERVICES: dict[str, frozenset[str]] = {
    "municipality": _RESPONDERS | {"mrc"},
    "mrc": _RESPONDERS,
    "police": frozenset({"police", "fire"}),
    "fire": frozenset({"fire", "police"}),
    "health": frozenset({"health"}),
    "ngo": frozenset({"fire"}),
    "volunteer": frozenset({"fire"}),
}

AFFINITY: dict[str, dict[str, float]] = {
    org: dict(zip(_COLUMNS, row, strict=True)) for org, row in _ROWS.items()
}


def affinity(org_kind: str, contact_kind: str) -> float:
    """Points an organisation of `org_kind` gains from following a `contact_kind`; 0 if unknown."""
    return AFFINITY.get(org_kind, {}).get(contact_kind, 0.0)


def kind_word(kind: str) -> str:
    """`weather` -> `weather`: the short word a reason shows for a kind, in the interface
    language."""
    return _kind_words(language()).get(kind, kind)


@functools.cache  # the ranking asks for every candidate: translate the words once per language
def _kind_words(interface_language: str) -> dict[str, str]:
    return {
        "municipality": _("municipality"), "mrc": _("MRC"), "provincial": _("provincial agency"),
        "federal": _("federal agency"), "police": _("police"), "fire": _("fire service"),
        "health": _("health"), "ngo": _("NGO"), "weather": _("weather"),
        "utility": _("utility"), "transport": _("transport"), "research": _("research"),
        "expert": _("expert"), "media": _("media"), "volunteer": _("volunteers"),
        "other": _("other"),
    }


def is_partner_kind(org_kind: str | None, contact_kind: str) -> bool:
    """Whether a contact of this kind in the organisation's region is one of its territory
    partners (contract: territory partners)."""
    return bool(org_kind) and contact_kind in PARTNER_KINDS.get(org_kind or "", _LOCAL_PARTNERS)


def is_service(org_kind: str | None, contact_kind: str) -> bool:
    """Whether a contact of this kind on the organisation's territory is one of *its* services
    (its police, fire service, health agency), which it follows whatever the question."""
    return contact_kind in SERVICES.get(org_kind or "", frozenset())
