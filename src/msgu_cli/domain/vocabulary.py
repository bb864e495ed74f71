"""Kinds, scopes, statuses and platforms: the closed lists, with their French and English words."""

from __future__ import annotations

from ..errors import InvalidInput
from ..i18n import N_, Message
from .models import PLATFORMS, SCOPES, STATUSES
from .text import closest, did_you_mean, fold, shown

# kind code -> (French label, English label, other words people type for it)
KINDS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "municipality": ("Municipalité", "Municipality", ("municipalite", "ville", "city", "town",
                     "arrondissement", "borough", "municipal", "mun")),
    "mrc": ("MRC", "Regional county municipality", ("municipalite regionale de comte",
            "regional county municipality", "territoire equivalent", "agglomeration", "rcm")),
    "provincial": ("Ministère ou organisme provincial", "Provincial agency",
                   ("ministere", "ministry", "gouvernement du quebec", "province", "quebec",
                    "organisme provincial", "provincial agency")),
    "federal": ("Organisme fédéral", "Federal agency", ("federal agency", "gouvernement du canada",
                "canada", "gouvernement federal", "federal government")),
    "police": ("Police", "Police", ("service de police", "police service", "surete")),
    "fire": ("Sécurité incendie", "Fire service", ("incendie", "pompiers", "firefighters",
             "fire department", "service incendie", "securite incendie")),
    "health": ("Santé", "Health", ("sante", "sante publique", "public health", "cisss", "ciusss",
               "hopital", "hospital")),
    "ngo": ("Organisme communautaire / ONG", "NGO", ("ong", "organisme", "obnl", "osbl",
            "croix-rouge", "red cross", "nonprofit", "non-profit", "charity")),
    "weather": ("Météo", "Weather", ("meteo", "meteorologie", "meteorology", "climat")),
    "utility": ("Services publics", "Utility", ("services publics", "energie", "electricite",
                "utilities", "telecom", "telecommunications")),
    "transport": ("Transport", "Transport", ("transports", "transportation", "routes", "roads")),
    "research": ("Recherche", "Research", ("recherche", "universite", "university", "centre de "
                 "recherche", "academic", "laboratoire", "lab")),
    "expert": ("Expert·e", "Expert", ("experte", "specialiste", "specialist", "consultant",
               "consultante", "personne")),
    "media": ("Média", "Media", ("medias", "journal", "news", "presse", "radio", "tele")),
    "volunteer": ("Bénévoles", "Volunteers", ("benevole", "benevoles", "benevolat", "volunteers",
                  "vost", "volontaires", "digital volunteers")),
    "other": ("Autre", "Other", ("autre", "divers")),
}

STATUS_WORDS: dict[str, tuple[str, ...]] = {
    "candidate": ("candidat", "candidate", "a examiner"),
    "none": ("aucun", "aucune"),
    "to-follow": ("a suivre", "a-suivre", "to follow", "tofollow"),
    "following": ("suivi", "suivie", "abonne", "followed"),
    "follows-back": ("mutuel", "reciproque", "follows back", "follow back", "nous suit"),
    "met": ("rencontre", "rencontree"),
    "collaborating": ("collaboration", "partenaire", "collabore", "partner"),
    "unfollowed": ("desabonne", "plus suivi", "unfollow"),
}

SCOPE_WORDS: dict[str, tuple[str, ...]] = {
    "local": ("locale", "municipal"),
    "regional": ("regionale", "region"),
    "provincial": ("provinciale", "quebec", "province"),
    "national": ("nationale", "canada", "federal", "pancanadien"),
    "international": ("internationale", "monde", "world", "global"),
}

PLATFORM_WORDS: dict[str, tuple[str, ...]] = {
    "x": ("twitter", "x.com", "tweeter"),
    "bluesky": ("bsky", "bsky.app"),
    "mastodon": ("fediverse", "fedi"),
    "facebook": ("fb",),
    "instagram": ("ig", "insta"),
    "threads": (),
    "youtube": ("yt",),
    "linkedin": (),
    "tiktok": (),
    "website": ("web", "site", "site web", "site internet", "url", "www"),
}


def _lookup(words: dict[str, tuple[str, ...]], labels: dict[str, tuple[str, ...]]):
    table: dict[str, str] = {}
    for code, aliases in words.items():
        for word in (code, *labels.get(code, ()), *aliases):
            table.setdefault(fold(word).replace("_", "-"), code)
    return table


_KIND_TABLE = _lookup({k: v[2] for k, v in KINDS.items()}, {k: v[:2] for k, v in KINDS.items()})
_STATUS_TABLE = _lookup({s: STATUS_WORDS.get(s, ()) for s in STATUSES}, {})
_SCOPE_TABLE = _lookup({s: SCOPE_WORDS.get(s, ()) for s in SCOPES}, {})
_PLATFORM_TABLE = _lookup({p: PLATFORM_WORDS.get(p, ()) for p in PLATFORMS}, {})


# What each list calls an empty and an unknown value (whole sentences for the translator).
_EMPTY_AND_UNKNOWN = {
    "kind": (N_("Empty kind. Use one of: {codes}."),
             N_("Unknown kind '{value}'.{hint} Use one of: {codes}.")),
    "status": (N_("Empty status. Use one of: {codes}."),
               N_("Unknown status '{value}'.{hint} Use one of: {codes}.")),
    "scope": (N_("Empty scope. Use one of: {codes}."),
              N_("Unknown scope '{value}'.{hint} Use one of: {codes}.")),
    "platform": (N_("Empty platform. Use one of: {codes}."),
                 N_("Unknown platform '{value}'.{hint} Use one of: {codes}.")),
}


def _resolve(value: str, table: dict[str, str], what: str, codes: tuple[str, ...]) -> str:
    key = fold(value).replace("_", "-")
    if key in table:
        return table[key]
    empty, unknown = _EMPTY_AND_UNKNOWN[what]
    if not key:
        raise InvalidInput(Message(empty, {"codes": ", ".join(codes)}))
    hints = sorted({table[h] for h in closest(value, list(table))})
    raise InvalidInput(Message(unknown, {"value": shown(value), "hint": did_you_mean(hints),
                                         "codes": ", ".join(codes)}))


def parse_kind(value: str) -> str:
    """`municipalité`, `ONG`, `météo`, `police` -> the kind code."""
    return _resolve(value, _KIND_TABLE, "kind", tuple(KINDS))


def parse_status(value: str) -> str:
    """`following`, `suivi`, `à suivre` -> the status code."""
    return _resolve(value, _STATUS_TABLE, "status", STATUSES)


def parse_scope(value: str) -> str:
    return _resolve(value, _SCOPE_TABLE, "scope", SCOPES)


def parse_platform(value: str) -> str:
    """`twitter`, `X`, `bsky` -> the platform code."""
    return _resolve(value, _PLATFORM_TABLE, "platform", PLATFORMS)


# The two-letter codes of ISO 639-1 (`cr` Cree and `iu` Inuktitut among them).
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy
hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li
ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa
pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th
ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split())


def parse_language(value: str) -> str:
    """`fr`, `français`, `English` -> a two-letter code of ISO 639-1."""
    key = fold(value)
    named = {"francais": "fr", "french": "fr", "anglais": "en", "english": "en",
             "espagnol": "es", "spanish": "es", "allemand": "de", "german": "de"}
    code = named.get(key, key)
    if code in ISO_639_1:
        return code
    raise InvalidInput(Message(N_("Unknown language '{value}'. Use a two-letter code such as "
                                  "fr or en."), {"value": shown(value)}))


def kind_label(code: str, lang: str = "fr") -> str:
    fr, en, _ = KINDS.get(code, (code, code, ()))
    return fr if lang == "fr" else en
