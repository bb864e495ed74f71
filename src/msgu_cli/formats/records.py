"""What every reader yields: rows of canonical fields, whatever the file's format or language.

Readers know nothing of the database: they turn text into `RawRow`s whose keys are the export
header's column names, so the import service validates one shape only.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..domain.community_lists import LIST_KINDS
from ..domain.models import PLATFORMS
from ..domain.text import fold
from ..errors import InvalidInput
from ..i18n import N_, Message
from .encodings import scan_text, text_lines

CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "name",
    "kind",
    "region",
    "mrc",
    "municipality",
    "scope",
    "languages",
    "topics",
    "status",
    *PLATFORMS,
    "description",
    "notes",
    "source",
)

# Columns whose cell holds several values joined with `|`.
LIST_COLUMNS: frozenset[str] = frozenset({"languages", "topics", *PLATFORMS})
# People type "inondations, géolocalisation" in a topics cell; handles and URLs keep `|` only.
WORD_LIST_COLUMNS: frozenset[str] = frozenset({"languages", "topics"})
_WORD_SEPARATORS = re.compile(r"[|;,]")

# Header spellings people use in Excel, French and English, squashed (see canonical_column).
_ALIASES: dict[str, str] = {
    "id": "id identifiant",
    "name": "name nom organisation organization organisme",
    "kind": "kind type genre categorie category",
    "region": "region",
    "region_name": "regionname nomregion nomdelaregion",
    "mrc": "mrc",
    "municipality": "municipality municipalite ville city",
    "scope": "scope portee",
    "languages": "languages langues langue language lang",
    "topics": "topics topic sujets sujet themes theme tags tag motscles motcle keywords",
    "status": "status statut",
    "x": "x twitter comptex twitterhandle xtwitter twitterx",
    "bluesky": "bluesky bsky",
    "mastodon": "mastodon fediverse",
    "facebook": "facebook",
    "instagram": "instagram",
    "threads": "threads",
    "youtube": "youtube",
    "linkedin": "linkedin",
    "tiktok": "tiktok",
    "website": "website site siteweb siteinternet web url",
    "description": "description",
    "notes": "notes note remarques remarque commentaires commentaire comments",
    "source": "source sources reference",
}
_COLUMN_BY_ALIAS: dict[str, str] = {
    alias: column for column, aliases in _ALIASES.items() for alias in aliases.split()
}
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


# Formats whose records are numbered items (JSON objects, members of a community list),
# not lines of a file: an error names `item N`.
ITEM_FORMATS: frozenset[str] = frozenset({"json", "pack", *LIST_KINDS})


def row_unit(fmt: str) -> str:
    """`item` or `line`: what a row of this format is called in messages."""
    return "item" if fmt in ITEM_FORMATS else "line"


@dataclass(frozen=True, slots=True)
class RawRow:
    """One record of a file: `line` where it starts (CSV) or its item number (JSON), and the
    `problem` that keeps it from being read at all (its cells do not fit the header)."""

    line: int
    fields: dict[str, str | list[str]]
    problem: Message | None = None


@dataclass(frozen=True)
class Table:
    """A whole file read: its rows, the canonical columns found, and the headers left unused."""

    format: str
    rows: list[RawRow]
    columns: list[str]
    ignored_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RowStream:
    """A file being read: its rows come one at a time, so a large CSV is never held whole.

    `expected` is how many rows there can be at most (the file's lines), for a progress bar.
    """

    format: str
    rows: Iterator[RawRow]
    columns: list[str]
    ignored_columns: list[str]
    expected: int


def canonical_column(header: str) -> str | None:
    """The export column a header means (`Site Web` -> `website`), or None when unknown."""
    return _COLUMN_BY_ALIAS.get(_NOT_ALNUM.sub("", fold(header)))


def split_values(column: str, value: str) -> list[str]:
    """The parts of a list cell, stripped, empty ones dropped."""
    parts = _WORD_SEPARATORS.split(value) if column in WORD_LIST_COLUMNS else value.split("|")
    return [stripped for part in parts if (stripped := part.strip())]


def put_text(fields: dict[str, str | list[str]], column: str, value: str) -> None:
    """Add one non-blank, stripped cell: list cells are split and accumulate, and a scalar
    column already set keeps its first value (a file naming a column twice cannot blank it)."""
    if column in LIST_COLUMNS:
        items = split_values(column, value)
        if items:
            previous = fields.get(column)
            fields[column] = [*previous, *items] if isinstance(previous, list) else items
    elif column not in fields:
        fields[column] = value


def put_value(fields: dict[str, str | list[str]], column: str, value: str | list[str]) -> None:
    """Add one cell (text, or a JSON list whose items stay whole); empty ones are left out."""
    if isinstance(value, str):
        if value.strip():
            put_text(fields, column, value.strip())
        return
    if column in LIST_COLUMNS:
        items = [stripped for item in value if (stripped := item.strip())]
        if items:
            previous = fields.get(column)
            fields[column] = [*previous, *items] if isinstance(previous, list) else items


def decode_text(data: bytes, what: str) -> str:
    """The whole text of a small file (a JSON list, a follow list): the rules of
    formats.encodings (UTF-8, UTF-16, Windows-1252, mixed files refused, BOMs dropped)."""
    scan = scan_text(lambda: io.BytesIO(data), what)
    text = "".join(text_lines(lambda: io.BytesIO(data), scan, what))
    if not text.strip():
        raise InvalidInput(Message(N_("The file is empty.")))
    return text
