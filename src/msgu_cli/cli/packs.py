"""Packs, shared directories: subscribe, pull, subscriptions."""

from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import _
from . import app
from ._shared import console, fail, guarded, open_database, print_json

if TYPE_CHECKING:
    from rich.text import Text

    from ..services.packs import PullReport

JsonOpt = Annotated[bool, typer.Option("--json", help=_("Print JSON on stdout."))]


@app.command("subscribe")
@guarded
def subscribe(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help=_(
        "The pack's https:// (or http://) URL, or the path of a pack file on a shared drive."))],
    name: Annotated[str | None, typer.Option("--name", help=_(
        "What to call this subscription (default: the pack's own name)."))] = None,
    json_: JsonOpt = False,
) -> None:
    """Follow a shared directory (a pack) and bring in its contacts now.

    Example: msgu subscribe https://exemple.org/msgu/securite-civile.json
    """
    from ..services.packs import subscribe as run

    report = run(open_database(ctx), url, name=name)
    if json_:
        print_json(_report_json(report))
        return
    console().print(_summary(report, _("Subscribed to {name} ({url}).")), soft_wrap=True)


@app.command("pull")
@guarded
def pull(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help=_(
        "The subscription to pull (default: all of them)."), show_default=False)] = None,
    json_: JsonOpt = False,
) -> None:
    """Bring in the changes of the packs you subscribe to; an unchanged one costs one request.

    Example: msgu pull
    """
    from ..services.packs import pull as run

    outcomes = run(open_database(ctx), name)
    if json_:
        print_json([{"name": o.name, "error": o.error,
                     **(_report_json(o.report) if o.report else {})} for o in outcomes])
    else:
        out = console()
        for outcome in outcomes:
            if outcome.report is not None:
                out.print(_summary(outcome.report, _("{name} ({url}):")), soft_wrap=True)
    failed = [o for o in outcomes if o.error]
    if failed:
        raise fail("; ".join(_("{name}: {error}").format(name=o.name, error=o.error)
                             for o in failed))


@app.command("subscriptions")
@guarded
def subscriptions(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """The packs you subscribe to: where, when last pulled, how many contacts.

    Example: msgu subscriptions --json
    """
    from ..services.packs import subscription_list

    listed = subscription_list(open_database(ctx))
    if json_:
        print_json(listed)
        return
    if not listed:
        console().print(_("No subscriptions yet: follow a pack with 'msgu subscribe URL'."))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title=_("Subscriptions"), title_justify="left")
    for column in (_("name"), _("url"), _("last pulled"), _("contacts"), _("left")):
        table.add_column(column)
    for item in listed:
        table.add_row(Text(item["name"]), Text(item["url"]), (item["last_pulled"] or "")[:16],
                      str(item["contacts"]), str(item["left"]))
    console().print(table)


def _report_json(report: "PullReport") -> dict:
    def named(pairs: list[tuple[int, str]]) -> list[dict]:
        return [{"id": i, "name": n} for i, n in pairs]

    return {"name": report.name, "url": report.url, "changed": report.changed,
            "contacts": report.contacts, "added": named(report.added),
            "updated": named(report.updated), "left": named(report.left),
            "returned": named(report.returned), "created_topics": report.created_topics}


def _summary(report: "PullReport", heading: str) -> "Text":
    """The heading, then one line of counts, then who left (kept, and marked)."""
    from rich.text import Text

    text = Text(heading.format(name=report.name, url=report.url) + " ")
    if not report.changed:
        text.append(_("Unchanged since the last pull; {count} contact(s) in the pack.")
                    .format(count=report.contacts))
        return text
    text.append(_("{added} added, {updated} updated, {left} left the pack, {returned} back; "
                  "{count} contact(s) in the pack.").format(
        added=len(report.added), updated=len(report.updated), left=len(report.left),
        returned=len(report.returned), count=report.contacts))
    for contact_id, name in report.left:
        text.append("\n  " + _("#{id} {name} left the pack: kept in your directory, marked.")
                    .format(id=contact_id, name=name))
    if report.created_topics:
        text.append("\n  " + _("New topics: {topics}").format(
            topics=", ".join(report.created_topics)))
    return text
