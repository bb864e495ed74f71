"""The rules of the contract's recommend section, through the real CLI, on the shipped starter
directory (seeds/contacts.csv: what users get)."""

from __future__ import annotations

import json

import pytest
from cli_results import names_of as names
from cli_results import points_by_signal as signals
from english_texts import english  # noqa: F401 (an autouse fixture)

WEBSITE_ONLY = "INFO-Crue"
UQ = "Urgence Québec"
MSP = "Ministère de la Sécurité publique du Québec"
ECCC = "Environnement et Changement climatique Canada – Météo"
SPVG = "Service de police de la Ville de Gatineau"


@pytest.fixture(autouse=True)
def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal wide enough that table cells do not wrap."""
    monkeypatch.setenv("COLUMNS", "240")


@pytest.fixture
def recommend(starter_db, invoke):
    """recommend(*args) -> the parsed `--json` list, on the starter directory."""

    def run(*args: str) -> list[dict]:
        result = invoke("recommend", *args, "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    return run


@pytest.fixture
def profile(invoke):
    def run(*args: str) -> None:
        result = invoke("profile", "set", *args)
        assert result.exit_code == 0, result.output

    return run



def platforms(row: dict) -> set[str]:
    return {a["platform"] for a in row["accounts"]}


# --- followable first ------------------------------------------------------------------------


def test_only_followable_contacts_are_ranked_by_default(recommend):
    rows = recommend("--topic", "inondations", "--limit", "40")
    assert rows and all(r["followable"] for r in rows)
    assert all(platforms(r) - {"website"} for r in rows)
    assert WEBSITE_ONLY not in names(rows)
    for r in rows:
        assert r["follow"]["platform"] != "website"
        assert r["follow"] in [{k: a[k] for k in ("platform", "handle", "url")}
                               for a in r["accounts"]]


def test_include_websites_ranks_references_with_nothing_to_follow(recommend):
    rows = recommend("--topic", "inondations", "--include-websites", "--limit", "40")
    references = [r for r in rows if not r["followable"]]
    assert WEBSITE_ONLY in names(references)
    assert all(r["follow"] is None and platforms(r) == {"website"} for r in references)
    # Equal scores: the followable contact first; and the order stays the score's.
    scores = [(r["score"], r["followable"]) for r in rows]
    assert scores == sorted(scores, key=lambda s: (-s[0], not s[1]))


def test_the_table_names_up_to_three_references_below_it(starter_db, invoke):
    result = invoke("recommend", "--topic", "inondations")
    assert result.exit_code == 0, result.output
    see_also = [line for line in result.stdout.splitlines() if line.startswith("See also")]
    assert see_also, result.stdout
    text = " ".join(result.stdout.split("See also", 1)[1].split())
    assert text.count("(http") <= 3 and "(http" in text
    assert "See also" not in invoke("recommend", "--topic", "inondations",
                                    "--include-websites").stdout


def test_follow_is_on_the_asked_platform(recommend, profile):
    rows = recommend("--topic", "alerte", "--platform", "facebook")
    assert rows and all(r["follow"]["platform"] == "facebook" for r in rows)
    uq = next(r for r in recommend("--topic", "alerte") if r["name"] == UQ)
    assert uq["follow"]["platform"] == "x"  # X before Facebook when nothing is asked
    profile("--platform", "bluesky")
    assert all(r["follow"]["platform"] == "bluesky" for r in recommend("--topic", "cartographie"))


# --- never yourself --------------------------------------------------------------------------


def test_the_organisation_is_never_recommended_to_itself(recommend, profile):
    assert "Ville de Bécancour" in names(recommend("--topic", "inondations", "--region", "17"))
    profile("--name", "VILLE DE BECANCOUR", "--kind", "municipality", "--region", "17")
    for args in (("--topic", "inondations"), ("--include-websites",), ("--limit", "100")):
        assert "Ville de Bécancour" not in names(recommend(*args))


# --- all-hazards sources ---------------------------------------------------------------------


@pytest.mark.parametrize("hazard", ["verglas", "feux-de-foret", "erosion-cotiere"])
def test_all_hazards_sources_answer_every_hazard(recommend, hazard):
    rows = {r["name"]: r for r in recommend("--topic", hazard)}
    for source in (UQ, MSP, ECCC):
        assert source in rows, (hazard, list(rows))
    uq = rows[UQ]["reasons"]
    assert any(x["detail"].startswith("all-hazards source") for x in uq) or hazard in \
        rows[UQ]["topics"]


def test_an_ice_storm_question_gets_the_province_and_the_weather_first(recommend, profile):
    profile("--name", "MRC de Vaudreuil-Soulanges", "--kind", "mrc", "--region", "16",
            "--mrc", "Vaudreuil-Soulanges", "--topic", "verglas", "--lang", "fr")
    top = names(recommend())[:5]
    assert {UQ, MSP, ECCC, "Hydro-Québec"} <= set(top)


# --- territory partners ----------------------------------------------------------------------


def test_territory_partners_qualify_without_an_interest(recommend, profile):
    profile("--name", "Ville de Gatineau", "--kind", "municipality", "--region", "07",
            "--mrc", "Gatineau", "--topic", "inondations", "--lang", "fr")
    rows = {r["name"]: r for r in recommend()}
    spvg = rows[SPVG]
    assert "topic" not in signals(spvg) and "text" not in signals(spvg)
    assert signals(spvg)["geography"] > 0 and signals(spvg)["kind"] > 0
    # Without a kind there is no partner: the same territory alone does not qualify it.
    profile("--clear", "kind")
    assert SPVG not in names(recommend())


def test_a_partner_stays_below_the_matching_contacts_of_its_territory(recommend, invoke,
                                                                      profile):
    ok = invoke("add", "Comité des crues de Gatineau", "--kind", "ngo", "--region", "07",
                "--mrc", "Gatineau", "--topic", "inondations", "--lang", "en",
                "--x", "crues_gatineau")
    assert ok.exit_code == 0, ok.output
    profile("--name", "Ville de Gatineau", "--kind", "municipality", "--region", "07",
            "--mrc", "Gatineau", "--topic", "inondations", "--lang", "fr")
    got = names(recommend("--limit", "30"))
    assert got.index("Comité des crues de Gatineau") < got.index(SPVG)


# --- Quebec and its languages by default -----------------------------------------------------


def test_without_a_territory_quebec_comes_first_at_equal_match(recommend):
    rows = recommend("--topic", "cartographie", "--limit", "30")
    for i, row in enumerate(rows):
        if row["scope"] == "international":
            later = rows[i + 1:]
            assert not [r for r in later if r["scope"] != "international"
                        and signals(r).get("topic") == signals(row).get("topic")
                        and signals(r).get("language") == signals(row).get("language")]


def test_french_and_english_are_the_default_languages(recommend):
    rows = {r["name"]: r for r in recommend("--topic", "geolocalisation", "--limit", "30")}
    assert signals(rows["OpenStreetMap France"])["language"] == 1.0  # French first
    assert signals(rows["Humanitarian OpenStreetMap Team (HOT)"])["language"] == 0.5
    assert signals(rows["Bundesamt für Kartographie und Geodäsie (BKG)"])["language"] < 0
    order = list(rows)
    hot = order.index("Humanitarian OpenStreetMap Team (HOT)")
    assert hot < order.index("Bundesamt für Kartographie und Geodäsie (BKG)")


def test_a_quebec_public_body_is_never_penalised_for_french(recommend):
    rows = {r["name"]: r for r in recommend("--topic", "alerte", "--lang", "en")}
    for body in (UQ, MSP, "Sûreté du Québec"):
        assert signals(rows[body])["language"] > 0, rows[body]["reasons"]


# --- ties, topics in descriptions, thin results, plain reasons --------------------------------


def test_equal_scores_put_the_most_followable_first(recommend):
    rows = recommend("--topic", "geolocalisation", "--limit", "30")
    for a, b in zip(rows, rows[1:], strict=False):
        if a["score"] == b["score"]:
            assert len(platforms(a) - {"website"}) >= len(platforms(b) - {"website"})


def test_topic_names_in_descriptions_count_as_text_below_tags(recommend, invoke):
    ok = invoke("add", "Équipe de repérage numérique", "--kind", "volunteer", "--x",
                "reperage_num", "--description", "Nous faisons la géolocalisation de photos.")
    assert ok.exit_code == 0, ok.output
    rows = recommend("--topic", "geolocalisation", "--limit", "40")
    found = next(r for r in rows if r["name"] == "Équipe de repérage numérique")
    assert {x["signal"] for x in found["reasons"] if x["points"] > 0} >= {"text"}
    assert "topic" not in signals(found)
    tagged = [r for r in rows if "geolocalisation" in r["topics"]
              and signals(r).get("topic", 0) > 0 and r["scope"] == found["scope"]]
    assert all(signals(found)["text"] < signals(r)["topic"] for r in tagged)


def test_an_acronym_in_lower_case_is_not_the_topic(recommend):
    rows = recommend("--topic", "medias-sociaux", "--limit", "60")
    # Notes that say "vérifier avec msgu refresh" do not make a contact a social-media source.
    assert "Arrondissement de Lachine" not in names(rows)


def test_few_quebec_contacts_are_said_in_one_line(starter_db, invoke):
    thin = invoke("recommend", "--topic", "inondations", "--platform", "mastodon")
    assert thin.exit_code == 0, thin.output
    lines = [line for line in thin.stdout.splitlines() if "in Quebec" in line]
    assert len(lines) == 1 and "--platform" in lines[0]
    rich = invoke("recommend", "--topic", "inondations")
    assert not [line for line in rich.stdout.splitlines() if "in Quebec:" in line]
    as_json = invoke("recommend", "--topic", "inondations", "--platform", "mastodon", "--json")
    assert json.loads(as_json.stdout)  # the JSON is the list, nothing more


def test_each_row_has_a_plain_reason(starter_db, invoke, profile):
    profile("--name", "Ville de Gatineau", "--kind", "municipality", "--region", "07",
            "--mrc", "Gatineau", "--topic", "inondations", "--lang", "fr")
    result = invoke("recommend", "--limit", "15")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.stdout.split())
    assert "police service of your MRC" in flat
    assert "official alerts for all of" in flat or "floods" in flat
    assert "exact tag" not in flat  # points and details stay in --explain
    explained = " ".join(invoke("recommend", "--limit", "15", "--explain").stdout.split())
    assert "territory: same MRC (Gatineau)" in explained


# --- a coordinator's territory (round 2: the grown directory) --------------------------------

QEA = "Québec En Alerte"


def test_a_town_named_by_its_municipality_is_never_recommended_to_itself(recommend, profile):
    profile("--kind", "municipality", "--municipality", "Gatineau", "--topic", "inondations")
    for args in ((), ("--region", "06"), ("--include-websites",)):
        assert "Ville de Gatineau" not in names(recommend("--limit", "100", *args))
    # A borough is in Montréal; it is not the city, which it follows first.
    profile("--name", "Arrondissement de Verdun", "--municipality", "Montréal", "--topic",
            "chaleur-extreme")
    got = names(recommend("--limit", "100"))
    assert "Ville de Montréal" in got and "Arrondissement de Verdun" not in got


def test_an_organisation_s_own_unit_is_never_recommended_to_it(recommend, profile):
    profile("--name", "Sûreté du Québec", "--kind", "police", "--topic", "feux-de-foret")
    assert "Sûreté du Québec – district Nord" not in names(recommend("--limit", "100"))


@pytest.mark.parametrize("who", [
    ("--name", "MRC de Nicolet-Yamaska", "--kind", "mrc", "--region", "17", "--mrc",
     "Nicolet-Yamaska", "--topic", "inondations"),
    ("--name", "MRC de La Mitis", "--kind", "mrc", "--region", "01", "--mrc", "La Mitis",
     "--topic", "erosion-cotiere", "--topic", "tempetes"),
    ("--name", "Ville de Saguenay", "--kind", "municipality", "--municipality", "Saguenay",
     "--topic", "inondations", "--topic", "glissements-de-terrain"),
    ("--name", "Ville de Magog", "--kind", "municipality", "--municipality", "Magog",
     "--topic", "tempetes"),
], ids=["floods", "coastal storms", "floods and landslides", "storms"])
def test_the_province_and_the_weather_lead_a_hazard_asked_by_a_quebec_organisation(
        recommend, profile, who):
    profile(*who, "--lang", "fr")
    assert {UQ, MSP, ECCC} <= set(names(recommend())[:5])
    # Ranked with the references, the alert system comes in too (after flood maps, for floods).
    assert QEA in names(recommend("--include-websites"))[:10]


def test_a_police_service_is_shown_its_city_its_fire_service_and_the_sq(recommend, profile):
    profile("--name", "Service de police de la Ville de Montréal", "--kind", "police",
            "--region", "06", "--mrc", "Montréal", "--topic", "communication-de-crise",
            "--topic", "medias-sociaux", "--lang", "fr")
    rows = {r["name"]: r for r in recommend()}
    top = list(rows)[:5]
    assert {"Sûreté du Québec", "Ville de Montréal",
            "Service de sécurité incendie de Montréal"} <= set(top)
    sq = rows["Sûreté du Québec"]
    assert "topic" not in signals(sq) and "text" not in signals(sq)  # a partner, not a match
    assert any(x["detail"].startswith("police, a service of your territory")
               for x in sq["reasons"])
    # Its own services come before the other partners of its MRC (a borough, a CIUSSS).
    assert top.index("Service de sécurité incendie de Montréal") < top.index("Ville de Montréal")


def test_a_town_s_all_hazards_page_warns_its_own_mrc_not_the_region(recommend):
    longueuil = "Ville de Longueuil"  # tagged tous-risques, not inondations
    assert longueuil not in names(recommend("--topic", "inondations", "--region", "16",
                                            "--limit", "100"))
    own = {r["name"]: r for r in recommend("--topic", "inondations", "--mrc", "Longueuil",
                                           "--limit", "100")}
    assert any(x["detail"].startswith("all-hazards source") for x in own[longueuil]["reasons"])


def test_references_ranked_with_accounts_cost_what_they_cannot_give(recommend):
    rows = recommend("--topic", "inondations", "--include-websites", "--limit", "30")
    for row in rows:
        costs = [x for x in row["reasons"] if x["detail"] == "website only: nothing to follow"]
        assert (costs == []) == row["followable"], row["name"]
        assert all(x["points"] == -2.0 and x["signal"] == "penalty" for x in costs)
    assert not any("website only" in x["detail"] for r in recommend("--platform", "website",
                                                                    "--topic", "inondations")
                   for x in r["reasons"])  # websites asked for: references are what is asked


def test_the_profile_s_mrc_stays_when_the_command_line_names_its_region(recommend, profile):
    profile("--name", "Ville de Baie-Comeau", "--kind", "municipality", "--municipality",
            "Baie-Comeau", "--lang", "fr")
    rows = {r["name"]: r for r in recommend("--region", "09")}
    assert "territory: same MRC (Manicouagan)" in [
        x["detail"] for x in rows["Municipalité de Ragueneau"]["reasons"]]
    elsewhere = recommend("--region", "01")
    assert not [x for r in elsewhere for x in r["reasons"] if "same MRC" in x["detail"]]


def test_plain_reasons_name_neighbours_and_counterparts(starter_db, invoke, profile):
    profile("--name", "Service de police de Laval", "--kind", "police", "--region", "13",
            "--mrc", "Laval", "--topic", "communication-de-crise", "--lang", "fr")
    flat = " ".join(invoke("recommend", "--limit", "15").stdout.split())
    assert "police for all of Quebec" in flat  # the SQ, its counterpart
    profile("--name", "Ville de Gatineau", "--kind", "municipality", "--region", "07",
            "--mrc", "Gatineau", "--topic", "inondations")
    flat = " ".join(invoke("recommend", "--limit", "15").stdout.split())
    assert "municipality in your region" in flat and "police service of your MRC" in flat


def test_a_region_that_is_one_mrc_is_that_mrc(recommend):
    # Montréal and Laval are each one equivalent territory: the region asked is the MRC.
    rows = {r["name"]: r for r in recommend("--topic", "inondations", "--region", "Montréal")}
    fire = rows["Service de sécurité incendie de Montréal"]["reasons"]
    assert "territory: same MRC (Montréal)" in [x["detail"] for x in fire]
    rows = recommend("--topic", "inondations", "--region", "17")
    assert not [x for r in rows for x in r["reasons"] if "same MRC" in x["detail"]]
