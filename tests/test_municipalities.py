"""The Répertoire des municipalités as reference data: `msgu municipalities`, and a municipality
given to add, edit, import, profile set and recommend, resolved accent-, case- and hyphen-blind.

Everything runs through the real CLI on a real database; what a command must list is computed
from seeds/municipalities.csv (read with the project's own reader), never written out here.
"""

from __future__ import annotations

import csv
import io
import sqlite3

import pytest
from cli_results import ok_json, refused, rows
from transfer_checks import listed, ok, without_ids

from msgu_cli.domain.geo import Municipalities
from msgu_cli.domain.text import fold
from msgu_cli.storage.seeds import read_municipalities

TOWNS = read_municipalities()
INDEX = Municipalities.from_towns(TOWNS)
FIELDS = {"code", "name", "designation", "mrc", "region", "region_name", "population", "website"}


def mauricie_mrcs(invoke) -> set[str]:
    regions = ok_json(invoke("regions", "--json"))
    return {name for r in regions if r["number"] == "04" for name in r["mrcs"]}


# --- msgu municipalities -----------------------------------------------------------------------


def test_region_04_lists_the_mauricie_with_its_mrcs(invoke, empty_db):
    listed_towns = ok_json(invoke("municipalities", "--region", "04", "--json"))
    expected = {m.code for m in TOWNS if m.region == "04"}
    assert {t["code"] for t in listed_towns} == expected and len(listed_towns) == len(expected)
    mrcs = mauricie_mrcs(invoke)
    for town in listed_towns:
        assert set(town) == FIELDS
        assert (town["region"], town["region_name"]) == ("04", "Mauricie")
        assert town["mrc"] is None or town["mrc"] in mrcs
        assert isinstance(town["population"], int)
    with_mrc = [t["mrc"] for t in listed_towns if t["mrc"]]
    assert set(with_mrc) == mrcs  # every MRC of the Mauricie has its municipalities
    trois_rivieres = [t for t in listed_towns if t["name"] == "Trois-Rivières"]
    assert [t["mrc"] for t in trois_rivieres] == ["Trois-Rivières"]


def test_the_list_is_ordered_by_mrc_then_name(invoke, empty_db):
    listed_towns = ok_json(invoke("municipalities", "--region", "Mauricie", "--json"))
    keys = [(t["mrc"] is None, fold(t["mrc"] or ""), fold(t["name"])) for t in listed_towns]
    assert keys == sorted(keys)


def test_every_entry_of_the_repertoire_is_listed_with_its_code_as_text(invoke, empty_db):
    everything = ok_json(invoke("municipalities", "--json"))
    assert len(everything) == len(TOWNS) == len({t["code"] for t in everything})
    assert all(len(t["code"]) == 5 and t["code"].isdigit() for t in everything)
    assert any(t["code"].startswith("0") for t in everything)  # leading zeros kept


def test_mrc_filter_takes_the_repertoire_spelling_des_chenaux(invoke, empty_db):
    chenaux = ok_json(invoke("municipalities", "--mrc", "Des Chenaux", "--json"))
    assert chenaux and {t["mrc"] for t in chenaux} == {"Les Chenaux"}
    assert len(chenaux) == sum(1 for m in TOWNS if m.mrc == "Les Chenaux")


def test_an_mrc_of_another_region_is_an_error(invoke, empty_db):
    message = refused(invoke("municipalities", "--region", "05", "--mrc", "Les Chenaux"))
    assert "Les Chenaux" in message and "04" in message


def test_the_human_table_names_its_source(invoke, empty_db):
    out = ok(invoke("municipalities", "--mrc", "Les Chenaux")).stdout
    assert "Batiscan" in out and "MAMH" in out and "CC BY 4.0" in out


def test_the_table_prints_names_as_text_not_markup():
    from rich.console import Console

    from msgu_cli.cli.render import municipalities_table
    from msgu_cli.domain.models import Municipality

    town = Municipality("99999", "[bold red]Piège[/]", "Ville", "04", "[link=x]y", 10, None)
    console = Console(record=True, width=200)
    console.print(municipalities_table([town], "[blink]title"))
    text = console.export_text()
    assert "[bold red]Piège[/]" in text and "[link=x]y" in text and "[blink]title" in text


# --- a municipality given to add ---------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["trois rivieres", "Trois-Rivières", "TROIS-RIVIERES",
                                      "Ville de Trois-Rivières", "37067"])
def test_add_fills_in_the_region_and_the_territory(invoke, empty_db, db_path, spelling):
    contact = ok_json(invoke("add", "X", "--municipality", spelling, "--json"))
    assert (contact["municipality"], contact["mrc"], contact["region"]) == (
        "Trois-Rivières", "Trois-Rivières", "04")
    assert rows(db_path, "SELECT municipality, mrc, region FROM contacts") == [
        ("Trois-Rivières", "Trois-Rivières", "04")]


def test_st_and_ste_read_as_saint_and_sainte(invoke, empty_db):
    contact = ok_json(invoke("add", "X", "--municipality", "ste-anne-des-plaines", "--json"))
    assert (contact["municipality"], contact["mrc"]) == ("Sainte-Anne-des-Plaines",
                                                         "Thérèse-De Blainville")


@pytest.mark.parametrize(("options", "fragments"), [
    (["--region", "05"], ["Trois-Rivières", "04 Mauricie", "05 Estrie"]),
    (["--mrc", "Les Chenaux"], ["Trois-Rivières", "Les Chenaux"]),
    (["--region", "04", "--mrc", "Maskinongé"], ["Trois-Rivières", "Maskinongé"]),
])
def test_a_contradiction_is_an_error_and_changes_nothing(invoke, empty_db, db_path, dump,
                                                         options, fragments):
    before = dump(db_path)
    message = refused(invoke("add", "X", *options, "--municipality", "trois-rivieres"))
    for fragment in fragments:
        assert fragment in message
    assert dump(db_path) == before


def test_an_unknown_municipality_suggests_the_closest_names(invoke, empty_db, db_path, dump):
    before = dump(db_path)
    message = refused(invoke("add", "X", "--municipality", "Troi-Rivieres"))
    assert "Unknown municipality 'Troi-Rivieres'" in message and "Trois-Rivières" in message
    assert dump(db_path) == before


def test_an_ambiguous_name_lists_each_one_with_its_mrc(invoke, empty_db, db_path, dump):
    namesakes = [m for m in TOWNS if fold(m.name) == "saint-damase"]
    assert len({m.region for m in namesakes}) == len(namesakes) > 1
    before = dump(db_path)
    message = refused(invoke("add", "X", "--municipality", "Saint-Damase"))
    for town in namesakes:
        assert town.mrc in message and town.code in message
    assert dump(db_path) == before
    for town in namesakes:  # the region, or the MRC, settles it
        by_region = ok_json(invoke("add", f"X{town.code}", "--municipality", "saint damase",
                                   "--region", town.region, "--json"))
        by_mrc = ok_json(invoke("add", f"Y{town.code}", "--municipality", "saint damase",
                                "--mrc", town.mrc, "--json"))
        for contact in (by_region, by_mrc):
            assert (contact["municipality"], contact["mrc"], contact["region"]) == (
                "Saint-Damase", town.mrc, town.region)


def test_twins_of_one_territory_are_told_apart_by_their_designation(invoke, empty_db, tmp_path):
    twins = [m for m in TOWNS if m.name == "Hatley"]
    assert len(twins) == 2 and len({(m.region, m.mrc) for m in twins}) == 1
    message = refused(invoke("add", "X", "--municipality", "Hatley", "--mrc", twins[0].mrc))
    assert all(m.code in message for m in twins) and "'Hatley (Canton)'" in message
    canton = ok_json(invoke("add", "Canton", "--municipality", "Canton de Hatley", "--json"))
    by_code = ok_json(invoke("add", "Autre", "--municipality", "45043", "--json"))
    assert canton["municipality"] == "Hatley (Canton)"
    assert by_code["municipality"] == "Hatley (Municipalité)"
    exported = tmp_path / "twins.csv"  # the stored names import back to the same places
    ok(invoke("export", "--format", "csv", "--output", str(exported)))
    other = tmp_path / "other.db"
    ok(invoke("--db", str(other), "init", "--empty"))
    ok(invoke("--db", str(other), "import", str(exported)))
    assert without_ids(listed(invoke, db=other)) == without_ids(listed(invoke))


def test_edit_moves_a_contact_and_an_empty_value_clears_the_municipality(invoke, empty_db):
    added = ok_json(invoke("add", "X", "--municipality", "Trois-Rivières", "--json"))
    moved = ok_json(invoke("edit", str(added["id"]), "--municipality", "Rimouski", "--json"))
    assert (moved["municipality"], moved["mrc"], moved["region"]) == (
        "Rimouski", "Rimouski-Neigette", "01")
    cleared = ok_json(invoke("edit", str(added["id"]), "--municipality", "", "--json"))
    assert cleared["municipality"] is None and cleared["region"] == "01"


# --- import ------------------------------------------------------------------------------------


def test_import_resolves_the_municipality_column(invoke, empty_db, tmp_path):
    source = tmp_path / "villes.csv"
    source.write_text("nom;municipalité\nVille A;val des sources\nVille B;Baie-Saint-Paul\n",
                      encoding="utf-8")
    ok(invoke("import", str(source)))
    stored = {c["name"]: (c["municipality"], c["mrc"], c["region"]) for c in listed(invoke)}
    assert stored == {"Ville A": ("Val-des-Sources", "Les Sources", "05"),
                      "Ville B": ("Baie-Saint-Paul", "Charlevoix", "03")}


def test_import_refuses_a_contradiction_with_its_line(invoke, empty_db, db_path, dump, tmp_path):
    source = tmp_path / "villes.csv"
    source.write_text("name,region,municipality\nA,04,Trois-Rivières\nB,Estrie,Trois-Rivières\n",
                      encoding="utf-8")
    before = dump(db_path)
    message = refused(invoke("import", str(source)))
    assert "line 3" in message and "Trois-Rivières" in message
    assert dump(db_path) == before


# --- profile and recommend ---------------------------------------------------------------------


def test_profile_set_municipality_fills_in_its_territory(invoke, empty_db, db_path):
    saved = ok_json(invoke("profile", "set", "--municipality", "RIMOUSKI", "--json"))
    assert (saved["municipality"], saved["mrc"], saved["region"]) == (
        "Rimouski", "Rimouski-Neigette", "01")
    assert ok_json(invoke("profile", "show", "--json"))["municipality"] == "Rimouski"
    assert rows(db_path, "SELECT municipality, mrc, region FROM profile") == [
        ("Rimouski", "Rimouski-Neigette", "01")]
    moved = ok_json(invoke("profile", "set", "--region", "04", "--json"))
    assert (moved["municipality"], moved["mrc"], moved["region"]) == (None, None, "04")


def test_profile_set_refuses_a_contradiction(invoke, empty_db, db_path, dump):
    before = dump(db_path)
    refused(invoke("profile", "set", "--region", "05", "--municipality", "Rimouski"))
    assert dump(db_path) == before


def test_recommend_municipality_ranks_like_its_mrc_and_region(invoke, starter_db):
    def ranked(*options: str) -> list[str]:
        return [r["name"] for r in ok_json(invoke("recommend", "--topic", "inondations",
                                                  *options, "--json"))]

    by_town = ranked("--municipality", "trois rivieres")
    assert by_town and by_town == ranked("--mrc", "Trois-Rivières", "--region", "04")


def test_recommend_municipality_contradiction_is_an_error(invoke, starter_db):
    message = refused(invoke("recommend", "--topic", "inondations", "--region", "05",
                            "--municipality", "Trois-Rivières"))
    assert "04 Mauricie" in message


# --- reference data in existing databases ------------------------------------------------------


def test_a_database_made_before_the_repertoire_gets_it_at_the_next_open(invoke, empty_db, db_path):
    conn = sqlite3.connect(db_path)
    with conn:  # as an msgu without municipalities left the file
        conn.execute("DROP TABLE municipalities")
        conn.execute("ALTER TABLE profile DROP COLUMN municipality")
        conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm006_municipalities'")
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    assert len(ok_json(invoke("municipalities", "--json"))) == len(TOWNS)
    assert ok_json(invoke("profile", "set", "--municipality", "Rimouski", "--json"))["mrc"] == (
        "Rimouski-Neigette")


def test_an_older_bundle_is_brought_up_to_date(invoke, empty_db, db_path):
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("DELETE FROM municipalities WHERE region = '04'")
        conn.execute("UPDATE municipalities SET population = -1")
        conn.execute("INSERT INTO municipalities (code, name, designation, region) "
                     "VALUES ('00000', 'Disparue', 'Ville', '04')")
        conn.execute("PRAGMA user_version = 1")
    conn.close()
    ok(invoke("municipalities", "--json"))
    stored = rows(db_path, "SELECT code, population FROM municipalities ORDER BY code")
    assert stored == sorted((m.code, m.population) for m in TOWNS)


# --- the seed file itself ----------------------------------------------------------------------


def test_the_seed_file_joins_the_mrcs_and_its_regions():
    from msgu_cli.storage.seeds import read_mrcs, seed_file

    mrcs = {(m.name, m.region) for m, _kind, _source in read_mrcs()}
    assert all((m.mrc, m.region) in mrcs for m in TOWNS if m.mrc)
    assert {m.mrc for m in TOWNS if m.mrc} == {name for name, _region in mrcs}
    with seed_file("municipalities.csv").open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(io.StringIO(handle.readline())))
    assert header == ["code", "name", "designation", "region", "mrc", "population", "website"]
    assert "CC BY 4.0" in seed_file("SOURCES.md").read_text(encoding="utf-8")



def test_edit_refuses_a_region_that_does_not_hold_the_municipality(invoke, empty_db, db_path,
                                                                     dump):
    added = ok_json(invoke("add", "X", "--municipality", "Trois-Rivières", "--json"))
    before = dump(db_path)
    message = refused(invoke("edit", str(added["id"]), "--region", "05"))
    assert "Trois-Rivières" in message and "04 Mauricie" in message
    assert dump(db_path) == before
    same = ok_json(invoke("edit", str(added["id"]), "--region", "Mauricie", "--json"))
    assert (same["municipality"], same["region"]) == ("Trois-Rivières", "04")
