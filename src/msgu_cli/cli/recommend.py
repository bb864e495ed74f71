"""`msgu recommend`: ranked, explained contacts to follow."""

from pathlib import Path
from typing import Annotated

import typer

from . import app
from ._shared import console, err_console, fail, guarded, open_database, print_json

Many = list[str] | None


@app.command("recommend")
@guarded
def recommend(
    ctx: typer.Context,
    interests: Annotated[str | None, typer.Argument(help="Your interests in plain words, e.g. "
                         "\"cartographie des zones inondables\".", show_default=False)] = None,
    topic: Annotated[Many, typer.Option("--topic", "-t", help="Topic in French or English "
                     "(repeatable): geolocalisation, floods, VOST…")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Your region (number or name):"
                      " nearer contacts rank first.")] = None,
    mrc: Annotated[str | None, typer.Option("--mrc", help="Your MRC: contacts of the same MRC "
                   "rank first.")] = None,
    kind: Annotated[Many, typer.Option("--kind", help="Only contacts of this kind "
                    "(repeatable).")] = None,
    platform: Annotated[Many, typer.Option("--platform", help="Only contacts with an account on "
                        "this platform (repeatable).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Your language (fr, en).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many.")] = 10,
    include_followed: Annotated[bool, typer.Option("--include-followed", help="Also show "
                                "contacts you already follow.")] = False,
    explain: Annotated[bool, typer.Option("--explain", help="Show the reasons behind each "
                       "score.")] = False,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Also write the list "
                      "to this file.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Format of --output: csv, "
                   "xlsx, mastodon or json (default: from the file name, else csv); without "
                   "--output, the list goes to stdout in that format instead of the table.")
                   ] = None,
) -> None:
    """Which contacts to follow for your interests and territory, ranked and explained.

    Example: msgu recommend --topic geolocalisation --region 17 --explain
    """
    from datetime import date

    from ..services.recommend import RecommendRequest
    from ..services.recommend import recommend as run

    if fmt is not None and output is None and json_:
        raise fail("--json and --format both choose what stdout gets: keep one, or give "
                   "--output FILE for the --format list.")
    db = open_database(ctx)
    request = RecommendRequest(interests, topic or [], region, mrc, kind or [], platform or [],
                               lang, limit, include_followed)
    result = run(db, request, today=date.today())
    if output is not None or fmt is not None:
        _write_output(db, result, output, fmt)
    if output is None and fmt is not None:
        return
    from ..domain.geo import REGIONS

    names = {r.number: r.name for r in REGIONS}
    if json_:
        print_json([_json(r, names) for r in result.recommendations])
        return
    _table(result, names, explain)


def _json(r, region_names: dict[str, str]) -> dict:
    c = r.contact
    return {
        "rank": r.rank, "id": c.id, "name": c.name, "kind": c.kind, "region": c.region,
        "region_name": region_names.get(c.region or ""), "mrc": c.mrc, "scope": c.scope,
        "topics": list(c.topics), "status": c.status,
        "score": r.score,
        "accounts": [{"platform": a.platform, "handle": a.handle, "url": a.url}
                     for a in c.accounts],
        "reasons": [{"signal": x.signal, "detail": x.detail, "points": x.points}
                    for x in r.reasons],
    }


def _write_output(db, result, output: Path | None, fmt: str | None) -> None:
    """The recommendations as a follow list: to `output`, or to stdout when there is none."""
    import sys

    from ..services.recommend import ranked_contacts
    from ..services.transfer import export_contacts, guess_output_format, write_file

    if output is None:
        export_contacts(db, ranked_contacts(result), sys.stdout, fmt or "csv")
        return
    chosen = fmt or guess_output_format(output)
    count = write_file(db, ranked_contacts(result), output, chosen)
    err_console().print(f"Wrote {count} row(s) to {output} ({chosen}).")


def _table(result, names: dict[str, str], explain: bool) -> None:
    from rich.table import Table

    from .render import best_handles

    out = console()
    if not result.recommendations:
        out.print("No contact matches: try other topics, fewer filters, or --include-followed.")
        return
    table = Table(title=_title(result.query, result.text_topics), title_justify="left",
                  show_lines=explain)
    for column, justify in (("#", "right"), ("name", "left"), ("kind", "left"),
                            ("region", "left"), ("accounts", "left"), ("score", "right")):
        table.add_column(column, justify=justify, max_width=40 if column == "name" else None)
    for r in result.recommendations:
        c = r.contact
        name = c.name
        if explain:
            name += "\n" + "\n".join(f"[dim]{x.points:+.2f} {x.signal}: {x.detail}[/]"
                                     for x in r.reasons)
        table.add_row(str(r.rank), name, c.kind, names.get(c.region or "", ""),
                      best_handles(c), f"{r.score:.2f}")
    out.print(table)
    if not explain:
        out.print("[dim]Add --explain to see why; msgu follow REF records that you follow one.[/]")


def _title(query, text_topics) -> str:
    parts = []
    if query.topics:
        parts.append("topics: " + ", ".join(query.topics))
    if query.region:
        parts.append(f"region {query.region}" + (f", MRC {query.mrc}" if query.mrc else ""))
    if query.org_kind:
        parts.append(f"for a {query.org_kind}")
    return "Recommended — " + "; ".join(parts) if parts else "Recommended"
