"""Interests: what a contact covers of the asked topics — its tags, their parents and children,
the all-hazards sources for every hazard, the topics' names in its description — and the
free-text match. Signals `topic` and `text`. Pure.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from ..i18n import _
from .signals import Candidate, Query, Reason, TopicContext, reason, serves_one_mrc

# Topic points: the base times the asked topic's rarity weight. A contact's best-matched topic
# counts whole, each further asked topic it covers for EXTRA_TOPIC_FACTOR, plus COVERAGE_POINTS.
EXACT_POINTS = 6.0
ALL_HAZARDS_POINTS = 5.0  # a `tous-risques` source, for any hazard asked
RELATED_POINTS = 2.5  # the contact has a parent or a child of the asked topic
SUGGESTED_FACTOR = 0.5  # machine-suggested tags are weaker evidence than a person's
TOPIC_WORD_POINTS = 2.0  # the asked topic's name is in its description or notes (signal text)
EXTRA_TOPIC_FACTOR, COVERAGE_POINTS = 0.5, 1.0
# Weights stay within a factor of 1.6, so covering two topics always beats covering one rare
# one with the same kind of match (6 x 0.8 x 1.5 + 1 > 6 x 1.25).
WEIGHT_MIN, WEIGHT_MAX, WEIGHT_SLOPE = 0.8, 1.25, 0.15
TEXT_POINTS = 3.0  # the best full-text match of free-text interests (bm25, scaled to 0..1)
ALL_HAZARDS = "tous-risques"


def topic_weight(contacts_with_topic: int, total_contacts: int) -> float:
    """Idf-like weight in [0.8, 1.25]: a topic few contacts carry says more about them."""
    if total_contacts <= 0:
        return 1.0
    n = min(max(contacts_with_topic, 0), total_contacts)
    raw = WEIGHT_MIN + WEIGHT_SLOPE * math.log((total_contacts + 1) / (n + 1))
    return round(min(WEIGHT_MAX, max(WEIGHT_MIN, raw)), 4)


def warns_you(c: Candidate, tier: str | None, placed: bool) -> bool:
    """Whether an all-hazards source's warnings reach the organisation: a province-wide or
    national one always; a regional one of its own region; a town's or an MRC's civil
    protection only in its own MRC (elsewhere in the region it is a partner, not an alert
    source: Longueuil's page does not warn Saint-Jean-sur-Richelieu); a neighbour's or a
    foreign one never (the hazards it warns of are elsewhere). A contact of unknown place gets
    the benefit of the doubt."""
    if c.scope in ("provincial", "national"):
        return True
    if c.scope == "international":
        return False
    if c.scope is None and not c.region:
        return True
    if not placed:
        return False
    if serves_one_mrc(c):
        return tier == "mrc"
    return tier in ("mrc", "region")


def related_topics(code: str, group: str | None, relatives: Mapping[str, str],
                   known: Iterable[str]) -> dict[str, str]:
    """The relatives of an asked topic: its parents and children, and for a hazard the
    all-hazards sources, which warn of every hazard (contract: all-hazards sources)."""
    out = dict(relatives)
    if group == "hazard" and code != ALL_HAZARDS and ALL_HAZARDS in set(known):
        out.setdefault(ALL_HAZARDS, "all-hazards")
    return out


def topic_names(label_fr: str, label_en: str, synonyms: Iterable[str]) -> tuple[list[str],
                                                                              list[str]]:
    """The names of a topic to look for in descriptions: (phrases, acronyms). An acronym
    (`MSGU`, `SIG`, `GIS`) counts only written in capitals: `msgu refresh` in a note is the
    command, not the practice."""
    phrases: list[str] = []
    acronyms: list[str] = []
    for name in dict.fromkeys((label_fr, label_en, *synonyms)):
        (acronyms if name.isupper() and len(name) <= 8 else phrases).append(name)
    return phrases, acronyms


def _relation_detail(relation: str, label: str, asked: str, suggested: bool) -> str:
    """Why a relative's tag counts for the asked topic, as a reason's detail."""
    if relation == "all-hazards":
        if suggested:
            return _('all-hazards source, suggested tag (counts for "{asked}")').format(
                asked=asked)
        return _('all-hazards source (counts for "{asked}")').format(asked=asked)
    if relation == "parent":
        text = (_('suggested topic "{label}" (parent of "{asked}")') if suggested
                else _('topic "{label}" (parent of "{asked}")'))
    elif relation == "child":
        text = (_('suggested topic "{label}" (subtopic of "{asked}")') if suggested
                else _('topic "{label}" (subtopic of "{asked}")'))
    else:
        text = (_('suggested topic "{label}" (close to "{asked}")') if suggested
                else _('topic "{label}" (close to "{asked}")'))
    return text.format(label=label, asked=asked)


def _best_match(code: str, c: Candidate, ctx: TopicContext, all_hazards: bool,
                asked: frozenset[str] = frozenset()) -> tuple[float, str, str] | None:
    """The strongest tag evidence that `c` covers the asked topic: (base points, detail, key).
    A relative that is itself asked answers its own topic, not this one too: one tag, one
    topic (« Veille » does not also count as a subtopic of « Médias sociaux » when both are
    asked)."""
    label = ctx.labels.get(code, code)
    if code in c.topics:
        return EXACT_POINTS, _('topic "{label}" (exact tag)').format(label=label), f"exact:{code}"
    options: list[tuple[float, str, str]] = []
    if code in c.suggested_topics:
        options.append((EXACT_POINTS * SUGGESTED_FACTOR,
                        _('topic "{label}" (suggested tag)').format(label=label), f"exact:{code}"))
    for other, relation in sorted(ctx.related.get(code, {}).items()):
        if (relation == "all-hazards" and not all_hazards) or other in asked:
            continue
        base = ALL_HAZARDS_POINTS if relation == "all-hazards" else RELATED_POINTS
        how = "all-hazards" if relation == "all-hazards" else f"related:{other}"
        for tags, factor in ((c.topics, 1.0), (c.suggested_topics, SUGGESTED_FACTOR)):
            if other in tags:
                detail = _relation_detail(relation, ctx.labels.get(other, other), label,
                                          factor < 1)
                options.append((base * factor, detail, how))
                break
    return max(options, key=lambda o: o[0]) if options else None


def score_topic(c: Candidate, q: Query, ctx: TopicContext, *,
                all_hazards: bool = True) -> list[Reason]:
    """One reason per asked topic the contact's tags cover (the best whole, the others for
    EXTRA_TOPIC_FACTOR), plus a bonus for covering several itself (a tag or its description
    names each: a parent such as « Sécurité civile » or the all-hazards tag is the field, not
    the topic); then `text` reasons for asked topics its tags miss but its description names.
    `all_hazards=False` for a source whose warnings do not reach the organisation (see
    `warns_you`)."""
    asked = tuple(dict.fromkeys(q.topics))
    found: list[tuple[float, str, str, str]] = []  # (points, signal, detail, key)
    for code in asked:
        weight = ctx.weights.get(code, 1.0)
        if weight <= 0:
            continue
        match = _best_match(code, c, ctx, all_hazards, frozenset(asked))
        if match is not None:
            found.append((match[0] * weight, "topic", match[1], match[2]))
        elif code in c.text_topics:
            detail = _('description mentions "{label}"').format(label=ctx.labels.get(code, code))
            found.append((TOPIC_WORD_POINTS * weight, "text", detail, f"text:{code}"))
    if not found:
        return []
    best = max(range(len(found)), key=lambda i: found[i][0])
    reasons = [reason(signal, detail, points if i == best else points * EXTRA_TOPIC_FACTOR, key)
               for i, (points, signal, detail, key) in enumerate(found)]
    covered = [f for f in found if f[3].startswith(("exact:", "text:"))]
    if len(covered) >= 2:
        detail = _("covers {count} of the {asked} topics asked").format(count=len(covered),
                                                                        asked=len(asked))
        signal = "topic" if any(f[1] == "topic" for f in covered) else "text"
        reasons.append(reason(signal, detail, COVERAGE_POINTS * (len(covered) - 1),
                              "coverage"))
    return sorted(reasons, key=lambda r: r.signal != "topic")  # topic first, then text


def score_text(c: Candidate, q: Query) -> list[Reason]:
    """Free-text match (FTS5 bm25, normalised by storage) for words the tags miss."""
    if not q.has_text or c.text_score <= 0:
        return []
    points = TEXT_POINTS * min(1.0, c.text_score)
    return [reason("text", _("description matches your words"), points, "words")]
