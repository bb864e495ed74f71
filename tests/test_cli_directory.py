"""The directory commands through the real CLI: add, show, list, search, edit, remove, topics,
regions. Each test asserts on the SQLite file itself or on `--json` parsed with json.loads.

Error paths are in test_cli_directory_errors.py; init, doctor, backup, stats and help in
test_cli_directory_db.py.
"""

from __future__ import annotations

import pytest
from cli_results import ok_json, rows

SHOW_FIELDS = {"id", "name", "kind", "region", "region_name", "mrc", "municipality", "scope",
               "languages", "topics", "description", "notes", "source", "status", "accounts"}




@pytest.fixture
def add(invoke, empty_db):
    """add(name, *options) -> the contact as `add --json` prints it."""

    def run(name, *options):
        return ok_json(invoke("add", name, *options, "--json"))

    return run


# -- add ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("word", "code"), [("municipalité", "municipality"), ("ONG", "ngo"),
                                            ("météo", "weather"), ("POLICE", "police")])
def test_add_kind_in_french_or_english(add, db_path, word, code):
    contact = add("Org", "--kind", word)
    assert contact["kind"] == code
    assert rows(db_path, "SELECT kind FROM contacts WHERE id = ?", [contact["id"]]) == [(code,)]


@pytest.mark.parametrize(("region", "number", "name"), [
    ("4", "04", "Mauricie"), ("04", "04", "Mauricie"), ("Mauricie", "04", "Mauricie"),
    ("saguenay-lac-saint-jean", "02", "Saguenay–Lac-Saint-Jean"),
    ("Montreal", "06", "Montréal"), ("Montréal", "06", "Montréal"),
])
def test_add_region_by_number_or_name(add, db_path, region, number, name):
    contact = add("Org", "--region", region)
    assert (contact["region"], contact["region_name"]) == (number, name)
    assert rows(db_path, "SELECT region FROM contacts") == [(number,)]


def test_add_mrc_implies_its_region(add, db_path):
    contact = add("Org", "--mrc", "nicolet-yamaska")
    assert (contact["mrc"], contact["region"]) == ("Nicolet-Yamaska", "17")
    assert rows(db_path, "SELECT mrc, region FROM contacts") == [("Nicolet-Yamaska", "17")]


def test_add_mrc_with_its_region(add):
    contact = add("Org", "--region", "4", "--mrc", "MRC de Maskinongé")
    assert (contact["mrc"], contact["region"]) == ("Maskinongé", "04")


def test_add_topic_synonyms(add, db_path):
    contact = add("Org", "--topic", "geolocation", "--topic", "SIG", "--topic", "VOST")
    assert "geolocalisation" in contact["topics"]
    assert "geomatique" in contact["topics"]
    vost = {t for t in contact["topics"] if t not in ("geolocalisation", "geomatique")}
    assert len(vost) == 1 and vost <= {"benevolat", "benevoles-numeriques"}
    stored = {t for (t,) in rows(db_path, "SELECT topic FROM contact_topics")}
    assert stored == set(contact["topics"])


def test_add_every_option(add, db_path):
    contact = add(
        "Ville de Saguenay", "--kind", "municipalité", "--region", "saguenay-lac-saint-jean",
        "--mrc", "Saguenay", "--municipality", "saguenay", "--scope", "local",
        "--lang", "fr", "--lang", "en", "--topic", "inondations",
        "--account", "x:@SPVM", "--x", "https://twitter.com/VilleSaguenay",
        "--bluesky", "saguenay.bsky.social", "--mastodon", "@ville@mastodon.social",
        "--facebook", "https://www.facebook.com/VilleDeSaguenay", "--website",
        "https://ville.saguenay.ca/", "--description", "La ville", "--note", "Vue au colloque",
        "--source", "site officiel", "--status", "to-follow",
    )
    assert set(contact) >= SHOW_FIELDS
    assert contact["name"] == "Ville de Saguenay"
    assert (contact["kind"], contact["region"], contact["mrc"]) == (
        "municipality", "02", "Saguenay")
    assert (contact["municipality"], contact["scope"]) == ("Saguenay", "local")
    assert contact["languages"] == ["fr", "en"]
    assert contact["topics"] == ["inondations"]
    assert (contact["description"], contact["notes"], contact["source"]) == (
        "La ville", "Vue au colloque", "site officiel")
    assert contact["status"] == "to-follow"
    accounts = {(a["platform"], a["handle"]) for a in contact["accounts"]}
    assert accounts == {("x", "spvm"), ("x", "villesaguenay"), ("bluesky", "saguenay.bsky.social"),
                        ("mastodon", "ville@mastodon.social"), ("facebook", "villedesaguenay"),
                        ("website", "ville.saguenay.ca")}
    assert all(a["url"].startswith("https://") for a in contact["accounts"])
    stored = rows(db_path, "SELECT platform, handle FROM accounts WHERE contact_id = ?",
                  [contact["id"]])
    assert set(stored) == accounts
    assert rows(db_path, "SELECT name, status FROM contacts") == [("Ville de Saguenay",
                                                                   "to-follow")]


def test_add_new_topic_creates_it(add, db_path, invoke):
    contact = add("Org", "--topic", "Drones de recherche", "--new-topic")
    [code] = contact["topics"]
    assert rows(db_path, "SELECT label_fr FROM topics WHERE code = ?", [code]) == [
        ("Drones de recherche",)]
    topics = {t["code"]: t for t in ok_json(invoke("topics", "--json"))}
    assert topics[code]["contacts"] == 1


def test_add_prints_its_id(invoke, empty_db, db_path):
    result = invoke("add", "Croix-Rouge", "--kind", "ONG")
    assert result.exit_code == 0, result.output
    [(contact_id,)] = rows(db_path, "SELECT id FROM contacts")
    assert f"#{contact_id}" in result.stdout


# -- show --------------------------------------------------------------------------------------


@pytest.mark.parametrize("ref", ["@SPVM", "spvm", "https://x.com/spvm", "https://twitter.com/SPVM",
                                 "spvm.bsky.social", "https://bsky.app/profile/spvm.bsky.social",
                                 "@user@mastodon.social", "https://mastodon.social/@user",
                                 "Service de police de la Ville de Montréal",
                                 "SERVICE DE POLICE DE LA VILLE DE MONTREAL"])
def test_show_by_any_reference(add, invoke, ref):
    add("Autre organisme", "--x", "@autre")
    contact = add("Service de police de la Ville de Montréal", "--x", "@SPVM",
                  "--bluesky", "spvm.bsky.social", "--mastodon", "@user@mastodon.social")
    shown = ok_json(invoke("show", ref, "--json"))
    assert shown["id"] == contact["id"]


def test_show_by_id_has_every_field(add, invoke):
    contact = add("Org", "--kind", "police", "--region", "6", "--x", "@SPVM", "--lang", "fr")
    shown = ok_json(invoke("show", str(contact["id"]), "--json"))
    assert set(shown) >= SHOW_FIELDS
    assert (shown["region"], shown["region_name"]) == ("06", "Montréal")
    assert shown["topics"] == [] and shown["languages"] == ["fr"]
    [account] = shown["accounts"]
    assert {"platform", "handle", "url"} <= set(account)
    assert (account["platform"], account["handle"], account["url"]) == (
        "x", "spvm", "https://x.com/spvm")


def test_show_human_output_names_the_contact(add, invoke):
    contact = add("Sécurité civile de Lévis", "--x", "@levis")
    result = invoke("show", "securite civile de levis")
    assert result.exit_code == 0, result.output
    assert f"#{contact['id']}" in result.stdout and "levis" in result.stdout


# -- list --------------------------------------------------------------------------------------


@pytest.fixture
def directory(add):
    """Five contacts whose filters we can predict: name -> id."""
    specs = {
        "Zèbre": ("--kind", "police", "--region", "04", "--topic", "inondations", "--x", "@zebre"),
        "eau": ("--kind", "ngo", "--region", "06", "--topic", "geolocation",
                "--bluesky", "eau.bsky.social", "--status", "following"),
        "Éole": ("--kind", "police", "--region", "06", "--topic", "SIG", "--x", "@eole"),
        "Alpha": ("--kind", "weather", "--mrc", "Nicolet-Yamaska", "--topic", "inondations",
                  "--mastodon", "@alpha@mastodon.social", "--status", "to-follow"),
        "Delta": ("--kind", "ngo", "--region", "17", "--mrc", "Drummond"),
    }
    return {name: add(name, *options)["id"] for name, options in specs.items()}


def names(result):
    return [c["name"] for c in ok_json(result)]


def test_list_sorted_by_name_ignoring_accents_and_case(invoke, directory):
    assert names(invoke("list", "--json")) == ["Alpha", "Delta", "eau", "Éole", "Zèbre"]


@pytest.mark.parametrize(("options", "expected"), [
    (("--kind", "police"), ["Éole", "Zèbre"]),
    (("--kind", "ONG", "--kind", "météo"), ["Alpha", "Delta", "eau"]),
    (("--region", "6"), ["eau", "Éole"]),
    (("--region", "Montréal", "--region", "centre-du-quebec"), ["Alpha", "Delta", "eau", "Éole"]),
    (("--mrc", "nicolet-yamaska"), ["Alpha"]),
    (("--mrc", "Drummond", "--mrc", "Nicolet-Yamaska"), ["Alpha", "Delta"]),
    (("--topic", "floods"), ["Alpha", "Zèbre"]),
    (("--topic", "géolocalisation"), ["eau"]),
    (("--topic", "GIS", "--topic", "geolocation"), ["eau", "Éole"]),
    (("--status", "following"), ["eau"]),
    (("--status", "following", "--status", "to-follow"), ["Alpha", "eau"]),
    (("--platform", "x"), ["Éole", "Zèbre"]),
    (("--platform", "bsky", "--platform", "mastodon"), ["Alpha", "eau"]),
    (("--kind", "police", "--region", "06"), ["Éole"]),
    (("--kind", "ngo", "--platform", "x"), []),
    (("--topic", "inondations", "--status", "to-follow", "--kind", "weather"), ["Alpha"]),
    (("--limit", "2"), ["Alpha", "Delta"]),
    (("--kind", "ngo", "--kind", "police", "--limit", "3"), ["Delta", "eau", "Éole"]),
])
def test_list_filters(invoke, directory, options, expected):
    assert names(invoke("list", *options, "--json")) == expected


def test_list_json_fields(invoke, directory):
    [alpha] = ok_json(invoke("list", "--mrc", "Nicolet-Yamaska", "--json"))
    assert {"id", "name", "kind", "region", "status", "topics", "accounts"} <= set(alpha)
    assert alpha["id"] == directory["Alpha"]
    assert (alpha["kind"], alpha["region"], alpha["status"]) == ("weather", "17", "to-follow")
    assert alpha["topics"] == ["inondations"]
    assert [(a["platform"], a["handle"]) for a in alpha["accounts"]] == [
        ("mastodon", "alpha@mastodon.social")]


def test_list_human_table(invoke, directory):
    result = invoke("list", "--kind", "police")
    assert result.exit_code == 0, result.output
    assert "Zèbre" in result.stdout and "Éole" in result.stdout and "Alpha" not in result.stdout


def test_list_everything_on_the_starter_directory(invoke, starter_db):
    contacts = ok_json(invoke("list", "--json"))
    assert len(contacts) == rows(starter_db, "SELECT count(*) FROM contacts")[0][0] >= 100


# -- search ------------------------------------------------------------------------------------


def test_search_folds_accents_both_ways(add, invoke):
    accented = add("Carto A", "--description", "Géolocalisation des sinistrés")["id"]
    plain = add("Carto B", "--note", "geolocalisation en temps reel")["id"]
    add("Autre", "--description", "Rien à voir")
    for text in ("geolocalisation", "GÉOLOCALISATION", "Géolocalisation"):
        found = {c["id"] for c in ok_json(invoke("search", text, "--json"))}
        assert found == {accented, plain}, text
    found = {c["id"] for c in ok_json(invoke("search", "réel", "--json"))}
    assert found == {plain}


def test_search_finds_handles_and_topics(add, invoke):
    spvm = add("Police de Montréal", "--x", "@SPVMtest", "--bluesky", "police.bsky.social")["id"]
    flood = add("Comité", "--topic", "inondations")["id"]
    assert [c["id"] for c in ok_json(invoke("search", "spvmtest", "--json"))] == [spvm]
    assert [c["id"] for c in ok_json(invoke("search", "police.bsky.social", "--json"))] == [spvm]
    assert [c["id"] for c in ok_json(invoke("search", "floods", "--json"))] == [flood]


def test_search_best_first_and_limit(add, invoke):
    weak = add("Bulletin", "--description", "Un long bulletin sur les routes, la neige, les "
               "pannes, les écoles, les transports et, une fois, le verglas")["id"]
    strong = add("Verglas Québec", "--description", "Verglas: alertes verglas et conseils")["id"]
    found = [c["id"] for c in ok_json(invoke("search", "verglas", "--json"))]
    assert found == [strong, weak]
    limited = ok_json(invoke("search", "verglas", "--limit", "1", "--json"))
    assert [c["id"] for c in limited] == [strong]


def test_search_requires_every_word(add, invoke):
    both = add("Cartographie", "--description", "zones inondables")["id"]
    add("Cartes", "--description", "cartographie des routes")
    assert [c["id"] for c in ok_json(invoke("search", "cartographie inondables", "--json"))] == [
        both]


def test_search_default_limit_is_20(add, invoke):
    for i in range(22):
        add(f"Centre {i}", "--description", "hébergement d'urgence")
    assert len(ok_json(invoke("search", "hebergement", "--json"))) == 20


# -- edit --------------------------------------------------------------------------------------


def test_edit_fields(add, invoke, db_path):
    contact = add("Org", "--kind", "ngo", "--region", "04", "--lang", "fr", "--note", "old")
    result = invoke("edit", str(contact["id"]), "--name", "Organisme", "--kind", "police",
                    "--mrc", "Drummond", "--municipality", "Drummondville", "--scope", "regional",
                    "--lang", "en", "--description", "desc", "--note", "new", "--source", "src",
                    "--json")
    edited = ok_json(result)
    assert (edited["name"], edited["kind"], edited["mrc"], edited["region"]) == (
        "Organisme", "police", "Drummond", "17")
    assert (edited["municipality"], edited["scope"], edited["languages"]) == (
        "Drummondville", "regional", ["en"])
    assert (edited["description"], edited["notes"], edited["source"]) == ("desc", "new", "src")
    assert rows(db_path, "SELECT name, kind, region, mrc, notes FROM contacts") == [
        ("Organisme", "police", "17", "Drummond", "new")]
    assert ok_json(invoke("show", "organisme", "--json"))["id"] == contact["id"]


def test_edit_topics(add, invoke, db_path):
    contact = add("Org", "--topic", "inondations", "--topic", "alerte")
    ok_json(invoke("edit", "Org", "--add-topic", "wildfires", "--remove-topic", "floods", "--json"))
    stored = {t for (t,) in rows(db_path, "SELECT topic FROM contact_topics WHERE contact_id = ?",
                                 [contact["id"]])}
    assert stored == {"alerte", "feux-de-foret"}


def test_edit_accounts(add, invoke, db_path):
    contact = add("Org", "--x", "@old_handle", "--website", "https://org.example")
    edited = ok_json(invoke("edit", "@old_handle", "--remove-account", "x:https://x.com/OLD_HANDLE",
                            "--add-account", "bluesky:org.bsky.social", "--json"))
    expected = {("bluesky", "org.bsky.social"), ("website", "org.example")}
    assert {(a["platform"], a["handle"]) for a in edited["accounts"]} == expected
    assert set(rows(db_path, "SELECT platform, handle FROM accounts WHERE contact_id = ?",
                    [contact["id"]])) == expected


def test_edit_status_is_recorded_in_history(add, invoke, db_path):
    contact = add("Org", "--x", "@org")
    assert ok_json(invoke("show", "@org", "--json"))["history"] == []
    ok_json(invoke("edit", "@org", "--status", "following", "--json"))
    ok_json(invoke("edit", "@org", "--status", "met", "--json"))
    shown = ok_json(invoke("show", "@org", "--json"))
    assert shown["status"] == "met"
    assert [e["status"] for e in shown["history"]] == ["following", "met"]
    assert rows(db_path, "SELECT count(*) FROM relations WHERE contact_id = ?",
                [contact["id"]]) == [(2,)]


# -- remove ------------------------------------------------------------------------------------


def test_remove_with_yes_deletes_contact_and_accounts(add, invoke, db_path):
    keep = add("Garder", "--x", "@garder")["id"]
    gone = add("Enlever", "--x", "@enlever", "--bluesky", "enlever.bsky.social",
               "--topic", "alerte", "--status", "following")["id"]
    result = invoke("remove", "@enlever", "--yes")
    assert result.exit_code == 0, result.output
    assert rows(db_path, "SELECT id FROM contacts") == [(keep,)]
    for table in ("accounts", "contact_topics", "relations"):
        assert rows(db_path, f"SELECT count(*) FROM {table} WHERE contact_id = ?", [gone]) == [
            (0,)], table
    assert rows(db_path, "SELECT handle FROM accounts") == [("garder",)]


def test_remove_asks_and_no_keeps_everything(add, invoke, db_path, dump):
    add("Garder", "--x", "@garder")
    before = dump(db_path)
    result = invoke("remove", "Garder", input="n\n")
    assert result.exit_code == 1
    assert dump(db_path) == before


def test_remove_asks_and_yes_removes(add, invoke, db_path):
    add("Enlever", "--x", "@enlever")
    result = invoke("remove", "Enlever", input="y\n")
    assert result.exit_code == 0, result.output
    assert rows(db_path, "SELECT count(*) FROM contacts") == [(0,)]


# -- topics and regions ------------------------------------------------------------------------


def test_topics_json(invoke, starter_db):
    topics = ok_json(invoke("topics", "--json"))
    assert len(topics) >= 40
    for topic in topics:
        assert {"code", "label_fr", "label_en", "synonyms", "parents", "contacts"} <= set(topic)
        assert topic["label_fr"] and topic["label_en"]
    by_code = {t["code"]: t for t in topics}
    assert "geomatique" in by_code["geolocalisation"]["parents"]
    assert "geomatique" in by_code["cartographie"]["parents"]
    tagged = rows(starter_db, "SELECT topic, count(*) FROM contact_topics WHERE suggested = 0 "
                              "GROUP BY topic")
    assert {code: t["contacts"] for code, t in by_code.items() if t["contacts"]} == dict(tagged)


def test_topic_counts_follow_new_contacts(invoke, starter_db):
    before = {t["code"]: t["contacts"] for t in ok_json(invoke("topics", "--json"))}
    ok_json(invoke("add", "Nouveau", "--topic", "verglas", "--topic", "geolocation", "--json"))
    after = {t["code"]: t["contacts"] for t in ok_json(invoke("topics", "--json"))}
    assert after["verglas"] == before["verglas"] + 1
    assert after["geolocalisation"] == before["geolocalisation"] + 1
    changed = {code for code in after if after[code] != before[code]}
    assert changed == {"verglas", "geolocalisation"}


def test_regions_json(invoke, empty_db, db_path):
    regions = ok_json(invoke("regions", "--json"))
    assert [r["number"] for r in regions] == [f"{n:02d}" for n in range(1, 18)]
    by_number = {r["number"]: r for r in regions}
    assert by_number["04"]["name"] == "Mauricie"
    assert "Maskinongé" in by_number["04"]["mrcs"]
    assert "Nicolet-Yamaska" in by_number["17"]["mrcs"]
    assert sum(len(r["mrcs"]) for r in regions) == 104
    assert rows(db_path, "SELECT count(*) FROM mrcs") == [(104,)]


def test_topics_and_regions_human_output(invoke, empty_db):
    for command, word in (("topics", "geolocalisation"), ("regions", "Mauricie")):
        result = invoke(command)
        assert result.exit_code == 0, result.output
        assert word in result.stdout
