"""Overview commands: topics, regions, municipalities, stats."""

from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import _, ngettext
from ._help import command_help
from ._shared import console, guarded, open_database, print_json
from .completion import complete_mrc, complete_region
from .root import app

if TYPE_CHECKING:
    from ..services.maintenance import Stats

JsonOpt = Annotated[bool, typer.Option("--json", help=_(
    "Print JSON on stdout instead of a table."))]


@app.command("topics", help=command_help(
    _("The bilingual topic taxonomy, with how many contacts carry each topic."),
    "msgu topics --json"))
@guarded
def topics(ctx: typer.Context, json_: JsonOpt = False) -> None:
    from ..storage.reference import load_topics, topic_contact_counts

    db = open_database(ctx)
    counts = topic_contact_counts(db)
    items = load_topics(db)
    if json_:
        print_json([{"code": t.code, "label_fr": t.label_fr, "label_en": t.label_en,
                     "synonyms": list(t.synonyms), "parents": list(t.parents),
                     "group": t.group, "contacts": counts.get(t.code, 0)} for t in items])
        return
    from .render import add_row, table

    # A code is what people type: never cut it.
    shown = table(ngettext("{count} topic", "{count} topics", len(items)).format(
        count=len(items)), [
        (_("code"), {"no_wrap": True}), _("French"), _("English"), _("parents"),
        (_("contacts"), {"justify": "right"})])
    for t in items:
        add_row(shown, t.code, t.label_fr, t.label_en, ", ".join(t.parents),
                str(counts.get(t.code, 0)))
    console().print(shown)


@app.command("regions", help=command_help(
    _("Quebec's 17 administrative regions and their MRCs (or equivalent territories)."),
    "msgu regions --json"))
@guarded
def regions(ctx: typer.Context, json_: JsonOpt = False) -> None:
    from ..storage.reference import load_geography

    geo = load_geography(open_database(ctx))
    if json_:
        print_json([{"number": r.number, "name": r.name,
                     "mrcs": [m.name for m in geo.mrcs_of(r.number)]} for r in geo.regions])
        return
    from .render import add_row, table

    shown = table(_("Administrative regions of Quebec"), [
        (_("no"), {"justify": "right"}), (_("region"), {"style": "bold"}),
        _("MRCs and equivalent territories")], show_lines=True)
    for r in geo.regions:
        add_row(shown, r.number, r.name, ", ".join(m.name for m in geo.mrcs_of(r.number)))
    console().print(shown)


@app.command("municipalities", help=command_help(
    _("Quebec's municipalities (Répertoire des municipalités, MAMH), by MRC then name."),
    "msgu municipalities --region 04 --json"))
@guarded
def municipalities(
    ctx: typer.Context,
    region: Annotated[str | None, typer.Option("--region", autocompletion=complete_region, help=_(
        "Only this region (number or name)."))] = None,
    mrc: Annotated[str | None, typer.Option("--mrc", autocompletion=complete_mrc, help=_(
        "Only this MRC or equivalent territory."))] = None,
    json_: JsonOpt = False,
) -> None:
    from ..services.reference import municipalities_in
    from .render import municipalities_table, region_names

    towns = municipalities_in(open_database(ctx), region, mrc)
    names = region_names()
    if json_:
        print_json([{"code": m.code, "name": m.name, "designation": m.designation, "mrc": m.mrc,
                     "region": m.region, "region_name": names.get(m.region),
                     "population": m.population, "website": m.website} for m in towns])
        return
    title = ngettext("{count} municipality", "{count} municipalities", len(towns)).format(
        count=len(towns))
    console().print(municipalities_table(towns, title))


@app.command("stats", help=command_help(
    _("Counts by kind, region, topic, platform and status, what each region has to follow, "
      "and the relationship funnel, drawn as bars."), "msgu stats"))
@guarded
def stats(ctx: typer.Context, json_: JsonOpt = False) -> None:
    from dataclasses import asdict

    from ..services.maintenance import directory_stats

    result = directory_stats(open_database(ctx))
    if json_:
        data = {k: (dict(v) if isinstance(v, list) else v) for k, v in asdict(result).items()
                if k != "funnel"}
        data["funnel"] = [{"stage": s.stage, "reached": s.reached, "went_on": s.went_on,
                           "share": s.share} for s in result.funnel]
        print_json(data)
        return
    _print_stats(result)


def _print_stats(result: "Stats") -> None:
    """The counts, then each breakdown as bars under its title (codes shown as their labels),
    then the funnel."""
    from .labels import kind_label, label, platform_label
    from .render import bar, funnel_lines, line

    out = console()
    out.print(line((_("{contacts}, {accounts}").format(
        contacts=ngettext("{count} contact", "{count} contacts", result.contacts).format(
            count=result.contacts),
        accounts=ngettext("{count} account", "{count} accounts", result.accounts).format(
            count=result.accounts)), "bold")))
    out.print(ngettext(
        "{count} followable contact (an account on a platform other than a website)",
        "{count} followable contacts (an account on a platform other than a website)",
        result.followable).format(count=result.followable))
    for title, counts, shown in (
            (_("by kind"), result.by_kind, kind_label), (_("by region"), result.by_region, str),
            (_("by topic"), result.by_topic[:15], str),
            (_("by platform"), result.by_platform, platform_label),
            (_("by status"), result.by_status, label),
            (_("followable local or regional contacts, by region"), result.followable_by_region,
             str)):
        out.print()
        out.print(line((title, "bold")))
        named = [(shown(key), n) for key, n in counts]
        largest = max((n for _key, n in named), default=0)
        width = max((len(k) for k, _n in named), default=0)
        for key, n in named:
            out.print(line(f"  {key:<{width}} {n:>5} ", (bar(n, largest), "cyan")))
    out.print()
    for funnel_line in funnel_lines(result.funnel):
        out.print(funnel_line)
