"""The bundled starter data: `seeds/` ships inside the wheel as `msgu_cli/seeds`."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

from ..domain.models import Mrc, Municipality


@lru_cache(maxsize=1)
def seeds_dir() -> Path:
    """`msgu_cli/seeds` in an installed wheel; the repository's `seeds/` in a source checkout."""
    installed = Path(__file__).resolve().parents[1] / "seeds"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "seeds"


def seed_file(name: str) -> Path:
    return seeds_dir() / name


def read_mrcs() -> list[tuple[Mrc, str, str]]:
    """(MRC, type, source) rows of seeds/mrcs.csv."""
    with seed_file("mrcs.csv").open(encoding="utf-8", newline="") as handle:
        return [
            (Mrc(row["name"], row["region"]), row["type"], row["source"])
            for row in csv.DictReader(handle)
        ]


def read_municipalities() -> list[Municipality]:
    """The Répertoire des municipalités of seeds/municipalities.csv (source: seeds/SOURCES.md)."""
    with seed_file("municipalities.csv").open(encoding="utf-8", newline="") as handle:
        return [
            Municipality(row["code"], row["name"], row["designation"], row["region"],
                         row["mrc"] or None, int(row["population"] or 0), row["website"] or None)
            for row in csv.DictReader(handle)
        ]


def read_hashtags() -> list[dict[str, str]]:
    path = seed_file("hashtags.csv")
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))
