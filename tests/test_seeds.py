"""The bundled starter directory (seeds/contacts.csv, seeds/hashtags.csv): a fresh install.

The directory is loaded through the real CLI (`msgu init` into the test's own database) and read
back with `list --json`, `topics --json`, `regions --json` and `recommend --json`; the raw seed
file is read with the project's own CSV reader and handle parser. Nothing here lists expected
names or handles: every check is a property that a broken or careless seed row would violate.
"""

from __future__ import annotations

from collections import Counter

import pytest
from cli_results import ok_json

from msgu_cli.domain.geo import Municipalities
from msgu_cli.domain.handles import parse_account
from msgu_cli.domain.models import PLATFORMS, SCOPES
from msgu_cli.domain.vocabulary import KINDS
from msgu_cli.formats.spreadsheet import read_contacts_csv
from msgu_cli.storage.seeds import read_hashtags, read_municipalities, seed_file

LOCAL_SCOPES = ("local", "regional")
# The "Done when": what the shipped directory must reach (the facts support no more).
MIN_CONTACTS, MIN_FOLLOWABLE = 250, 150
REGIONS_WITH_THREE = 11


@pytest.fixture
def directory(invoke, db_path):
    """The starter directory as `list --json` shows it right after `msgu init`."""
    created = invoke("init")
    assert created.exit_code == 0, created.output
    assert db_path.exists()
    return ok_json(invoke("list", "--json"))


@pytest.fixture
def seed_rows():
    """The data rows of seeds/contacts.csv as the import reads them."""
    return read_contacts_csv(seed_file("contacts.csv").read_bytes()).rows


def _seed_accounts(seed_rows):
    """(line, platform, raw cell value) for every account cell of the seed file."""
    return [
        (row.line, platform, value)
        for row in seed_rows
        for platform in PLATFORMS
        for value in row.fields.get(platform, [])
    ]


def _geomatics_family(topics: list[dict]) -> set[str]:
    """`geomatique` and every topic below it, following the taxonomy's own parent links."""
    parents = {topic["code"]: set(topic["parents"]) for topic in topics}
    family = {"geomatique"}
    grew = True
    while grew:
        below = {code for code, ups in parents.items() if ups & family} - family
        family |= below
        grew = bool(below)
    return family


def test_init_imports_every_seed_row_as_its_own_contact(directory, seed_rows):
    # The import merges rows that share a handle: equal counts mean no row was merged away.
    assert len(directory) == len(seed_rows)
    assert len({contact["name"] for contact in directory}) == len(directory)


def test_every_contact_has_source_account_kind_scope_and_language(directory):
    for contact in directory:
        where = contact["name"]
        assert (contact["source"] or "").strip(), where
        assert contact["accounts"], where
        assert contact["kind"] in KINDS, where
        assert contact["scope"] in SCOPES, where
        assert contact["languages"], where
        assert contact["topics"], where


def test_local_and_regional_contacts_have_a_region_and_a_matching_mrc(invoke, directory):
    listed = ok_json(invoke("regions", "--json"))
    regions = {region["number"]: set(region["mrcs"]) for region in listed}
    placed = [c for c in directory if c["scope"] in LOCAL_SCOPES]
    assert placed
    for contact in placed:
        assert contact["region"] in regions, contact["name"]
    for contact in directory:
        if contact["mrc"]:
            assert contact["region"] in regions, contact["name"]
            assert contact["mrc"] in regions[contact["region"]], contact["name"]


def test_topics_are_codes_of_the_bundled_taxonomy(invoke, directory):
    codes = {topic["code"] for topic in ok_json(invoke("topics", "--json"))}
    unknown = {(c["name"], t) for c in directory for t in c["topics"] if t not in codes}
    assert unknown == set()


def test_no_hashtag_is_stored_or_seeded_as_an_account(directory, seed_rows):
    handles = [a["handle"] for c in directory for a in c["accounts"]]
    assert handles
    assert [h for h in handles if h.startswith("#")] == []
    assert [cell for _, _, cell in _seed_accounts(seed_rows) if cell.lstrip().startswith("#")] == []


def test_hashtags_live_in_their_own_sourced_file_and_nowhere_among_accounts(directory):
    tags = read_hashtags()
    assert tags
    for tag in tags:
        assert tag["tag"].startswith("#") and len(tag["tag"]) > 1, tag
        assert tag["source"].strip(), tag
    bare = {tag["tag"][1:].lower() for tag in tags}
    handles = {a["handle"].lower() for c in directory for a in c["accounts"]}
    assert bare & handles == set()


def test_no_account_handle_appears_twice_in_the_seed_file(seed_rows):
    parsed = [parse_account(platform, cell) for _, platform, cell in _seed_accounts(seed_rows)]
    normalised = Counter((account.platform, account.handle) for account in parsed)
    assert normalised
    assert [key for key, count in normalised.items() if count > 1] == []


def _followable(contact: dict) -> bool:
    return any(a["platform"] != "website" for a in contact["accounts"])


def test_the_directory_is_big_and_varied_enough(directory):
    kinds = Counter(contact["kind"] for contact in directory)
    assert len(directory) >= MIN_CONTACTS
    assert sum(map(_followable, directory)) >= MIN_FOLLOWABLE
    assert len(kinds) >= 10
    assert {contact["scope"] for contact in directory} == set(SCOPES)


def test_stats_gives_the_counts_of_the_done_when_list(invoke, directory):
    stats = ok_json(invoke("stats", "--json"))
    assert stats["contacts"] == len(directory) >= MIN_CONTACTS
    assert stats["followable"] == sum(map(_followable, directory)) >= MIN_FOLLOWABLE
    local = Counter(c["region"] for c in directory
                    if c["scope"] in LOCAL_SCOPES and _followable(c))
    by_region = {key.split(" ")[0]: n for key, n in stats["followable_by_region"].items()}
    assert by_region == dict(local)
    assert len(by_region) == 17 and min(by_region.values()) >= 1  # every region
    assert sum(n >= 3 for n in by_region.values()) >= REGIONS_WITH_THREE
    regions = ok_json(invoke("regions", "--json"))
    assert sum(len(region["mrcs"]) for region in regions) == 104
    shown = invoke("stats")
    assert shown.exit_code == 0 and f"{stats['followable']} followable" in shown.stdout


def test_every_territory_agrees_with_the_repertoire(directory):
    towns = Municipalities.from_towns(read_municipalities())
    placed = [c for c in directory if c["municipality"]]
    assert placed
    for contact in placed:
        town = towns.find(contact["municipality"], contact["region"], contact["mrc"])
        assert town is not None, contact["name"]
        assert (town.region, town.mrc) == (contact["region"], contact["mrc"]), contact["name"]
        assert towns.stored_name(town) == contact["municipality"], contact["name"]


def test_municipalities_and_mrcs_of_the_directory_say_where_they_are(directory):
    for contact in directory:
        if contact["kind"] == "municipality" and contact["scope"] == "local":
            assert contact["municipality"], contact["name"]
    mrcs = [c["mrc"] for c in directory if c["kind"] == "mrc"]
    assert mrcs and all(mrcs) and len(set(mrcs)) == len(mrcs)  # one contact per MRC


def test_old_or_third_party_sources_say_so_in_the_notes(directory):
    crawled = [c for c in directory if "collecte de 2016" in (c["source"] or "")]
    assert crawled
    for contact in crawled:
        notes = contact["notes"] or ""
        assert "2016" in notes and "confiance moyenne" in notes, contact["name"]
        assert "msgu refresh" in notes, contact["name"]


def test_all_hazards_sources_are_tagged_and_warn_of_something(invoke, directory):
    topics = {t["code"]: t for t in ok_json(invoke("topics", "--json"))}
    assert topics["tous-risques"]["label_fr"] and topics["tous-risques"]["label_en"]
    for word in ("tous risques", "All hazards", "multirisque", "multi-hazard"):
        assert ok_json(invoke("list", "--topic", word, "--json")), word
    tagged = [c for c in directory if "tous-risques" in c["topics"]]
    assert {c["kind"] for c in tagged} >= {"provincial", "federal", "weather", "police",
                                           "ngo", "municipality", "mrc"}
    for contact in tagged:  # and what it warns of, besides
        assert set(contact["topics"]) - {"tous-risques"}, contact["name"]


def test_recommend_geolocalisation_returns_ten_geomatics_contacts(invoke, directory):
    family = _geomatics_family(ok_json(invoke("topics", "--json")))
    assert {"geolocalisation", "cartographie"} <= family
    topics_by_id = {contact["id"]: set(contact["topics"]) for contact in directory}
    picks = ok_json(invoke("recommend", "--topic", "geolocalisation", "--json"))
    assert len(picks) == 10
    for pick in picks:
        assert topics_by_id[pick["id"]] & family, pick["name"]
