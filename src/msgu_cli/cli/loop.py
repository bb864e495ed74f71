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
    """The contract's shape (`changes`, `missing`, `errors`, their items exactly), with what
    this run added, the accounts Bluesky does not know, and whether it was a dry run."""
    return {
        "changes": [{"id": c.contact_id, "name": c.name, "from": c.before, "to": c.after,
                     "platform": c.platform} for c in report.changes],
        "missing": [{"platform": m.platform, "handle": m.handle} for m in report.missing],
        "errors": [{"platform": p, "handle": h, "error": e} for p, h, e in report.errors],
        "added": [{"id": i, "name": n} for i, n in report.added],
        "not_found": [{"platform": p, "handle": h} for p, h in report.not_found],
        "dry_run": report.dry_run,
    }


def _print_sync(report) -> None:
    from rich.text import Text

    out = console()

    def say(text: str) -> None:  # names, handles and servers' words are data, not markup
        out.print(Text(text))

    say(_("Read {accounts}.").format(accounts=", ".join(f"{p}:{h}" for p, h in report.read)))
    if not report.changes:
        say(_("No relationship changed."))
    for c in report.changes:
        say("  " + _("#{id} {name}: {before} -> {after} (seen on {platform}: {account})").format(
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
        say("  " + _("not found on {platform}: {handle} (msgu refresh tells more)").format(
            platform=p, handle=h))
    for p, h, e in report.errors:
        say("  " + _("could not read {platform} ({handle}): {error}").format(
            platform=p, handle=h, error=e))
    if report.dry_run:
        say(_("Dry run: nothing was written."))


@app.command("next")
@guarded
def next_(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help=_("At most this "
                     "many per group."))] = 5,
    json_: JsonOpt = False,
) -> None:
    """What to do now: follow, engage, nudge, meet, review.

    Example: msgu next --limit 3
    """
    from datetime import date

    from ..services.next_steps import GROUPS, next_steps
    from ..services.reference import today

    groups = next_steps(open_database(ctx), today=date.fromisoformat(today()), limit=limit)
    if json_:
        print_json({group: [_step_json(step) for step in groups[group]] for group in GROUPS})
        return
    _print_next(groups)


def _step_json(step) -> dict:
    account = step.account
    return {"id": step.contact.id, "name": step.contact.name, "status": step.contact.status,
            "account": None if account is None else {"platform": account.platform,
                                                     "handle": account.handle,
                                                     "url": account.url},
            "why": step.why, "since": step.since}


def _print_next(groups) -> None:
    from rich.text import Text

    from .render import short_handle

    titles = {"follow": _("Follow"), "engage": _("Engage: they follow you back"),
              "nudge": _("Nudge: no follow-back yet"), "meet": _("Meet"),
              "review": _("Review the candidates")}
    out = console()
    if not any(groups.values()):
        out.print(Text(_("Nothing to do now: msgu recommend finds contacts to follow, and msgu "
                         "sync records who follows back.")))
        return
    for group, steps in groups.items():
        if not steps:
            continue
        out.print(Text(f"\n{titles[group]} ({len(steps)})", style="bold"))
        for step in steps:
            where = short_handle(step.account.platform, step.account.handle) if step.account \
                else _("no account to follow")
            out.print(Text(f"  #{step.contact.id} {step.contact.name}  ").append(where,
                                                                                 style="cyan"))
            out.print(Text(f"      {step.why}", style="dim"))
