"""A coordinator's territory in the ranking, pure and with literal data: where a contact sits
against it, which contacts are its partners and its own services, whose warnings reach it,
who the organisation itself is, and how partners, references and diversity are ordered."""

from __future__ import annotations

from datetime import date

import pytest
from english_texts import english  # noqa: F401 (an autouse fixture)

from msgu_cli.domain.diversity import Ranked, diversify
from msgu_cli.domain.geo import Geography, names_town
from msgu_cli.domain.interests import score_topic, warns_you
from msgu_cli.domain.models import Mrc
from msgu_cli.domain.ranking import (
    REFERENCE_POINTS,
    Candidate,
    Query,
    Reason,
    TopicContext,
    below_matches,
    is_yourself,
    order,
    own_town,
    partner_depths,
    rank_contacts,
    score_reference,
)
from msgu_cli.domain.signals import (
    NEARBY,
    PROVINCIAL,
    SAME_REGION,
    is_own_service,
    partner_tier,
    score_geography,
    score_kind,
    score_peer,
    serves_territory,
    territory_depth,
    territory_tier,
)

TODAY = date(2025, 6, 1)
GEO = Geography.from_mrcs([Mrc("Gatineau", "07"), Mrc("Les Collines-de-l'Outaouais", "07"),
                           Mrc("Thérèse-De Blainville", "15"), Mrc("Montréal", "06"),
                           Mrc("Longueuil", "16")])
CTX = TopicContext(related={"inondations": {"tous-risques": "all-hazards"}},
                   weights={"inondations": 1.0}, labels={"inondations": "Floods"})
GATINEAU = Query(("inondations",), region="07", mrc="Gatineau", org_kind="municipality",
                 languages=("fr",))
POLICE = Query(("communication-de-crise",), region="06", mrc="Montréal", org_kind="police",
               languages=("fr",))


def cand(contact_id: int, name: str, **fields: object) -> Candidate:
    values: dict[str, object] = {"kind": "other", "region": None, "mrc": None, "scope": None,
                                 "languages": ("fr",), "topics": (), "platforms": ("x",)}
    values.update(fields)
    return Candidate(contact_id=contact_id, name=name, **values)  # type: ignore[arg-type]


def town(contact_id: int, name: str, region: str, mrc: str, **fields: object) -> Candidate:
    return cand(contact_id, name, kind="municipality", scope="local", region=region, mrc=mrc,
                **fields)


SPVG = cand(1, "Police de Gatineau", kind="police", scope="local", region="07", mrc="Gatineau")
CHELSEA = town(2, "Chelsea", "07", "Les Collines-de-l'Outaouais")
CISSS = cand(3, "CISSS de l'Outaouais", kind="health", scope="regional", region="07")
ROSEMERE = town(4, "Rosemère", "15", "Thérèse-De Blainville", topics=("inondations",))
SQ = cand(5, "Sûreté du Québec", kind="police", scope="provincial")
MSP = cand(6, "MSP", kind="provincial", scope="provincial", topics=("inondations",))


# --- where a contact sits -------------------------------------------------------------------


def test_a_town_of_another_mrc_of_the_region_is_nearby_still_nearer_than_the_province():
    assert territory_tier(CHELSEA, GATINEAU, GEO) == "nearby"
    assert territory_tier(CISSS, GATINEAU, GEO) == "region"  # it serves the whole region
    assert territory_tier(SPVG, GATINEAU, GEO) == "mrc"
    points = [score_geography(c, GATINEAU, GEO)[0].points for c in (CISSS, CHELSEA, MSP)]
    assert points == [SAME_REGION, NEARBY, PROVINCIAL] and SAME_REGION > NEARBY > PROVINCIAL
    # With a region alone, every contact of it is in the asked territory: nearest first.
    assert territory_tier(CHELSEA, Query(region="07"), GEO) == "region"


def test_a_neighbouring_region_s_contacts_do_not_serve_you():
    assert territory_tier(ROSEMERE, GATINEAU, GEO) == "neighbour"  # still nearer than far
    assert serves_territory(ROSEMERE, GATINEAU, GEO) is False
    regional = cand(7, "Santé Laurentides", kind="health", scope="regional", region="15")
    assert serves_territory(regional, GATINEAU, GEO) is False  # it serves the Laurentides
    assert serves_territory(CISSS, GATINEAU, GEO) is True
    topic = score_topic(ROSEMERE, GATINEAU, CTX)
    assert score_peer(ROSEMERE, GATINEAU, GEO, topic)[0].points == -3.0  # its floods count half
    assert score_kind(ROSEMERE, GATINEAU, GEO)[0].points == 0.38  # a quarter of 1.5


def test_foreign_contacts_are_peers_of_a_quebec_organisation_without_territory():
    ministry = Query(("communication-de-crise",), org_kind="provincial")
    vost = cand(8, "VOST", scope="international", topics=("communication-de-crise",))
    topic = score_topic(vost, ministry, CTX)
    assert serves_territory(vost, ministry, GEO) is False
    assert score_peer(vost, ministry, GEO, topic)[0].points == -3.0
    # A query with no organisation behind it judges nobody.
    assert serves_territory(vost, Query(("communication-de-crise",)), GEO) is None


# --- partners and own services --------------------------------------------------------------


def test_partner_tiers():
    assert partner_tier(SPVG, GATINEAU, GEO) == "mrc"
    assert partner_tier(CISSS, GATINEAU, GEO) == "region"
    assert partner_tier(CHELSEA, GATINEAU, GEO) == "nearby"  # a neighbouring municipality
    other_police = cand(9, "Police de Chelsea", kind="police", scope="local", region="07",
                        mrc="Les Collines-de-l'Outaouais")
    assert partner_tier(other_police, GATINEAU, GEO) is None  # another MRC's police, not yours
    assert partner_tier(ROSEMERE, GATINEAU, GEO) is None
    # The province-wide counterpart of the organisation's own kind, not of another.
    assert partner_tier(SQ, POLICE, GEO) == "province"
    assert partner_tier(SQ, GATINEAU, GEO) is None
    assert partner_tier(SPVG, Query(region="07", mrc="Gatineau"), GEO) is None  # no kind


def test_own_services_earn_more_than_other_partners():
    assert is_own_service(SPVG, GATINEAU, "mrc") and is_own_service(CISSS, GATINEAU, "region")
    assert not is_own_service(CHELSEA, GATINEAU, "nearby")
    assert is_own_service(SQ, POLICE, "province")
    service, partner = score_kind(SPVG, GATINEAU, GEO)[0], score_kind(CHELSEA, GATINEAU, GEO)[0]
    assert service.detail == "police, a service of your territory (municipality)"
    assert service.points == 2.0 + 3.0 and partner.points == 1.5 + 1.0
    assert score_kind(SQ, POLICE, GEO)[0].points == 2.5 + 3.0


def test_territory_depth():
    assert [territory_depth(c, GATINEAU, GEO) for c in (SPVG, CHELSEA, CISSS, MSP, ROSEMERE)] \
        == [3, 2, 2, 1, 0]


def test_a_town_warns_only_its_own_mrc():
    page = town(10, "Ville de Gatineau – sécurité civile", "07", "Gatineau",
                topics=("tous-risques",))
    assert warns_you(page, territory_tier(page, GATINEAU, GEO), placed=True)
    elsewhere = Query(("inondations",), region="07", mrc="Les Collines-de-l'Outaouais")
    assert not warns_you(page, territory_tier(page, elsewhere, GEO), placed=True)
    assert not warns_you(page, territory_tier(page, Query(region="07"), GEO), placed=True)


# --- order of partners ----------------------------------------------------------------------


def ranked(contact_id: int, score: float) -> Ranked:
    return Ranked(contact_id, str(contact_id), score, (Reason("topic", "t", score),))


def test_partners_stay_below_matches_of_their_geography_and_other_partners_below_services():
    matches = [ranked(1, 9.0), ranked(2, 12.0)]  # a provincial match, a regional one
    partners = [ranked(3, 15.0), ranked(4, 14.0), ranked(5, 20.0)]
    depths = partner_depths({1: 1, 2: 2, 3: 3, 4: 3, 5: 3}, partners=[3, 4, 5], services=[5])
    assert depths == {1: 1, 2: 2, 3: 1, 4: 1, 5: 3}
    got = {r.contact_id: r.score for r in below_matches([*matches, *partners], depths,
                                                        [3, 4, 5], [5])}
    assert got[5] == 20.0  # its own service: no match of its MRC to stay below
    assert got[3] == got[4] == 8.99  # below every match that serves the territory
    # No match at all: a neighbouring town still comes after the organisation's own police.
    alone = {r.contact_id: r for r in below_matches([ranked(3, 15.0), ranked(5, 12.0)],
                                                    {3: 1, 5: 3}, [3, 5], [5])}
    assert alone[5].score == 12.0 and alone[3].score == 11.99
    assert alone[3].reasons[-1].signal == "penalty"


def test_a_police_service_gets_its_city_services_and_the_sq_before_other_partners():
    q = POLICE
    uq = cand(11, "UQ", kind="provincial", scope="provincial",
              topics=("communication-de-crise",))
    fire = cand(12, "Incendie Montréal", kind="fire", scope="local", region="06", mrc="Montréal")
    borough = town(13, "Arrondissement", "06", "Montréal", platforms=("x", "facebook"))
    health = cand(14, "Santé publique", kind="health", scope="regional", region="06",
                  mrc="Montréal", platforms=("x", "facebook", "instagram"))
    got = [r.contact_id for r in rank_contacts([uq, fire, borough, health, SQ], q, CTX, GEO,
                                               today=TODAY)]
    assert got[:3] == [11, 12, 5]  # the match, then its fire service and the SQ
    assert set(got[3:]) == {13, 14}


# --- never yourself -------------------------------------------------------------------------


def test_a_town_is_never_recommended_to_itself_whatever_the_profile_calls_it():
    assert own_town(None, "municipality", "Gatineau") == "Gatineau"
    assert own_town("Ville de Gatineau – Sécurité civile", "municipality", "Gatineau") == \
        "Gatineau"
    assert own_town("Arrondissement de Verdun", "municipality", "Montréal") is None
    assert own_town("Service de police de Gatineau", "police", "Gatineau") is None
    q = Query(own_town="Gatineau")
    city = town(20, "Ville de Gatineau", "07", "Gatineau", municipality="Gatineau")
    assert is_yourself(city, q)
    assert not is_yourself(SPVG, q)  # its police is not the town
    borough = town(21, "Arrondissement de Verdun", "06", "Montréal", municipality="Montréal")
    assert not is_yourself(borough, Query(own_town="Montréal"))
    assert names_town("Ville de Québec – Bureau de la sécurité civile", "Québec")
    assert not names_town("Ville de Québecville", "Québec")


@pytest.mark.parametrize(("name", "mine"), [
    ("Sûreté du Québec", True), ("SURETE DU QUEBEC", True),
    ("Sûreté du Québec – district Nord", True), ("Sûreté du Québec (district Nord)", True),
    ("Sûreté du Québecois", False), ("Amis de la Sûreté du Québec", False),
])
def test_the_organisation_s_own_units_are_itself(name, mine):
    assert is_yourself(cand(30, name), Query(own_name="Sûreté du Québec")) is mine


def test_a_unit_s_profile_is_its_organisation():
    division = Query(own_name="Croix-Rouge canadienne – Québec")
    assert is_yourself(cand(31, "Croix-Rouge canadienne"), division)
    assert not is_yourself(cand(32, "Croix-Rouge française"), division)


# --- references among followable contacts, diversity ----------------------------------------


def test_a_reference_ranked_with_followable_contacts_costs_points():
    mixed = Query(with_references=True)
    assert score_reference(False, mixed)[0].points == REFERENCE_POINTS < 0
    assert score_reference(True, mixed) == [] and score_reference(False, Query()) == []
    site = cand(40, "Site", scope="provincial", topics=("inondations",), platforms=("website",))
    account = cand(41, "Compte", scope="provincial", topics=("inondations",))
    got = rank_contacts([site, account], Query(("inondations",), with_references=True), CTX,
                        GEO, today=TODAY)
    assert [r.contact_id for r in got] == [41, 40]
    assert got[0].score - got[1].score == -REFERENCE_POINTS


def test_diversity_spares_province_wide_and_national_sources():
    agencies = [cand(50 + i, f"Agence {i}", kind="provincial", scope="provincial")
                for i in range(6)]
    towns = [town(60 + i, f"Ville {i}", "07", "Gatineau") for i in range(6)]
    everyone = {c.contact_id: c for c in (*agencies, *towns)}
    pool = [ranked(c.contact_id, 20.0 - i * 0.1) for i, c in enumerate((*agencies, *towns))]
    got = diversify(pool, everyone, order, top=12)
    penalised = {r.contact_id for r in got if any(x.signal == "diversity" for x in r.reasons)}
    assert penalised == {63, 64, 65}  # the 4th town on, never a province-wide agency


def test_one_tag_answers_one_asked_topic():
    ctx = TopicContext(related={"medias-sociaux": {"veille": "child"},
                                "veille": {"medias-sociaux": "parent"}},
                       weights={"medias-sociaux": 1.0, "veille": 1.0})
    watcher = cand(70, "Veille", topics=("veille",))
    both = score_topic(watcher, Query(("medias-sociaux", "veille")), ctx)
    assert [r.key for r in both] == ["exact:veille"]  # not also a subtopic of social media
    alone = score_topic(watcher, Query(("medias-sociaux",)), ctx)
    assert [r.key for r in alone] == ["related:veille"]  # asked alone, its relative counts
