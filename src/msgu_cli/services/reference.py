"""What every use case needs to read input: the taxonomy and the geography of this database."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cached_property
from pathlib import Path

from ..domain.geo import Geography, Municipalities
from ..domain.models import Municipality, Topic
from ..domain.taxonomy import Taxonomy
from ..errors import MsguError
from ..storage.connection import Database
from ..storage.database import open_untouched
from ..storage.reference import load_geography, load_municipalities, load_taxonomy, load_topics
from ..storage.seeds import read_mrcs, read_municipalities, seed_file


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


def readable_topics(path: Path) -> list[Topic]:
    """The topics of the database at `path` (those its users created included), read without
    creating, migrating or writing anything; the bundled taxonomy when the file is missing or
    cannot be read. For shell completion, which must stay silent whatever the file holds."""
    if path.is_file():
        try:
            db = open_untouched(path)
        except (MsguError, sqlite3.Error, OSError):
            db = None
        if db is not None:
            try:
                return load_topics(db)
            except sqlite3.Error:
                pass
            finally:
                db.close()
    return bundled_topics()


def bundled_topics() -> list[Topic]:
    from ..domain.taxonomy import load_topics_toml

    return load_topics_toml(seed_file("topics.toml").read_text(encoding="utf-8"))


def bundled_geography() -> Geography:
    """The regions and MRCs that msgu ships (seeds/mrcs.csv), as every database holds them."""
    return Geography.from_mrcs(mrc for mrc, _type, _source in read_mrcs())


def bundled_municipalities() -> list[Municipality]:
    """The Répertoire des municipalités that msgu ships (seeds/municipalities.csv)."""
    return read_municipalities()
