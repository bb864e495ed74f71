"""The relationship loop: sync (what the networks show) and next (what to do now)."""

from typing import Annotated

import typer

from ..i18n import _
from . import app
from ._shared import console, guarded, open_database, print_json, progress_bar

JsonOpt = Annotated[bool, typer.Option("--json", help=_("Print JSON on stdout."))]


@app.command("sync")
@guarded
def sync(
    ctx: typer.Context,
    platform: Annotated[str | None, typer.Option("--platform", help=_("bluesky or mastodon "
                        "only."))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Show what would change; write "
                       "nothing."))] = False,
    add_missing: Annotated[bool, typer.Option("--add-missing", help=_("Add the accounts you "
                           "follow that the directory lacks, as candidates."))] = False,
    json_: JsonOpt = False,
) -> None:
    """Read whom your own Bluesky and Mastodon accounts follow, and who follows them back.

    Example: msgu sync --dry-run
    """
    from ..services.session import http_client
    from ..services.sync import sync as run

    db = open_database(ctx)
    with http_client() as http, progress_bar() as bar:
        task = bar.add_task(_("Syncing"), total=None)
        report = run(db, http=http, platform=platform, dry_run=dry_run, add_missing=add_missing,
                     progress=lambda done, total: bar.update(task, completed=done, total=total))
    if json_:
        print_json(_sync_json(report))
        return
    _print_sync(report)


def _sync_json(report) -> dict:
    return {
        "changes": [{"id": c.contact_id, "name": c.name, "from": c.before, "to": c.after,
                     "platform": c.platform, "account": c.account} for c in report.changes],
        "missing": [{"platform": m.platform, "handle": m.handle,
                     "display_name": m.profile.display_name, "followed_by": m.followed_by}
                    for m in report.missing],
        "added": [{"id": i, "name": n} for i, n in report.added],
        "errors": [{"platform": p, "handle": h, "error": e} for p, h, e in report.errors],
        "not_found": [{"platform": p, "handle": h} for p, h in report.not_found],
        "read": [{"platform": p, "handle": h} for p, h in report.read],
        "dry_run": report.dry_run,
    }


def _print_sync(report) -> None:
    out = console()

    def say(text: str) -> None:  # names, handles and servers' words are data, not markup
        out.print(text, markup=False)

    say(_("Read {accounts}.").format(accounts=", ".join(f"{p}:{h}" for p, h in report.read)))
    if not report.changes:
        say(_("No relationship changed."))
    for c in report.changes:
        say(_("  #{id} {name}: {before} -> {after} (seen on {platform}: {account})").format(
            id=c.contact_id, name=c.name, before=c.before, after=c.after, platform=c.platform,
            account=c.account))
    if report.missing:
        say(_("{count} account(s) you follow are not in the directory:").format(
            count=len(report.missing)))
        for m in report.missing[:50]:
            say(f"  {m.platform}:{m.handle}  {m.profile.display_name or ''}".rstrip())
    if report.added:
        say(_("Added {count} candidate(s): review them with msgu list --status candidate.")
            .format(count=len(report.added)))
    elif report.missing and not report.dry_run:
        say(_("msgu sync --add-missing adds them as candidates."))
    for p, h in report.not_found:
        say(_("  not found on {platform}: {handle} (msgu refresh tells more)").format(
            platform=p, handle=h))
    for p, h, e in report.errors:
        say(_("  could not read {platform} ({handle}): {error}").format(platform=p, handle=h,
                                                                       error=e))
    if report.dry_run:
        say(_("Dry run: nothing was written."))
