"""`msgu export` and `msgu import`: follow lists and directories out and in."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..domain.text import escaped
from ..i18n import _
from . import app
from ._shared import guarded, open_database, print_json, progress_bar, stage_label

if TYPE_CHECKING:
    from ..domain.packs import PackInfo
    from ..services.import_plan import ImportReport, RowOutcome

Many = list[str] | None
_BAR_FROM_ROWS = 2000  # below this an import is too quick for a bar to help
_LISTED = 50  # rows listed per outcome in the human report (--json lists all)


@app.command("export")
@guarded
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", help=_(
        "csv (Excel), xlsx (an Excel workbook: needs --output), mastodon (follow import file), "
        "json, or pack (a shared directory that others subscribe to)."))],
    status: Annotated[Many, typer.Option("--status", help="Relationship status "
                      "(repeatable).")] = None,
    topic: Annotated[Many, typer.Option("--topic", help="Topic (repeatable).")] = None,
    region: Annotated[Many, typer.Option("--region", help="Region (repeatable).")] = None,
    kind: Annotated[Many, typer.Option("--kind", help="Kind (repeatable).")] = None,
    platform: Annotated[str | None, typer.Option("--platform", help="Only this platform's "
                        "accounts.")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write "
                      "(default, or -: stdout).")] = None,
    header: Annotated[bool, typer.Option("--header/--no-header", help="mastodon: --no-header "
                      "writes the bare list of addresses other servers expect.")] = True,
    name: Annotated[str | None, typer.Option("--name", help=_(
        "pack: its name (default: the output file's name)."))] = None,
    description: Annotated[str | None, typer.Option("--description", help=_(
        "pack: what it holds, for whom."))] = None,
    maintainer: Annotated[str | None, typer.Option("--maintainer", help=_(
        "pack: who keeps it up to date (default: your profile's name)."))] = None,
    delimiter: Annotated[str | None, typer.Option("--delimiter", "-d", help=_(
        "csv: the separator, ',' (default), ';' (what a French-Canadian Excel opens by a "
        "double-click) or a tab (\\t)."))] = None,
) -> None:
    """Write a follow list or the directory as CSV, Excel, Mastodon's import file, JSON or a
    pack.

    Example: msgu export --status to-follow --format mastodon --output suivre.csv
    """
    from ..services.transfer import export_directory

    if output is not None and str(output) == "-":  # the Unix spelling of stdout
        output = None
    db = open_database(ctx)
    filters = {"statuses": status or [], "topics": topic or [], "regions": region or [],
               "kinds": kind or []}
    count = export_directory(db, filters, fmt, sys.stdout, output=output, platform=platform,
                             header=header, delimiter=delimiter,
                             pack=_pack_info(name, description, maintainer))
    if output is not None:
        sys.stderr.write(escaped(_("Wrote {count} row(s) to {path}.").format(
            count=count, path=output)) + "\n")


def _pack_info(name: str | None, description: str | None,
               maintainer: str | None) -> "PackInfo | None":
    """What --name, --description and --maintainer say of a pack (None when none is given)."""
    if name is None and description is None and maintainer is None:
        return None
    from ..domain.packs import PackInfo

    return PackInfo(name or "", description, maintainer)


@app.command("import")
@guarded
def import_(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help=_(
        "A file (CSV, Excel .xlsx, Mastodon list, JSON, pack), an https:// URL, or a community "
        "list: a Bluesky starter pack or list, a Mastodon account's featured accounts "
        "(https://INSTANCE/@user/featured), a Trunk list (…/trunk/api/v1/list/NAME)."))],
    fmt: Annotated[str | None, typer.Option("--format", "-f", help=_(
        "csv, xlsx, mastodon, json or pack (default: detected; community lists are recognised "
        "by their address)."))] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help=_(
        "xlsx: the sheet to read (default: the first)."))] = None,
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
    with _progress_bar() as tick:
        report = import_source(db, source, fmt=fmt, sheet=sheet, on_duplicate=on_duplicate,
                               skip_invalid=skip_invalid, dry_run=dry_run, progress=tick)
    if json_:
        from dataclasses import asdict

        print_json(asdict(report))
        return
    _print_report(report)


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr once a file has many rows; nothing for small ones."""
    state: dict[str, Any] = {}

    def tick(stage: str, done: int, total: int) -> None:
        if total < _BAR_FROM_ROWS:
            return
        if "bar" not in state:
            state["bar"] = progress_bar()
            state["bar"].start()
            state["task"] = state["bar"].add_task(stage_label(stage), total=total)
        state["bar"].update(state["task"], description=stage_label(stage), completed=done,
                            total=total)

    try:
        yield tick
    finally:
        if "bar" in state:
            state["bar"].stop()


def _print_report(report: "ImportReport") -> None:
    """The summary, then the rows by outcome; every invalid row is listed, other lists capped."""
    dry = report.dry_run
    lines = [
        f"{'Would add' if dry else 'Added'} {len(report.added)}, "
        f"{'would update' if dry else 'updated'} {len(report.updated)}, "
        f"skipped {len(report.skipped)} already in the directory"
        + (f", {len(report.invalid)} invalid" if report.invalid else "")
        + f" — {report.rows} row(s) read ({report.format})."
    ]
    from ..formats.records import row_unit

    where = row_unit(report.format)
    if report.rows == 0:
        lines.append("The file lists no contacts: nothing to import." if where == "item" else
                     "The file has a header but no rows: nothing to import.")
    if dry:
        lines += _listed("Would add:", report.added, where, "+")
        lines += _listed("Would update:", report.updated, where, "~")
    lines += _listed("Skipped, already in the directory:", report.skipped, where, "=")
    lines += _listed("Invalid rows skipped:", report.invalid, where, "!", cap=None)
    if report.created_topics:
        verb = "that would be created" if dry else "created"
        lines.append(f"New topics {verb}: {', '.join(report.created_topics)}")
    if report.ignored_columns:
        lines.append(f"Columns ignored: {', '.join(report.ignored_columns)}")
    if dry:
        lines.append("Dry run: nothing was written.")
    # Names and reasons come from the file: each line is printed literally, one line.
    sys.stdout.write("\n".join(escaped(text) for text in lines) + "\n")


def _listed(title: str, outcomes: "list[RowOutcome]", where: str, mark: str,
            cap: int | None = _LISTED) -> list[str]:
    if not outcomes:
        return []
    shown = outcomes if cap is None else outcomes[:cap]
    lines = [title]
    for outcome in shown:
        detail = ": ".join(str(part) for part in (outcome.name, outcome.reason) if part)
        lines.append(f"  {mark} {where} {outcome.line}: {detail}")
    if len(outcomes) > len(shown):
        lines.append(f"  … and {len(outcomes) - len(shown)} more (--json lists them all)")
    return lines
