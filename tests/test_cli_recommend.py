"""`msgu recommend` through the real CLI, on the evaluation directory (tests/fixtures).

Account states and follow edges, which only `refresh` and `discover` write, are written here
through the storage layer, as those commands would.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from cli_results import names_of as names
from cli_results import points_by_signal as signals
from cli_results import refused
from evalset import FIXTURES, build_eval_db, copy_database

from msgu_cli.storage import graph
from msgu_cli.storage.database import open_db, transaction

SIGNALS = {"topic", "text", "geography", "kind", "network", "activity", "language", "trust",
           "diversity", "penalty"}
GEO_LAB = "Laboratoire de géolocalisation d'urgence de Bécancour"
DEUX_RIVES = "Sécurité civile de la MRC des Deux-Rives"


@pytest.fixture(scope="module")
def eval_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_eval_db(tmp_path_factory.mktemp("eval") / "eval.db")


@pytest.fixture
def eval_db(db_path: Path, eval_template: Path) -> Path:
    """A fresh copy of the evaluation directory at the test's database (MSGU_DB)."""
    copy_database(eval_template, db_path)
    return db_path


@pytest.fixture
def recommend(invoke):
    """recommend(*args) -> the parsed `--json` list."""

    def run(*args: str) -> list[dict]:
        result = invoke("recommend", *args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run



def place(row: dict) -> float:
    """The points of a row's place (its first geography reason; a peer's share follows)."""
    return next((x["points"] for x in row["reasons"] if x["signal"] == "geography"), 0.0)


def contact_id(invoke, ref: str) -> int:
    result = invoke("show", ref, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["id"]




# --- interests -------------------------------------------------------------------------------


def test_topic_spellings_give_the_identical_list(eval_db, recommend):
    expected = recommend("--topic", "geolocalisation")
    assert GEO_LAB in names(expected)[:5]
    assert "Julie Bérubé, géomaticienne" in names(expected)[:5]
    for spelling in ("géolocalisation", "GEOLOCATION", "Géolocalisation", "geolocation"):
        assert recommend("--topic", spelling) == expected


def test_gis_is_geomatics_in_either_language(eval_db, recommend):
    # The taxonomy files GIS and SIG under geomatique, the parent of geolocalisation.
    expected = recommend("--topic", "geomatique")
    for spelling in ("GIS", "SIG", "Géomatique", "geomatics"):
        assert recommend("--topic", spelling) == expected
    top = expected[0]
    assert "geomatique" in top["topics"]
    assert top["reasons"][0]["detail"] == 'topic "Geomatics" (exact tag)'


def test_exact_tag_beats_parent_tag(eval_db, recommend):
    rows = {r["name"]: r for r in recommend("--topic", "geolocalisation", "--limit", "20")}
    exact = rows["Julie Bérubé, géomaticienne"]  # tagged geolocalisation
    parent = rows["Centre québécois de géomatique appliquée"]  # tagged geomatique only
    assert signals(exact)["topic"] > signals(parent)["topic"] > 0
    assert '(parent of "Geolocation")' in parent["reasons"][0]["detail"]


def test_two_asked_topics_covered_beat_one(eval_db, recommend):
    rows = recommend("--topic", "inondations", "--topic", "cartographie")
    both = [r for r in rows if {"inondations", "cartographie"} <= set(r["topics"])]
    assert len(both) == 3
    assert rows[:3] == both
    assert all(any(x["detail"] == "covers 2 of the 2 topics asked" for x in r["reasons"])
               for r in both)


def test_free_text_maps_onto_topics_with_french_stemming(eval_db, recommend):
    rows = recommend("cartographie des zones inondables")
    assert set(names(rows)[:3]) == {"Service de géomatique de Saint-Olivier-de-Drummond",
                                    "Observatoire des crues de la Saint-Maurice",
                                    "Canadian Flood Mapping Network"}
    # "inondables" names no topic: its stem leads to inondations, as --topic would.
    for row in rows[:3]:
        details = " ".join(x["detail"] for x in row["reasons"] if x["signal"] == "topic")
        assert '"Mapping"' in details and '"Floods"' in details
    tagged = recommend("--topic", "cartographie", "--topic", "inondations")
    assert set(names(rows)[:3]) == set(names(tagged)[:3])


def test_free_text_falls_back_to_full_text_search(eval_db, recommend):
    # The riverains' committee is tagged `environnement` only; its description names the
    # topics (signal text, below the tags), and other words are searched as they are.
    rows = {r["name"]: r for r in recommend("cartographie des zones inondables", "--limit", "40")}
    riverains = rows["Comité des riverains du lac Aux-Hérons"]
    interest = [x for x in riverains["reasons"] if x["signal"] in ("topic", "text")]
    assert interest and {x["signal"] for x in interest} == {"text"}
    assert any(x["detail"].startswith("description mentions") for x in interest)
    assert riverains["score"] < min(r["score"] for r in rows.values()
                                    if "inondations" in r["topics"]
                                    and "cartographie" in r["topics"])
    found = recommend("riverains aux-hérons")
    assert names(found)[0] == "Comité des riverains du lac Aux-Hérons"
    assert found[0]["reasons"][0]["detail"] == "description matches your words"


def test_words_that_match_nothing_give_an_empty_list(eval_db, invoke):
    result = invoke("recommend", "xylophone quantique")
    assert result.exit_code == 0, result.output
    assert "No contact matches" in result.stdout
    assert json.loads(invoke("recommend", "xylophone quantique", "--json").stdout) == []


def test_profile_supplies_what_the_command_line_leaves_out(eval_db, invoke, recommend):
    assert invoke("profile", "set", "--name", "MRC d'essai", "--kind", "mrc", "--region", "17",
                  "--topic", "inondations", "--lang", "fr").exit_code == 0
    plain = recommend()
    assert plain == recommend("--topic", "inondations", "--region", "17", "--lang", "fr")
    assert all(r["region"] == "17" for r in plain[:3])
    assert all("kind" in signals(r) for r in plain)  # the profile's kind is used
    # A --topic replaces the profile's topics; the territory still comes from the profile.
    ice = recommend("--topic", "verglas")
    matching = [r for r in ice if "topic" in signals(r)]
    assert matching and all("verglas" in r["topics"] or "tempetes-hivernales" in r["topics"]
                            for r in matching)
    # The others are the MRC's territory partners (its region's fire service...).
    assert all(r["region"] == "17" for r in ice if r not in matching)
    assert any("geography" in signals(r) for r in ice)


def test_profile_platforms_are_the_default_platform_filter(eval_db, invoke, recommend):
    assert invoke("profile", "set", "--platform", "mastodon").exit_code == 0
    rows = recommend("--topic", "geolocalisation")
    assert rows and all("mastodon" in {a["platform"] for a in r["accounts"]} for r in rows)
    assert rows == recommend("--topic", "geolocalisation", "--platform", "mastodon")
    wider = recommend("--topic", "geolocalisation", "--platform", "x")
    assert all("x" in {a["platform"] for a in r["accounts"]} for r in wider)


def test_a_region_alone_is_enough_to_rank(eval_db, recommend):
    rows = recommend("--region", "Mauricie", "--limit", "4")
    assert [r["region"] for r in rows] == ["04"] * 4
    # French first by default: the language orders, the territory recommends.
    assert all(signals(r) == {"geography": 6.0, "language": 1.0} for r in rows)


def test_nothing_to_rank_by_is_an_error(eval_db, invoke, dump):
    before = dump(eval_db)
    refused(invoke("recommend"), "--topic", "profile")
    refused(invoke("recommend", "--json"), "--topic")
    assert dump(eval_db) == before


@pytest.mark.parametrize(("args", "words"), [
    (("--topic", "geoloc"), ("Unknown topic 'geoloc'", "geolocalisation")),
    (("--topic", "inondatons"), ("Unknown topic", "inondations")),
    (("--topic", "verglas", "--region", "Mauricy"), ("Unknown region 'Mauricy'", "Mauricie")),
    (("--topic", "verglas", "--region", "18"), ("Unknown region '18'",)),
    (("--topic", "verglas", "--mrc", "Drumond"), ("Unknown MRC", "Drummond")),
    (("--topic", "verglas", "--kind", "polise"), ("Unknown kind 'polise'", "police")),
    (("--topic", "verglas", "--platform", "myspace"), ("myspace",)),
    (("--topic", "verglas", "--lang", "klingon"), ("Unknown language",)),
])
def test_unknown_words_are_errors_with_suggestions(eval_db, invoke, dump, args, words):
    before = dump(eval_db)
    refused(invoke("recommend", *args), *words)
    assert dump(eval_db) == before


def test_limit_below_one_is_a_usage_error(eval_db, invoke):
    assert invoke("recommend", "--topic", "verglas", "--limit", "0").exit_code == 2


# --- territory -------------------------------------------------------------------------------


def test_nearer_region_first_centre_du_quebec(eval_db, recommend):
    rows = recommend("--topic", "inondations", "--region", "17")
    regions = [r["region"] for r in rows]
    assert regions[:3] == ["17", "17", "17"]
    assert DEUX_RIVES in names(rows)[:3]
    # Then province-wide and national reach, then the neighbouring regions (Mauricie, Estrie,
    # Chaudière-Appalaches, Montérégie), whose topics count half: they serve their region.
    geography = [place(r) for r in rows]
    assert geography[:3] == [6.0] * 3 and 5.0 in geography and 3.0 in geography
    assert max(i for i, g in enumerate(geography) if g == 5.0) < geography.index(3.0)
    assert rows[geography.index(3.0)]["region"] in {"04", "05", "12", "16"}


def test_nearer_region_first_montreal_the_other_way_round(eval_db, recommend):
    rows = recommend("--topic", "inondations", "--region", "Montréal")
    assert [r["region"] for r in rows[:2]] == ["06", "06"]
    near = [r for r in rows if place(r) == 3.0]
    assert near and {r["region"] for r in near} <= {"13", "14", "15", "16"}  # neighbours
    far = [r for r in rows if r["region"] == "17"]
    assert all(rows.index(r) > rows.index(near[-1]) for r in far)


def test_same_mrc_before_same_region(eval_db, recommend):
    rows = recommend("--topic", "inondations", "--mrc", "Nicolet-Yamaska")
    assert [r["mrc"] for r in rows[:2]] == ["Nicolet-Yamaska", "Nicolet-Yamaska"]
    assert rows[2]["region"] == "17" and rows[2]["mrc"] != "Nicolet-Yamaska"
    assert signals(rows[0])["geography"] > signals(rows[2])["geography"] > 0


def test_without_territory_quebec_and_canada_come_first(eval_db, recommend):
    rows = recommend("--topic", "cartographie-humanitaire", "--limit", "20")
    abroad = [i for i, r in enumerate(rows) if r["scope"] == "international"]
    at_home = [i for i, r in enumerate(rows) if r["scope"] != "international"]
    assert abroad and at_home
    equal = [r for r in rows if r["scope"] == "international"][0]
    assert "geography" not in signals(equal)
    # Equal matches: every Quebec or Canadian one ranks ahead of the international one.
    tied = [i for i in at_home if signals(rows[i]).get("topic") == signals(equal).get("topic")]
    assert tied and max(tied) < min(abroad)


# --- filters and exclusions ------------------------------------------------------------------


def test_kind_filter_in_french(eval_db, recommend):
    rows = recommend("--topic", "inondations", "--kind", "municipalité", "--region", "17")
    assert rows and {r["kind"] for r in rows} == {"municipality"}
    assert DEUX_RIVES not in names(rows)  # an MRC, not a municipality
    assert all("diversity" not in signals(r) for r in rows)  # the person asked for this kind
    two = recommend("--topic", "inondations", "--kind", "mrc", "--kind", "research")
    assert {r["kind"] for r in two} == {"mrc", "research"}


def test_limit(eval_db, recommend):
    assert len(recommend("--topic", "inondations")) == 10
    assert len(recommend("--topic", "inondations", "--limit", "3")) == 3
    assert recommend("--topic", "inondations", "--limit", "3") == \
        recommend("--topic", "inondations", "--limit", "3")


def test_followed_contacts_are_left_out_unless_asked(eval_db, invoke, recommend):
    assert DEUX_RIVES in names(recommend("--topic", "inondations", "--region", "17"))
    for status in ("following", "follows-back", "met", "collaborating"):
        assert invoke("follow", DEUX_RIVES, "--status", status).exit_code == 0
        assert DEUX_RIVES not in names(recommend("--topic", "inondations", "--region", "17"))
        again = recommend("--topic", "inondations", "--region", "17", "--include-followed")
        assert names(again)[0] == DEUX_RIVES


def test_unfollowed_contacts_are_always_left_out(eval_db, invoke, recommend):
    assert invoke("follow", DEUX_RIVES, "--status", "unfollowed").exit_code == 0
    for extra in ((), ("--include-followed",)):
        rows = recommend("--topic", "inondations", "--region", "17", "--limit", "50", *extra)
        assert DEUX_RIVES not in names(rows)


def test_to_follow_and_discovered_candidates_stay_in(eval_db, invoke, recommend):
    assert invoke("follow", DEUX_RIVES, "--status", "to-follow").exit_code == 0
    assert invoke("add", "Veille crues Nicolet", "--status", "candidate", "--topic",
                  "inondations", "--region", "17", "--bluesky",
                  "veillecrues.bsky.social").exit_code == 0
    rows = names(recommend("--topic", "inondations", "--region", "17"))
    assert DEUX_RIVES in rows and "Veille crues Nicolet" in rows


# --- JSON, explanations, determinism ---------------------------------------------------------


def test_json_is_the_contract(eval_db, recommend):
    rows = recommend("--topic", "inondations", "--region", "17", "--lang", "fr")
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))
    for r in rows:
        assert {"rank", "id", "name", "kind", "region", "score", "accounts", "reasons"} <= set(r)
        assert isinstance(r["id"], int) and isinstance(r["score"], (int, float))
        assert r["region"] is None or (len(r["region"]) == 2 and r["region"].isdigit())
        assert r["accounts"] and all(set(a) == {"platform", "handle", "url"}
                                     for a in r["accounts"])
        assert r["reasons"] and all(set(x) == {"signal", "detail", "points"}
                                    for x in r["reasons"])
        assert {x["signal"] for x in r["reasons"]} <= SIGNALS
        assert all(x["detail"] for x in r["reasons"])
        # Points are rounded to the cent once, and the score is their sum.
        total = sum(x["points"] for x in r["reasons"])
        assert math.isclose(total, r["score"], abs_tol=1e-6), r
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert rows[0]["region_name"] == "Centre-du-Québec"


def test_reasons_add_up_with_every_signal_at_once(eval_db, invoke, recommend):
    assert invoke("profile", "set", "--kind", "mrc", "--region", "17", "--mrc",
                  "Nicolet-Yamaska", "--lang", "fr").exit_code == 0
    rows = recommend("inondations cartographie", "--limit", "25")
    seen = {x["signal"] for r in rows for x in r["reasons"]}
    assert {"topic", "text", "geography", "kind", "language", "diversity", "penalty"} <= seen
    for r in rows:
        assert math.isclose(sum(x["points"] for x in r["reasons"]), r["score"], abs_tol=1e-6)


def test_order_does_not_depend_on_insertion_order(eval_db, invoke, recommend, tmp_path):
    lines = (FIXTURES / "eval_directory.csv").read_text(encoding="utf-8-sig").splitlines()
    reversed_csv = tmp_path / "reversed.csv"
    reversed_csv.write_text("\n".join([lines[0], *reversed(lines[1:])]) + "\n", encoding="utf-8")
    other = tmp_path / "other.db"
    assert invoke("--db", str(other), "init", "--empty").exit_code == 0
    assert invoke("--db", str(other), "import", str(reversed_csv)).exit_code == 0
    for args in (("--topic", "inondations"), ("--topic", "benevoles-numeriques"),
                 ("--region", "06"), ("alerte citoyens",)):
        here = recommend(*args)
        there = json.loads(invoke("--db", str(other), "recommend", *args, "--json").stdout)
        assert [(r["name"], r["score"]) for r in here] == \
            [(r["name"], r["score"]) for r in there]
        assert invoke("recommend", *args, "--json").stdout == invoke(
            "recommend", *args, "--json").stdout


def test_explain_shows_the_reasons_in_the_table(eval_db, invoke):
    plain = invoke("recommend", "--topic", "verglas")
    explained = invoke("recommend", "--topic", "verglas", "--explain")
    assert plain.exit_code == explained.exit_code == 0
    assert "Hydro-Sud" in plain.stdout and "ice storms" in plain.stdout  # the plain reason
    assert "exact tag" not in plain.stdout and "--explain" in plain.stdout
    assert "topic" in explained.stdout and "exact tag" in explained.stdout
    assert "10.11" in explained.stdout and "+7.11" in explained.stdout  # score, and points


def test_diversity_is_a_reason(eval_db, recommend):
    rows = recommend("--topic", "benevoles-numeriques")
    penalties = [x for r in rows for x in r["reasons"] if x["signal"] == "diversity"]
    assert penalties and all(x["points"] < 0 for x in penalties)
    assert "contact no. 4 of kind volunteers" in penalties[0]["detail"]
    assert "Croix-Secours Québec" in names(rows)  # a related ngo gets room among volunteers


def test_language_signal(eval_db, recommend):
    rows = {r["name"]: r for r in recommend("--topic", "cartographie-humanitaire",
                                            "--lang", "en")}
    assert signals(rows["Global Crisis Mappers"])["language"] > 0  # publishes in English
    assert signals(rows["Cartographes solidaires de l'Estrie"])["language"] < 0  # French only
    # Without --lang or a profile language: French, then English.
    default = {r["name"]: r for r in recommend("--topic", "cartographie-humanitaire")}
    assert signals(default["Cartographes solidaires de l'Estrie"])["language"] == 1.0
    assert signals(default["Global Crisis Mappers"])["language"] == 0.5


# --- activity and network: the states and edges that refresh and discover store -------------


def _account_ids(db_path: Path, *refs: tuple[str, str]) -> list[int]:
    db = open_db(db_path)
    try:
        found = graph.account_ids(db, list(refs))
    finally:
        db.close()
    return [found[ref] for ref in refs]


def _store(db_path: Path, write) -> None:
    db = open_db(db_path)
    try:
        with transaction(db):
            write(db)
    finally:
        db.close()


def test_a_contact_whose_every_fetched_account_is_dead_is_never_recommended(
    eval_db, recommend
):
    name = "Julie Bérubé, géomaticienne"  # bluesky, and linkedin (which refresh never reads)
    assert name in names(recommend("--topic", "geolocalisation"))
    [bluesky] = _account_ids(eval_db, ("bluesky", "juliegeo-eval.bsky.social"))
    for state in ("not-found", "suspended", "deactivated"):
        _store(eval_db, lambda db, s=state: graph.save_fetched(
            db, bluesky, {}, state=s, note=None, now="2026-01-01T00:00:00+00:00"))
        for extra in ((), ("--include-followed",)):
            assert name not in names(recommend("--topic", "geolocalisation", *extra))
    _store(eval_db, lambda db: graph.save_fetched(
        db, bluesky, {}, state="error", note="timeout", now="2026-01-02T00:00:00+00:00"))
    assert name in names(recommend("--topic", "geolocalisation"))  # an error is not a death


def test_one_live_account_keeps_a_contact(eval_db, recommend):
    name = "Géo-Alerte Montréal"  # bluesky and mastodon
    assert name in names(recommend("--topic", "geolocalisation", "--limit", "20"))
    bluesky, mastodon = _account_ids(eval_db, ("bluesky", "geoalertemtl-eval.bsky.social"),
                                     ("mastodon", "geoalertemtl@eval.example"))
    _store(eval_db, lambda db: graph.save_fetched(
        db, bluesky, {}, state="not-found", note=None, now="2026-01-01T00:00:00+00:00"))
    # The contract counts fetched accounts only: the one fetched is gone.
    assert name not in names(recommend("--topic", "geolocalisation", "--limit", "20"))
    _store(eval_db, lambda db: graph.save_fetched(
        db, mastodon, {}, state="ok", note=None, now="2026-01-01T00:00:00+00:00"))
    assert name in names(recommend("--topic", "geolocalisation", "--limit", "20"))


def test_long_silent_contacts_lose_points_with_a_reason(eval_db, recommend):
    before = {r["name"]: r for r in recommend("--topic", "geolocalisation")}
    name = "Julie Bérubé, géomaticienne"
    [bluesky] = _account_ids(eval_db, ("bluesky", "juliegeo-eval.bsky.social"))
    _store(eval_db, lambda db: graph.save_fetched(
        db, bluesky, {"last_post_at": "2019-03-01T12:00:00Z"}, state="ok", note=None,
        now="2026-01-01T00:00:00+00:00"))
    after = {r["name"]: r for r in recommend("--topic", "geolocalisation")}
    [reason] = [x for x in after[name]["reasons"] if x["signal"] == "activity"]
    assert reason["points"] < 0 and "2019-03-01" in reason["detail"]
    assert after[name]["score"] < before[name]["score"]


VOST = ("bluesky", "vostmetro-eval.bsky.social")
JULIE = ("bluesky", "juliegeo-eval.bsky.social")
GEOMATICIENS = ("bluesky", "geomaticurg-eval.bsky.social")
METEO = ("bluesky", "meteoqc-eval.bsky.social")
CARON = ("bluesky", "macaronmsgu-eval.bsky.social")


def _follows(db_path: Path, follower: tuple[str, str], *followees: tuple[str, str]) -> None:
    source, *targets = _account_ids(db_path, follower, *followees)
    _store(db_path, lambda db: graph.save_follows(db, source, targets, source="test",
                                                  seen_at="2026-01-01"))


def test_network_counts_only_the_circle_of_trust(eval_db, invoke, recommend):
    _follows(eval_db, VOST, JULIE, METEO)
    _follows(eval_db, CARON, GEOMATICIENS)
    before = {r["name"]: r for r in recommend("--topic", "geolocalisation", "--limit", "20")}
    assert all("network" not in signals(r) for r in before.values())  # nobody followed yet

    assert invoke("follow", "@vostmetro-eval.bsky.social").exit_code == 0
    after = {r["name"]: r for r in recommend("--topic", "geolocalisation", "--limit", "20")}
    julie = "Julie Bérubé, géomaticienne"
    [reason] = [x for x in after[julie]["reasons"] if x["signal"] == "network"]
    assert reason["points"] > 0 and "Équipe VOST Métropole" in reason["detail"]
    assert after[julie]["score"] > before[julie]["score"]
    assert names(recommend("--topic", "geolocalisation"))[0] == julie
    # Caron is not followed: the edges of his account do not count.
    assert "network" not in signals(after["Réseau des géomaticiens en urgence"])


def test_more_trusted_followers_more_points(eval_db, invoke, recommend):
    _follows(eval_db, VOST, JULIE, GEOMATICIENS)
    _follows(eval_db, CARON, GEOMATICIENS)
    for ref in ("@vostmetro-eval.bsky.social", "@macaronmsgu-eval.bsky.social"):
        assert invoke("follow", ref, "--status", "follows-back").exit_code == 0
    rows = {r["name"]: r for r in recommend("--topic", "geolocalisation", "--limit", "20")}
    one = signals(rows["Julie Bérubé, géomaticienne"])["network"]
    two = signals(rows["Réseau des géomaticiens en urgence"])["network"]
    assert two > one > 0


def test_the_follow_graph_alone_is_enough_to_rank(eval_db, invoke, recommend):
    _follows(eval_db, VOST, JULIE, METEO)
    assert invoke("follow", "Équipe VOST Métropole", "--status", "collaborating").exit_code == 0
    rows = recommend()  # no topic, no profile: the network is something to go on
    assert set(names(rows)) == {"Julie Bérubé, géomaticienne", "Service météo du Québec"}
    # The network recommends them; Quebec reach and languages only order them.
    assert all("network" in signals(r) and set(signals(r)) <= {"network", "language",
                                                                "geography"} for r in rows)
    assert "Équipe VOST Métropole" not in names(rows)  # followed: left out


def test_followed_contacts_without_follow_edges_are_not_enough(eval_db, invoke, dump):
    assert invoke("follow", "Équipe VOST Métropole").exit_code == 0
    before = dump(eval_db)
    refused(invoke("recommend"), "Nothing to rank by", "--topic")
    assert dump(eval_db) == before
