"""Human output: rich tables and panels, in one place so every command looks alike."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..domain.followability import FOLLOW_ORDER
from ..domain.models import PLATFORMS, Contact, RelationEvent

# The platforms people follow on, most useful first (the one order: domain.followability),
# for the short "accounts" column; websites last.
_FOLLOW_ORDER = (*FOLLOW_ORDER, "website")


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
    shown = list(seen.values())[:limit]
    more = len(contact.accounts) - len(shown)
    return " ".join(shown) + (f" +{more}" if more > 0 else "")


def contacts_table(contacts: Sequence[Contact], region_names: Mapping[str, str], title: str):
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_lines=False, expand=False)
    table.add_column("id", justify="right", style="dim")
    table.add_column("name", style="bold", max_width=40)
    table.add_column("kind")
    table.add_column("region", max_width=22)
    table.add_column("topics", max_width=34)
    table.add_column("accounts", max_width=44)
    for c in contacts:
        table.add_row(str(c.id), c.name, c.kind, region_names.get(c.region or "", ""),
                      ", ".join(c.topics), best_handles(c))
    return table


def contact_panel(contact: Contact, region_names: Mapping[str, str],
                  history: Sequence[RelationEvent] = ()):
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table

    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    region = region_names.get(contact.region or "")
    rows = [
        ("kind", contact.kind), ("region", f"{contact.region} {region}" if region else None),
        ("mrc", contact.mrc), ("municipality", contact.municipality), ("scope", contact.scope),
        ("languages", ", ".join(contact.languages)), ("topics", ", ".join(contact.topics)),
        ("suggested", ", ".join(contact.suggested_topics)), ("status", contact.status),
        ("description", contact.description), ("notes", contact.notes),
        ("source", contact.source),
    ]
    for label, value in rows:
        if value:
            facts.add_row(label, value)
    parts = [facts]
    if contact.accounts:
        accounts = Table(show_edge=False, box=None, padding=(0, 1))
        for column in ("platform", "handle", "url", "state", "last post", "checked"):
            accounts.add_column(column, style="dim" if column in ("url", "checked") else None)
        ordered = sorted(contact.accounts, key=lambda a: (PLATFORMS.index(a.platform), a.handle))
        for a in ordered:
            accounts.add_row(a.platform, a.handle, a.url or "", a.state or "",
                             (a.last_post_at or "")[:10], (a.checked_at or "")[:10])
        parts += ["", accounts]
    if history:
        parts += ["", history_table(history)]
    return Panel(Group(*parts), title=f"#{contact.id} {contact.name}", title_align="left")


def history_table(history: Sequence[RelationEvent]):
    from rich.table import Table

    table = Table(show_edge=False, box=None, padding=(0, 1))
    table.add_column("date")
    table.add_column("status", style="bold")
    table.add_column("note")
    for event in history:
        table.add_row(event.date, event.status, event.note or "")
    return table


def bar(count: int, largest: int, width: int = 30) -> str:
    """A text bar, so counts read at a glance in any terminal."""
    filled = round(width * count / largest) if largest else 0
    return "█" * max(filled, 1 if count else 0)
