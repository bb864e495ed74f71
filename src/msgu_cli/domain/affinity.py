"""Which kinds of contacts an organisation of a given kind gains from following (0 to 3 points).

A municipality watches the provincial agencies (MSP), the weather and the utilities first, then
its police and fire services, the health agency, the Red Cross and its neighbours; a police
service watches other police services first. The table is read by `ranking.score_kind`.
"""

from __future__ import annotations

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
    "ngo":          (2.0, 2.0, 2.0, 1.5, 1.0, 1.0, 2.0, 2.5, 2.0, 1.5, 1.0, 1.0, 1.0, 1.5, 2.5, 0),
    "weather":      (0.5, 0.5, 2.0, 2.0, 0.5, 1.0, 0.5, 0.5, 2.0, 1.0, 1.0, 2.0, 1.5, 1.5, 1.0, 0),
    "utility":      (1.5, 1.5, 2.0, 1.0, 1.0, 1.0, 0.5, 0.5, 3.0, 2.0, 1.5, 1.0, 1.0, 1.0, 0.5, 0),
    "transport":    (1.5, 1.5, 2.0, 1.5, 2.0, 1.0, 0.5, 0.5, 3.0, 1.5, 2.5, 1.0, 1.0, 1.0, 0.5, 0),
    "research":     (0.5, 0.5, 1.5, 1.5, 0.5, 0.5, 1.5, 1.0, 1.5, 1.0, 0.5, 2.5, 2.5, 1.0, 1.0, 0),
    "expert":       (1.0, 1.0, 1.5, 1.0, 0.5, 0.5, 1.0, 1.0, 1.5, 1.0, 0.5, 2.5, 2.5, 1.0, 2.0, 0),
    "media":        (2.0, 1.5, 2.5, 1.5, 2.5, 2.0, 2.0, 1.5, 3.0, 2.5, 2.0, 1.0, 1.5, 1.0, 1.0, 0),
    "volunteer":    (1.0, 1.0, 2.0, 1.0, 0.5, 0.5, 1.0, 2.5, 2.0, 1.0, 0.5, 1.5, 2.0, 1.0, 2.5, 0),
    "other":        (1.0, 1.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 1.5, 1.0, 1.0, 1.0, 1.0, 1.0, 0),
}

# How a reason names the organisation ("utile pour une MRC") and the contact's kind ("(météo)").
_ORG_PHRASES: dict[str, str] = {
    "municipality": "une municipalité", "mrc": "une MRC", "provincial": "un organisme provincial",
    "federal": "un organisme fédéral", "police": "un service de police",
    "fire": "un service incendie", "health": "un organisme de santé",
    "ngo": "un organisme communautaire", "weather": "un service météo",
    "utility": "un service public", "transport": "un organisme de transport",
    "research": "un centre de recherche", "expert": "un·e expert·e", "media": "un média",
    "volunteer": "un groupe de bénévoles", "other": "votre organisation",
}
_KIND_WORDS: dict[str, str] = {
    "municipality": "municipalité", "mrc": "MRC", "provincial": "organisme provincial",
    "federal": "organisme fédéral", "police": "police", "fire": "sécurité incendie",
    "health": "santé", "ngo": "ONG", "weather": "météo", "utility": "services publics",
    "transport": "transport", "research": "recherche", "expert": "expert·e", "media": "média",
    "volunteer": "bénévoles", "other": "autre",
}

AFFINITY: dict[str, dict[str, float]] = {
    org: dict(zip(_COLUMNS, row, strict=True)) for org, row in _ROWS.items()
}


def affinity(org_kind: str, contact_kind: str) -> float:
    """Points an organisation of `org_kind` gains from following a `contact_kind`; 0 if unknown."""
    return AFFINITY.get(org_kind, {}).get(contact_kind, 0.0)


def org_phrase(kind: str) -> str:
    """`mrc` -> `une MRC`, for « utile pour une MRC »."""
    return _ORG_PHRASES.get(kind, "votre organisation")


def kind_word(kind: str) -> str:
    """`weather` -> `météo`: the short French word a reason shows."""
    return _KIND_WORDS.get(kind, kind)
