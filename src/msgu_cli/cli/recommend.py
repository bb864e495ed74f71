"""`msgu recommend`: ranked, explained contacts to follow."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import _, ngettext
from ._help import command_help
from ._shared import Many, console, fail, guarded, open_database, print_json, say
from .completion import (
    complete_format,
    complete_kind,
    complete_language,
    complete_mrc,
    complete_municipality,
    complete_platform,
    complete_region,
    complete_topic,
)
from .root import app

if TYPE_CHECKING:
    from rich.table import Table

MAX_RESULTS = 1000  # more is no recommendation: it is the directory (msgu list)


@app.command("recommend", help=command_help(
    _("Which contacts to follow for your interests and territory, ranked and explained."),
    "msgu recommend --topic geolocalisation --region 17 --explain"))
@guarded
def recommend(
    ctx: typer.Context,
    interests: Annotated[str | None, typer.Argument(help=_(
        "Your interests in plain words, e.g. \"cartographie des zones inondables\"."),
        show_default=False, metavar=_("INTERESTS"))] = None,
    topic: Annotated[Many, typer.Option("--topic", "-t", autocompletion=complete_topic, help=_(
        "Topic in French or English (repeatable): geolocalisation, floods, VOST…"))] = None,
    region: Annotated[str | None, typer.Option("--region", autocompletion=complete_region, help=_(
        "Your region (number or name): nearer contacts rank first."))] = None,
    mrc: Annotated[str | None, typer.Option("--mrc", autocompletion=complete_mrc, help=_(
        "Your MRC: contacts of the same MRC rank first."))] = None,
    municipality: Annotated[str | None, typer.Option(
        "--municipality", autocompletion=complete_municipality, help=_(
        "Your municipality: ranks like --mrc, from its MRC and region."))] = None,
    kind: Annotated[Many, typer.Option("--kind", autocompletion=complete_kind, help=_(
        "Only contacts of this kind (repeatable)."))] = None,
    platform: Annotated[Many, typer.Option("--platform", autocompletion=complete_platform, help=_(
        "Only contacts with an account on this platform (repeatable)."))] = None,
    lang: Annotated[str | None, typer.Option("--lang", autocompletion=complete_language, help=_(
        "Your language (fr, en); default: the profile's, else French and English."))] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=MAX_RESULTS,
                                       help=_("How many."))] = 10,
    include_followed: Annotated[bool, typer.Option("--include-followed", help=_(
        "Also show contacts you already follow."))] = False,
    include_websites: Annotated[bool, typer.Option("--include-websites", help=_(
        "Also rank website-only contacts (references: nothing to follow)."))] = False,
    explain: Annotated[bool, typer.Option("--explain", help=_(
        "Show the points behind each score."))] = False,
    json_: Annotated[bool, typer.Option("--json", help=_("Print JSON on stdout."))] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help=_(
        "Also write the list to this file."))] = None,
    fmt: Annotated[str | None, typer.Option("--format", autocompletion=complete_format, help=_(
        "Format of --output: csv, xlsx, mastodon or json (default: from the file name, else csv); "
        "without --output, the list goes to stdout in that format instead of the table."))
        ] = None,
) -> None:
    from datetime import date

    from ..services.recommend import RecommendRequest
    from ..services.recommend import recommend as run

    if fmt is not None and output is None and json_:
        raise fail(_("--json and --format both choose what stdout gets: keep one, or give "
                     "--output FILE for the --format list."))
    db = open_database(ctx)
    request = RecommendRequest(interests, topic or [], region, mrc, kind or [], platform or [],
                               lang, limit, include_followed, include_websites,
                               municipality=municipality)
    result = run(db, request, today=date.today())
    if output is not None or fmt is not None:
        _write_output(db, result, output, fmt)
    if output is None and fmt is not None:
        return
    if json_:
        from .render import region_names

        print_json([_json(r, region_names()) for r in result.recommendations])
        return
    _print_table(result, explain)


def _json(r, region_names: dict[str, str]) -> dict:
    c = r.contact

    def account(a) -> dict:
        return {"platform": a.platform, "handle": a.handle, "url": a.url}

    return {
        "rank": r.rank, "id": c.id, "name": c.name, "kind": c.kind, "region": c.region,
        "region_name": region_names.get(c.region or ""), "mrc": c.mrc, "scope": c.scope,
        "topics": list(c.topics), "status": c.status,
        "score": r.score,
        "accounts": [account(a) for a in c.accounts],
        "followable": r.followable,
        "follow": account(r.follow) if r.follow is not None else None,
        "reasons": [{"signal": x.signal, "detail": x.detail, "points": x.points}
                    for x in r.reasons],
        "verified": _verified(r),
    }


def _verified(r) -> bool:
    """Whether the account to follow is verified (references have nothing to follow)."""
    return r.follow is not None and r.follow.verified


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
    say(ngettext("Wrote {count} row to {path} ({format}).",
                 "Wrote {count} rows to {path} ({format}).", count).format(
        count=count, path=output, format=chosen), err=True)


def _print_table(result, explain: bool) -> None:
    """The ranked rows with their plain reason and the account to follow, then the references
    to consult and a word when few Quebec contacts are left."""
    from ..services.recommend import few_quebec_contacts
    from .render import line

    out = console()
    if result.recommendations:
        out.print(_table(result, explain))
    else:
        say(_("No contact matches: try other topics, fewer filters, or --include-followed."))
    if result.references:  # one per line, unwrapped: a URL cut in two cannot be opened
        out.print(line(_("See also (websites, nothing to follow):")))
        for r in result.references:
            out.print(line("  ", r.contact.name, " (", (_website(r.contact), "cyan"), ")"),
                      soft_wrap=True)
    if few_quebec_contacts(result):
        out.print(line((_few_quebec(result), "yellow")))
    if result.recommendations and not explain:
        out.print(line((_("Add --explain to see the points; msgu follow REF records that you "
                          "follow one."), "dim")))


def _table(result, explain: bool) -> "Table":
    from .labels import label, number
    from .render import add_row, data, marked_handle, short_handle, table

    # The plain reason goes under the name (and the points under it, with --explain): the
    # account to follow keeps the room to be shown whole, and no word is cut at 80 columns.
    shown = table(_title(result), [
        ("#", {"justify": "right"}),
        (_("name — why"), {"max_width": 70 if explain else 44}),
        (_("follow"), {"max_width": 26} if explain else {"no_wrap": True}),
        (_("score"), {"justify": "right"})], show_lines=explain)
    for r in result.recommendations:
        name = data(r.contact.name, "bold")
        if r.why:
            name.append("\n")
            name.append_text(data(r.why, "italic"))
        for x in r.reasons if explain else ():
            name.append("\n")
            name.append_text(data(_("{points} {signal}: {detail}").format(
                points=number(x.points, "+.2f"), signal=label(x.signal), detail=x.detail),
                "dim"))
        follow = (data(short_handle(r.follow.platform, marked_handle(r.follow))) if r.follow
                  else data(_("website: {url}").format(url=_website(r.contact)), "dim"))
        add_row(shown, str(r.rank), name, follow, number(r.score, ".2f"))
    return shown


def _website(contact) -> str:
    return next((a.url or a.handle for a in contact.accounts if a.platform == "website"), "")


def _few_quebec(result) -> str:
    """One line: few or no Quebec contacts are left, and why (the filters, or the interests)."""
    count, total = result.quebec_count, len(result.recommendations)
    filtered = bool(result.query.platforms or result.query.kinds)
    if count == 0:
        return (_("None of these contacts is in Quebec: the --platform or --kind filters leave "
                  "only sources from elsewhere.") if filtered
                else _("None of these contacts is in Quebec: no Quebec source of the directory "
                       "matches these interests."))
    return (_("Only {count} of these {total} contacts are in Quebec: the --platform or --kind "
              "filters leave few Quebec sources.") if filtered
            else _("Only {count} of these {total} contacts are in Quebec: few Quebec sources of "
                   "the directory match these interests.")).format(count=count, total=total)


def _title(result) -> str:
    from ..domain.affinity import kind_word
    from ..domain.plain_reasons import joined

    query = result.query
    parts = []
    if query.topics:
        parts.append(_("topics: {topics}").format(topics=", ".join(result.topic_labels)))
    region = result.region_name or query.region
    if query.region and query.mrc:
        parts.append(_("region {region}, MRC {mrc}").format(region=region, mrc=query.mrc))
    elif query.region:
        parts.append(_("region {region}").format(region=region))
    if query.org_kind:
        parts.append(_("for: {kind}").format(kind=kind_word(query.org_kind)))
    if not parts:
        return _("Recommended")
    return _("Recommended — {query}").format(query=joined(parts))
