"""Quebec's 17 administrative regions, their MRCs, and which regions touch which."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..errors import InvalidInput
from ..i18n import N_, Message
from .models import Mrc, Municipality, Region
from .text import closest, did_you_mean, fold, shown, slug

REGIONS: tuple[Region, ...] = (
    Region("01", "Bas-Saint-Laurent"),
    Region("02", "Saguenay–Lac-Saint-Jean"),
    Region("03", "Capitale-Nationale"),
    Region("04", "Mauricie"),
    Region("05", "Estrie"),
    Region("06", "Montréal"),
    Region("07", "Outaouais"),
    Region("08", "Abitibi-Témiscamingue"),
    Region("09", "Côte-Nord"),
    Region("10", "Nord-du-Québec"),
    Region("11", "Gaspésie–Îles-de-la-Madeleine"),
    Region("12", "Chaudière-Appalaches"),
    Region("13", "Laval"),
    Region("14", "Lanaudière"),
    Region("15", "Laurentides"),
    Region("16", "Montérégie"),
    Region("17", "Centre-du-Québec"),
)

# Regions whose limits meet, on land or in the St. Lawrence (regions reach mid-river).
_BORDERS: tuple[tuple[str, str], ...] = (
    ("01", "03"), ("01", "09"), ("01", "11"), ("01", "12"),
    ("02", "03"), ("02", "04"), ("02", "09"), ("02", "10"),
    ("03", "04"), ("03", "09"), ("03", "12"),
    ("04", "08"), ("04", "10"), ("04", "14"), ("04", "17"),
    ("05", "12"), ("05", "16"), ("05", "17"),
    ("06", "13"), ("06", "14"), ("06", "15"), ("06", "16"),
    ("07", "08"), ("07", "15"),
    ("08", "10"),
    ("09", "10"), ("09", "11"),
    ("12", "17"),
    ("13", "14"), ("13", "15"),
    ("14", "15"), ("14", "16"),
    ("15", "16"),
    ("16", "17"),
)

# Names people use for a region besides its official one.
_REGION_ALIASES: dict[str, str] = {
    "bas-st-laurent": "01", "bsl": "01",
    "saguenay": "02", "lac-saint-jean": "02", "saguenay-lac-st-jean": "02", "slsj": "02",
    "capitale-nationale": "03", "quebec": "03", "ville-de-quebec": "03", "quebec-city": "03",
    "charlevoix": "03", "trois-rivieres": "04", "montreal": "06", "gatineau": "07",
    "abitibi": "08", "temiscamingue": "08", "cote-nord": "09", "north-shore": "09",
    "nord-du-quebec": "10", "northern-quebec": "10", "gaspesie": "11", "iles-de-la-madeleine": "11",
    "gaspesie-iles": "11", "chaudiere": "12", "beauce": "12", "monteregie": "16",
    "centre-du-quebec": "17", "sherbrooke": "05", "eastern-townships": "05",
    "cantons-de-l-est": "05",
}

_LEADING_ARTICLES = ("mrc", "de", "du", "des", "d", "la", "le", "les", "l")

_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
# Designations as people write them before a name (`Ville de Bedford`, `Canton de Hatley`),
# longest first; each is followed by de, d', du (de le) or des (de les).
_DESIGNATION_WORDS = ("village-nordique", "village-naskapi", "village-cri", "cantons-unis",
                      "municipalite", "paroisse", "canton", "village", "ville")
_JOINED_ARTICLES = {"de": (), "d": (), "du": ("le",), "des": ("les",)}
_QUALIFIED = re.compile(r"(?P<name>.*\S)\s*\((?P<qualifier>[^()]+)\)\s*")
_CODE = re.compile(r"\d{5}")


def _mrc_key(name: str) -> str:
    """`MRC de la Matanie`, `La Matanie` and `matanie` share one key."""
    parts = slug(name).split("-")
    while len(parts) > 1 and parts[0] in _LEADING_ARTICLES:
        parts.pop(0)
    return "-".join(parts)


def municipality_key(name: str) -> str:
    """`Saint-Jean-sur-Richelieu`, `st jean sur richelieu` and `ST-JEAN-SUR-RICHELIEU` share one
    key: accents, case, spaces and hyphens aside, and `St`/`Ste` read as `Saint`/`Sainte`."""
    return "-".join(_ABBREVIATIONS.get(part, part) for part in slug(name).split("-"))


def same_municipality(a: str | None, b: str | None) -> bool:
    """Whether two stored municipality names name the same place."""
    if not (a and b):
        return False
    return municipality_key(a) == municipality_key(b)


def names_town(name: str, town: str) -> bool:
    """Whether `name` names the municipality `town` (its words, in order): « Ville de Gatineau »
    and « Ville de Québec – Bureau de la sécurité civile » do, « Arrondissement de Verdun » does
    not name Montréal."""
    return f"-{municipality_key(town)}-" in f"-{municipality_key(name)}-"


def _short_designation(designation: str) -> str:
    """`Village cri (Terre de la catégorie` -> `Village cri`: the répertoire cuts some values."""
    return designation.split(" (")[0]


@dataclass(frozen=True)
class Geography:
    """Regions, MRCs and borders, with accent-blind look-ups."""

    mrcs: tuple[Mrc, ...] = ()
    regions: tuple[Region, ...] = REGIONS
    _neighbours: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    # Look-up keys, folded once: an import asks for the same few names thousands of times.
    _region_keys: dict[str, str] = field(default_factory=dict, repr=False)
    _mrc_keys: dict[str, tuple[Mrc, ...]] = field(default_factory=dict, repr=False)

    @classmethod
    def from_mrcs(cls, mrcs: Iterable[Mrc]) -> Geography:
        touching: dict[str, set[str]] = {r.number: set() for r in REGIONS}
        for a, b in _BORDERS:
            touching[a].add(b)
            touching[b].add(a)
        mrcs = tuple(mrcs)
        by_key: dict[str, tuple[Mrc, ...]] = {}
        for mrc in mrcs:
            key = _mrc_key(mrc.name)
            by_key[key] = (*by_key.get(key, ()), mrc)
        region_keys = {**_REGION_ALIASES, **{slug(r.name): r.number for r in REGIONS}}
        return cls(mrcs, REGIONS, {k: frozenset(v) for k, v in touching.items()},
                   region_keys, by_key)

    def region_name(self, number: str | None) -> str | None:
        return next((r.name for r in self.regions if r.number == number), None)

    def parse_region(self, value: str) -> str:
        """`4`, `04`, `Mauricie`, `saguenay-lac-saint-jean`, `Montréal` -> `04`-style number."""
        text = value.strip()
        if text.isdigit() and 1 <= int(text) <= len(self.regions):
            return f"{int(text):02d}"
        key = slug(text)
        if key[:3].rstrip("-").isdigit():  # "04 Mauricie", "04-mauricie"
            number, _sep, rest = key.partition("-")
            if number.isdigit() and 1 <= int(number) <= len(self.regions):
                return f"{int(number):02d}"
            key = rest
        if key in self._region_keys:
            return self._region_keys[key]
        hints = closest(text, [r.name for r in self.regions])
        raise InvalidInput(Message(N_(
            "Unknown region '{region}'.{hint} Give a number from 01 to 17 or a name (see "
            "'msgu regions')."), {"region": shown(value), "hint": did_you_mean(hints)}))

    def parse_mrc(self, value: str, region: str | None = None) -> Mrc:
        """An MRC by name, with or without `MRC de`, accents or case; checked against `region`."""
        found = self._mrc_keys.get(_mrc_key(value), ())
        if not found:
            hints = closest(value, [m.name for m in self.mrcs if not region or m.region == region])
            raise InvalidInput(Message(N_(
                "Unknown MRC '{mrc}'.{hint} See 'msgu regions' for the list."),
                {"mrc": shown(value), "hint": did_you_mean(hints)}))
        if region is not None:
            in_region = [m for m in found if m.region == region]
            if not in_region:
                raise InvalidInput(Message(N_(
                    "The MRC '{mrc}' is in region {number} {region}, not {asked_number} "
                    "{asked_region}."), {
                    "mrc": found[0].name, "number": found[0].region,
                    "region": self.region_name(found[0].region), "asked_number": region,
                    "asked_region": self.region_name(region)}))
            return in_region[0]
        return found[0]

    def mrcs_of(self, region: str) -> list[Mrc]:
        return [m for m in self.mrcs if m.region == region]

    def are_neighbours(self, a: str | None, b: str | None) -> bool:
        return bool(a and b) and b in self._neighbours.get(a or "", frozenset())

    def neighbours(self, region: str) -> frozenset[str]:
        return self._neighbours.get(region, frozenset())


_REGION_NAMES = {r.number: r.name for r in REGIONS}


@dataclass(frozen=True)
class Municipalities:
    """The Répertoire des municipalités, with accent-, case- and hyphen-blind look-ups."""

    towns: tuple[Municipality, ...] = ()
    _keys: dict[str, tuple[Municipality, ...]] = field(default_factory=dict, repr=False)
    _codes: dict[str, Municipality] = field(default_factory=dict, repr=False)

    @classmethod
    def from_towns(cls, towns: Iterable[Municipality]) -> Municipalities:
        towns = tuple(towns)
        keys: dict[str, list[Municipality]] = {}
        for town in towns:
            keys.setdefault(municipality_key(town.name), []).append(town)
        return cls(towns, {k: tuple(v) for k, v in keys.items()}, {t.code: t for t in towns})

    def in_territory(self, region: str | None = None,
                     mrc: str | None = None) -> list[Municipality]:
        """The municipalities of a region and/or MRC, by region, MRC, then name (accent-blind);
        those outside any MRC come last in their region."""
        chosen = [m for m in self.towns if _lies_in(m, region, mrc)]
        return sorted(chosen, key=lambda m: (m.region, m.mrc is None, fold(m.mrc or ""),
                                             fold(m.name), m.code))

    def stored_name(self, town: Municipality) -> str:
        """The name a contact stores: the répertoire's, followed by the designation (or else the
        code) where another municipality of the region has the same name, so that it names one:
        `Hatley (Canton)` beside `Hatley (Municipalité)`."""
        twins = [m for m in self._keys.get(municipality_key(town.name), ())
                 if m.region == town.region and m.code != town.code]
        if not twins:
            return town.name
        label = _short_designation(town.designation)
        if any(_short_designation(m.designation) == label for m in twins):
            label = town.code
        return f"{town.name} ({label})"

    def find(self, name: str | None, region: str | None = None,
             mrc: str | None = None) -> Municipality | None:
        """The one municipality a stored name (with its region and MRC) names, or None."""
        found = [m for m in self._named(name) if _lies_in(m, region, mrc)] if name else []
        return found[0] if len(found) == 1 else None

    def parse(self, value: str, region: str | None = None,
              mrc: str | None = None) -> Municipality:
        """A municipality by name (accents, case, hyphens and `St`/`Ste` aside; `Ville de …` or
        `… (Canton)` to pick a designation) or by code, checked against `region` and `mrc`."""
        found = self._named(value)
        if not found:
            raise self._unknown(value, region, mrc)
        fitting = [m for m in found if _lies_in(m, region, mrc)]
        if not fitting:
            raise self._misplaced(value, found, region, mrc)
        if len(fitting) > 1:
            raise self._ambiguous(value, fitting)
        return fitting[0]

    def _named(self, value: str) -> tuple[Municipality, ...]:
        text = value.strip()
        if _CODE.fullmatch(text):
            town = self._codes.get(text)
            return (town,) if town else ()
        qualified = _QUALIFIED.fullmatch(text)
        if qualified:
            qualifier = fold(qualified["qualifier"])
            return tuple(m for m in self._named(qualified["name"])
                         if qualifier in (m.code, fold(_short_designation(m.designation))))
        key = municipality_key(text)
        return self._keys.get(key) or self._designated(key)

    def _designated(self, key: str) -> tuple[Municipality, ...]:
        """`ville-de-bedford` -> the Ville of Bedford; `municipalite-des-iles-…` -> Les Îles-…"""
        word = next((w for w in _DESIGNATION_WORDS if key.startswith(w + "-")), None)
        joined, _sep, name = key[len(word or "") + 1:].partition("-")
        if word is None or joined not in _JOINED_ARTICLES or not name:
            return ()
        for article in (*_JOINED_ARTICLES[joined], None):
            found = self._keys.get(f"{article}-{name}" if article else name, ())
            designated = tuple(m for m in found if slug(_short_designation(m.designation)) == word)
            if designated:
                return designated
        return ()

    def _unknown(self, value: str, region: str | None, mrc: str | None) -> InvalidInput:
        hints = closest(value, sorted({m.name for m in self.towns if _lies_in(m, region, mrc)}))
        if hints:
            return InvalidInput(Message(N_(
                "Unknown municipality '{name}'. Did you mean {choices}? See 'msgu "
                "municipalities' for the list."), {
                "name": shown(value), "choices": ", ".join(hints)}))
        return InvalidInput(Message(N_(
            "Unknown municipality '{name}'. See 'msgu municipalities' for the list."), {
            "name": shown(value)}))

    def _misplaced(self, value: str, found: Sequence[Municipality], region: str | None,
                   mrc: str | None) -> InvalidInput:
        """A contradiction: the municipality lies outside the region or MRC given with it."""
        if len(found) > 1:
            return InvalidInput(Message(N_(
                "No municipality '{name}' lies in the territory given with it; the ones so "
                "named: {choices}."), {"name": shown(value), "choices": self._choices(found)}))
        town = found[0]
        if region is not None and town.region != region:
            return InvalidInput(Message(N_(
                "The municipality '{name}' is in region {number} {region}, not {asked_number} "
                "{asked_region}."), {
                "name": town.name, "number": town.region,
                "region": _REGION_NAMES.get(town.region), "asked_number": region,
                "asked_region": _REGION_NAMES.get(region)}))
        if town.mrc is None:
            return InvalidInput(Message(N_(
                "The municipality '{name}' belongs to no MRC, not {asked}."), {
                "name": town.name, "asked": mrc}))
        return InvalidInput(Message(N_(
            "The municipality '{name}' is in the MRC {mrc}, not {asked}."), {
            "name": town.name, "mrc": town.mrc, "asked": mrc}))

    def _ambiguous(self, value: str, fitting: Sequence[Municipality]) -> InvalidInput:
        """Several municipalities share the name: a region or MRC settles it, unless they are
        twins of one territory, which their stored names tell apart."""
        if len({(m.region, m.mrc) for m in fitting}) > 1:
            return InvalidInput(Message(N_(
                "'{name}' names several municipalities: {choices}. Give its region or MRC as "
                "well, or its code (see 'msgu municipalities')."), {
                "name": shown(value), "choices": self._choices(fitting)}))
        return InvalidInput(Message(N_(
            "'{name}' names several municipalities of the same territory: {choices}. Write one "
            "of {names}, or give its code."), {
            "name": shown(value), "choices": self._choices(fitting),
            "names": ", ".join(f"'{self.stored_name(m)}'" for m in fitting)}))

    def _choices(self, towns: Iterable[Municipality]) -> list[Message]:
        """Each municipality named with what tells it apart (a message joins them with `; `)."""
        return [Message(N_("{name} ({designation}, MRC {mrc}, region {region}, code {code})"), {
            "name": m.name, "designation": _short_designation(m.designation),
            "mrc": m.mrc or "—", "region": m.region, "code": m.code}) for m in towns]


def _lies_in(town: Municipality, region: str | None, mrc: str | None) -> bool:
    return (region is None or town.region == region) and (mrc is None or town.mrc == mrc)
