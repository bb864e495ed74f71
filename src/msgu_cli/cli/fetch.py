"""Network commands: refresh and discover (Bluesky and Mastodon public APIs)."""

from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import _, english, ngettext
from ._help import command_help
from ._shared import Many, console, guarded, open_database, print_json, progress_bar, say
from .completion import complete_fetchable_platform
from .root import app

if TYPE_CHECKING:
    from ..services.discover import DiscoverReport
    from ..services.refresh import RefreshReport

MAX_DAYS = 36_500  # a century: --older-than beyond it means "every account" already
MAX_FOLLOWS = 100_000  # follows read per source account: more than any account follows


JsonOpt = Annotated[bool, typer.Option("--json", help=_("Print the summary as JSON."))]
PlatformOpt = Annotated[str | None, typer.Option("--platform",
                        autocompletion=complete_fetchable_platform, help=_(
    "bluesky or mastodon only."))]


@app.command("refresh", help=command_help(
    _("Fetch the public profile of Bluesky and Mastodon accounts: alive, silent or gone."),
    "msgu refresh --older-than 30"))
@guarded
def refresh(
    ctx: typer.Context,
    refs: Annotated[Many, typer.Argument(
        help=_("Contacts to refresh (default: all)."), metavar=_("REF"),
                                         show_default=False)] = None,
    platform: PlatformOpt = None,
    older_than: Annotated[int | None, typer.Option("--older-than", min=0, max=MAX_DAYS, help=_(
        "Only accounts not checked for this many days."))] = None,
    json_: JsonOpt = False,
) -> None:
    from ..services.refresh import refresh as run
    from ..services.session import http_client

    db = open_database(ctx)
    with http_client() as http, progress_bar() as bar:
        task = bar.add_task(_("Refreshing"), total=None)
        report = run(db, refs or [], http=http, platform=platform, older_than=older_than,
                     progress=lambda done, total: bar.update(task, completed=done, total=total))
    summary = {"checked": report.checked, "states": dict(report.states),
               "errors": [{"platform": p, "handle": h, "error": english(e)}
                          for p, h, e in report.errors],
               "gone": [{"platform": p, "handle": h, "state": s} for p, h, s in report.gone],
               "skipped_platforms": report.skipped_platforms}
    if json_:
        print_json(summary)
        return
    _print_refresh(report)


def _print_refresh(report: "RefreshReport") -> None:
    """What was checked, by state; the accounts found gone, the errors, the platforms left."""
    from .labels import label
    from .render import line

    out = console()
    states = ", ".join(_("{count} {state}").format(count=n, state=label(s))
                       for s, n in sorted(report.states.items())) or _("none")
    say(_("{checked}: {states}; {errors}.").format(
        checked=ngettext("Checked {count} account", "Checked {count} accounts",
                         report.checked).format(count=report.checked),
        states=states, errors=ngettext("{count} error", "{count} errors",
                                       len(report.errors)).format(count=len(report.errors))))
    for p, h, state in report.gone:
        out.print(line("  ", (label(state), "yellow"), f" {p}:", h))
    for p, h, e in report.errors:
        out.print(line("  ", (_("error"), "red"), " ", _("{account}: {error}").format(
            account=f"{p}:{h}", error=e)))
    if report.skipped_platforms:
        skipped = ", ".join(f"{p} ({n})" for p, n in report.skipped_platforms.items())
        out.print(line((_("Left as they are (no public API): {platforms}.").format(
            platforms=skipped), "dim")))


@app.command("discover", help=command_help(
    _("Find new accounts through whom trusted accounts follow; adds them as candidates."),
    "msgu discover @zone911.bsky.social --limit 100"))
@guarded
def discover(
    ctx: typer.Context,
    refs: Annotated[list[str], typer.Argument(help=_(
        "Trusted contacts whose follows to read."), metavar=_("REF"))],
    platform: PlatformOpt = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_FOLLOWS, help=_(
        "At most this many follows per account."))] = 200,
    json_: JsonOpt = False,
) -> None:
    from ..services.discover import discover as run
    from ..services.session import http_client

    db = open_database(ctx)
    with http_client() as http, progress_bar() as bar:
        task = bar.add_task(_("Discovering"), total=None)
        report = run(db, refs, http=http, platform=platform, limit=limit,
                     progress=lambda done, total: bar.update(task, completed=done, total=total))
    if json_:
        print_json({"sources": report.sources, "followed": report.followed,
                    "new_candidates": [{"id": i, "name": n,
                                        "same_name_as": report.same_name.get(i, [])}
                                       for i, n in report.new_candidates],
                    "known": report.known, "edges": report.edges,
                    "errors": [{"source": s, "error": english(e)} for s, e in report.errors]})
        return
    from .render import line

    out = console()
    say(_discovered(report))
    for source, error in report.errors:
        out.print(line("  ", (_("error"), "red"), " ", _("{account}: {error}").format(
            account=source, error=error)))
    for new, namesakes in report.same_name.items():
        others = ", ".join(f"#{i}" for i in namesakes)
        say(_("  #{new} has the name of {others}: if they are one organisation, move its "
              "account there (msgu edit … --add-account) and remove #{new}.").format(
                  new=new, others=others))
    if report.new_candidates:
        say(_("Review them with: msgu list --status candidate"))


def _discovered(report: "DiscoverReport") -> str:
    """`Read 2 follow lists: 14 accounts, 6 new candidates, 2 already known, 8 follow edges
    kept.`, each count with its noun agreed."""
    from .labels import account_count

    new, known, edges = len(report.new_candidates), report.known, report.edges
    return _("{lists}: {accounts}, {new}, {known}, {edges}.").format(
        lists=ngettext("Read {count} follow list", "Read {count} follow lists",
                       len(report.sources)).format(count=len(report.sources)),
        accounts=account_count(report.followed),
        new=ngettext("{count} new candidate", "{count} new candidates", new).format(count=new),
        known=ngettext("{count} already known", "{count} already known", known).format(
            count=known),
        edges=ngettext("{count} follow edge kept", "{count} follow edges kept", edges).format(
            count=edges))
