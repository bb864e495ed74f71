"""`msgu export` and `msgu import`: follow lists and directories out and in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import app
from ._shared import console, err_console, guarded, open_database, print_json

Many = list[str] | None


@app.command("export")
@guarded
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv (Excel), mastodon (follow "
                   "import file) or json.")],
    status: Annotated[Many, typer.Option("--status", help="Relationship status "
                      "(repeatable).")] = None,
    topic: Annotated[Many, typer.Option("--topic", help="Topic (repeatable).")] = None,
    region: Annotated[Many, typer.Option("--region", help="Region (repeatable).")] = None,
    kind: Annotated[Many, typer.Option("--kind", help="Kind (repeatable).")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Only this platform's "
                        "accounts.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write "
                      "(default: stdout).")] = None,
    header: Annotated[bool, typer.Option("--header/--no-header", help="mastodon: --no-header "
                      "writes the bare list of addresses other servers expect.")] = True,
) -> None:
    """Write a follow list or the directory as CSV, Mastodon's import file, or JSON.

    Example: msgu export --status to-follow --format mastodon --output suivre.csv
    """
    import sys

    from ..domain.vocabulary import parse_platform
    from ..services.directory import list_contacts, parse_filters
    from ..services.reference import load_reference
    from ..services.transfer import export_contacts, write_file

    db = open_database(ctx)
    filters = parse_filters(db, {"statuses": status or [], "topics": topic or [],
                                 "regions": region or [], "kinds": kind or [],
                                 "platforms": [platform] if platform else []})
    contacts = list_contacts(db, filters)
    chosen = parse_platform(platform) if platform else None
    if output is None:
        export_contacts(contacts, sys.stdout, fmt, load_reference(db), platform=chosen,
                        header=header)
        return
    count = write_file(db, contacts, output, fmt, platform=chosen, header=header)
    err_console().print(f"Wrote {count} row(s) to {output}.")


@app.command("import")
@guarded
def import_(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A file (CSV, Mastodon list, JSON) or an "
                      "https:// URL.")],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help="csv, mastodon or json "
                   "(default: detected).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; write "
                       "nothing.")] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Import the valid rows "
                            "and list the others.")] = False,
    on_duplicate: Annotated[str, typer.Option("--on-duplicate", help="skip, update or "
                            "error.")] = "skip",
    json_: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Add contacts from a file or URL, all or nothing (unless --skip-invalid).

    Example: msgu import contacts.csv --dry-run
    """
    from ..services.transfer import import_source

    db = open_database(ctx)
    with _progress() as advance:
        report = import_source(db, source, fmt=fmt, on_duplicate=on_duplicate,
                               skip_invalid=skip_invalid, dry_run=dry_run, progress=advance)
    if json_:
        from dataclasses import asdict

        print_json(asdict(report))
        return
    _print_report(report)


def _progress():
    """A progress bar on stderr for large files, silent for small ones and in pipes."""
    from contextlib import contextmanager

    @contextmanager
    def bar():
        state: dict = {}

        def advance(done: int, total: int) -> None:
            if total < 2000:
                return
            if "progress" not in state:
                from rich.progress import Progress

                state["progress"] = Progress(console=err_console(), transient=True)
                state["progress"].start()
                state["task"] = state["progress"].add_task("Importing", total=total)
            state["progress"].update(state["task"], completed=done)

        try:
            yield advance
        finally:
            if "progress" in state:
                state["progress"].stop()

    return bar()


def _print_report(report) -> None:
    out = console()
    verb = "Would add" if report.dry_run else "Added"
    out.print(f"{verb} {len(report.added)}, "
              f"{'would update' if report.dry_run else 'updated'} {len(report.updated)}, "
              f"skipped {len(report.skipped)} of {report.rows} row(s) ({report.format}).")
    if report.rows == 0:
        out.print("The file has a header but no rows: nothing to import.")
    for _, name in report.added[:50] if report.dry_run else []:
        out.print(f"  + {name}")
    for line, reason in report.skipped:
        out.print(f"  line {line}: skipped, {reason}")
    if report.created_topics:
        out.print(f"New topics created: {', '.join(report.created_topics)}")
    if report.ignored_columns:
        out.print(f"Columns ignored: {', '.join(report.ignored_columns)}")
    if report.dry_run:
        out.print("Dry run: nothing was written.")
