"""Database commands: init, doctor, backup."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..domain.text import shown
from ..i18n import _, english
from ._help import command_help
from ._shared import console, db_path, fail, guarded, open_database, print_json, say
from ._typer_messages import confirm
from .root import app

if TYPE_CHECKING:
    from ..services.maintenance import Finding


@app.command("init", help=command_help(
    _("Create the database, filled with the starter directory unless --empty."),
    "msgu init --empty --db equipe.db"))
@guarded
def init(
    ctx: typer.Context,
    empty: Annotated[bool, typer.Option("--empty", help=_(
        "Without the starter directory."))] = False,
    force: Annotated[bool, typer.Option("--force", help=_(
        "Recreate an existing database (everything in it is lost)."))] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help=_(
        "Do not ask before --force."))] = False,
) -> None:
    from ..services.maintenance import create_database, directory_stats
    from .labels import account_count, contact_count

    path = db_path(ctx)
    if force and path.exists() and not yes and not confirm(
            _("Recreate {path}? Everything in it will be lost.").format(path=shown(path))):
        raise fail(_("Nothing was changed."))
    db = create_database(path, empty=empty, force=force)
    from ..services.session import close_directory

    ctx.call_on_close(lambda: close_directory(db))
    stats = directory_stats(db)
    say(_("Created {path} with {contacts} and {accounts}.").format(
        path=path, contacts=contact_count(stats.contacts),
        accounts=account_count(stats.accounts)))


@app.command("doctor", help=command_help(
    _("Check the database's integrity and schema (exit 1 when something is wrong)."),
    "msgu doctor"))
@guarded
def doctor(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help=_(
        "Print the checks as JSON on stdout (exit 1 still when one fails)."))] = False,
) -> None:
    from ..services.maintenance import diagnose

    path = db_path(ctx)
    if not path.exists():
        raise fail(_("{path} does not exist yet: run 'msgu init' first.").format(
            path=shown(path)))
    findings = diagnose(path)
    if json_:
        print_json([{"check": f.check, "ok": f.ok, "detail": str(english(f.detail))}
                    for f in findings])
    else:
        _print_findings(findings)
    if not all(f.ok for f in findings):
        raise fail(_("the database has problems (see the failed checks)."))
    if not json_:
        say(_("{path}: all checks passed.").format(path=path))


def _print_findings(findings: "list[Finding]") -> None:
    """One line per check: its mark, its name in the interface language, what it found."""
    from .labels import label
    from .render import line

    # TRANSLATORS: the marks of a check that passed and of one that failed, in capitals or not.
    passed, failed = _("ok"), _("FAIL")
    width = max(len(passed), len(failed))
    for f in findings:
        mark = (f"{passed:<{width}}", "green") if f.ok else (f"{failed:<{width}}", "red")
        console().print(line(mark, " ", _("{check}: {detail}").format(
            check=label(f.check), detail=f.detail)))


@app.command("backup", help=command_help(
    _("Write a consistent copy of the database, even while it is in use."),
    "msgu backup ~/msgu-2026-11-25.db"))
@guarded
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(
        help=_("Where to write the copy."), metavar=_("FILE"))],
    force: Annotated[bool, typer.Option("--force", help=_(
        "Overwrite an existing file."))] = False,
) -> None:
    from ..services.maintenance import backup_database

    target = backup_database(open_database(ctx), file, force=force)
    say(_("Backed up to {path}.").format(path=target))
