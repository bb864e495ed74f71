"""Quebec's 17 administrative regions, their MRCs, and which regions touch which."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import InvalidInput
from .models import Mrc, Region
from .text import closest, slug

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


def _mrc_key(name: str) -> str:
    """`MRC de la Matanie`, `La Matanie` and `matanie` share one key."""
    parts = slug(name).split("-")
    while len(parts) > 1 and parts[0] in _LEADING_ARTICLES:
        parts.pop(0)
    return "-".join(parts)


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
            number, _, rest = key.partition("-")
            if number.isdigit() and 1 <= int(number) <= len(self.regions):
                return f"{int(number):02d}"
            key = rest
        if key in self._region_keys:
            return self._region_keys[key]
        names = [r.name for r in self.regions]
        hints = closest(text, names)
        hint = f" Did you mean {', '.join(hints)}?" if hints else ""
        raise InvalidInput(
            f"Unknown region '{value}'.{hint} Give a number from 01 to 17 or a name "
            "(see 'msgu regions')."
        )

    def parse_mrc(self, value: str, region: str | None = None) -> Mrc:
        """An MRC by name, with or without `MRC de`, accents or case; checked against `region`."""
        found = self._mrc_keys.get(_mrc_key(value), ())
        if not found:
            hints = closest(value, [m.name for m in self.mrcs if not region or m.region == region])
            hint = f" Did you mean {', '.join(hints)}?" if hints else ""
            raise InvalidInput(f"Unknown MRC '{value}'.{hint} See 'msgu regions' for the list.")
        if region is not None:
            in_region = [m for m in found if m.region == region]
            if not in_region:
                raise InvalidInput(
                    f"The MRC '{found[0].name}' is in region {found[0].region} "
                    f"{self.region_name(found[0].region)}, not {region} {self.region_name(region)}."
                )
            return in_region[0]
        return found[0]

    def mrcs_of(self, region: str) -> list[Mrc]:
        return [m for m in self.mrcs if m.region == region]

    def are_neighbours(self, a: str | None, b: str | None) -> bool:
        return bool(a and b) and b in self._neighbours.get(a or "", frozenset())

    def neighbours(self, region: str) -> frozenset[str]:
        return self._neighbours.get(region, frozenset())
