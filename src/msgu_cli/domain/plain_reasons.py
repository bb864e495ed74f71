"""The short plain reason of a recommended row, for a coordinator: « alertes officielles pour tout
le Québec », « service de police de votre MRC », « cartographie humanitaire ; suivi par 2 de vos
comptes de confiance ». The points stay in `--explain` and JSON; this says why in words.

Pure: read from the row's reasons (their `key`), its kind and scope, and the topic labels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..i18n import _
from .affinity import kind_word
from .signals import Reason

_INTEREST = ("topic", "text")


def plain_reason(reasons: Sequence[Reason], kind: str, scope: str | None,
                 labels: Mapping[str, str]) -> str:
    """What the contact is for this organisation, where it is, and who vouches for it."""
    interest = sorted((r for r in reasons if r.signal in _INTEREST and r.points > 0
                       and r.key != "coverage"), key=lambda r: -r.points)
    tier = next((r.key for r in reasons if r.signal == "geography"), "")
    parts: list[str] = []
    if interest:
        parts.append(_what(interest, kind, scope, labels))
        where = {"mrc": _("in your MRC"), "region": _("in your region"),
                 "nearby": _("in your region"), "neighbour": _("in a neighbouring region"),
                 "elsewhere": _("elsewhere in Quebec")}.get(tier)
        if where is None and any(r.key == "peer" for r in reasons):
            where = _("outside Quebec")
        if where and interest[0].key != "all-hazards":
            parts.append(where)
    elif tier in ("mrc", "region", "nearby"):
        parts.append(_partner(kind, tier))
    elif tier in ("provincial", "national") and any(r.signal == "kind" for r in reasons):
        parts.append(_reach(kind, tier))
    for r in reasons:
        if r.signal == "network":
            count = int(r.key.partition(":")[2] or 0)
            parts.append(_("followed by {count} of your trusted accounts").format(count=count)
                         if count else _("close to your circle of trust"))
        elif r.signal == "activity":
            parts.append(r.detail)
    return joined(parts)


def joined(parts: Sequence[str]) -> str:
    """`a; b; c` as the interface language writes it (French: `a ; b ; c`)."""
    text = parts[0] if parts else ""
    for part in parts[1:]:
        text = _("{first}; {then}").format(first=text, then=part)
    return text


def _what(interest: Sequence[Reason], kind: str, scope: str | None,
          labels: Mapping[str, str]) -> str:
    """The subject: the topics it covers (at most two), or what an all-hazards source does."""
    if interest[0].key == "all-hazards":
        return _all_hazards(kind, scope)
    names: list[str] = []
    for r in interest:
        how, _sep, code = r.key.partition(":")
        if how == "words":
            names.append(_("matches your words"))
        elif how == "text":
            names.append(_("talks about {topic}").format(topic=_lower(labels.get(code, code))))
        elif code:
            names.append(_lower(labels.get(code, code)))
    return ", ".join(dict.fromkeys(names[:2])) or _all_hazards(kind, scope)


def _lower(label: str) -> str:
    """`Cartographie humanitaire` -> `cartographie humanitaire`; `SIG` stays `SIG`."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _all_hazards(kind: str, scope: str | None) -> str:
    """What a source that warns of every hazard does for the organisation."""
    if kind == "weather":
        return {"provincial": _("weather warnings for all of Quebec"),
                "national": _("weather warnings for all of Canada")}.get(
            scope or "", _("weather warnings"))
    if kind in ("ngo", "volunteer"):
        return {"provincial": _("help for disaster victims in all of Quebec"),
                "national": _("help for disaster victims in all of Canada")}.get(
            scope or "", _("help for disaster victims"))
    if kind == "utility":
        return {"provincial": _("outages and restoration for all of Quebec")}.get(
            scope or "", _("outages and restoration"))
    if kind in ("police", "fire") and scope in ("provincial", "national"):
        return _reach(kind, scope or "")  # a responder everywhere, not an alert service
    return {"provincial": _("official alerts for all of Quebec"),
            "national": _("official alerts for all of Canada")}.get(scope or "",
                                                                   _("official alerts"))


def _reach(kind: str, tier: str) -> str:
    """A province-wide or national contact recommended for what it is (no interest asked, or
    the organisation's counterpart): « police pour tout le Québec »."""
    if kind == "weather":
        return _all_hazards(kind, tier)
    if tier == "provincial":
        return _("{kind} for all of Quebec").format(kind=kind_word(kind))
    return _("{kind} for all of Canada").format(kind=kind_word(kind))


def _partner(kind: str, tier: str) -> str:
    """A territory partner named by its role: « service de police de votre MRC »."""
    in_mrc = tier == "mrc"
    phrases = {
        "police": (_("police service of your MRC"), _("police service in your region")),
        "fire": (_("fire service of your MRC"), _("fire service in your region")),
        "health": (_("health agency of your MRC"), _("health agency in your region")),
        "mrc": (_("your MRC"), _("MRC in your region")),
        "municipality": (_("municipality of your MRC"), _("municipality in your region")),
        "ngo": (_("community organisation of your MRC"),
                _("community organisation in your region")),
        "volunteer": (_("volunteer group of your MRC"), _("volunteer group in your region")),
    }
    mrc, region = phrases.get(kind, (_("partner in your MRC"), _("partner in your region")))
    return mrc if in_mrc else region
