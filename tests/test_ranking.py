"""Ranking is pure: every signal is tested with literal data, then the whole ranking."""

from __future__ import annotations

import copy
import math
import random
from datetime import date

import pytest

from msgu_cli.domain.geo import Geography
from msgu_cli.domain.models import Mrc
from msgu_cli.domain.ranking import (
    Candidate,
    Query,
    Ranked,
    Reason,
    TopicContext,
    diversify,
    rank_contacts,
    score_activity,
    score_geography,
    score_kind,
    score_language,
    score_network,
    score_text,
    score_topic,
    topic_weight,
)

TODAY = date(2025, 6, 1)
GEO = Geography.from_mrcs(
    [
        Mrc("Nicolet-Yamaska", "17"),
        Mrc("Drummond", "17"),
        Mrc("Montréal", "06"),
        Mrc("Laval", "13"),
        Mrc("Roussillon", "16"),
    ]
)
CTX = TopicContext(
    related={
        "geolocalisation": {"geomatique": "parent"},
        "geomatique": {"geolocalisation": "child", "cartographie": "child"},
    },
    weights={"geolocalisation": 1.0, "geomatique": 1.0, "inondations": 1.0, "verglas": 1.0},
    labels={
        "geolocalisation": "Géolocalisation",
        "geomatique": "Géomatique",
        "cartographie": "Cartographie",
        "inondations": "Inondations",
    },
)


def cand(contact_id: int, name: str, **fields: object) -> Candidate:
    """A candidate with neutral defaults; tests spell out only what they check."""
    values: dict[str, object] = {
        "kind": "other", "region": None, "mrc": None, "scope": None,
        "languages": (), "topics": (),
    }
    values.update(fields)
    return Candidate(contact_id=contact_id, name=name, **values)  # type: ignore[arg-type]


def points(reasons: list[Reason]) -> float:
    return round(sum(r.points for r in reasons), 2)


def assert_sums(results: list[Ranked]) -> None:
    for r in results:
        assert math.isclose(sum(x.points for x in r.reasons), r.score, abs_tol=1e-9), r
        assert r.score == round(r.score, 2)


# --- topic -----------------------------------------------------------------------------------


def test_topic_weight_rarer_weighs_more_and_is_bounded() -> None:
    common, mid, rare = topic_weight(500, 1000), topic_weight(50, 1000), topic_weight(2, 1000)
    assert common < mid < rare
    assert topic_weight(1000, 1000) == 0.75
    assert topic_weight(0, 100_000) == 1.5
    assert topic_weight(0, 0) == 1.0
    assert topic_weight(50, 1000) == topic_weight(50, 1000)
    for n in range(0, 1001, 37):
        assert 0.75 <= topic_weight(n, 1000) <= 1.5


def test_exact_tag_scores_ten_times_weight() -> None:
    ctx = TopicContext(related={}, weights={"geolocalisation": 1.3}, labels=CTX.labels)
    got = score_topic(cand(1, "A", topics=("geolocalisation",)), Query(("geolocalisation",)), ctx)
    assert got == [Reason("topic", "sujet « Géolocalisation » (étiquette exacte)", 13.0)]


def test_parent_and_child_count_less_than_exact() -> None:
    q = Query(("geolocalisation",))
    exact = score_topic(cand(1, "A", topics=("geolocalisation",)), q, CTX)
    parent = score_topic(cand(2, "B", topics=("geomatique",)), q, CTX)
    assert parent == [
        Reason("topic", "sujet « Géomatique » (parent de « Géolocalisation »)", 4.0)
    ]
    child = score_topic(cand(3, "C", topics=("cartographie",)), Query(("geomatique",)), CTX)
    assert child == [
        Reason("topic", "sujet « Cartographie » (sous-sujet de « Géomatique »)", 4.0)
    ]
    assert points(exact) > points(parent) > 0


def test_exact_wins_over_related_on_the_same_contact() -> None:
    c = cand(1, "A", topics=("geomatique", "geolocalisation"))
    got = score_topic(c, Query(("geolocalisation",)), CTX)
    assert [r.points for r in got] == [10.0]


def test_suggested_tag_counts_half() -> None:
    q = Query(("geolocalisation",))
    person = score_topic(cand(1, "A", topics=("geolocalisation",)), q, CTX)
    machine = score_topic(cand(2, "B", topics=(), suggested_topics=("geolocalisation",)), q, CTX)
    related = score_topic(cand(3, "C", topics=(), suggested_topics=("geomatique",)), q, CTX)
    assert points(machine) == points(person) / 2 == 5.0
    assert "suggérée" in machine[0].detail
    assert points(related) == 2.0


def test_two_covered_topics_beat_one_rare_topic() -> None:
    ctx = TopicContext(
        related={}, weights={"inondations": topic_weight(900, 1000), "verglas": topic_weight(
            900, 1000), "geolocalisation": topic_weight(0, 1000)},
    )
    q = Query(("inondations", "verglas", "geolocalisation"))
    both = score_topic(cand(1, "Two", topics=("inondations", "verglas")), q, ctx)
    rare = score_topic(cand(2, "Rare", topics=("geolocalisation",)), q, ctx)
    assert points(both) > points(rare)
    assert both[-1] == Reason("topic", "couvre 2 des 3 sujets demandés", 2.0)
    assert len(rare) == 1  # no coverage bonus for one topic


def test_rarer_topic_weighs_more_in_points() -> None:
    ctx = TopicContext(
        related={},
        weights={"inondations": topic_weight(400, 1000), "geolocalisation": topic_weight(5, 1000)},
    )
    q = Query(("inondations", "geolocalisation"))
    common = score_topic(cand(1, "A", topics=("inondations",)), q, ctx)
    rare = score_topic(cand(2, "B", topics=("geolocalisation",)), q, ctx)
    assert points(rare) > points(common)


def test_no_topic_match_says_nothing() -> None:
    assert score_topic(cand(1, "A", topics=("verglas",)), Query(("inondations",)), CTX) == []
    assert score_topic(cand(1, "A", topics=("verglas",)), Query(), CTX) == []


# --- text ------------------------------------------------------------------------------------


def test_text_only_when_asked_and_matching() -> None:
    c = cand(1, "A", text_score=0.5)
    assert score_text(c, Query(has_text=True)) == [
        Reason("text", "texte : la description correspond", 2.5)
    ]
    assert score_text(c, Query(has_text=False)) == []
    assert score_text(cand(2, "B", text_score=0.0), Query(has_text=True)) == []
    assert points(score_text(cand(3, "C", text_score=3.0), Query(has_text=True))) == 5.0


# --- geography -------------------------------------------------------------------------------


def geo_points(c: Candidate, q: Query) -> float:
    return points(score_geography(c, q, GEO))


def test_geography_order_for_a_query_in_centre_du_quebec() -> None:
    q = Query(region="17", mrc="Nicolet-Yamaska")
    same_mrc = cand(1, "A", region="17", mrc="Nicolet-Yamaska", scope="local")
    same_region = cand(2, "B", region="17", mrc="Drummond", scope="local")
    neighbour = cand(3, "C", region="16", scope="regional")
    provincial = cand(4, "D", scope="provincial")
    national = cand(5, "E", scope="national")
    international = cand(6, "F", scope="international")
    far = cand(7, "G", region="06", scope="local")
    got = [geo_points(c, q) for c in (same_mrc, same_region, neighbour, provincial, national,
                                      international, far)]
    assert got == sorted(got, reverse=True)
    assert len(set(got)) == len(got)
    assert got == [6.0, 4.0, 2.0, 1.5, 0.75, 0.25, 0.0]
    assert score_geography(far, q, GEO) == []
    assert score_geography(same_mrc, q, GEO)[0].detail == "territoire : même MRC (Nicolet-Yamaska)"
    voisine = "territoire : région voisine (16 Montérégie)"
    assert score_geography(neighbour, q, GEO)[0].detail == voisine


def test_geography_order_for_a_query_in_montreal() -> None:
    q = Query(region="06")
    assert geo_points(cand(1, "A", region="06"), q) == 4.0
    assert geo_points(cand(2, "B", region="13"), q) == 2.0
    assert geo_points(cand(3, "C", region="17"), q) == 0.0
    assert geo_points(cand(4, "D", scope="provincial"), q) == 1.5


def test_geography_is_neutral_without_territory() -> None:
    c = cand(1, "A", region="17", mrc="Drummond", scope="provincial")
    assert score_geography(c, Query(topics=("inondations",)), GEO) == []


def test_mrc_alone_finds_its_region() -> None:
    q = Query(mrc="drummond")
    assert geo_points(cand(1, "A", region="17", mrc="Drummond"), q) == 6.0
    assert geo_points(cand(2, "B", region="17", mrc="Nicolet-Yamaska"), q) == 4.0
    assert geo_points(cand(3, "C", region="16"), q) == 2.0
    # A namesake MRC elsewhere is not the same MRC.
    namesake = cand(4, "D", region="06", mrc="Drummond")
    assert geo_points(namesake, Query(region="17", mrc="Drummond")) == 0.0


def test_wide_scope_counts_for_a_contact_of_a_far_region() -> None:
    msp = cand(1, "MSP", region="03", scope="provincial")
    assert score_geography(msp, Query(region="17"), GEO) == [
        Reason("geography", "portée : tout le Québec", 1.5)
    ]
    local_office = cand(2, "MSP 17", region="17", scope="provincial")
    assert geo_points(local_office, Query(region="17")) == 4.0


# --- kind ------------------------------------------------------------------------------------


def test_kind_affinity_examples() -> None:
    mrc = Query(org_kind="mrc")
    assert score_kind(cand(1, "Météo", kind="weather"), mrc) == [
        Reason("kind", "type : utile pour une MRC (météo)", 3.0)
    ]
    assert points(score_kind(cand(2, "MSP", kind="provincial"), mrc)) == 3.0
    assert points(score_kind(cand(3, "Hydro", kind="utility"), mrc)) == 2.5
    assert points(score_kind(cand(4, "Croix-Rouge", kind="ngo"), mrc)) == 2.0
    assert points(score_kind(cand(5, "Journal", kind="media"), mrc)) == 1.0
    police = Query(org_kind="police")
    assert points(score_kind(cand(6, "SPVM", kind="police"), police)) == 2.5
    assert points(score_kind(cand(7, "MSP", kind="provincial"), police)) == 2.0


def test_kind_says_nothing_without_org_kind_or_affinity() -> None:
    assert score_kind(cand(1, "A", kind="weather"), Query()) == []
    assert score_kind(cand(1, "A", kind="other"), Query(org_kind="mrc")) == []
    assert score_kind(cand(1, "A", kind="weather"), Query(org_kind="unknown")) == []


# --- network ---------------------------------------------------------------------------------


def test_network_names_followers_and_is_bounded() -> None:
    two = score_network(cand(1, "A", followed_by=("Urgence Québec", "SPVM")))
    assert two == [
        Reason("network", "suivi par 2 comptes de confiance : SPVM, Urgence Québec", 4.0)
    ]
    many = score_network(cand(2, "B", followed_by=("E", "D", "C", "B", "A"), network_score=1.0))
    assert many[0].points == 8.0
    assert many[0].detail.startswith("suivi par 5 comptes de confiance : A, B, C et 2 autre")
    assert score_network(cand(5, "E", followed_by=tuple("ABCDE")))[0].points == 6.0
    mass = score_network(cand(3, "C", network_score=0.25))
    assert mass == [Reason("network", "proche du réseau de confiance (0.25)", 1.0)]
    assert score_network(cand(4, "D")) == []


# --- activity --------------------------------------------------------------------------------


def test_activity_penalises_silence() -> None:
    silent = score_activity(cand(1, "A", last_post_at="2023-01-05"), TODAY)
    assert silent == [Reason("activity", "silencieux depuis 2023-01-05", -3.0)]
    quiet = score_activity(cand(2, "B", last_post_at="2024-10-01T08:30:00Z"), TODAY)
    assert quiet == [Reason("activity", "peu actif depuis 2024-10-01", -1.0)]
    assert score_activity(cand(3, "C", last_post_at="2025-05-01"), TODAY) == []
    assert score_activity(cand(4, "D", last_post_at=None), TODAY) == []
    assert score_activity(cand(5, "E", last_post_at="pas une date"), TODAY) == []


def test_dead_contacts_are_never_recommended() -> None:
    alive = cand(1, "Vivant", topics=("inondations",))
    dead = cand(2, "Mort", topics=("inondations",), any_account_alive=False, region="17")
    got = rank_contacts([dead, alive], Query(("inondations",), region="17"), CTX, GEO, today=TODAY)
    assert [r.contact_id for r in got] == [1]


def test_silent_contact_ranks_below_its_active_twin() -> None:
    active = cand(1, "Zeta", topics=("inondations",), last_post_at="2025-05-20")
    silent = cand(2, "Alpha", topics=("inondations",), last_post_at="2023-01-05")
    got = rank_contacts([silent, active], Query(("inondations",)), CTX, GEO, today=TODAY)
    assert [r.contact_id for r in got] == [1, 2]
    assert Reason("activity", "silencieux depuis 2023-01-05", -3.0) in got[1].reasons
    assert got[1].score == 7.0


# --- language --------------------------------------------------------------------------------


def test_language_shared_missing_or_unknown() -> None:
    q = Query(languages=("fr",))
    assert score_language(cand(1, "A", languages=("en", "fr")), q) == [
        Reason("language", "publie en fr", 1.0)
    ]
    assert score_language(cand(2, "B", languages=("en",)), q) == [
        Reason("language", "publie en en, pas en fr", -1.5)
    ]
    assert score_language(cand(3, "C", languages=()), q) == []
    assert score_language(cand(4, "D", languages=("fr",)), Query()) == []


# --- diversity and the whole ranking ---------------------------------------------------------


def test_five_police_contacts_make_room_for_another_kind() -> None:
    police = [
        cand(i, f"Police {i}", kind="police", region=f"{i:02d}", topics=("inondations",),
             followed_by=("X",))
        for i in range(1, 6)
    ]
    fire = cand(9, "Pompiers", kind="fire", region="09", topics=("inondations",))
    got = rank_contacts([*police, fire], Query(("inondations",)), CTX, GEO, today=TODAY, limit=5)
    assert len(got) == 5
    assert 9 in [r.contact_id for r in got]
    police_ids = [r.contact_id for r in got if r.contact_id != 9]
    assert len(police_ids) == 4
    third = got[[r.contact_id for r in got].index(police_ids[2])]
    assert Reason(
        "diversity", "diversité : 3e contact de type police dans le haut de la liste", -1.5
    ) in third.reasons
    assert third.score == 10.5
    assert [r.score for r in got] == sorted((r.score for r in got), reverse=True)
    assert_sums(got)


def test_varied_kinds_keep_the_plain_score_order() -> None:
    # The control for the test above: with five different kinds, the fire service stays sixth.
    kinds = ["police", "health", "ngo", "weather", "media"]
    others = [
        cand(i, f"Org {i}", kind=kinds[i - 1], region=f"{i:02d}", topics=("inondations",),
             followed_by=("X",))
        for i in range(1, 6)
    ]
    fire = cand(9, "Pompiers", kind="fire", region="09", topics=("inondations",))
    got = rank_contacts([*others, fire], Query(("inondations",)), CTX, GEO, today=TODAY, limit=5)
    assert [r.contact_id for r in got] == [1, 2, 3, 4, 5]
    assert all(r.signal != "diversity" for x in got for r in x.reasons)


def test_diversify_penalises_a_crowded_region() -> None:
    by_id = {i: cand(i, f"C{i}", kind=k, region="06") for i, k in
             enumerate(["police", "fire", "health", "ngo", "media"], start=1)}
    by_id[6] = cand(6, "Loin", kind="weather", region="17")
    ranked = [Ranked(i, f"C{i}", 10.0, (Reason("topic", "t", 10.0),)) for i in range(1, 6)]
    ranked.append(Ranked(6, "Loin", 9.5, (Reason("topic", "t", 9.5),)))
    got = diversify(ranked, by_id, top=5)
    assert [r.contact_id for r in got][:5] == [1, 2, 3, 6, 4]
    assert got[4].reasons[-1] == Reason(
        "diversity", "diversité : 4e contact de la région 06 dans le haut de la liste", -1.0
    )
    assert got[4].score == 9.0
    assert [r.contact_id for r in got] == [1, 2, 3, 6, 4, 5]
    assert_sums(got[:5])


def test_the_asked_region_is_not_penalised() -> None:
    by_id = {i: cand(i, f"C{i}", kind=f"k{i}", region="06") for i in range(1, 7)}
    ranked = [Ranked(i, f"C{i}", 10.0, (Reason("topic", "t", 10.0),)) for i in range(1, 7)]
    got = diversify(ranked, by_id, top=6, home_region="06")
    assert got == ranked
    assert diversify(ranked, by_id, top=6) != ranked


def test_asked_kinds_are_not_penalised() -> None:
    police = [cand(i, f"Police {i:02d}", kind="police", topics=("inondations",))
              for i in range(1, 6)]
    asked = rank_contacts(police, Query(("inondations",), kinds=("police",)), CTX, GEO,
                          today=TODAY, limit=5)
    assert [r.score for r in asked] == [10.0] * 5
    assert all(x.signal != "diversity" for r in asked for x in r.reasons)
    unasked = rank_contacts(police, Query(("inondations",)), CTX, GEO, today=TODAY, limit=5)
    assert [r.score for r in unasked] == [10.0, 10.0, 8.5, 7.0, 5.5]


def test_diversity_reorders_but_never_drops() -> None:
    police = [cand(i, f"Police {i:02d}", kind="police", topics=("inondations",))
              for i in range(1, 13)]
    got = rank_contacts(police, Query(("inondations",)), CTX, GEO, today=TODAY, limit=10)
    assert len(got) == 10
    assert [r.score for r in got][:4] == [10.0, 10.0, 8.5, 7.0]
    assert got[-1].score == 5.0  # capped at half the score, not 10 - 12
    assert got[-1].reasons[-1] == Reason(
        "diversity", "diversité : 10e contact de type police dans le haut de la liste", -5.0
    )
    assert_sums(got)


def test_interests_required_when_asked_but_territory_alone_can_rank() -> None:
    near = cand(1, "Voisin", region="17", kind="fire")
    topical = cand(2, "Expert", topics=("inondations",))
    asked = rank_contacts([near, topical], Query(("inondations",), region="17"), CTX, GEO,
                          today=TODAY)
    assert [r.contact_id for r in asked] == [2]
    territory = rank_contacts([near, topical], Query(region="17"), CTX, GEO, today=TODAY)
    assert [r.contact_id for r in territory] == [1]
    assert territory[0].reasons == (Reason("geography", "territoire : même région (17 "
                                                        "Centre-du-Québec)", 4.0),)


def test_a_suggested_tag_alone_qualifies_a_contact() -> None:
    c = cand(1, "A", suggested_topics=("cartographie",))
    got = rank_contacts([c], Query(("geomatique",)), CTX, GEO, today=TODAY)
    assert [(r.contact_id, r.score) for r in got] == [(1, 2.0)]


def test_text_alone_qualifies_a_contact() -> None:
    c = cand(1, "A", text_score=0.4)
    got = rank_contacts([c], Query(has_text=True), CTX, GEO, today=TODAY)
    assert [(r.contact_id, r.score) for r in got] == [(1, 2.0)]
    assert rank_contacts([c], Query(("verglas",)), CTX, GEO, today=TODAY) == []


def test_negative_total_is_not_recommended() -> None:
    c = cand(1, "A", suggested_topics=("geomatique",), languages=("en",),
             last_post_at="2020-01-01")
    q = Query(("geolocalisation",), languages=("fr",))
    assert rank_contacts([c], q, CTX, GEO, today=TODAY) == []


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
    ]


QUERY = Query(("inondations", "geolocalisation"), region="17", mrc="Nicolet-Yamaska",
              org_kind="mrc", languages=("fr",), has_text=True)


def test_reasons_add_up_and_order_is_deterministic() -> None:
    got = rank_contacts(mixed(), QUERY, CTX, GEO, today=TODAY)
    assert_sums(got)
    ids = [r.contact_id for r in got]
    assert 6 not in ids and 7 not in ids
    assert ids == [1, 4, 5, 3, 2]
    # Equal scores: accent-blind name first ("eclaireurs" == "éclaireurs"), then id.
    assert ids.index(4) + 1 == ids.index(5)
    assert got[ids.index(4)].score == got[ids.index(5)].score
    for seed in range(5):
        shuffled = mixed()
        random.Random(seed).shuffle(shuffled)
        assert rank_contacts(shuffled, QUERY, CTX, GEO, today=TODAY) == got
    assert all(r.signal in {"topic", "text", "geography", "kind", "network", "activity",
                            "language", "diversity", "penalty"} for x in got for r in x.reasons)


def test_ties_break_on_accent_blind_name_then_id() -> None:
    names = {1: "Zed", 2: "Yak", 3: "Xen", 4: "éclair", 5: "Eclair"}
    tied = [cand(i, n, kind=f"k{i}", topics=("verglas",)) for i, n in names.items()]
    got = rank_contacts(tied, Query(("verglas",)), CTX, GEO, today=TODAY, limit=1)
    assert [r.contact_id for r in got] == [4]
    got = rank_contacts(tied, Query(("verglas",)), CTX, GEO, today=TODAY, limit=5)
    assert [r.contact_id for r in got] == [4, 5, 3, 2, 1]


def test_a_zero_weight_topic_does_not_qualify_a_contact() -> None:
    ctx = TopicContext(related={}, weights={"verglas": 0.0})
    c = cand(1, "A", region="17", topics=("verglas",))
    assert score_topic(c, Query(("verglas",)), ctx) == []
    assert rank_contacts([c], Query(("verglas",), region="17"), ctx, GEO, today=TODAY) == []


def test_limit_is_respected() -> None:
    assert len(rank_contacts(mixed(), QUERY, CTX, GEO, today=TODAY, limit=2)) == 2
    assert rank_contacts(mixed(), QUERY, CTX, GEO, today=TODAY, limit=0) == []


def test_inputs_are_not_mutated() -> None:
    candidates = mixed()
    ctx = TopicContext(related={"geolocalisation": {"geomatique": "parent"}},
                       weights={"inondations": 1.2}, labels={"inondations": "Inondations"})
    before = (copy.deepcopy(candidates), copy.deepcopy(dict(ctx.related)),
              dict(ctx.weights), dict(ctx.labels), QUERY)
    ranked = rank_contacts(candidates, QUERY, ctx, GEO, today=TODAY)
    assert (candidates, dict(ctx.related), dict(ctx.weights), dict(ctx.labels), QUERY) == before
    snapshot = list(ranked)
    diversify(ranked, {c.contact_id: c for c in candidates}, top=2)
    assert ranked == snapshot


@pytest.mark.parametrize("limit", [1, 3, 10])
def test_scores_never_rise_down_the_list(limit: int) -> None:
    got = rank_contacts(mixed(), QUERY, CTX, GEO, today=TODAY, limit=limit)
    assert [r.score for r in got] == sorted((r.score for r in got), reverse=True)
    assert all(r.score > 0 for r in got)


def test_rank_contacts_reasons_are_the_signals_reasons() -> None:
    # rank_contacts memoises signals by the fields they read; the result must not change.
    by_id = {c.contact_id: c for c in mixed()}
    for r in rank_contacts(mixed(), QUERY, CTX, GEO, today=TODAY):
        c = by_id[r.contact_id]
        expected = [
            *score_topic(c, QUERY, CTX), *score_text(c, QUERY), *score_geography(c, QUERY, GEO),
            *score_kind(c, QUERY), *score_network(c), *score_activity(c, TODAY),
            *score_language(c, QUERY),
        ]
        assert [x for x in r.reasons if x.signal != "diversity"] == expected


def test_ties_put_province_wide_reach_first_then_name():
    def ranked(i: int, name: str, scope: str | None) -> Ranked:
        return Ranked(i, name, 10.0, (Reason("topic", "t", 10.0),), scope)

    tied = [ranked(1, "Agence européenne", "international"), ranked(2, "Zeta Québec", "provincial"),
            ranked(3, "Beta Canada", "national"), ranked(4, "Alpha ville", "local"),
            ranked(5, "Sans portée", None), ranked(6, "Alpha région", "regional")]
    order = [r.contact_id for r in diversify(tied, {}, top=6)]
    assert order == [2, 3, 6, 4, 1, 5]
