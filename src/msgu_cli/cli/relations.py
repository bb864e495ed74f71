"""The organisation's side: follow, network, profile."""

from typing import Annotated

import typer

from ..i18n import _
from . import app
from ._shared import console, guarded, open_database, print_json, say

Many = list[str] | None
profile_app = typer.Typer(help="Your organisation's profile, used by recommend for whatever "
                          "the command line leaves out.", no_args_is_help=True)
app.add_typer(profile_app, name="profile")


@app.command("follow")
@guarded
def follow(
    ctx: typer.Context,
    refs: Annotated[list[str], typer.Argument(help="Contacts: ids, handles or names.")],
    status: Annotated[str, typer.Option("--status", help="following, follows-back, met, "
                      "collaborating, to-follow or unfollowed.")] = "following",
    note: Annotated[str | None, typer.Option("--note", help="What happened.")] = None,
    on: Annotated[str | None, typer.Option("--date", help="When (YYYY-MM-DD; default "
                  "today).")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Record a step in your relationship with contacts; the dated history is kept.

    Example: msgu follow @urgencequebec --status met --note "Colloque 2026" --date 2026-06-12
    """
    from ..services.relations import follow as record

    contacts = record(open_database(ctx), refs, status=status, note=note, on=on)
    if json_:  # each contact's status after this step (an older date may not change it)
        print_json([{"id": c.id, "name": c.name, "status": c.status} for c in contacts])
        return
    for c in contacts:
        say(_("#{id} {name}: {status}").format(id=c.id, name=c.name, status=c.status))


@app.command("network")
@guarded
def network(ctx: typer.Context, json_: Annotated[bool, typer.Option("--json",
            help="Print JSON on stdout.")] = False) -> None:
    """Your relationships, grouped by status, each with its dated history, and the funnel.

    Example: msgu network
    """
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
    from .render import data, line

    out = console()
    for status, items in groups.items():
        out.print()
        out.print(line((status, "bold"), f" ({len(items)})"))
        for r in items:
            out.print(line(f"  #{r.contact.id} ", (r.contact.name, "bold")))
            for e in r.history:
                note = data(f" — {e.note}" if e.note else "", multiline=True)
                out.print(line(f"      {e.date}  {e.status}", note))
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


@profile_app.command("show")
@guarded
def profile_show(ctx: typer.Context, json_: Annotated[bool, typer.Option("--json",
                 help="Print JSON on stdout.")] = False) -> None:
    """Show your organisation's profile.

    Example: msgu profile show
    """
    from ..services.relations import get_profile

    data = _profile_dict(get_profile(open_database(ctx)))
    if json_:
        print_json(data)
        return
    if not any(data.values()):
        say(_("No profile yet: msgu profile set --name … --kind … --region … --topic …"))
        return
    data["accounts"] = [f"{a['platform']}:{a['handle']}" for a in data["accounts"]]
    from .render import line

    out = console()
    for key, value in data.items():
        text = ", ".join(value) if isinstance(value, list) else value
        out.print(line((f"{key:>10}", "dim"), "  ", text or ""))


@profile_app.command("set")
@guarded
def profile_set(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Option("--name", help="Your organisation's name.")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Its kind (mrc, "
                    "municipality…).")] = None,
    region: Annotated[str | None, typer.Option("--region", help="Its region.")] = None,
    mrc: Annotated[str | None, typer.Option("--mrc", help="Its MRC.")] = None,
    municipality: Annotated[str | None, typer.Option("--municipality", help=_(
        "Its municipality (fills in the MRC and region)."))] = None,
    topic: Annotated[Many, typer.Option("--topic", help="Interests (repeatable; replace "
                     "the stored ones).")] = None,
    lang: Annotated[Many, typer.Option("--lang", help="Languages (repeatable).")] = None,
    platform: Annotated[Many, typer.Option("--platform", help="Platforms you use (repeatable):"
                        " recommend keeps to them.")] = None,
    account: Annotated[Many, typer.Option("--account", help=_("Your own account, "
                       "PLATFORM:HANDLE (repeatable); sync reads your Bluesky and Mastodon "
                       "ones."))] = None,
    bluesky: Annotated[str | None, typer.Option("--bluesky", help=_("Your Bluesky "
                       "handle."))] = None,
    mastodon: Annotated[str | None, typer.Option("--mastodon", help=_("Your Mastodon "
                        "address, user@instance."))] = None,
    x: Annotated[str | None, typer.Option("--x", help=_("Your X (Twitter) handle."))] = None,
    facebook: Annotated[str | None, typer.Option("--facebook", help=_("Your Facebook "
                        "page."))] = None,
    clear: Annotated[Many, typer.Option("--clear", help="Empty a field (repeatable): "
                     "topics, platforms, accounts, mrc…")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")] = False,
) -> None:
    """Set your organisation's profile; fields you leave out are kept.

    Example: msgu profile set --name "MRC de Nicolet-Yamaska" --kind mrc --region 17
    --bluesky mrc-ny.bsky.social
    """
    from ..services.relations import set_profile

    shortcuts = {"bluesky": bluesky, "mastodon": mastodon, "x": x, "facebook": facebook}
    accounts = [f"{p}:{h}" for p, h in shortcuts.items() if h is not None] + (account or [])
    given = {"name": name, "kind": kind, "region": region, "mrc": mrc,
             "municipality": municipality, "topics": topic, "languages": lang,
             "platforms": platform, "accounts": accounts or None}
    changes = {k: v for k, v in given.items() if v is not None}
    profile = set_profile(open_database(ctx), changes, clear=clear or [])
    if json_:
        print_json(_profile_dict(profile))
    else:
        say(_("Profile saved."))
