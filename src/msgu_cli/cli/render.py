"""Human output: rich tables, panels and lines, in one place so every command looks alike.

Data is never markup: every name, handle, description, note or server message becomes a
`rich.text.Text` through `data()`, its control characters shown as escapes (`\\x1b`), so a
contact named `Ville [/b] test` or carrying an ESC sequence prints as it is written. Styles
come from `Text` spans, never from `[bold]` tags in a string.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from ..domain.followability import FOLLOW_ORDER
from ..domain.models import (
    PLATFORMS,
    Account,
    Contact,
    Municipality,
    RelationEvent,
)
from ..domain.text import escaped
from ..i18n import _
from .labels import kind_label, label, platform_label

if TYPE_CHECKING:
    from rich.table import Table
    from rich.text import Text

    from ..domain.relationships import FunnelStage


# The platforms people follow on, most useful first (the one order: domain.followability),
# for the short "accounts" column; websites last.
_FOLLOW_ORDER = (*FOLLOW_ORDER, "website")

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


VERIFIED_MARK = "✓"


def _mark(account: Account) -> str:
    """` ✓` when `refresh` proved the account is the organisation's own."""
    return f" {VERIFIED_MARK}" if account.verified else ""


def marked_handle(account: Account) -> str:
    return account.handle + _mark(account)


def best_handles(contact: Contact, limit: int = 3) -> str:
    """One handle per platform, most followable platform first (a verified one when the
    contact has several there), ✓ marking verified accounts."""
    seen: dict[str, str] = {}
    verified_first = sorted(contact.accounts, key=lambda a: not a.verified)
    for platform in _FOLLOW_ORDER:
        for account in verified_first:
            if account.platform == platform and platform not in seen:
                seen[platform] = short_handle(platform, account.handle) + _mark(account)
    handles = list(seen.values())[:limit]
    more = len(contact.accounts) - len(handles)
    return " ".join(handles) + (f" +{more}" if more > 0 else "")


def table(title: object = None, columns: Sequence[str | tuple[str, dict]] = (),
          **options: object) -> Table:
    """A table whose title and headers are literal text; `columns` are names, or (name,
    column options) pairs. A cell too long for its column folds onto the next line rather
    than end in "…": a handle or a URL cut short cannot be followed or typed back."""
    from rich.table import Table

    made = Table(title=None if title is None else data(title), title_justify="left",
                 **options)  # type: ignore[arg-type]
    for column in columns:
        name, settings = column if isinstance(column, tuple) else (column, {})
        made.add_column(data(name), **{"overflow": "fold", **settings})
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
        add_row(shown, str(c.id), c.name, kind_label(c.kind), region_names.get(c.region or "", ""),
                ", ".join(c.topics), best_handles(c))
    return shown


def contact_panel(contact: Contact, region_names: Mapping[str, str],
                  history: Sequence[RelationEvent] = (),
                  packs: Sequence[tuple[str, str | None]] = ()):
    """The whole contact; `packs` are (subscription, left_at) of the packs that brought it."""
    from rich.console import Group, RenderableType
    from rich.panel import Panel
    from rich.table import Table

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    region = region_names.get(contact.region or "")
    rows = [
        (_("kind"), kind_label(contact.kind)),
        (_("region"), f"{contact.region} {region}" if region else None),
        (_("mrc"), contact.mrc), (_("municipality"), contact.municipality),
        (_("scope"), label(contact.scope)), (_("languages"), ", ".join(contact.languages)),
        (_("topics"), ", ".join(contact.topics)),
        (_("suggested"), ", ".join(contact.suggested_topics)),
        (_("status"), label(contact.status)),
        (_("description"), contact.description), (_("notes"), contact.notes),
        (_("source"), contact.source),
        (_("packs"), _packs_line(packs)),
    ]
    for field, value in rows:
        if value:
            facts.add_row(data(field), data(value, multiline=True))
    parts: list[RenderableType] = [facts]
    if contact.accounts:
        accounts = table(None, [(name, {"style": "dim"} if name in (_("url"), _("checked"))
                                 else {}) for name in (_("platform"), _("handle"), _("url"),
                                                       _("state"), _("last post"),
                                                       _("checked"))],
                         show_edge=False, box=None, padding=(0, 1))
        ordered = sorted(contact.accounts, key=lambda a: (PLATFORMS.index(a.platform), a.handle))
        for a in ordered:
            add_row(accounts, platform_label(a.platform), marked_handle(a), a.url or "",
                    label(a.state),
                    (a.last_post_at or "")[:10], (a.checked_at or "")[:10])
        parts += ["", accounts]
    if history:
        parts += ["", history_table(history)]
    return Panel(Group(*parts), title=line(f"#{contact.id} ", contact.name), title_align="left")


def _packs_line(packs: Sequence[tuple[str, str | None]]) -> str:
    return ", ".join(name if left is None else _("{name} (left the pack on {date})").format(
        name=name, date=left[:10]) for name, left in packs)


def history_table(history: Sequence[RelationEvent]) -> Table:
    shown = table(None, [_("date"), (_("status"), {"style": "bold"}), _("note")],
                  show_edge=False, box=None, padding=(0, 1))
    for event in history:
        add_row(shown, event.date, label(event.status), data(event.note or "", multiline=True))
    return shown


def bar(count: int, largest: int, width: int = 30) -> str:
    """A text bar, so counts read at a glance in any terminal."""
    filled = round(width * count / largest) if largest else 0
    return "█" * max(filled, 1 if count else 0)


def municipalities_table(towns: Sequence[Municipality], title: str) -> Table:
    """The répertoire's entries, every cell literal text (names and websites are data)."""
    shown = table(title, [(_("code"), {"no_wrap": True}),
                          (_("name"), {"style": "bold", "overflow": "fold"}), _("designation"),
                          (_("MRC"), {"overflow": "fold"}), (_("region"), {"no_wrap": True}),
                          (_("population"), {"justify": "right"}),
                          (_("website"), {"overflow": "fold"})],
                  caption=data(_("Source: Répertoire des municipalités du Québec, MAMH "
                                 "(CC BY 4.0).")), caption_justify="left")
    for m in towns:
        add_row(shown, m.code, m.name, m.designation, m.mrc or "", m.region,
                f"{m.population:,}".replace(",", "\u202f"), m.website or "")
    return shown


def funnel_lines(stages: Sequence[FunnelStage]) -> list[Text]:
    """The relationship funnel as bars, each stage with the share that went on to the next."""
    largest = max((s.reached for s in stages), default=0)
    names = [label(s.stage) for s in stages]
    width = max(map(len, names), default=0)
    lines = [line((_("relationship funnel"), "bold"))]
    for rank, stage in enumerate(stages):
        shown = line(f"  {names[rank]:<{width}} {stage.reached:>5} ",
                     (bar(stage.reached, largest, width=20), "cyan"))
        if stage.share is not None:
            shown.append_text(line(("  " + _("{share} went on to {next}").format(
                share=percent(stage.share), next=names[rank + 1]), "dim")))
        lines.append(shown)
    return lines


def percent(share: float) -> str:
    """`0.45` -> `45%`, and `45 %` in French (a no-break space before the sign)."""
    return _("{percent}%").format(percent=round(share * 100))
