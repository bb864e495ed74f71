"""The relationship loop: sync (what the networks show) and next (what to do now)."""

from typing import Annotated

import typer

from ..i18n import _, english, ngettext
from ._help import command_help
from ._shared import JsonOpt, console, guarded, open_database, print_json, progress_bar, say
from .completion import complete_syncable_platform
from .root import app


@app.command("sync", help=command_help(
    _("Read whom your own Bluesky and Mastodon accounts follow, and who follows them back."),
    "msgu sync --dry-run"))
@guarded
def sync(
    ctx: typer.Context,
    platform: Annotated[str | None, typer.Option(
        "--platform", autocompletion=complete_syncable_platform,
        help=_("bluesky or mastodon only."))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("Show what would change; write "
                       "nothing."))] = False,
    add_missing: Annotated[bool, typer.Option("--add-missing", help=_("Add the accounts you "
                           "follow that the directory lacks, as candidates."))] = False,
    json_: JsonOpt = False,
) -> None:
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
        "errors": [{"platform": p, "handle": h, "error": english(e)}
                   for p, h, e in report.errors],
        "added": [{"id": i, "name": n} for i, n in report.added],
        "not_found": [{"platform": p, "handle": h} for p, h in report.not_found],
        "dry_run": report.dry_run,
    }


def _print_sync(report) -> None:
    """What was read, each change with where it was seen, the accounts missing, the errors."""
    from .labels import label

    say(_("Read {accounts}.").format(accounts=", ".join(f"{p}:{h}" for p, h in report.read)))
    if not report.changes:
        say(_("No relationship changed."))
    for c in report.changes:
        say("  " + _("#{id} {name}: {before} -> {after} (seen on {platform}: {account})").format(
            id=c.contact_id, name=c.name, before=label(c.before), after=label(c.after),
            platform=c.platform, account=c.account))
    if report.missing:
        say(ngettext("{count} account you follow is not in the directory:",
                     "{count} accounts you follow are not in the directory:",
                     len(report.missing)).format(count=len(report.missing)))
        for m in report.missing[:50]:
            say(f"  {m.platform}:{m.handle}  {m.profile.display_name or ''}".rstrip())
    if report.added:
        say(ngettext("Added {count} candidate: review it with msgu list --status candidate.",
                     "Added {count} candidates: review them with msgu list --status candidate.",
                     len(report.added)).format(count=len(report.added)))
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


@app.command("next", help=command_help(
    _("What to do now: follow, engage, nudge, meet, review."), "msgu next --limit 3"))
@guarded
def next_(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help=_("At most this "
                     "many per group."))] = 5,
    json_: JsonOpt = False,
) -> None:
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
            "why": english(step.why), "since": step.since}


def _print_next(groups) -> None:
    """Each group under its title, each step with the account to act on and why."""
    from .render import line, short_handle

    titles = {"follow": _("Follow"), "engage": _("Engage: they follow you back"),
              "nudge": _("Nudge: no follow-back yet"), "meet": _("Meet"),
              "review": _("Review the candidates")}
    out = console()
    if not any(groups.values()):
        say(_("Nothing to do now: msgu recommend finds contacts to follow, and msgu sync "
              "records who follows back."))
        return
    for group, steps in groups.items():
        if not steps:
            continue
        out.print()
        out.print(line((f"{titles[group]} ({len(steps)})", "bold")))
        for step in steps:
            where = short_handle(step.account.platform, step.account.handle) if step.account \
                else _("no account to follow")
            out.print(line(f"  #{step.contact.id} ", step.contact.name, "  ", (where, "cyan")))
            out.print(line((f"      {step.why}", "dim")))
