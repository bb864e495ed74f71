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
