"""Database commands: init, doctor, backup."""

from pathlib import Path
from typing import Annotated

import typer

from ..domain.text import shown
from ..i18n import _
from . import app
from ._shared import console, db_path, fail, guarded, open_database, print_json, say
from ._typer_messages import confirm


@app.command("init")
@guarded
def init(
    ctx: typer.Context,
    empty: Annotated[bool, typer.Option("--empty", help="Without the starter directory.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Recreate an existing database "
                     "(everything in it is lost).")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before --force.")] = False,
) -> None:
    """Create the database, filled with the starter directory unless --empty.

    Example: msgu init --empty --db equipe.db
    """
    from ..services.maintenance import create_database, directory_stats

    path = db_path(ctx)
    if force and path.exists() and not yes and not confirm(
            _("Recreate {path}? Everything in it will be lost.").format(path=shown(path))):
        raise fail(_("Nothing was changed."))
    db = create_database(path, empty=empty, force=force)
    from ..services.session import close_directory

    ctx.call_on_close(lambda: close_directory(db))
    stats = directory_stats(db)
    say(_("Created {path} with {contacts} contacts and {accounts} accounts.").format(
        path=path, contacts=stats.contacts, accounts=stats.accounts))


@app.command("doctor")
@guarded
def doctor(
    ctx: typer.Context,
    json_: Annotated[bool, typer.Option("--json", help="Print the checks as JSON on stdout "
                     "(exit 1 still when one fails).")] = False,
) -> None:
    """Check the database's integrity and schema (exit 1 when something is wrong).

    Example: msgu doctor
    """
    from ..services.maintenance import diagnose
    from .render import line

    path = db_path(ctx)
    if not path.exists():
        raise fail(_("{path} does not exist yet: run 'msgu init' first.").format(
            path=shown(path)))
    findings = diagnose(path)
    if json_:
        print_json([{"check": f.check, "ok": f.ok, "detail": _english(f.detail)} for f in findings])
    else:
        for f in findings:
            mark = ("ok  ", "green") if f.ok else ("FAIL", "red")
            console().print(line(mark, f" {f.check}: ", str(f.detail)))
    if not all(f.ok for f in findings):
        raise fail(_("the database has problems (see the failed checks)."))
    if not json_:
        say(_("{path}: all checks passed.").format(path=path))


@app.command("backup")
@guarded
def backup(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Where to write the copy.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a consistent copy of the database, even while it is in use.

    Example: msgu backup ~/msgu-2026-11-25.db
    """
    from ..services.maintenance import backup_database

    target = backup_database(open_database(ctx), file, force=force)
    say(_("Backed up to {path}.").format(path=target))


def _english(detail: object) -> str:
    """JSON carries a finding's English text, the same in both languages (contract)."""
    from ..i18n import Message

    return detail.english() if isinstance(detail, Message) else str(detail)
