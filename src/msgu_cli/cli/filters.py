"""The options that pick contacts from the directory, declared once for `list` and `export`:
both filter, complete and explain alike (filters combine with AND, a repeated one with OR)."""

from typing import Annotated

import typer

from ..i18n import _
from ._shared import Many
from .completion import (
    complete_kind,
    complete_mrc,
    complete_region,
    complete_status,
    complete_topic,
)

KindFilter = Annotated[Many, typer.Option("--kind", autocompletion=complete_kind,
                                          help=_("Kind (repeatable: OR)."))]
RegionFilter = Annotated[Many, typer.Option("--region", autocompletion=complete_region,
                                            help=_("Region (repeatable: OR)."))]
MrcFilter = Annotated[Many, typer.Option("--mrc", autocompletion=complete_mrc,
                                         help=_("MRC (repeatable: OR)."))]
# Also `add`'s --topic: the same words name a topic to tag and one to filter by.
TopicOpt = Annotated[Many, typer.Option("--topic", autocompletion=complete_topic, help=_(
    "Topic, in French or English (repeatable): geolocalisation, inondations, VOST…"))]
StatusFilter = Annotated[Many, typer.Option("--status", autocompletion=complete_status, help=_(
    "Relationship status, e.g. candidate, to-follow, following (repeatable: OR)."))]


def directory_filters(kind: Many, region: Many, mrc: Many, topic: Many,
                      status: Many) -> dict[str, list[str]]:
    """The filters as services.directory.parse_filters reads them."""
    return {"kinds": kind or [], "regions": region or [], "mrcs": mrc or [],
            "topics": topic or [], "statuses": status or []}
