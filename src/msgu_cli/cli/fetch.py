"""Network commands: refresh and discover (Bluesky and Mastodon public APIs)."""

from typing import Annotated

import typer

from ..i18n import _
from . import app
from ._shared import console, guarded, open_database, print_json, progress_bar, say

Many = list[str] | None
MAX_DAYS = 36_500  # a century: --older-than beyond it means "every account" already
MAX_FOLLOWS = 100_000  # follows read per source account: more than any account follows


@app.command("refresh")
@guarded
def refresh(
    ctx: typer.Context,
    refs: Annotated[Many, typer.Argument(help="Contacts to refresh (default: all).",
                                         show_default=False)] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="bluesky or "
                        "mastodon only.")] = None,
    older_than: Annotated[int | None, typer.Option("--older-than", min=0, max=MAX_DAYS,
                          help="Only accounts not checked for this many days.")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Fetch the public profile of Bluesky and Mastodon accounts: alive, silent or gone.

    Example: msgu refresh --older-than 30
    """
    from ..services.refresh import refresh as run
    from ..services.session import http_client

    db = open_database(ctx)
    with http_client() as http, progress_bar() as bar:
        task = bar.add_task(_("Refreshing"), total=None)
        report = run(db, refs or [], http=http, platform=platform, older_than=older_than,
                     progress=lambda done, total: bar.update(task, completed=done, total=total))
    summary = {"checked": report.checked, "states": dict(report.states),
               "errors": [{"platform": p, "handle": h, "error": e} for p, h, e in report.errors],
               "gone": [{"platform": p, "handle": h, "state": s} for p, h, s in report.gone],
               "skipped_platforms": report.skipped_platforms}
    if json_:
        print_json(summary)
        return
    from .render import line

    out = console()
    states = ", ".join(f"{n} {s}" for s, n in sorted(report.states.items())) or _("none")
    say(_("Checked {count} account(s): {states}; {errors} error(s).").format(
        count=report.checked, states=states, errors=len(report.errors)))
    for p, h, state in report.gone:
        out.print(line("  ", (state, "yellow"), f" {p}:", h))
    for p, h, e in report.errors:
        out.print(line("  ", (_("error"), "red"), f" {p}:", h, ": ", str(e)))
    if report.skipped_platforms:
        skipped = ", ".join(f"{p} ({n})" for p, n in report.skipped_platforms.items())
        out.print(line((_("Left as they are (no public API): {platforms}.").format(
            platforms=skipped), "dim")))


@app.command("discover")
@guarded
def discover(
    ctx: typer.Context,
    refs: Annotated[list[str], typer.Argument(help="Trusted contacts whose follows to read.")],
    platform: Annotated[str | None, typer.Option("--platform", help="bluesky or "
                        "mastodon only.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_FOLLOWS, help="At most this "
                     "many follows per account.")] = 200,
    json_: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Find new accounts through whom trusted accounts follow; adds them as candidates.

    Example: msgu discover @zone911.bsky.social --limit 100
    """
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
                    "errors": [{"source": s, "error": e} for s, e in report.errors]})
        return
    from .render import line

    out = console()
    say(_("Read {sources} follow list(s): {followed} account(s), {new} new candidate(s), "
          "{known} already known, {edges} follow edge(s) kept.").format(
              sources=len(report.sources), followed=report.followed,
              new=len(report.new_candidates), known=report.known, edges=report.edges))
    for source, error in report.errors:
        out.print(line("  ", (_("error"), "red"), " ", source, ": ", str(error)))
    for new, namesakes in report.same_name.items():
        others = ", ".join(f"#{i}" for i in namesakes)
        say(_("  #{new} has the name of {others}: if they are one organisation, move its "
              "account there (msgu edit … --add-account) and remove #{new}.").format(
                  new=new, others=others))
    if report.new_candidates:
        say(_("Review them with: msgu list --status candidate"))
