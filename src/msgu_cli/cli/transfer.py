"""`msgu export` and `msgu import`: follow lists and directories out and in."""

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from ..domain.text import escaped, shown
from ..i18n import _, english, ngettext
from ._help import command_help
from ._shared import guarded, open_database, print_json, progress_bar, stage_label
from .completion import (
    complete_format,
    complete_on_duplicate,
    complete_platform,
)
from .filters import KindFilter, MrcFilter, RegionFilter, StatusFilter, TopicOpt, directory_filters
from .root import app

if TYPE_CHECKING:
    from ..domain.packs import PackInfo
    from ..services.import_plan import ImportReport, RowOutcome

_BAR_FROM_ROWS = 2000  # below this an import is too quick for a bar to help
_LISTED = 50  # rows listed per outcome in the human report (--json lists all)


@app.command("export", help=command_help(
    _("Write a follow list or the directory as CSV, Excel, Mastodon's import file, JSON or a "
      "pack."), "msgu export --status to-follow --format mastodon --output suivre.csv"))
@guarded
def export(
    ctx: typer.Context,
    fmt: Annotated[str, typer.Option("--format", "-f", autocompletion=complete_format, help=_(
        "csv (Excel), xlsx (an Excel workbook: needs --output), mastodon (follow import file), "
        "json, or pack (a shared directory that others subscribe to)."))],
    status: StatusFilter = None,
    topic: TopicOpt = None,
    region: RegionFilter = None,
    mrc: MrcFilter = None,
    kind: KindFilter = None,
    platform: Annotated[str | None, typer.Option(
        "--platform", autocompletion=complete_platform, help=_(
        "Only this platform's accounts."))] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=_(
        "File to write (default, or -: stdout)."))] = None,
    header: Annotated[bool, typer.Option("--header/--no-header", help=_(
        "mastodon: --no-header writes the bare list of addresses other servers "
        "expect."))] = True,
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
    from ..services.transfer import export_directory

    if output is not None and str(output) == "-":  # the Unix spelling of stdout
        output = None
    db = open_database(ctx)
    filters = directory_filters(kind, region, mrc, topic, status)
    count = export_directory(db, filters, fmt, sys.stdout, output=output, platform=platform,
                             header=header, delimiter=delimiter,
                             pack=_pack_info(name, description, maintainer))
    if output is not None:
        sys.stderr.write(escaped(ngettext("Wrote {count} row to {path}.",
                                          "Wrote {count} rows to {path}.", count).format(
            count=count, path=output)) + "\n")


def _pack_info(name: str | None, description: str | None,
               maintainer: str | None) -> "PackInfo | None":
    """What --name, --description and --maintainer say of a pack (None when none is given)."""
    if name is None and description is None and maintainer is None:
        return None
    from ..domain.packs import PackInfo

    return PackInfo(name or "", description, maintainer)


@app.command("import", help=command_help(
    _("Add contacts from a file or URL, all or nothing (unless --skip-invalid)."),
    "msgu import contacts.csv --dry-run"))
@guarded
def import_(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help=_(
        "A file (CSV, Excel .xlsx, Mastodon list, JSON, pack), an https:// URL, or a community "
        "list: a Bluesky starter pack or list, a Mastodon account's featured accounts "
        "(https://INSTANCE/@user/featured), a Trunk list (…/trunk/api/v1/list/NAME)."),
        metavar=_("SOURCE"))],
    fmt: Annotated[str | None, typer.Option("--format", "-f", autocompletion=complete_format,
                                            help=_(
        "csv, xlsx, mastodon, json or pack (default: detected; community lists are recognised "
        "by their address)."))] = None,
    sheet: Annotated[str | None, typer.Option("--sheet", help=_(
        "xlsx: the sheet to read (default: the first)."))] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_(
        "Report what would change; write nothing."))] = False,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help=_(
        "Import the valid rows and list the others."))] = False,
    on_duplicate: Annotated[str, typer.Option(
        "--on-duplicate", autocompletion=complete_on_duplicate, help=_(
        "What to do with a contact already in the directory: skip, update or error."))
        ] = "skip",
    json_: Annotated[bool, typer.Option("--json", help=_("Print the report as JSON."))] = False,
) -> None:
    from ..services.transfer import import_source

    db = open_database(ctx)
    with _progress_bar() as tick:
        report = import_source(db, source, fmt=fmt, sheet=sheet, on_duplicate=on_duplicate,
                               skip_invalid=skip_invalid, dry_run=dry_run, progress=tick)
    if json_:
        print_json(_report_json(report))
        return
    _print_report(report)


def _report_json(report: "ImportReport") -> dict:
    """The whole report, its fields in order; a reason for people is in English (contract:
    the same JSON in both languages)."""
    from dataclasses import asdict, fields

    data = {f.name: getattr(report, f.name) for f in fields(report)}
    for group in ("added", "updated", "skipped", "invalid"):
        data[group] = [{**asdict(row), "reason": english(row.reason)} for row in data[group]]
    return data


@contextmanager
def _progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr once a file has many rows; nothing for small ones."""
    state: dict[str, Any] = {}

    def tick(stage: str, done: int, total: int) -> None:
        if total < _BAR_FROM_ROWS:
            return
        if "bar" not in state:
            state["bar"] = progress_bar(threaded=False)
            state["bar"].start()
            state["task"] = state["bar"].add_task(stage_label(stage), total=total)
        state["bar"].update(state["task"], description=stage_label(stage), completed=done,
                            total=total, refresh=True)

    try:
        yield tick
    finally:
        if "bar" in state:
            state["bar"].stop()


def _print_report(report: "ImportReport") -> None:
    """The summary, then the rows by outcome; every invalid row is listed, other lists capped."""
    from ..formats.records import row_unit

    dry = report.dry_run
    where = row_unit(report.format)
    lines = [_summary(report)]
    if report.rows == 0:
        lines.append(_("The file lists no contacts: nothing to import.") if where == "item" else
                     _("The file has a header but no rows: nothing to import."))
    if dry:
        lines += _listed(_("Would add:"), report.added, where, "+")
        lines += _listed(_("Would update:"), report.updated, where, "~")
    lines += _listed(_("Skipped, already in the directory:"), report.skipped, where, "=")
    lines += _listed(_("Invalid rows skipped:"), report.invalid, where, "!", cap=None)
    if report.created_topics:
        lines.append((_("New topics that would be created: {topics}") if dry else
                      _("New topics created: {topics}")).format(
            topics=_named(report.created_topics)))
    if report.ignored_columns:
        lines.append(_("Columns ignored: {columns}").format(
            columns=_named(report.ignored_columns)))
    if dry:
        lines.append(_("Dry run: nothing was written."))
    # Names and reasons come from the file: each line is printed literally, one line.
    sys.stdout.write("\n".join(escaped(text) for text in lines) + "\n")


_NAMED_CAP = 20  # a header of 200,000 made-up columns stays a readable line


def _named(names: list[str]) -> str:
    """Column or topic names from the file, each quoted short, at most _NAMED_CAP of them."""
    listed = ", ".join(shown(name, 40) for name in names[:_NAMED_CAP])
    more = len(names) - _NAMED_CAP
    if more <= 0:
        return listed
    return listed + ngettext(" (and {count} more)", " (and {count} more)", more).format(count=more)


def _summary(report: "ImportReport") -> str:
    """`Added 2, updated 0, skipped 1 already in the directory — 3 rows read (csv).`"""
    added, updated = len(report.added), len(report.updated)
    outcomes = [(_("Would add {count}") if report.dry_run else _("Added {count}")).format(
                    count=added),
                (_("would update {count}") if report.dry_run else _("updated {count}")).format(
                    count=updated),
                _("skipped {count} already in the directory").format(count=len(report.skipped))]
    if report.invalid:
        outcomes.append(_("{count} invalid").format(count=len(report.invalid)))
    return _("{outcomes} — {rows} ({format}).").format(
        outcomes=", ".join(outcomes), format=report.format,
        rows=ngettext("{count} row read", "{count} rows read", report.rows).format(
            count=report.rows))


def _listed(title: str, outcomes: "list[RowOutcome]", where: str, mark: str,
            cap: int | None = _LISTED) -> list[str]:
    from ..services.import_plan import place

    if not outcomes:
        return []
    shown = outcomes if cap is None else outcomes[:cap]
    lines = [title]
    for outcome in shown:
        name, reason = outcome.name, outcome.reason
        detail = (_("{name}: {reason}").format(name=name, reason=reason) if name and reason
                  else str(name or reason or ""))
        lines.append(f"  {mark} " + _("{row}: {detail}").format(
            row=place(where, outcome.line), detail=detail))
    if len(outcomes) > len(shown):
        lines.append("  " + _("… and {count} more (--json lists them all)").format(
            count=len(outcomes) - len(shown)))
    return lines
