"""Shell completion of option values: `msgu export --format <TAB>`, `--region mont<TAB>`.

Each `complete_*` function is an option's `autocompletion=`: Typer calls it only when a shell
asks (`_MSGU_COMPLETE` set), so its imports happen then, never at a command's start. The values
come from where each fact lives (domain/vocabulary, domain/models, formats, the reference data,
the user's topics), matched by prefix with case and accents folded, as the contract matches
text. A value is offered spelled so that it starts with exactly what was typed (`montr` ->
`montréal`, `Montr` -> `Montréal`): zsh and fish keep only such values, and Typer drops the
others; msgu reads every spelling back, accents or not. Descriptions (zsh, fish) are in the
interface language.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable

import typer

Offer = tuple[str, str]  # a value and its description ("" for none)
Completer = Callable[[typer.Context, str], list[Offer]]

# What bash would split or interpret in an inserted value (its completion quotes nothing).
_BASH_SPECIAL = re.compile(r"([\s'\"\\$`!&;|<>()*?#~{}\[\]])")


def _folded(text: str) -> str:
    from ..domain.text import fold

    return fold(text)


def _slugged(text: str) -> str:
    from ..domain.text import slug

    return slug(text)


def _town_key(text: str) -> str:
    from ..domain.geo import municipality_key

    return municipality_key(text)


def _as_typed(value: str, typed: str, key: Callable[[str], str]) -> str | None:
    """`value` spelled to start with `typed` when their keys match by prefix (`trois` +
    `Trois-Rivières` -> `trois-Rivières`), else None."""
    if not typed:  # every value, whole (and no key to compute for 1,281 municipalities)
        return value
    wanted = key(typed)
    if not key(value).startswith(wanted):
        return None
    cuts = [k for k in range(len(value) + 1) if key(value[:k]) == wanted]
    if not cuts:  # the typed text ends inside one folded character: the value as it is,
        return value  # which Typer keeps only if it starts with the typed text
    cut = cuts[-1] if not typed[-1].isalnum() else cuts[0]  # `trois-` + `Rivières`
    return typed + value[cut:]


def _for_the_shell(value: str, typed: str) -> str:
    """Bash inserts a value as it is: its spaces and quotes escaped, unless the typed text
    already holds some (then it was quoted, and the value must start with it as it is)."""
    if os.environ.get("_MSGU_COMPLETE", "").endswith("_bash") and not _BASH_SPECIAL.search(typed):
        return _BASH_SPECIAL.sub(r"\\\1", value)
    return value


def matching(offers: Iterable[Offer], typed: str,
             key: Callable[[str], str] = _folded) -> list[Offer]:
    """The offers whose value starts with `typed` (by `key`: case and accents folded), each
    spelled to start with it, once each, in their order."""
    found: dict[str, str] = {}
    for value, description in offers:
        spelled = _as_typed(value, typed, key)
        if spelled is not None:
            found.setdefault(_for_the_shell(spelled, typed),
                             description if description != value else "")
    return list(found.items())


def _completer(offers: Callable[[typer.Context], Iterable[Offer]],
               key: Callable[[str], str] = _folded) -> Completer:
    """An `autocompletion=` that offers what `offers(ctx)` lists, matched by `key`."""

    def complete(ctx: typer.Context, incomplete: str) -> list[Offer]:
        return matching(offers(ctx), incomplete, key)

    return complete


# --- the values ---------------------------------------------------------------------------

def _kinds(ctx: typer.Context) -> Iterable[Offer]:
    from ..domain.vocabulary import KINDS
    from .labels import kind_label

    return [(code, kind_label(code)) for code in KINDS]


def _statuses(ctx: typer.Context) -> Iterable[Offer]:
    from ..domain.models import STATUSES
    from .labels import label

    return [(code, label(code)) for code in STATUSES]


def _scopes(ctx: typer.Context) -> Iterable[Offer]:
    from ..domain.models import SCOPES
    from .labels import label

    return [(code, label(code)) for code in SCOPES]


def _platforms_of(codes: Callable[[], Iterable[str]]) -> Callable[[typer.Context],
                                                                   Iterable[Offer]]:
    def platforms(ctx: typer.Context) -> Iterable[Offer]:
        from .labels import platform_label

        return [(code, platform_label(code)) for code in codes()]

    return platforms


def _every_platform() -> Iterable[str]:
    from ..domain.models import PLATFORMS

    return PLATFORMS


def _fetchable() -> Iterable[str]:
    from ..services.refresh import FETCHABLE

    return FETCHABLE


def _syncable() -> Iterable[str]:
    from ..services.sync import SYNCABLE

    return SYNCABLE


def _formats(ctx: typer.Context) -> Iterable[Offer]:
    from ..formats import FORMATS

    return [(code, "") for code in FORMATS]


def _duplicate_policies(ctx: typer.Context) -> Iterable[Offer]:
    from ..services.import_plan import DUPLICATE_POLICIES

    return [(policy, "") for policy in DUPLICATE_POLICIES]


def _languages(ctx: typer.Context) -> Iterable[Offer]:
    from ..i18n import LANGUAGES, _

    names = {"fr": _("French"), "en": _("English")}
    return [(code, names.get(code, "")) for code in LANGUAGES]


def _topics(ctx: typer.Context) -> Iterable[Offer]:
    """The database's topics (the user's own included) when it can be read, else the
    bundled taxonomy; never a file created or changed."""
    from ..errors import MsguError
    from ..i18n import language
    from ..services.reference import bundled_topics, readable_topics
    from ._shared import db_path

    try:
        topics = readable_topics(db_path(ctx))
    except MsguError:  # an empty or impossible --db: the bundled taxonomy still completes
        topics = bundled_topics()
    french = language() == "fr"
    return [(t.code, t.label_fr if french else t.label_en) for t in topics]


def _regions(ctx: typer.Context, typed: str) -> list[Offer]:
    """Numbers, each described by its region's name; names too when letters were typed."""
    from ..domain.geo import REGIONS

    offers = matching([(r.number, r.name) for r in REGIONS], typed)
    if typed and not typed[0].isdigit():
        offers += matching([(r.name, r.number) for r in REGIONS], typed, _slugged)
    return offers


def _typed_region(ctx: typer.Context) -> str | None:
    """The region number of a `--region` already on the command line, if it names one."""
    given = ctx.params.get("region")
    values = given if isinstance(given, list | tuple) else [given] if given else []
    if len(values) != 1:
        return None
    from ..errors import MsguError
    from ..services.reference import bundled_geography

    try:
        return bundled_geography().parse_region(values[0])
    except MsguError:
        return None


def _mrcs(ctx: typer.Context) -> Iterable[Offer]:
    from ..services.reference import bundled_geography

    geography = bundled_geography()
    region = _typed_region(ctx)
    mrcs = [(m.name, geography.region_name(m.region) or "") for m in geography.mrcs
            if region is None or m.region == region]
    return sorted(mrcs, key=lambda offer: _slugged(offer[0]))


def _municipalities(ctx: typer.Context) -> Iterable[Offer]:
    from ..services.reference import bundled_municipalities

    region = _typed_region(ctx)
    towns = [(town.name, town.mrc or "") for town in bundled_municipalities()
             if region is None or town.region == region]
    return sorted(towns, key=lambda offer: _town_key(offer[0]))


complete_kind = _completer(_kinds)
complete_status = _completer(_statuses)
complete_scope = _completer(_scopes)
complete_platform = _completer(_platforms_of(_every_platform))
complete_fetchable_platform = _completer(_platforms_of(_fetchable))
complete_syncable_platform = _completer(_platforms_of(_syncable))
complete_format = _completer(_formats)
complete_on_duplicate = _completer(_duplicate_policies)
complete_language = _completer(_languages)
complete_topic = _completer(_topics)
complete_region: Completer = _regions
complete_mrc = _completer(_mrcs, _slugged)
complete_municipality = _completer(_municipalities, _town_key)
