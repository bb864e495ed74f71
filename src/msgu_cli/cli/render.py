"""Human output: rich tables, panels and lines, in one place so every command looks alike.

Data is never markup: every name, handle, description, note or server message becomes a
`rich.text.Text` through `data()`, its control characters shown as escapes (`\\x1b`), so a
contact named `Ville [/b] test` or carrying an ESC sequence prints as it is written. Styles
come from `Text` spans, never from `[bold]` tags in a string.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..domain.models import PLATFORMS, Contact, RelationEvent
from ..domain.text import escaped
from ..i18n import _

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

# The platforms people follow on, most useful first, for the short "accounts" column.
_FOLLOW_ORDER = ("bluesky", "mastodon", "x", "facebook", "instagram", "threads", "linkedin",
                 "youtube", "tiktok", "website")


def data(value: object, style: str = "", *, multiline: bool = False) -> Text:
    """`value` as literal text (no markup, control characters escaped), in `style`."""
    from rich.text import Text

    return Text(escaped("" if value is None else value, multiline=multiline), style=style)


def line(*parts: str | tuple[str, str] | Text) -> Text:
    """One line from pieces: plain strings, (text, style) pairs, or Text; all literal."""
    from rich.text import Text

    out = Text()
    for part in parts:
        if isinstance(part, Text):
            out.append_text(part)
        elif isinstance(part, tuple):
            out.append_text(data(part[0], part[1]))
        else:
            out.append_text(data(part))
    return out


def region_names() -> dict[str, str]:
    """Region number -> name. The 17 regions are fixed facts (domain.geo): reading them needs
    neither the database nor the taxonomy that a whole `Reference` would build."""
    from ..domain.geo import REGIONS

    return {r.number: r.name for r in REGIONS}


def short_handle(platform: str, handle: str) -> str:
    if platform in ("x", "instagram", "threads", "tiktok", "bluesky"):
        return f"{platform}:@{handle}"
    if platform == "mastodon":
        return f"@{handle}"
    return f"{platform}:{handle}"


def best_handles(contact: Contact, limit: int = 3) -> str:
    """One handle per platform, most followable platform first."""
    seen: dict[str, str] = {}
    for platform in _FOLLOW_ORDER:
        for account in contact.accounts:
            if account.platform == platform and platform not in seen:
                seen[platform] = short_handle(platform, account.handle)
    handles = list(seen.values())[:limit]
    more = len(contact.accounts) - len(handles)
    return " ".join(handles) + (f" +{more}" if more > 0 else "")


def table(title: object = None, columns: Sequence[str | tuple[str, dict]] = (),
          **options: object) -> Table:
    """A table whose title and headers are literal text; `columns` are names, or (name,
    column options) pairs."""
    from rich.table import Table

    made = Table(title=None if title is None else data(title), title_justify="left",
                 **options)  # type: ignore[arg-type]
    for column in columns:
        name, settings = column if isinstance(column, tuple) else (column, {})
        made.add_column(data(name), **settings)
    return made


def add_row(target: Table, *cells: object) -> None:
    """A row of literal cells (Text passes as it is; None is an empty cell)."""
    from rich.text import Text

    target.add_row(*(cell if isinstance(cell, Text) else data(cell) for cell in cells))


def contacts_table(contacts: Sequence[Contact], region_names: Mapping[str, str],
                   title: str) -> Table:
    shown = table(title, [
        (_("id"), {"justify": "right", "style": "dim"}), (_("name"), {"style": "bold",
                                                                      "max_width": 40}),
        _("kind"), (_("region"), {"max_width": 22}), (_("topics"), {"max_width": 34}),
        (_("accounts"), {"max_width": 44})], show_lines=False, expand=False)
    for c in contacts:
        add_row(shown, str(c.id), c.name, c.kind, region_names.get(c.region or "", ""),
                ", ".join(c.topics), best_handles(c))
    return shown


def contact_panel(contact: Contact, region_names: Mapping[str, str],
                  history: Sequence[RelationEvent] = ()):
    from rich.console import Group, RenderableType
    from rich.panel import Panel
    from rich.table import Table

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    region = region_names.get(contact.region or "")
    rows = [
        (_("kind"), contact.kind),
        (_("region"), f"{contact.region} {region}" if region else None),
        (_("mrc"), contact.mrc), (_("municipality"), contact.municipality),
        (_("scope"), contact.scope), (_("languages"), ", ".join(contact.languages)),
        (_("topics"), ", ".join(contact.topics)),
        (_("suggested"), ", ".join(contact.suggested_topics)), (_("status"), contact.status),
        (_("description"), contact.description), (_("notes"), contact.notes),
        (_("source"), contact.source),
    ]
    for label, value in rows:
        if value:
            facts.add_row(data(label), data(value, multiline=True))
    parts: list[RenderableType] = [facts]
    if contact.accounts:
        accounts = table(None, [(name, {"style": "dim"} if name in (_("url"), _("checked"))
                                 else {}) for name in (_("platform"), _("handle"), _("url"),
                                                       _("state"), _("last post"),
                                                       _("checked"))],
                         show_edge=False, box=None, padding=(0, 1))
        ordered = sorted(contact.accounts, key=lambda a: (PLATFORMS.index(a.platform), a.handle))
        for a in ordered:
            add_row(accounts, a.platform, a.handle, a.url or "", a.state or "",
                    (a.last_post_at or "")[:10], (a.checked_at or "")[:10])
        parts += ["", accounts]
    if history:
        parts += ["", history_table(history)]
    return Panel(Group(*parts), title=line(f"#{contact.id} ", contact.name), title_align="left")


def history_table(history: Sequence[RelationEvent]) -> Table:
    shown = table(None, [_("date"), (_("status"), {"style": "bold"}), _("note")],
                  show_edge=False, box=None, padding=(0, 1))
    for event in history:
        add_row(shown, event.date, event.status, data(event.note or "", multiline=True))
    return shown


def bar(count: int, largest: int, width: int = 30) -> str:
    """A text bar, so counts read at a glance in any terminal."""
    filled = round(width * count / largest) if largest else 0
    return "█" * max(filled, 1 if count else 0)
