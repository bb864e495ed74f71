"""Directory commands: add, show, list, search, edit, remove."""

from typing import Annotated

import typer

from ..domain.text import shown
from ..i18n import _
from . import app
from ._shared import console, guarded, open_database, print_json, say
from ._typer_messages import confirm

Many = list[str] | None
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on stdout instead of a table.")]
KindOpt = Annotated[str | None, typer.Option("--kind", help="Kind: municipality, mrc, police, "
                    "fire, health, ngo, weather… (French words work: municipalité, ONG, météo).")]
RegionOpt = Annotated[str | None, typer.Option("--region", help="Region number or name "
                      "(04, Mauricie, saguenay-lac-saint-jean).")]
MrcOpt = Annotated[str | None, typer.Option("--mrc", help="MRC or equivalent territory.")]
MunicipalityOpt = Annotated[str | None, typer.Option("--municipality", help=_(
    "Municipality of the Répertoire des municipalités, accents and hyphens optional "
    "(fills in the MRC and region)."))]
TopicOpt = Annotated[Many, typer.Option("--topic", help="Topic, in French or English "
                     "(repeatable): geolocalisation, inondations, VOST…")]
# The largest --limit that means anything (SQLite takes 64-bit numbers; a directory is far
# smaller): a larger one is a usage error, never an overflow.
MAX_LIMIT = 1_000_000
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, max=MAX_LIMIT,
                     help="At most this many.")]


def _fields(**values) -> dict:
    """Options given on the command line, under the canonical field names."""
    return {k: v for k, v in values.items() if v not in (None, [], ())}


@app.command("add")
@guarded
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The contact's name.")],
    kind: KindOpt = None,
    region: RegionOpt = None,
    mrc: MrcOpt = None,
    municipality: MunicipalityOpt = None,
    scope: Annotated[str | None, typer.Option(help="local, regional, provincial, national or "
                     "international.")] = None,
    lang: Annotated[Many, typer.Option("--lang", help="Language it publishes in "
                    "(repeatable).")] = None,
    topic: TopicOpt = None,
    account: Annotated[Many, typer.Option("--account", help="PLATFORM:HANDLE, e.g. "
                       "x:@SPVM or mastodon:@user@instance (repeatable).")] = None,
    x: Annotated[Many, typer.Option("--x", help="X (Twitter) handle or URL.")] = None,
    bluesky: Annotated[Many, typer.Option("--bluesky", help="Bluesky handle.")] = None,
    mastodon: Annotated[Many, typer.Option("--mastodon", help="Mastodon user@instance.")] = None,
    facebook: Annotated[Many, typer.Option("--facebook", help="Facebook page or URL.")] = None,
    website: Annotated[Many, typer.Option("--website", help="Web site URL.")] = None,
    description: Annotated[str | None, typer.Option(help="Who they are, why follow.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Your own notes.")] = None,
    source: Annotated[str | None, typer.Option(help="Where this information comes from.")] = None,
    status: Annotated[str | None, typer.Option(help="Your relationship: to-follow, "
                      "following…")] = None,
    new_topic: Annotated[bool, typer.Option("--new-topic", help="Create unknown topics "
                         "instead of refusing them.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Record a contact and its accounts.

    Example: msgu add "MRC de Nicolet-Yamaska" --kind mrc --region 17 --topic inondations --x @mrcny
    """
    from ..services.directory import add_contact

    fields = _fields(name=name, kind=kind, region=region, mrc=mrc, municipality=municipality,
                     scope=scope, languages=lang, topics=topic, x=x, bluesky=bluesky,
                     mastodon=mastodon, facebook=facebook, website=website,
                     description=description, notes=note, source=source, status=status)
    fields["name"] = name
    db = open_database(ctx)
    contact = add_contact(db, fields, account or [], create_topics=new_topic)
    if json_:
        print_json(_contact_json(contact))
    else:
        say(_("Added #{id} {name} ({accounts} account(s), {topics} topic(s)).").format(
            id=contact.id, name=contact.name, accounts=len(contact.accounts),
            topics=len(contact.topics)))


def _contact_json(contact, history=None, packs=None) -> dict:
    from ..formats.json_records import contact_json
    from .render import region_names

    return contact_json(contact, region_names(), history, packs)


@app.command("show")
@guarded
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id, any handle (@SPVM, URL) or exact name.")],
    json_: JsonOpt = False,
) -> None:
    """Show one contact, whole, with its accounts and relationship history.

    Example: msgu show @urgencequebec
    """
    from ..services.directory import get_contact
    from ..storage.packs import memberships
    from ..storage.relations import load_relations
    from .render import contact_panel, region_names

    db = open_database(ctx)
    contact = get_contact(db, ref)
    history = load_relations(db, [contact.saved_id()]).get(contact.saved_id(), [])
    packs = memberships(db, [contact.saved_id()]).get(contact.saved_id(), [])
    if json_:
        print_json(_contact_json(contact, history, packs))
        return
    console().print(contact_panel(contact, region_names(), history,
                                  [(name, left) for name, _url, _joined, left in packs]))


def _print_contacts(contacts, json_: bool, title: str) -> None:
    from .render import region_names

    names = region_names()
    if json_:
        from ..formats.json_records import contact_json

        print_json([contact_json(c, names) for c in contacts])
        return
    from .render import contacts_table

    console().print(contacts_table(contacts, names, title))


@app.command("list")
@guarded
def list_(
    ctx: typer.Context,
    kind: Annotated[Many, typer.Option("--kind", help="Kind (repeatable: OR).")] = None,
    region: Annotated[Many, typer.Option("--region", help="Region (repeatable: OR).")] = None,
    mrc: Annotated[Many, typer.Option("--mrc", help="MRC (repeatable: OR).")] = None,
    topic: TopicOpt = None,
    status: Annotated[Many, typer.Option("--status", help="Relationship status, e.g. "
                      "candidate, to-follow, following (repeatable: OR).")] = None,
    platform: Annotated[Many, typer.Option("--platform", help="Has an account on this "
                        "platform (repeatable: OR).")] = None,
    limit: LimitOpt = None,
    json_: JsonOpt = False,
) -> None:
    """List contacts by name; filters combine with AND, repeated values with OR.

    Example: msgu list --region 17 --topic inondations
    """
    from ..services.directory import list_contacts, parse_filters

    db = open_database(ctx)
    filters = parse_filters(db, {"kinds": kind or [], "regions": region or [], "mrcs": mrc or [],
                                 "topics": topic or [], "statuses": status or [],
                                 "platforms": platform or []})
    contacts = list_contacts(db, filters, limit=limit)
    _print_contacts(contacts, json_, _("{count} contact(s)").format(count=len(contacts)))


@app.command("search")
@guarded
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="Words to find (accents and case ignored).")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_LIMIT,
                                       help="At most this many.")] = 20,
    json_: JsonOpt = False,
) -> None:
    """Full-text search over names, descriptions, notes, topics and handles, best first.

    Example: msgu search "cartographie inondations"
    """
    from ..services.directory import search_contacts

    db = open_database(ctx)
    contacts = search_contacts(db, text, limit=limit)
    _print_contacts(contacts, json_, _("{count} result(s) for « {text} »").format(
        count=len(contacts), text=text))


@app.command("edit")
@guarded
def edit(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id, any handle or exact name.")],
    name: Annotated[str | None, typer.Option(help="New name.")] = None,
    kind: KindOpt = None,
    region: RegionOpt = None,
    mrc: MrcOpt = None,
    municipality: MunicipalityOpt = None,
    scope: Annotated[str | None, typer.Option(help="Scope.")] = None,
    lang: Annotated[Many, typer.Option("--lang", help="Languages (replace them).")] = None,
    add_topic: Annotated[Many, typer.Option("--add-topic", help="Topic to add.")] = None,
    remove_topic: Annotated[Many, typer.Option("--remove-topic", help="Topic to remove.")] = None,
    add_account: Annotated[Many, typer.Option("--add-account",
                           help="PLATFORM:HANDLE to add.")] = None,
    remove_account: Annotated[Many, typer.Option("--remove-account",
                              help="PLATFORM:HANDLE to remove.")] = None,
    description: Annotated[str | None, typer.Option(help="Description.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Your notes (replace them).")] = None,
    source: Annotated[str | None, typer.Option(help="Source.")] = None,
    status: Annotated[str | None, typer.Option(help="Relationship status.")] = None,
    new_topic: Annotated[bool, typer.Option("--new-topic", help="Create unknown topics.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Change a contact's fields, topics or accounts.

    Example: msgu edit @SPVM --add-topic alerte --add-account bluesky:spvm.bsky.social
    """
    from ..services.directory import Edit, edit_contact

    fields = _fields(name=name, kind=kind, region=region, mrc=mrc, municipality=municipality,
                     scope=scope, languages=lang, description=description, notes=note,
                     source=source, status=status)
    if name is not None:
        fields["name"] = name
    changes = Edit(add_topic or [], remove_topic or [], add_account or [], remove_account or [])
    db = open_database(ctx)
    contact = edit_contact(db, ref, fields, changes, create_topics=new_topic)
    if json_:
        print_json(_contact_json(contact))
    else:
        say(_("Updated #{id} {name}.").format(id=contact.id, name=contact.name))


@app.command("remove")
@guarded
def remove(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(help="Id, any handle or exact name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Delete a contact, its accounts and its history (asks first unless --yes).

    Example: msgu remove 42 --yes
    """
    from ..services.directory import get_contact, remove_contact

    db = open_database(ctx)
    contact = get_contact(db, ref)
    if not yes and not confirm(_("Delete #{id} {name}?").format(id=contact.id,
                                                                name=shown(contact.name))):
        raise typer.Exit(code=1)
    remove_contact(db, f"#{contact.id}")
    say(_("Removed #{id} {name}.").format(id=contact.id, name=contact.name))
