"""Packs, shared directories: subscribe, pull, subscriptions."""

from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import _, english, ngettext
from ._help import command_help
from ._shared import JsonOpt, console, fail, guarded, open_database, print_json, say
from .root import app

if TYPE_CHECKING:
    from rich.text import Text

    from ..services.packs import PullReport



@app.command("subscribe", help=command_help(
    _("Follow a shared directory (a pack) and bring in its contacts now."),
    "msgu subscribe https://exemple.org/msgu/securite-civile.json"))
@guarded
def subscribe(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help=_(
        "The pack's https:// (or http://) URL, or the path of a pack file on a shared drive."),
        metavar=_("SOURCE"))],
    name: Annotated[str | None, typer.Option("--name", help=_(
        "What to call this subscription (default: the pack's own name)."))] = None,
    json_: JsonOpt = False,
) -> None:
    from ..services.packs import subscribe as run

    report = run(open_database(ctx), url, name=name)
    if json_:
        print_json(_report_json(report))
        return
    console().print(_summary(report, _("Subscribed to {name} ({url}).")), soft_wrap=True)


@app.command("pull", help=command_help(
    _("Bring in the changes of the packs you subscribe to; an unchanged one costs one "
      "request."), "msgu pull"))
@guarded
def pull(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help=_(
        "The subscription to pull (default: all of them)."), show_default=False,
        metavar=_("NAME"))] = None,
    json_: JsonOpt = False,
) -> None:
    from ..services.packs import pull as run

    outcomes = run(open_database(ctx), name)
    if json_:
        print_json([{"name": o.name, "error": o.error and english(o.error),
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


@app.command("subscriptions", help=command_help(
    _("The packs you subscribe to: where, when last pulled, how many contacts."),
    "msgu subscriptions --json"))
@guarded
def subscriptions(ctx: typer.Context, json_: JsonOpt = False) -> None:
    from ..services.packs import subscription_list

    listed = subscription_list(open_database(ctx))
    if json_:
        print_json(listed)
        return
    if not listed:
        say(_("No subscriptions yet: follow a pack with 'msgu subscribe URL'."))
        return
    from .render import add_row, table

    shown = table(_("Subscriptions"), [_("name"), _("url"), _("last pulled"), _("contacts"),
                                       _("left")])
    for item in listed:
        add_row(shown, item["name"], item["url"], (item["last_pulled"] or "")[:16],
                str(item["contacts"]), str(item["left"]))
    console().print(shown)


def _report_json(report: "PullReport") -> dict:
    def named(pairs: list[tuple[int, str]]) -> list[dict]:
        return [{"id": i, "name": n} for i, n in pairs]

    return {"name": report.name, "url": report.url, "changed": report.changed,
            "contacts": report.contacts, "added": named(report.added),
            "updated": named(report.updated), "left": named(report.left),
            "returned": named(report.returned), "created_topics": report.created_topics}


def _summary(report: "PullReport", heading: str) -> "Text":
    """The heading, then one line of counts, then who left (kept, and marked)."""
    from .render import data

    in_pack = ngettext("{count} contact in the pack", "{count} contacts in the pack",
                       report.contacts).format(count=report.contacts)
    lines = [heading.format(name=report.name, url=report.url) + " "]
    if not report.changed:
        lines[0] += _("Unchanged since the last pull; {contacts}.").format(contacts=in_pack)
        return data("".join(lines))
    lines[0] += _("{added} added, {updated} updated, {left} left the pack, {returned} back; "
                  "{contacts}.").format(
        added=len(report.added), updated=len(report.updated), left=len(report.left),
        returned=len(report.returned), contacts=in_pack)
    lines += ["  " + _("#{id} {name} left the pack: kept in your directory, marked.").format(
        id=contact_id, name=name) for contact_id, name in report.left]
    if report.created_topics:
        lines.append("  " + _("New topics: {topics}").format(
            topics=", ".join(report.created_topics)))
    return data("\n".join(lines), multiline=True)
