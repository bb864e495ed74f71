"""What every use case needs to read input: the taxonomy and the geography of this database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property

from ..domain.geo import Geography, Municipalities
from ..domain.models import Municipality
from ..domain.taxonomy import Taxonomy
from ..storage.connection import Database
from ..storage.reference import load_geography, load_municipalities, load_taxonomy


@dataclass(frozen=True)
class Reference:
    taxonomy: Taxonomy
    geography: Geography
    db: Database | None = field(default=None, repr=False, compare=False)

    @cached_property
    def municipalities(self) -> Municipalities:
        """The répertoire, read at its first use: most commands never name a municipality."""
        return load_municipalities(self.db) if self.db is not None else Municipalities()

    def region_names(self) -> dict[str, str]:
        return {r.number: r.name for r in self.geography.regions}


def load_reference(db: Database) -> Reference:
    return Reference(load_taxonomy(db), load_geography(db), db)


def utc_now() -> str:
    """Timestamps are stored as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def today() -> str:
    """The user's calendar day (local time), as relationship dates and `next` count days: a
    follow recorded at 8 p.m. in Quebec is dated that day, not the next one UTC already is."""
    return date.today().isoformat()


def municipalities_in(db: Database, region: str | None = None,
                      mrc: str | None = None) -> list[Municipality]:
    """`msgu municipalities`: the répertoire's entries of a region and/or MRC (all without
    either), by region, MRC, then name."""
    geography = load_geography(db)
    number = geography.parse_region(region) if region else None
    name = geography.parse_mrc(mrc, number).name if mrc else None
    return load_municipalities(db).in_territory(number, name)
