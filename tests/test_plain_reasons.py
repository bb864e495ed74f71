"""The plain reason of a row: pure, from the row's reasons, in the interface language."""

from __future__ import annotations

from english_texts import english  # noqa: F401 (an autouse fixture)

from msgu_cli.domain.plain_reasons import plain_reason
from msgu_cli.domain.signals import Reason

LABELS = {"cartographie-humanitaire": "Humanitarian mapping", "inondations": "Floods",
          "geomatique": "Geomatics", "cartographie": "Mapping", "geolocalisation": "Geolocation",
          "sig": "SIG"}



def r(signal: str, points: float, key: str, detail: str = "d") -> Reason:
    return Reason(signal, detail, points, key)


def test_a_territory_partner_is_named_by_its_role():
    assert plain_reason([r("geography", 8, "mrc"), r("kind", 3, "police")], "police", "local",
                        LABELS) == "police service of your MRC"
    assert plain_reason([r("geography", 6, "region"), r("kind", 3, "health")], "health",
                        "regional", LABELS) == "health agency in your region"
    assert plain_reason([r("geography", 8, "mrc")], "transport", None, LABELS) == \
        "partner in your MRC"


def test_an_all_hazards_source_says_what_it_does_for_all_quebec():
    reasons = [r("topic", 4, "all-hazards"), r("geography", 5, "provincial")]
    assert plain_reason(reasons, "provincial", "provincial", LABELS) == \
        "official alerts for all of Quebec"
    assert plain_reason(reasons, "weather", "national", LABELS) == \
        "weather warnings for all of Canada"
    assert plain_reason(reasons, "ngo", "national", LABELS) == \
        "help for disaster victims in all of Canada"
    assert plain_reason(reasons, "police", "provincial", LABELS) == "police for all of Quebec"


def test_topics_then_network_joined_plainly():
    reasons = [r("topic", 6, "exact:cartographie-humanitaire"), r("topic", 1, "coverage"),
               r("network", 4, "trusted:2")]
    assert plain_reason(reasons, "ngo", "international", LABELS) == \
        "humanitarian mapping; followed by 2 of your trusted accounts"


def test_at_most_two_topics_and_the_place_when_near():
    reasons = [r("topic", 6, "exact:inondations"), r("topic", 1.2, "related:geomatique"),
               r("text", 1, "text:cartographie"), r("geography", 6, "region")]
    assert plain_reason(reasons, "municipality", "local", LABELS) == \
        "floods, geomatics; in your region"


def test_text_and_words_and_silence():
    described = [r("text", 2, "text:geolocalisation"), r("activity", -3, "silent",
                                                         "silent since 2023-01-05")]
    assert plain_reason(described, "other", None, LABELS) == \
        "talks about geolocation; silent since 2023-01-05"
    assert plain_reason([r("text", 2, "words")], "other", None, LABELS) == "matches your words"
    assert plain_reason([r("topic", 6, "exact:sig")], "other", None, LABELS) == "SIG"


def test_nothing_to_say_is_an_empty_reason():
    assert plain_reason([], "other", None, LABELS) == ""


def test_a_peer_outside_the_territory_says_where_it_is():
    far = [r("topic", 6, "exact:inondations"), r("geography", 0.5, "elsewhere"),
           r("geography", -3, "peer")]
    assert plain_reason(far, "municipality", "local", LABELS) == "floods; elsewhere in Quebec"
    abroad = [r("topic", 6, "exact:inondations"), r("geography", -3, "peer")]
    assert plain_reason(abroad, "other", "international", LABELS) == "floods; outside Quebec"


def test_partners_near_and_province_wide_are_named_by_their_role():
    nearby = [r("geography", 5.5, "nearby"), r("kind", 2.5, "municipality")]
    assert plain_reason(nearby, "municipality", "local", LABELS) == "municipality in your region"
    counterpart = [r("geography", 5, "provincial"), r("kind", 5.5, "police")]
    assert plain_reason(counterpart, "police", "provincial", LABELS) == "police for all of Quebec"
    weather = [r("geography", 4, "national"), r("kind", 3, "weather")]
    assert plain_reason(weather, "weather", "national", LABELS) == \
        "weather warnings for all of Canada"
    floods_nearby = [r("topic", 6, "exact:inondations"), r("geography", 5.5, "nearby")]
    assert plain_reason(floods_nearby, "municipality", "local", LABELS) == \
        "floods; in your region"
