"""Directory commands: add, show, list, search, edit, remove."""

from typing import Annotated

import typer

from ..domain.text import shown
from ..i18n import _, ngettext
from ._help import command_help
from ._shared import Many, console, guarded, open_database, print_json, say
from ._typer_messages import confirm
from .completion import (
    complete_kind,
    complete_language,
    complete_mrc,
    complete_municipality,
    complete_platform,
    complete_region,
    complete_scope,
    complete_status,
    complete_topic,
)
from .filters import (
    KindFilter,
    MrcFilter,
    RegionFilter,
    StatusFilter,
    TopicOpt,
    directory_filters,
)
from .root import app

JsonOpt = Annotated[bool, typer.Option("--json", help=_(
    "Print JSON on stdout instead of a table."))]
KindOpt = Annotated[str | None, typer.Option("--kind", autocompletion=complete_kind, help=_(
    "Kind: municipality, mrc, police, fire, health, ngo, weather… (French words work: "
    "municipalité, ONG, météo)."))]
RegionOpt = Annotated[str | None, typer.Option("--region", autocompletion=complete_region, help=_(
    "Region number or name (04, Mauricie, saguenay-lac-saint-jean)."))]
MrcOpt = Annotated[str | None, typer.Option("--mrc", autocompletion=complete_mrc,
                                             help=_("MRC or equivalent territory."))]
ScopeOpt = Annotated[str | None, typer.Option("--scope", autocompletion=complete_scope, help=_(
    "Scope: local, regional, provincial, national or international."))]
MunicipalityOpt = Annotated[str | None, typer.Option(
    "--municipality", autocompletion=complete_municipality, help=_(
    "Municipality of the Répertoire des municipalités, accents and hyphens optional "
    "(fills in the MRC and region)."))]
# The largest --limit that means anything (SQLite takes 64-bit numbers; a directory is far
# smaller): a larger one is a usage error, never an overflow.
MAX_LIMIT = 1_000_000
LimitOpt = Annotated[int | None, typer.Option("--limit", min=1, max=MAX_LIMIT,
                     help=_("At most this many."))]


def _fields(**values) -> dict:
    """Options given on the command line, under the canonical field names."""
    return {k: v for k, v in values.items() if v not in (None, [], ())}


@app.command("add", help=command_help(
    _("Record a contact and its accounts."),
    'msgu add "MRC de Nicolet-Yamaska" --kind mrc --region 17 --topic inondations --x @mrcny'))
@guarded
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(
        help=_("The contact's name."), metavar=_("NAME"))],
    kind: KindOpt = None,
    region: RegionOpt = None,
    mrc: MrcOpt = None,
    municipality: MunicipalityOpt = None,
    scope: ScopeOpt = None,
    lang: Annotated[Many, typer.Option("--lang", autocompletion=complete_language, help=_(
        "Language it publishes in (repeatable)."))] = None,
    topic: TopicOpt = None,
    account: Annotated[Many, typer.Option("--account", help=_(
        "PLATFORM:HANDLE, e.g. x:@SPVM or mastodon:@user@instance (repeatable)."))] = None,
    x: Annotated[Many, typer.Option("--x", help=_("X (Twitter) handle or URL."))] = None,
    bluesky: Annotated[Many, typer.Option("--bluesky", help=_("Bluesky handle."))] = None,
    mastodon: Annotated[Many, typer.Option("--mastodon", help=_(
        "Mastodon address, user@instance."))] = None,
    facebook: Annotated[Many, typer.Option("--facebook", help=_("Facebook page or URL."))] = None,
    website: Annotated[Many, typer.Option("--website", help=_("Website URL."))] = None,
    description: Annotated[str | None, typer.Option(help=_(
        "Who they are, why follow them."))] = None,
    note: Annotated[str | None, typer.Option("--note", help=_("Your own notes."))] = None,
    source: Annotated[str | None, typer.Option(help=_(
        "Where this information comes from."))] = None,
    status: Annotated[str | None, typer.Option(autocompletion=complete_status, help=_(
        "Your relationship: to-follow, following…"))] = None,
    new_topic: Annotated[bool, typer.Option("--new-topic", help=_(
        "Create unknown topics instead of refusing them."))] = False,
    json_: JsonOpt = False,
) -> None:
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
        say(_("Added #{id} {name} ({accounts}, {topics}).").format(
            id=contact.id, name=contact.name, accounts=_accounts(len(contact.accounts)),
            topics=ngettext("{count} topic", "{count} topics", len(contact.topics)).format(
                count=len(contact.topics))))


def _accounts(count: int) -> str:
    return ngettext("{count} account", "{count} accounts", count).format(count=count)


def _contact_json(contact, history=None, packs=None) -> dict:
    from ..formats.json_records import contact_json
    from .render import region_names

    return contact_json(contact, region_names(), history, packs)


@app.command("show", help=command_help(
    _("Show one contact, whole, with its accounts and relationship history."),
    "msgu show @urgencequebec"))
@guarded
def show(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(
        help=_("Id, any handle (@SPVM, URL) or exact name."), metavar=_("REF"))],
    json_: JsonOpt = False,
) -> None:
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


@app.command("list", help=command_help(
    _("List contacts by name; filters combine with AND, repeated values with OR."),
    "msgu list --region 17 --topic inondations"))
@guarded
def list_(
    ctx: typer.Context,
    kind: KindFilter = None,
    region: RegionFilter = None,
    mrc: MrcFilter = None,
    topic: TopicOpt = None,
    status: StatusFilter = None,
    platform: Annotated[Many, typer.Option("--platform", autocompletion=complete_platform, help=_(
        "Has an account on this platform (repeatable: OR)."))] = None,
    limit: LimitOpt = None,
    json_: JsonOpt = False,
) -> None:
    from ..services.directory import list_contacts, parse_filters

    db = open_database(ctx)
    filters = parse_filters(db, {**directory_filters(kind, region, mrc, topic, status),
                                 "platforms": platform or []})
    contacts = list_contacts(db, filters, limit=limit)
    _print_contacts(contacts, json_, ngettext("{count} contact", "{count} contacts",
                                              len(contacts)).format(count=len(contacts)))


@app.command("search", help=command_help(
    _("Full-text search over names, descriptions, notes, topics and handles, best first."),
    'msgu search "cartographie inondations"'))
@guarded
def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(
        help=_("Words to find (accents and case ignored)."), metavar=_("TEXT"))],
    limit: Annotated[int, typer.Option("--limit", min=1, max=MAX_LIMIT,
                                       help=_("At most this many."))] = 20,
    json_: JsonOpt = False,
) -> None:
    from ..services.directory import search_contacts

    db = open_database(ctx)
    contacts = search_contacts(db, text, limit=limit)
    _print_contacts(contacts, json_, ngettext(
        "{count} result for '{text}'", "{count} results for '{text}'", len(contacts)).format(
        count=len(contacts), text=shown(text)))


@app.command("edit", help=command_help(
    _("Change a contact's fields, topics or accounts."),
    "msgu edit @SPVM --add-topic alerte --add-account bluesky:spvm.bsky.social"))
@guarded
def edit(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(
        help=_("Id, any handle or exact name."), metavar=_("REF"))],
    name: Annotated[str | None, typer.Option(help=_("New name."))] = None,
    kind: KindOpt = None,
    region: RegionOpt = None,
    mrc: MrcOpt = None,
    municipality: MunicipalityOpt = None,
    scope: ScopeOpt = None,
    lang: Annotated[Many, typer.Option("--lang", autocompletion=complete_language,
                                       help=_("Languages (replace them)."))] = None,
    add_topic: Annotated[Many, typer.Option("--add-topic", autocompletion=complete_topic,
                                            help=_("Topic to add."))] = None,
    remove_topic: Annotated[Many, typer.Option("--remove-topic", autocompletion=complete_topic,
                                               help=_("Topic to remove."))] = None,
    add_account: Annotated[Many, typer.Option("--add-account",
                           help=_("PLATFORM:HANDLE to add."))] = None,
    remove_account: Annotated[Many, typer.Option("--remove-account",
                              help=_("PLATFORM:HANDLE to remove."))] = None,
    description: Annotated[str | None, typer.Option(help=_("Description."))] = None,
    note: Annotated[str | None, typer.Option("--note", help=_(
        "Your notes (replace them)."))] = None,
    source: Annotated[str | None, typer.Option(help=_("Source."))] = None,
    status: Annotated[str | None, typer.Option(help=_("Relationship status."))] = None,
    new_topic: Annotated[bool, typer.Option("--new-topic", help=_(
        "Create unknown topics."))] = False,
    json_: JsonOpt = False,
) -> None:
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


@app.command("remove", help=command_help(
    _("Delete a contact, its accounts and its history (asks first unless --yes)."),
    "msgu remove 42 --yes"))
@guarded
def remove(
    ctx: typer.Context,
    ref: Annotated[str, typer.Argument(
        help=_("Id, any handle or exact name."), metavar=_("REF"))],
    yes: Annotated[bool, typer.Option("--yes", "-y", help=_(
        "Do not ask for confirmation."))] = False,
) -> None:
    from ..services.directory import get_contact, remove_contact

    db = open_database(ctx)
    contact = get_contact(db, ref)
    if not yes and not confirm(_("Delete #{id} {name}?").format(id=contact.id,
                                                                name=shown(contact.name))):
        raise typer.Exit(code=1)
    remove_contact(db, f"#{contact.id}")
    say(_("Removed #{id} {name}.").format(id=contact.id, name=contact.name))
