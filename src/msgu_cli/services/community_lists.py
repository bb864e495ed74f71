"""Community lists as import sources: a starter pack, a Bluesky list, featured accounts or a
Trunk list read over the network, then handed to the import as rows like a file's.

The whole list is read first; the import (all or nothing, --dry-run, --on-duplicate) then
treats each member as one row: a new one becomes a `candidate`, an existing one is recognised
by its handle. Names and descriptions from servers are stripped of control characters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..domain.community_lists import KIND_LABELS, parse_list_address
from ..domain.taxonomy import Taxonomy
from ..domain.text import shown, strip_unsafe
from ..errors import InvalidInput
from ..formats.records import RawRow, Table
from ..i18n import N_, Message
from ..storage.connection import Database
from .discover import suggest_topics
from .reference import load_reference
from .session import http_client

if TYPE_CHECKING:
    from ..clients.community import CommunityList
    from ..clients.models import RemoteProfile


def community_table(db: Database, source: str) -> Table | None:
    """The members of the community list `source` names, as import rows; None when `source`
    is not a community list's address (a file or another URL)."""
    address = parse_list_address(source)
    if address is None:
        return None
    from ..clients.community import fetch_community_list

    with http_client() as http:
        found = fetch_community_list(http, address)
    if not found.members:
        raise InvalidInput(Message(N_(
            "The list {name} ({url}) has no members: nothing was imported."), {
            "name": shown(found.name), "url": shown(found.url)}))
    taxonomy = load_reference(db).taxonomy
    origin = list_source(found)
    rows = [RawRow(number, member_fields(member, origin, taxonomy))
            for number, member in enumerate(found.members, start=1)]
    columns = sorted({column for row in rows for column in row.fields})
    return Table(format=address.kind, rows=rows, columns=columns)


def list_source(found: CommunityList) -> str:
    """What a member's `source` says: the kind of list, its name and its address."""
    name = " ".join(strip_unsafe(found.name).split())
    return f"{KIND_LABELS[found.kind]}: {name} ({found.url})"


def member_fields(member: RemoteProfile, origin: str,
                  taxonomy: Taxonomy) -> dict[str, str | list[str]]:
    """One member as an import row: its account, name, description and suggested topics (as
    `discover` suggests them), `candidate` unless it is already in the directory."""
    name = " ".join(strip_unsafe(member.display_name or "").split())
    description = strip_unsafe(member.description or "", multiline=True).strip()
    fields: dict[str, str | list[str]] = {member.platform: [member.handle],
                                          "status": "candidate", "source": origin}
    if name:
        fields["name"] = name
    if description:
        fields["description"] = description
    suggested = suggest_topics(taxonomy, name, description)
    if suggested:
        fields["suggested_topics"] = list(suggested)
    return fields
