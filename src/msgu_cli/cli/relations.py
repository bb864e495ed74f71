"""The organisation's side: follow, network, profile."""

from typing import TYPE_CHECKING, Annotated

import typer

from ..i18n import _
from ._help import command_help
from ._shared import JsonOpt, Many, console, guarded, open_database, print_json, say
from .completion import (
    complete_kind,
    complete_language,
    complete_mrc,
    complete_municipality,
    complete_platform,
    complete_region,
    complete_status,
    complete_topic,
)
from .root import app

if TYPE_CHECKING:
    from ..domain.models import Profile

profile_app = typer.Typer(help=command_help(
    _("Your organisation's profile, used by recommend for whatever the command line leaves "
      "out."), "msgu profile show"), no_args_is_help=True)
app.add_typer(profile_app, name="profile")


@app.command("follow", help=command_help(
    _("Record a step in your relationship with contacts; the dated history is kept."),
    'msgu follow @urgencequebec --status met --note "Colloque 2026" --date 2026-06-12'))
@guarded
def follow(
    ctx: typer.Context,
    refs: Annotated[list[str], typer.Argument(
        help=_("Contacts: ids, handles or names."), metavar=_("REF"))],
    status: Annotated[str, typer.Option("--status", autocompletion=complete_status, help=_(
        "following, follows-back, met, collaborating, to-follow or unfollowed."))] = "following",
    note: Annotated[str | None, typer.Option("--note", help=_("What happened."))] = None,
    on: Annotated[str | None, typer.Option("--date", help=_(
        "When (YYYY-MM-DD; default today)."))] = None,
    json_: JsonOpt = False,
) -> None:
    from ..services.relations import follow as record
    from .labels import label

    contacts = record(open_database(ctx), refs, status=status, note=note, on=on)
    if json_:  # each contact's status after this step (an older date may not change it)
        print_json([{"id": c.id, "name": c.name, "status": c.status} for c in contacts])
        return
    for c in contacts:
        say(_("#{id} {name}: {status}").format(id=c.id, name=c.name, status=label(c.status)))


@app.command("network", help=command_help(
    _("Your relationships, grouped by status, each with its dated history, and the funnel."),
    "msgu network"))
@guarded
def network(ctx: typer.Context, json_: JsonOpt = False) -> None:
    from ..services.relations import funnel
    from ..services.relations import network as load

    db = open_database(ctx)
    groups = load(db)
    if json_:
        print_json([{"id": r.contact.id, "name": r.contact.name, "kind": r.contact.kind,
                     "region": r.contact.region, "status": status,
                     "history": [{"status": e.status, "date": e.date, "note": e.note}
                                 for e in r.history]}
                    for status, items in groups.items() for r in items])
        return
    if not groups:
        say(_("No relationship recorded yet: msgu follow REF records one."))
        return
    from .labels import label
    from .render import data, line

    out = console()
    for status, items in groups.items():
        out.print()
        out.print(line((label(status), "bold"), f" ({len(items)})"))
        for r in items:
            out.print(line(f"  #{r.contact.id} ", (r.contact.name, "bold")))
            for e in r.history:
                note = data(f" — {e.note}" if e.note else "", multiline=True)
                out.print(line(f"      {e.date}  {label(e.status)}", note))
    from .render import funnel_lines

    out.print()
    for funnel_line in funnel_lines(funnel(db)):
        out.print(funnel_line)


def _profile_dict(profile) -> dict:
    from dataclasses import asdict

    data = {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(profile).items()}
    data["accounts"] = [{"platform": a.platform, "handle": a.handle, "url": a.url}
                        for a in profile.accounts]
    return data


@profile_app.command("show", help=command_help(_("Show your organisation's profile."),
                                                 "msgu profile show"))
@guarded
def profile_show(ctx: typer.Context, json_: JsonOpt = False) -> None:
    from ..services.relations import get_profile

    profile = get_profile(open_database(ctx))
    data = _profile_dict(profile)
    if json_:
        print_json(data)
        return
    if not any(data.values()):
        say(_("No profile yet: msgu profile set --name … --kind … --region … --topic …"))
        return
    _print_profile(profile)


def _print_profile(profile: "Profile") -> None:
    """One line per field, its name in the interface language, codes shown as their labels."""
    from .labels import kind_label, platform_label
    from .render import line, region_names

    region = profile.region and f"{profile.region} {region_names().get(profile.region, '')}"
    rows = [(_("name"), profile.name), (_("kind"), kind_label(profile.kind)),
            (_("region"), region), (_("mrc"), profile.mrc),
            (_("topics"), ", ".join(profile.topics)),
            (_("languages"), ", ".join(profile.languages)),
            (_("platforms"), ", ".join(map(platform_label, profile.platforms))),
            (_("municipality"), profile.municipality),
            (_("accounts"), ", ".join(f"{a.platform}:{a.handle}" for a in profile.accounts))]
    width = max(len(field) for field, _value in rows)
    out = console()
    for field, value in rows:
        out.print(line((f"{field:>{width}}", "dim"), "  ", value or ""))


@profile_app.command("set", help=command_help(
    _("Set your organisation's profile; fields you leave out are kept."),
    'msgu profile set --name "MRC de Nicolet-Yamaska" --kind mrc --region 17 '
    "--bluesky mrc-ny.bsky.social"))
@guarded
def profile_set(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help=_(
        "Your organisation's name."))] = None,
    kind: Annotated[str | None, typer.Option("--kind", autocompletion=complete_kind, help=_(
        "Its kind (mrc, municipality…)."))] = None,
    region: Annotated[str | None, typer.Option("--region", autocompletion=complete_region,
                                               help=_("Its region."))] = None,
    mrc: Annotated[str | None, typer.Option("--mrc", autocompletion=complete_mrc,
                                            help=_("Its MRC."))] = None,
    municipality: Annotated[str | None, typer.Option(
        "--municipality", autocompletion=complete_municipality, help=_(
        "Its municipality (fills in the MRC and region)."))] = None,
    topic: Annotated[Many, typer.Option("--topic", autocompletion=complete_topic, help=_(
        "Interests (repeatable; replace the stored ones)."))] = None,
    lang: Annotated[Many, typer.Option("--lang", autocompletion=complete_language,
                                       help=_("Languages (repeatable)."))] = None,
    platform: Annotated[Many, typer.Option("--platform", autocompletion=complete_platform, help=_(
        "Platforms you use (repeatable): recommend keeps to them."))] = None,
    account: Annotated[Many, typer.Option("--account", help=_("Your own account, "
                       "PLATFORM:HANDLE (repeatable); sync reads your Bluesky and Mastodon "
                       "ones."))] = None,
    bluesky: Annotated[Many, typer.Option("--bluesky", help=_("Your Bluesky "
                       "handle (repeatable)."))] = None,
    mastodon: Annotated[Many, typer.Option("--mastodon", help=_("Your Mastodon "
                        "address, user@instance (repeatable)."))] = None,
    x: Annotated[Many, typer.Option("--x", help=_("Your X (Twitter) handle (repeatable)."))
                 ] = None,
    facebook: Annotated[Many, typer.Option("--facebook", help=_("Your Facebook "
                        "page (repeatable)."))] = None,
    clear: Annotated[Many, typer.Option("--clear", help=_(
        "Empty a field (repeatable): topics, platforms, accounts, mrc…"))] = None,
    json_: JsonOpt = False,
) -> None:
    from ..services.relations import set_profile

    shortcuts = {"bluesky": bluesky, "mastodon": mastodon, "x": x, "facebook": facebook}
    accounts = [f"{p}:{h}" for p, handles in shortcuts.items() for h in handles or ()] + (
        account or [])
    given = {"name": name, "kind": kind, "region": region, "mrc": mrc,
             "municipality": municipality, "topics": topic, "languages": lang,
             "platforms": platform, "accounts": accounts or None}
    changes = {k: v for k, v in given.items() if v is not None}
    profile = set_profile(open_database(ctx), changes, clear=clear or [])
    if json_:
        print_json(_profile_dict(profile))
    else:
        say(_("Profile saved."))
