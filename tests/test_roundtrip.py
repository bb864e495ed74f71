"""Property: any directory exported to CSV by the real CLI imports into an empty database as the
same contacts, topics and accounts; importing the file again changes nothing; and the Mastodon
follow list holds exactly the directory's Mastodon accounts.

Directories are drawn by hypothesis (accents, quotes, commas, semicolons, pipes, newlines and
tabs in descriptions and notes, formula-like text such as `=1+1`, `-x`, `@x`, every platform,
several handles per platform) and stored with the storage layer, as `add` would store them;
everything after that is the CLI.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from transfer_checks import listed, ok, without_ids

from msgu_cli.domain.geo import REGIONS, Geography, Municipalities
from msgu_cli.domain.handles import parse_account
from msgu_cli.domain.models import PLATFORMS, SCOPES, STATUSES, Account, Contact
from msgu_cli.domain.taxonomy import load_topics_toml
from msgu_cli.domain.text import UNSAFE_CHARACTERS, fold
from msgu_cli.domain.vocabulary import KINDS
from msgu_cli.services.session import open_directory
from msgu_cli.storage import contacts as store
from msgu_cli.storage import seeds
from msgu_cli.storage.database import transaction

TOPIC_CODES = sorted(t.code for t in load_topics_toml(
    seeds.seed_file("topics.toml").read_text(encoding="utf-8")))
GEOGRAPHY = Geography.from_mrcs(m for m, _, _ in seeds.read_mrcs())
TOWNS = Municipalities.from_towns(seeds.read_municipalities())
HANDLE_SHAPES = {
    "x": "{t}", "bluesky": "{t}.bsky.social", "mastodon": "{t}@mastodon.example",
    "facebook": "{t}.page", "instagram": "{t}_ig", "threads": "{t}", "youtube": "@{t}",
    "linkedin": "company/{t}", "tiktok": "@{t}", "website": "https://{t}.example.org/urgence",
}
# What breaks naive CSV: separators, quotes, line breaks, and the starts of spreadsheet formulas.
# Control and BiDi characters are refused at input (contract: text safety), so they are not
# data that can travel; tab and newline are, in descriptions and notes only. Format
# characters (U+FEFF...) and line separators are no data either.
AWKWARD = list("\"',;|=+-@ éÉèçàÎôœ«»—’")
FORMULA_STARTS = ["", "=", "+", "-", "@", "'", "'=", "=1+1", "-x", "@x", "=HYPERLINK(\"a\")"]
SAFE_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")).filter(
    lambda ch: ch not in UNSAFE_CHARACTERS)


def _text(extra: str) -> st.SearchStrategy[str]:
    characters = st.one_of(st.sampled_from(AWKWARD + list(extra)), SAFE_CHARACTERS)
    return st.builds(lambda start, body: (start + body).strip(), st.sampled_from(FORMULA_STARTS),
                     st.text(characters, max_size=24)).filter(bool)


TEXT = _text("")
OPTIONAL_TEXT = st.none() | TEXT
OPTIONAL_LINES = st.none() | _text("\n\t")  # descriptions and notes


@st.composite
def accounts(draw, number: int) -> tuple[Account, ...]:
    """Valid, normalised accounts; the contact's number keeps them unique in the directory."""
    found: dict[tuple[str, str], Account] = {}
    for platform in draw(st.lists(st.sampled_from(PLATFORMS), max_size=4)):
        token = draw(st.from_regex(r"[a-z][a-z0-9]{1,7}", fullmatch=True)) + f"x{number}"
        account = parse_account(platform, HANDLE_SHAPES[platform].format(t=token))
        found.setdefault((account.platform, account.handle), account)
    return tuple(found.values())


@st.composite
def territories(draw) -> tuple[str | None, str | None, str | None]:
    """(region, MRC, municipality) as a contact stores them: a municipality of the répertoire
    comes with its own MRC and region (twins of one region under their qualified names)."""
    town = draw(st.none() | st.sampled_from(TOWNS.towns))
    if town is not None:
        return town.region, town.mrc, TOWNS.stored_name(town)
    region = draw(st.none() | st.sampled_from([r.number for r in REGIONS]))
    mrcs = GEOGRAPHY.mrcs_of(region) if region else []
    mrc = draw(st.none() | st.sampled_from([m.name for m in mrcs])) if mrcs else None
    return region, mrc, None


@st.composite
def contacts(draw, number: int) -> Contact:
    region, mrc, municipality = draw(territories())
    return Contact(
        name=draw(TEXT), kind=draw(st.sampled_from(sorted(KINDS))), region=region, mrc=mrc,
        municipality=municipality, scope=draw(st.none() | st.sampled_from(SCOPES)),
        languages=tuple(draw(st.lists(st.sampled_from(["fr", "en", "es", "iu"]), unique=True,
                                      max_size=3))),
        topics=tuple(draw(st.lists(st.sampled_from(TOPIC_CODES), unique=True, max_size=4))),
        description=draw(OPTIONAL_LINES), notes=draw(OPTIONAL_LINES),
        source=draw(OPTIONAL_TEXT),
        status=draw(st.sampled_from(STATUSES)), accounts=draw(accounts(number)),
    )


@st.composite
def directories(draw) -> list[Contact]:
    size = draw(st.integers(min_value=1, max_value=6))
    made = [draw(contacts(number)) for number in range(size)]
    # A contact without handles is known by name + region only: two such would be one.
    keys = [(fold(c.name), c.region) for c in made]
    assume(all(keys.count(key) == 1 for key, c in zip(keys, made, strict=True)
               if not c.accounts))
    return made


def fresh_database(invoke, folder: Path, name: str, saved: list[Contact] = ()) -> Path:
    path = folder / name
    ok(invoke("--db", str(path), "init", "--empty"))
    if saved:
        db = open_directory(path, seed=False)
        with transaction(db):
            store.save_contacts(db, saved, now="2026-01-15T12:00:00+00:00")
        db.close()
    return path


def topic_codes(invoke, db: Path) -> list[str]:
    return [t["code"] for t in json.loads(ok(invoke("--db", str(db), "topics", "--json")).stdout)]


SETTINGS = settings(max_examples=30, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@SETTINGS
@given(directory=directories())
def test_csv_export_imports_back_the_same_directory(invoke, dump, directory):
    with tempfile.TemporaryDirectory() as folder:
        source = fresh_database(invoke, Path(folder), "source.db", directory)
        exported = Path(folder) / "annuaire.csv"
        ok(invoke("--db", str(source), "export", "--format", "csv", "--output", str(exported)))
        target = fresh_database(invoke, Path(folder), "target.db")
        ok(invoke("--db", str(target), "import", str(exported)))

        original = listed(invoke, db=source)
        assert len(original) == len(directory)
        assert without_ids(listed(invoke, db=target)) == without_ids(original)
        assert topic_codes(invoke, target) == topic_codes(invoke, source)

        imported_once = dump(target)
        result = ok(invoke("--db", str(target), "import", str(exported)))
        assert result.stdout.startswith("Added 0, updated 0,")
        assert dump(target) == imported_once


@SETTINGS
@given(directory=directories())
def test_mastodon_file_rows_are_exactly_the_mastodon_accounts(invoke, directory):
    with tempfile.TemporaryDirectory() as folder:
        source = fresh_database(invoke, Path(folder), "source.db", directory)
        out = ok(invoke("--db", str(source), "export", "--format", "mastodon")).stdout
        expected = [a.handle for c in sorted(directory, key=lambda c: fold(c.name))
                    for a in sorted(c.accounts, key=lambda a: a.handle)
                    if a.platform == "mastodon"]
        assert out.split("\n") == [
            "Account address,Show boosts,Notify on new posts,Languages",
            *(f"{handle},true,false," for handle in expected), ""]
