"""What every use case needs to read input: the taxonomy and the geography of this database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlite_utils import Database

from ..domain.geo import Geography
from ..domain.taxonomy import Taxonomy
from ..storage.reference import load_geography, load_taxonomy


@dataclass(frozen=True)
class Reference:
    taxonomy: Taxonomy
    geography: Geography

    def region_names(self) -> dict[str, str]:
        return {r.number: r.name for r in self.geography.regions}


def load_reference(db: Database) -> Reference:
    return Reference(load_taxonomy(db), load_geography(db))


def utc_now() -> str:
    """Timestamps are stored as ISO 8601 UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def today() -> str:
    return datetime.now(UTC).date().isoformat()
