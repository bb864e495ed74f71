"""Ranking is pure: every signal and every rule of the contract's recommend section is tested
with literal data, then the whole ranking."""

from __future__ import annotations

import copy
import math
import random
from datetime import date

import pytest
from english_texts import english  # noqa: F401 (an autouse fixture)

from msgu_cli.domain.diversity import diversify, floors
from msgu_cli.domain.geo import Geography
from msgu_cli.domain.interests import related_topics, topic_names, warns_you
from msgu_cli.domain.models import Mrc
from msgu_cli.domain.ranking import (
    Candidate,
    Query,
    Ranked,
    Reason,
    TopicContext,
    is_yourself,
    order,
    rank_contacts,
    score_activity,
    score_geography,
    score_kind,
    score_language,
    score_network,
    score_text,
    score_topic,
    tie_key,
    topic_weight,
)
from msgu_cli.domain.signals import score_peer, territory_tier

TODAY = date(2025, 6, 1)
GEO = Geography.from_mrcs([Mrc("Nicolet-Yamaska", "17"), Mrc("Drummond", "17"),
                           Mrc("Montréal", "06"), Mrc("Laval", "13"), Mrc("Roussillon", "16")])
CTX = TopicContext(
    related={
        "geolocalisation": {"geomatique": "parent"},
        "geomatique": {"geolocalisation": "child", "cartographie": "child"},
        "verglas": {"tous-risques": "all-hazards"},
        "inondations": {"tous-risques": "all-hazards"},
    },
    weights={"geolocalisation": 1.0, "geomatique": 1.0, "inondations": 1.0, "verglas": 1.0},
    labels={"geolocalisation": "Geolocation", "geomatique": "Geomatics",
            "cartographie": "Mapping", "inondations": "Floods", "verglas": "Ice storms",
            "tous-risques": "All hazards"},
)



def cand(contact_id: int, name: str, **fields: object) -> Candidate:
    """A candidate with neutral defaults (a followable X account); tests spell out only what
    they check."""
    values: dict[str, object] = {"kind": "other", "region": None, "mrc": None, "scope": None,
                                 "languages": (), "topics": (), "platforms": ("x",)}
    values.update(fields)
    return Candidate(contact_id=contact_id, name=name, **values)  # type: ignore[arg-type]


def points(reasons: list[Reason]) -> float:
    return round(sum(r.points for r in reasons), 2)


def ids(results: list[Ranked]) -> list[int]:
    return [r.contact_id for r in results]


def assert_sums(results: list[Ranked]) -> None:
    for r in results:
        assert math.isclose(sum(x.points for x in r.reasons), r.score, abs_tol=1e-9), r
        assert r.score == round(r.score, 2)


def rank(candidates: list[Candidate], q: Query, limit: int = 10) -> list[Ranked]:
    return rank_contacts(candidates, q, CTX, GEO, today=TODAY, limit=limit)


# --- topic -----------------------------------------------------------------------------------


def test_topic_weight_rarer_weighs_more_and_is_bounded() -> None:
    common, mid, rare = topic_weight(500, 1000), topic_weight(50, 1000), topic_weight(2, 1000)
    assert common < mid < rare
    assert topic_weight(1000, 1000) == 0.8
    assert topic_weight(0, 1000) == 1.25
    assert topic_weight(5, 0) == 1.0


def test_exact_tag_scores_six_times_weight() -> None:
    ctx = TopicContext(weights={"inondations": 1.2}, labels={"inondations": "Floods"})
    got = score_topic(cand(1, "A", topics=("inondations",)), Query(("inondations",)), ctx)
    assert got == [Reason("topic", 'topic "Floods" (exact tag)', 7.2)]


def test_parent_and_child_count_less_than_exact() -> None:
    q = Query(("geolocalisation",))
    exact = score_topic(cand(1, "A", topics=("geolocalisation",)), q, CTX)
    parent = score_topic(cand(2, "B", topics=("geomatique",)), q, CTX)
    assert points(exact) == 6.0 and points(parent) == 2.5
    assert parent[0].detail == 'topic "Geomatics" (parent of "Geolocation")'
    child = score_topic(cand(3, "C", topics=("cartographie",)), Query(("geomatique",)), CTX)
    assert child[0].detail == 'topic "Mapping" (subtopic of "Geomatics")'


def test_exact_wins_over_related_on_the_same_contact() -> None:
    both = cand(1, "A", topics=("geolocalisation", "geomatique"))
    assert points(score_topic(both, Query(("geolocalisation",)), CTX)) == 6.0


def test_suggested_tag_counts_half() -> None:
    q = Query(("geolocalisation",))
    assert points(score_topic(cand(1, "A", suggested_topics=("geolocalisation",)), q, CTX)) == 3
    assert points(score_topic(cand(2, "B", suggested_topics=("geomatique",)), q, CTX)) == 1.25


def test_further_topics_count_half_and_covering_two_beats_one_rare() -> None:
    ctx = TopicContext(weights={"inondations": 0.8, "cartographie": 0.8, "verglas": 1.25})
    two = score_topic(cand(1, "A", topics=("inondations", "cartographie")),
                      Query(("inondations", "cartographie")), ctx)
    assert [r.points for r in two] == [4.8, 2.4, 1.0]
    assert two[-1].detail == "covers 2 of the 2 topics asked"
    one_rare = score_topic(cand(2, "B", topics=("verglas",)),
                           Query(("inondations", "cartographie", "verglas")), ctx)
    assert points(two) > points(one_rare) == 7.5


def test_no_topic_match_says_nothing() -> None:
    assert score_topic(cand(1, "A", topics=("verglas",)), Query(("geolocalisation",)), CTX) == []


def test_hazards_count_all_hazards_sources_as_related() -> None:
    known = ["tous-risques", "inondations", "alerte"]
    assert related_topics("inondations", "hazard", {"risques-naturels": "parent"}, known) == {
        "risques-naturels": "parent", "tous-risques": "all-hazards"}
    assert related_topics("alerte", "function", {}, known) == {}  # not a hazard
    assert related_topics("tous-risques", "hazard", {}, known) == {}  # not itself
    assert related_topics("inondations", "hazard", {}, ["inondations"]) == {}  # no such topic


def test_an_all_hazards_source_matches_every_hazard_below_an_exact_tag() -> None:
    q = Query(("verglas",))
    source = score_topic(cand(1, "MSP", topics=("tous-risques",)), q, CTX)
    assert source == [Reason("topic", 'all-hazards source (counts for "Ice storms")', 5.0)]
    assert 2.5 < points(source) < points(score_topic(cand(2, "B", topics=("verglas",)), q, CTX))
    # Its one tag answers both hazards, but covers neither itself: no coverage bonus.
    two = score_topic(cand(3, "C", topics=("tous-risques",)), Query(("verglas", "inondations")),
                      CTX)
    assert [r.points for r in two] == [5.0, 2.5]


def test_only_all_hazards_sources_that_reach_you_count_for_every_hazard() -> None:
    assert warns_you(cand(1, "MSP", scope="provincial"), None, placed=False)
    assert warns_you(cand(2, "ECCC", scope="national"), None, placed=True)
    assert not warns_you(cand(3, "FEMA", scope="international"), None, placed=False)
    town = cand(4, "Ville", scope="local", region="16", mrc="Roussillon")
    assert warns_you(town, "mrc", placed=True)  # its own MRC
    assert not warns_you(town, "nearby", placed=True)  # elsewhere in its region: a partner
    assert not warns_you(town, None, placed=True)  # another territory's warnings
    assert not warns_you(town, None, placed=False)  # no territory asked: nobody's in particular
    assert warns_you(cand(5, "Inconnu"), None, placed=False)  # no place known: benefit of doubt
    regional = cand(9, "Santé régionale", scope="regional", region="16")
    assert warns_you(regional, "region", placed=True) and not warns_you(regional, None, True)
    q = Query(("verglas",))
    far = [cand(6, "Ville lointaine", scope="local", region="06", mrc="Montréal",
                topics=("tous-risques",)),
           cand(7, "Abroad", scope="international", topics=("tous-risques",)),
           cand(8, "MSP", scope="provincial", topics=("tous-risques",))]
    assert ids(rank(far, q)) == [8]
    assert ids(rank(far, Query(("verglas",), region="06"))) == [8]  # not the region's source
    near = Query(("verglas",), region="06", mrc="Montréal")
    assert ids(rank(far, near)) == [6, 8]  # the town of your own MRC first, then the MSP


def test_topic_names_in_the_description_are_text_below_tags() -> None:
    q = Query(("geolocalisation",))
    described = score_topic(cand(1, "A", text_topics=("geolocalisation",)), q, CTX)
    assert described == [Reason("text", 'description mentions "Geolocation"', 2.0)]
    related = score_topic(cand(2, "B", topics=("geomatique",)), q, CTX)
    tagged = cand(3, "C", topics=("geolocalisation",), text_topics=("geolocalisation",))
    assert points(described) < points(related) < points(score_topic(tagged, q, CTX)) == 6.0
    assert [r.signal for r in score_topic(tagged, q, CTX)] == ["topic"]


def test_acronyms_are_looked_for_in_capitals_only() -> None:
    phrases, acronyms = topic_names("Médias sociaux", "Social media", ["MSGU", "SMEM", "réseaux"])
    assert phrases == ["Médias sociaux", "Social media", "réseaux"]
    assert acronyms == ["MSGU", "SMEM"]


def test_free_text_only_when_asked_and_matching() -> None:
    c = cand(1, "A", text_score=0.5)
    assert score_text(c, Query()) == []
    assert score_text(c, Query(has_text=True)) == [
        Reason("text", "description matches your words", 1.5)]
    assert score_text(cand(2, "B"), Query(has_text=True)) == []


# --- geography -------------------------------------------------------------------------------


def test_geography_order_for_a_query_in_centre_du_quebec() -> None:
    q = Query(region="17", mrc="Nicolet-Yamaska")
    places = {
        "same mrc": cand(1, "A", region="17", mrc="Nicolet-Yamaska"),
        "same region": cand(2, "B", region="17", mrc="Drummond"),
        "provincial": cand(3, "C", scope="provincial"),
        "national": cand(4, "D", scope="national"),
        "neighbour": cand(5, "E", region="04"),
        "elsewhere": cand(6, "F", region="06", scope="local"),
        "international": cand(7, "G", scope="international"),
    }
    got = {k: points(score_geography(c, q, GEO)) for k, c in places.items()}
    assert got == {"same mrc": 8.0, "same region": 6.0, "provincial": 5.0, "national": 4.0,
                   "neighbour": 3.0, "elsewhere": 0.5, "international": 0.0}
    assert score_geography(places["international"], q, GEO) == []
    assert score_geography(places["same region"], q, GEO)[0].detail == \
        "territory: same region (17 Centre-du-Québec)"


def test_an_mrc_alone_finds_its_region() -> None:
    q = Query(mrc="Drummond")
    c = cand(1, "A", region="17", mrc="Nicolet-Yamaska")
    got = rank([c], q)
    assert got[0].reasons[0].detail == "territory: same region (17 Centre-du-Québec)"


def test_without_territory_quebec_and_canada_come_first() -> None:
    q = Query()
    got = {scope: points(score_geography(cand(1, "A", scope=scope), q, GEO))
           for scope in ("provincial", "national", "regional", "local", "international")}
    assert got == {"provincial": 3.0, "national": 3.0, "regional": 2.0, "local": 1.5,
                   "international": 0.0}
    assert points(score_geography(cand(2, "B", region="06"), q, GEO)) == 1.5
    assert score_geography(cand(3, "C"), q, GEO) == []  # no place known: neutral


def test_equal_match_quebec_and_national_rank_ahead_of_international() -> None:
    tied = [cand(1, "Abroad", scope="international", topics=("verglas",)),
            cand(2, "Zed municipal", scope="local", region="06", topics=("verglas",)),
            cand(3, "Yak Canada", scope="national", topics=("verglas",))]
    assert ids(rank(tied, Query(("verglas",)))) == [3, 2, 1]


def test_outside_the_territory_topics_count_half() -> None:
    q = Query(("inondations",), region="17")
    interest = [Reason("topic", "t", 6.0)]
    far = score_peer(cand(1, "A", region="06", scope="local"), q, GEO, interest)
    assert far == [Reason("geography", "outside your territory: its topics count half", -3.0)]
    assert score_peer(cand(2, "B", scope="international"), q, GEO, interest)[0].points == -3.0
    for serving in (cand(3, "C", scope="provincial"), cand(4, "D", scope="national"),
                    cand(5, "E", region="17")):
        assert score_peer(serving, q, GEO, interest) == []
    # A neighbouring region's service serves that region: nearer than far, but a peer.
    assert score_peer(cand(6, "F", region="04"), q, GEO, interest)[0].points == -3.0
    assert score_peer(cand(7, "G", scope="international"), Query(("inondations",)), GEO,
                      interest) == []  # no territory asked


# --- kind ------------------------------------------------------------------------------------


def test_kind_affinity_examples() -> None:
    q = Query(org_kind="municipality")
    assert points(score_kind(cand(1, "A", kind="provincial"), q)) == 3.0
    assert points(score_kind(cand(2, "B", kind="weather"), q)) == 3.0
    assert points(score_kind(cand(3, "C", kind="research"), q)) == 1.0
    police = Query(org_kind="police")
    assert points(score_kind(cand(4, "D", kind="police"), police)) == 2.5
    red_cross = Query(org_kind="ngo")
    assert points(score_kind(cand(5, "E", kind="fire"), red_cross)) == 2.0  # house fires


def test_kind_says_nothing_without_org_kind_or_affinity() -> None:
    assert score_kind(cand(1, "A", kind="weather"), Query()) == []
    assert score_kind(cand(2, "B", kind="other"), Query(org_kind="mrc")) == []


def test_kind_counts_whole_on_the_territory_a_quarter_elsewhere_nothing_abroad() -> None:
    q = Query(org_kind="municipality", region="17")
    weather = {place: points(score_kind(cand(1, "W", kind="weather", **fields), q, GEO))
               for place, fields in (("national", {"scope": "national"}),
                                     ("elsewhere", {"region": "06", "scope": "regional"}),
                                     ("abroad", {"scope": "international"}))}
    assert weather == {"national": 3.0, "elsewhere": 0.75, "abroad": 0.0}


def test_a_partner_kind_of_the_territory_gains_more() -> None:
    q = Query(org_kind="municipality", region="17", mrc="Nicolet-Yamaska")
    own = score_kind(cand(1, "Police", kind="police", region="17", mrc="Nicolet-Yamaska"), q, GEO)
    assert own == [Reason("kind", "police, a service of your territory (municipality)", 5)]
    town = cand(3, "Ville voisine", kind="municipality", scope="local", region="17",
                mrc="Drummond")
    assert score_kind(town, q, GEO) == [
        Reason("kind", "municipality, a partner on your territory (municipality)", 2.5)]
    assert points(score_kind(cand(2, "SQ", kind="police", scope="provincial"), q, GEO)) == 2.0


# --- network, activity, language -------------------------------------------------------------


def test_network_names_followers_and_is_bounded() -> None:
    one = score_network(cand(1, "A", followed_by=("SPVM",)))
    assert one == [Reason("network", "followed by 1 trusted account: SPVM", 2.0)]
    many = score_network(cand(2, "B", followed_by=tuple(f"T{i}" for i in range(6)),
                              network_score=0.9))
    assert points(many) == 8.0
    assert "and 3 more" in many[0].detail and "close to your circle of trust" in many[0].detail
    assert score_network(cand(3, "C")) == []


def test_activity_penalises_silence() -> None:
    assert score_activity(cand(1, "A", last_post_at="2025-05-01"), TODAY) == []
    assert score_activity(cand(2, "B", last_post_at="2024-10-01"), TODAY) == [
        Reason("activity", "little activity since 2024-10-01", -1.0)]
    assert score_activity(cand(3, "C", last_post_at="2023-01-05T10:00:00Z"), TODAY) == [
        Reason("activity", "silent since 2023-01-05", -3.0)]
    assert score_activity(cand(4, "D", last_post_at="not a date"), TODAY) == []


def test_languages_first_asked_counts_whole_later_half_none_loses() -> None:
    q = Query(languages=("fr", "en"))
    assert score_language(cand(1, "A", languages=("fr",)), q) == [
        Reason("language", "publishes in fr", 1.0)]
    assert points(score_language(cand(2, "B", languages=("en",)), q)) == 0.5
    assert score_language(cand(3, "C", languages=("de",)), q) == [
        Reason("language", "publishes in de, not in fr, en", -2.0)]
    assert score_language(cand(4, "D"), q) == []
    assert score_language(cand(5, "E", languages=("fr",)), Query()) == []


def test_a_quebec_public_body_is_never_penalised_for_french() -> None:
    in_english = Query(languages=("en",))
    body = cand(1, "Ministère", kind="provincial", scope="provincial", languages=("fr",))
    assert score_language(body, in_english) == [
        Reason("language", "Quebec public body: publishes in French", 1.0)]
    city = cand(2, "Ville", kind="municipality", region="06", languages=("fr",))
    assert points(score_language(city, in_english)) == 1.0
    # Not a public body, or not a Quebec one: French only is no help to an English reader.
    assert points(score_language(cand(3, "Média", kind="media", region="06", languages=("fr",)),
                                 in_english)) == -2.0
    assert points(score_language(cand(4, "Paris", kind="fire", scope="international",
                                      languages=("fr",)), in_english)) == -2.0


# --- the rules of the whole ranking ----------------------------------------------------------


def test_never_yourself_whatever_the_spelling() -> None:
    q = Query(("inondations",), own_name="Ville de Gatineau")
    assert is_yourself(cand(1, "VILLE DE GATINEAU"), q)
    assert is_yourself(cand(2, "Ville de  Gâtineau"), q)
    assert not is_yourself(cand(3, "Service de police de la Ville de Gatineau"), q)
    assert not is_yourself(cand(4, "Ville de Gatineau"), Query())
    got = rank([cand(1, "Ville de Gatineau", topics=("inondations",)),
                cand(5, "Police de Gatineau", topics=("inondations",))], q)
    assert ids(got) == [5]


def test_territory_partners_qualify_without_an_interest() -> None:
    q = Query(("inondations",), region="17", mrc="Nicolet-Yamaska", org_kind="municipality")
    partners = [cand(1, "Police MRC", kind="police", region="17", mrc="Nicolet-Yamaska"),
                cand(2, "Média MRC", kind="media", region="17", mrc="Nicolet-Yamaska"),
                cand(3, "CISSS région", kind="health", region="17", mrc="Drummond"),
                cand(4, "Média région", kind="media", region="17", mrc="Drummond"),
                cand(5, "Police voisine", kind="police", region="04")]
    got = rank(partners, q)
    # Same MRC: any kind; same region: a partner kind; a neighbouring region: no.
    assert set(ids(got)) == {1, 2, 3}
    assert {r.signal for x in got for r in x.reasons} <= {"geography", "kind", "language"}
    assert rank(partners, Query(("inondations",), region="17", mrc="Nicolet-Yamaska")) == []
    assert rank(partners, Query(("inondations",), org_kind="municipality")) == []


def test_a_partner_never_outranks_a_matching_contact_of_its_geography() -> None:
    q = Query(("inondations",), region="17", mrc="Nicolet-Yamaska", org_kind="municipality",
              languages=("fr",))
    partner = cand(1, "Police MRC", kind="police", region="17", mrc="Nicolet-Yamaska",
                   languages=("fr",), followed_by=("A", "B"))
    matching = cand(2, "Voisine", kind="municipality", region="17", mrc="Nicolet-Yamaska",
                    text_topics=("inondations",), languages=("en",))
    far = cand(3, "Loin", kind="research", scope="international", topics=("inondations",))
    got = rank([partner, matching, far], q)
    assert ids(got) == [2, 1, 3]  # below the matching neighbour, above the far expert
    cut = got[1].reasons[-1]
    assert cut.signal == "penalty" and cut.points < 0
    assert got[1].score == round(got[0].score - 0.01, 2)
    assert_sums(got)


def test_ties_break_on_followability_activity_reach_scope_then_name() -> None:
    q = Query(platforms=("mastodon",))
    assert tie_key(cand(1, "A", platforms=("mastodon",)), q, TODAY) < \
        tie_key(cand(2, "A", platforms=("x",)), q, TODAY)
    assert tie_key(cand(3, "Z", platforms=("x", "bluesky")), Query(), TODAY) < \
        tie_key(cand(4, "A", platforms=("x",)), Query(), TODAY)
    assert tie_key(cand(5, "Z", last_post_at="2025-05-20"), Query(), TODAY) < \
        tie_key(cand(6, "A", last_post_at="2023-01-01"), Query(), TODAY)
    assert tie_key(cand(7, "Z", followers=900), Query(), TODAY) < \
        tie_key(cand(8, "A", followers=20), Query(), TODAY)
    assert tie_key(cand(9, "Z", scope="provincial"), Query(), TODAY) < \
        tie_key(cand(10, "A", scope="local"), Query(), TODAY)
    names = {11: "Zed", 12: "Yak", 13: "éclair", 14: "Eclair"}
    tied = [cand(i, n, kind=f"k{i}", topics=("verglas",)) for i, n in names.items()]
    assert ids(rank(tied, Query(("verglas",)))) == [13, 14, 12, 11]  # accent-blind, then id


def test_ties_put_the_followable_and_province_wide_first() -> None:
    tied = [cand(1, "Agence européenne", scope="international", topics=("verglas",)),
            cand(2, "Zeta Québec", scope="provincial", topics=("verglas",)),
            cand(3, "Site Québec", scope="provincial", topics=("verglas",),
                 platforms=("website",))]
    got = rank(tied, Query(("verglas",)))
    assert ids(got)[0] == 2 and got[0].followable and not got[1].followable


def test_dead_contacts_are_never_recommended() -> None:
    dead = cand(1, "A", topics=("verglas",), any_account_alive=False)
    assert rank([dead], Query(("verglas",))) == []


def test_interests_required_when_asked_but_territory_alone_can_rank() -> None:
    near = cand(1, "Voisin", region="17", kind="fire")
    topical = cand(2, "Expert", topics=("inondations",))
    assert ids(rank([near, topical], Query(("inondations",), region="17"))) == [2]
    territory = rank([near, topical], Query(region="17"))
    assert ids(territory) == [1]
    assert territory[0].reasons == (
        Reason("geography", "territory: same region (17 Centre-du-Québec)", 6.0),)


def test_text_or_a_suggested_tag_alone_qualifies_a_contact() -> None:
    assert [(r.contact_id, r.score) for r in rank(
        [cand(1, "A", suggested_topics=("cartographie",))], Query(("geomatique",)))] == [(1, 1.25)]
    assert [(r.contact_id, r.score) for r in rank(
        [cand(2, "B", text_score=0.4)], Query(has_text=True))] == [(2, 1.2)]
    assert rank([cand(3, "C", text_score=0.4)], Query(("verglas",))) == []


def test_a_negative_total_is_not_recommended() -> None:
    c = cand(1, "A", suggested_topics=("geomatique",), languages=("de",),
             last_post_at="2020-01-01")
    assert rank([c], Query(("geolocalisation",), languages=("fr",))) == []


# --- diversity -------------------------------------------------------------------------------


def test_five_police_contacts_make_room_for_another_kind() -> None:
    police = [cand(i, f"Police {i}", kind="police", region=f"{i:02d}", topics=("inondations",),
                   followed_by=("X",)) for i in range(1, 6)]
    fire = cand(9, "Pompiers", kind="fire", region="09", topics=("inondations",))
    got = rank([*police, fire], Query(("inondations",)), limit=5)
    assert 9 in ids(got) and len(got) == 5
    fourth = [r for r in got if r.contact_id != 9][3]
    assert Reason("diversity", "diversity: contact no. 4 of kind police near the top of the "
                  "list", -1.5) in fourth.reasons
    assert [r.score for r in got] == sorted((r.score for r in got), reverse=True)
    assert_sums(got)


def test_varied_kinds_keep_the_plain_score_order() -> None:
    kinds = ["police", "health", "ngo", "weather", "media"]
    others = [cand(i, f"Org {i}", kind=kinds[i - 1], region=f"{i:02d}", topics=("inondations",),
                   followed_by=("X",)) for i in range(1, 6)]
    fire = cand(9, "Pompiers", kind="fire", region="09", topics=("inondations",))
    got = rank([*others, fire], Query(("inondations",)), limit=5)
    assert ids(got) == [1, 2, 3, 4, 5]
    assert all(r.signal != "diversity" for x in got for r in x.reasons)


def ranked(i: int, score: float, *, followable: bool = True) -> Ranked:
    return Ranked(i, f"C{i}", score, (Reason("topic", "t", score),), followable=followable,
                  tie=(not followable, f"C{i}"))


def test_diversify_penalises_a_crowded_region_but_not_the_asked_one() -> None:
    by_id = {i: cand(i, f"C{i}", kind=k, region="06") for i, k in
             enumerate(["police", "fire", "health", "ngo", "media"], start=1)}
    by_id[6] = cand(6, "C6", kind="weather", region="17")
    pool = [ranked(i, 10.0) for i in range(1, 6)] + [ranked(6, 9.5)]
    got = diversify(pool, by_id, order, top=5)
    assert ids(got) == [1, 2, 3, 6, 4, 5]
    assert got[4].reasons[-1] == Reason(
        "diversity", "diversity: contact no. 4 of region 06 near the top of the list", -1.0)
    assert diversify(pool, by_id, order, top=5, home_region="06") == pool


def test_asked_kinds_are_not_penalised() -> None:
    police = [cand(i, f"Police {i:02d}", kind="police", topics=("inondations",))
              for i in range(1, 6)]
    asked = rank(police, Query(("inondations",), kinds=("police",)), limit=5)
    assert [r.score for r in asked] == [6.0] * 5
    unasked = rank(police, Query(("inondations",)), limit=5)
    assert [r.score for r in unasked] == [6.0, 6.0, 6.0, 4.5, 3.0]


def test_diversity_reorders_but_never_drops_and_takes_at_most_half() -> None:
    police = [cand(i, f"Police {i:02d}", kind="police", topics=("inondations",))
              for i in range(1, 13)]
    got = rank(police, Query(("inondations",)))
    assert len(got) == 10 and got[-1].score == 3.0
    assert_sums(got)


def test_diversity_never_pushes_a_followable_contact_below_a_reference() -> None:
    by_id = {i: cand(i, f"C{i}", kind="provincial") for i in (1, 2, 3, 5)}
    by_id[4] = cand(4, "W", kind="weather")
    pool = [ranked(1, 13.0, followable=False), ranked(2, 12.0, followable=False),
            ranked(5, 11.0, followable=False), ranked(3, 10.0),
            ranked(4, 9.5, followable=False)]
    free = diversify(pool, by_id, order, top=5)
    assert ids(free).index(3) > ids(free).index(4)  # without the floor it falls below W
    kept = diversify(pool, by_id, order, top=5, keep_above=floors(pool, {}, ()))
    assert ids(kept).index(3) < ids(kept).index(4)
    assert [r.score for r in kept] == sorted((r.score for r in kept), reverse=True)


def test_diversity_never_pushes_a_match_below_a_partner_of_its_geography() -> None:
    by_id = {i: cand(i, f"C{i}", kind="municipality") for i in range(1, 5)}
    pool = [ranked(1, 12.0), ranked(2, 11.0), ranked(3, 10.0), ranked(4, 9.99)]
    keep = floors(pool, {1: 2, 2: 2, 3: 2, 4: 2}, partners=[4])
    assert keep == {1: 10.0, 2: 10.0, 3: 10.0}
    got = diversify(pool, by_id, order, top=4, keep_above=keep)
    assert ids(got)[-1] == 4


# --- the whole ranking -----------------------------------------------------------------------


def mixed() -> list[Candidate]:
    return [
        cand(1, "MRC de Drummond", kind="mrc", region="17", mrc="Drummond",
             topics=("inondations",), languages=("fr",)),
        cand(2, "Géo Lab", kind="research", region="06", topics=("geomatique",),
             suggested_topics=("inondations",), languages=("fr", "en"), text_score=0.3),
        cand(3, "Environnement Canada", kind="weather", scope="national",
             topics=("inondations", "verglas"), languages=("en", "fr"), network_score=0.4),
        cand(4, "éclaireurs SIG", kind="volunteer", region="16", topics=("geolocalisation",),
             followed_by=("SPVM", "Urgence Québec"), last_post_at="2024-09-01"),
        cand(5, "Eclaireurs SIG", kind="volunteer", region="16", topics=("geolocalisation",),
             followed_by=("SPVM", "Urgence Québec"), last_post_at="2024-09-01"),
        cand(6, "Inactif", kind="police", region="17", topics=("inondations",),
             any_account_alive=False),
        cand(7, "Hors sujet", kind="weather", region="17", topics=("chaleur-extreme",)),
        cand(8, "MRC de Nicolet-Yamaska", kind="mrc", region="17", mrc="Nicolet-Yamaska",
             topics=("inondations",)),
    ]


QUERY = Query(("inondations", "geolocalisation"), region="17", mrc="Nicolet-Yamaska",
              org_kind="mrc", languages=("fr",), has_text=True,
              own_name="MRC de Nicolet-Yamaska")


def test_reasons_add_up_and_order_is_deterministic() -> None:
    got = rank(mixed(), QUERY)
    assert_sums(got)
    assert 6 not in ids(got) and 8 not in ids(got)  # dead; the organisation itself
    # The weather service that matches (near the circle of trust) first; the MRC next door
    # matches too, but serves its own MRC, not this one (`nearby`).
    assert ids(got)[0] == 3 and 1 in ids(got)
    assert ids(got).index(4) + 1 == ids(got).index(5)  # accent-blind name, then id
    for seed in range(5):
        shuffled = mixed()
        random.Random(seed).shuffle(shuffled)
        assert rank(shuffled, QUERY) == got


def test_a_zero_weight_topic_does_not_qualify_a_contact() -> None:
    ctx = TopicContext(weights={"verglas": 0.0})
    c = cand(1, "A", region="17", topics=("verglas",))
    assert score_topic(c, Query(("verglas",)), ctx) == []
    assert rank_contacts([c], Query(("verglas",), region="17"), ctx, GEO, today=TODAY) == []


def test_limit_is_respected() -> None:
    assert len(rank(mixed(), QUERY, limit=2)) == 2
    assert rank(mixed(), QUERY, limit=0) == []


def test_inputs_are_not_mutated() -> None:
    candidates = mixed()
    before = (copy.deepcopy(candidates), copy.deepcopy(dict(CTX.related)), dict(CTX.weights),
              dict(CTX.labels), QUERY)
    got = rank(candidates, QUERY)
    assert (candidates, dict(CTX.related), dict(CTX.weights), dict(CTX.labels), QUERY) == before
    snapshot = list(got)
    diversify(got, {c.contact_id: c for c in candidates}, order, top=2)
    assert got == snapshot


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_scores_never_rise_down_the_list(limit: int) -> None:
    got = rank(mixed(), QUERY, limit=limit)
    assert [r.score for r in got] == sorted((r.score for r in got), reverse=True)
    assert all(r.score > 0 for r in got)


def test_rank_contacts_reasons_are_the_signals_reasons() -> None:
    # rank_contacts memoises signals by the fields they read; the result must not change.
    by_id = {c.contact_id: c for c in mixed()}
    q = QUERY
    for r in rank(mixed(), q):
        c = by_id[r.contact_id]
        tier = territory_tier(c, q, GEO) if q.region or q.mrc else None
        topic = [*score_topic(c, q, CTX, all_hazards=warns_you(c, tier, bool(q.region))),
                 *score_text(c, q)]
        expected = [*topic, *score_geography(c, q, GEO), *score_kind(c, q, GEO),
                    *score_peer(c, q, GEO, topic), *score_network(c), *score_activity(c, TODAY),
                    *score_language(c, q)]
        assert [x for x in r.reasons if x.signal != "diversity"] == expected
