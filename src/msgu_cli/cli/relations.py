"""The organisation's side: follow, network, profile."""

from typing import Annotated

import typer

from ..i18n import _
from . import app
from ._shared import console, guarded, open_database, print_json

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
        console().print(f"#{c.id} {c.name}: {c.status}")


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
    out = console()
    if not groups:
        out.print("No relationship recorded yet: msgu follow REF records one.")
        return
    for status, items in groups.items():
        out.print(f"\n[bold]{status}[/] ({len(items)})")
        for r in items:
            out.print(f"  #{r.contact.id} [bold]{r.contact.name}[/]")
            for e in r.history:
                note = f" — {e.note}" if e.note else ""
                out.print(f"      {e.date}  {e.status}{note}")
    from .render import funnel_lines

    out.print()
    for line in funnel_lines(funnel(db)):
        out.print(line)


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
    out = console()
    if not any(data.values()):
        out.print("No profile yet: msgu profile set --name … --kind … --region … --topic …")
        return
    data["accounts"] = [f"{a['platform']}:{a['handle']}" for a in data["accounts"]]
    for key, value in data.items():
        shown = ", ".join(value) if isinstance(value, list) else value
        out.print(f"[dim]{key:>10}[/]  {shown or ''}")


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
        console().print("Profile saved.")
