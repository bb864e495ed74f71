"""The bundled taxonomy (seeds/topics.toml) and the pure code over it (domain.taxonomy)."""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from pathlib import Path

import pytest

from msgu_cli.domain.models import Topic
from msgu_cli.domain.taxonomy import Taxonomy, load_topics_toml
from msgu_cli.domain.text import slug, stems
from msgu_cli.errors import InvalidInput

SEEDS = Path(__file__).parents[1] / "seeds" / "topics.toml"

# The agreed codes and their parents: other modules and the starter directory rely on them.
PARENTS: dict[str, set[str]] = {
    # hazards
    "risques-naturels": set(),
    "inondations": {"risques-naturels"},
    "feux-de-foret": {"risques-naturels"},
    "verglas": {"risques-naturels", "tempetes-hivernales"},
    "tempetes": {"risques-naturels"},
    "tornades": {"tempetes"},
    "tempetes-hivernales": {"tempetes"},
    "chaleur-extreme": {"risques-naturels"},
    "froid-extreme": {"risques-naturels"},
    "secheresse": {"risques-naturels"},
    "seismes": {"risques-naturels"},
    "glissements-de-terrain": {"risques-naturels"},
    "erosion-cotiere": {"risques-naturels"},
    "pannes-electriques": {"infrastructures-essentielles"},
    "risques-industriels": set(),
    "matieres-dangereuses": {"risques-industriels"},
    "pandemies": {"sante-publique"},
    "qualite-de-l-air": {"sante-publique", "environnement"},
    "eau-potable": {"sante-publique"},
    "changements-climatiques": {"environnement"},
    # functions
    "securite-civile": set(),
    "alerte": {"securite-civile"},
    "communication-de-crise": set(),
    "medias-sociaux": set(),
    "veille": {"medias-sociaux"},
    "verification-des-faits": {"veille"},
    "geomatique": set(),
    "geolocalisation": {"geomatique"},
    "cartographie": {"geomatique"},
    "teledetection": {"geomatique"},
    "cartographie-humanitaire": {"cartographie", "benevoles-numeriques"},
    "donnees-ouvertes": set(),
    "benevolat": set(),
    "benevoles-numeriques": {"benevolat"},
    "evacuation": {"securite-civile"},
    "hebergement": {"securite-civile"},
    "retablissement": {"securite-civile"},
    "preparation": {"securite-civile"},
    "planification": {"securite-civile"},
    "formation": set(),
    "exercices": {"formation"},
    "recherche": set(),
    "aide-humanitaire": set(),
    "premiers-soins": set(),
    # sectors
    "securite-publique": set(),
    "sante-publique": set(),
    "meteo": set(),
    "transport": set(),
    "conditions-routieres": {"transport"},
    "energie": set(),
    "telecommunications": set(),
    "infrastructures-essentielles": set(),
    "municipal": set(),
    "incendie": set(),
    "environnement": set(),
}

HAZARDS = list(PARENTS)[:20]
SECTORS = list(PARENTS)[-11:]

# Codes the CLI contract names.
CONTRACT_CODES = (
    ("geolocalisation", "geomatique", "cartographie", "inondations", "feux-de-foret", "verglas")
    + ("tempetes", "chaleur-extreme", "pannes-electriques", "alerte", "communication-de-crise")
    + ("medias-sociaux", "veille", "securite-civile", "securite-publique", "sante-publique")
    + ("meteo", "hebergement", "benevolat", "evacuation", "transport", "recherche", "formation")
)

# Synonyms the contract requires, and what they must name.
REQUIRED_SYNONYMS = {
    "géolocalisation": "geolocalisation",
    "geolocation": "geolocalisation",
    "SIG": "geomatique",
    "GIS": "geomatique",
    "géospatial": "geomatique",
    "floods": "inondations",
    "wildfires": "feux-de-foret",
    "crisis communication": "communication-de-crise",
    "SMEM": "medias-sociaux",
    "MSGU": "medias-sociaux",
    "VOST": "benevoles-numeriques",
}


@pytest.fixture(scope="module")
def topics() -> list[Topic]:
    return load_topics_toml(SEEDS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tax(topics: list[Topic]) -> Taxonomy:
    return Taxonomy(topics)


def _names(topic: Topic) -> list[str]:
    return [topic.code, topic.label_fr, topic.label_en, *topic.synonyms]


# --- the bundled file ----------------------------------------------------------------------------


def test_has_at_least_45_topics_with_the_agreed_codes(topics: list[Topic]) -> None:
    codes = [t.code for t in topics]
    assert len(topics) >= 45
    assert len(codes) == len(set(codes))
    assert set(PARENTS) <= set(codes)
    assert set(CONTRACT_CODES) <= set(codes)


def test_codes_are_lowercase_ascii_hyphenated(topics: list[Topic]) -> None:
    for topic in topics:
        assert topic.code == slug(topic.code), topic.code


def test_parent_links_are_the_agreed_ones(tax: Taxonomy) -> None:
    for code, parents in PARENTS.items():
        assert set(tax.parents(code)) == parents, code
    assert "geomatique" in tax.parents("geolocalisation")
    assert "geomatique" in tax.parents("cartographie")
    assert {"geolocalisation", "cartographie"} <= set(tax.children("geomatique"))


def test_groups(tax: Taxonomy) -> None:
    for topic in tax.topics:
        assert topic.group in ("hazard", "function", "sector")
        if topic.code in PARENTS:
            expected = "hazard" if topic.code in HAZARDS else "function"
            expected = "sector" if topic.code in SECTORS else expected
            assert topic.group == expected, topic.code


def test_every_parent_exists_and_there_is_no_cycle(tax: Taxonomy, topics: list[Topic]) -> None:
    codes = {t.code for t in topics}
    for topic in topics:
        assert set(topic.parents) <= codes, topic.code
        assert topic.code not in tax.ancestors(topic.code)
        assert topic.code not in tax.descendants(topic.code)


def test_labels_in_both_languages_and_synonyms(topics: list[Topic]) -> None:
    for topic in topics:
        assert topic.label_fr.strip() and topic.label_en.strip(), topic.code
        assert len(topic.synonyms) >= 3, topic.code
        assert all(s.strip() == s and s for s in topic.synonyms), topic.code


@pytest.mark.parametrize(("name", "code"), REQUIRED_SYNONYMS.items())
def test_required_synonyms(tax: Taxonomy, topics: list[Topic], name: str, code: str) -> None:
    assert name in next(t for t in topics if t.code == code).synonyms
    assert tax.resolve(name) == code


def test_no_name_maps_to_two_codes(topics: list[Topic]) -> None:
    owners: dict[str, set[str]] = defaultdict(set)
    for topic in topics:
        for name in _names(topic):
            owners[slug(name)].add(topic.code)
    clashes = {name: codes for name, codes in owners.items() if len(codes) > 1}
    assert clashes == {}


def test_no_stemmed_name_maps_to_two_codes(topics: list[Topic]) -> None:
    """What free-text matching sees: `crues` and `crue` must not lead to different topics."""
    owners: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for topic in topics:
        for name in _names(topic):
            assert stems(name), f"{topic.code}: '{name}' is only stopwords"
            owners[stems(name)].add(topic.code)
    clashes = {name: codes for name, codes in owners.items() if len(codes) > 1}
    assert clashes == {}


def test_every_name_resolves_to_its_own_topic(tax: Taxonomy, topics: list[Topic]) -> None:
    for topic in topics:
        for name in _names(topic):
            assert tax.resolve(name) == topic.code, name


def test_every_name_is_found_in_text_as_its_topic(tax: Taxonomy, topics: list[Topic]) -> None:
    for topic in topics:
        for name in _names(topic):
            assert [c for c, _ in tax.topics_in_text(name)] == [topic.code], name


# --- resolve / find ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Géolocalisation", "geolocalisation"),
        ("GEOLOCALISATION", "geolocalisation"),
        ("geolocalisation", "geolocalisation"),
        ("Geolocation", "geolocalisation"),
        ("  géo localisation ", None),
        ("feux de forêt", "feux-de-foret"),
        ("FEUX DE FORET", "feux-de-foret"),
        ("feux_de_foret", "feux-de-foret"),
        ("feux-de-forêt", "feux-de-foret"),
        ("  feux   de  forêt ", "feux-de-foret"),
        ("Qualité de l’air", "qualite-de-l-air"),
        ("qualite_de_l_air", "qualite-de-l-air"),
        ("Sécurité civile", "securite-civile"),
        ("emergency management", "securite-civile"),
        ("sig", "geomatique"),
        ("Ge\u0301olocalisation", "geolocalisation"),  # decomposed accent (NFD)
        ("ice storm", "verglas"),
        ("panne de courant", "pannes-electriques"),
        ("social media", "medias-sociaux"),
        ("Médias sociaux", "medias-sociaux"),
        ("crisis mapping", "cartographie-humanitaire"),
        ("", None),
        ("   ", None),
        ("de la", None),
    ],
)
def test_find(tax: Taxonomy, text: str, code: str | None) -> None:
    assert tax.find(text) == code


def test_unknown_topic_suggests_the_closest(tax: Taxonomy) -> None:
    with pytest.raises(InvalidInput) as err:
        tax.resolve("geolocalisaton", creatable=True)
    message = str(err.value)
    assert message.startswith("Unknown topic 'geolocalisaton'. Did you mean geolocalisation")
    assert message.endswith("? See 'msgu topics' for the list, or pass --new-topic to create it.")


def test_suggestions_report_codes_not_synonyms(tax: Taxonomy) -> None:
    assert tax.suggest("inondaton")[0] == "inondations"
    assert tax.suggest("wildfirs")[0] == "feux-de-foret"
    assert tax.suggest("") == []


def test_unknown_topic_without_anything_close(tax: Taxonomy) -> None:
    with pytest.raises(InvalidInput) as err:
        tax.resolve("zzqxw")
    assert str(err.value) == "Unknown topic 'zzqxw'. See 'msgu topics' for the list."


@pytest.mark.parametrize("text", ["", "  ", "--"])
def test_empty_topic_name(tax: Taxonomy, text: str) -> None:
    with pytest.raises(InvalidInput, match="Empty topic name"):
        tax.resolve(text)


def test_code_beats_label_beats_synonym() -> None:
    tax = Taxonomy(
        [
            Topic("alpha", "Beta", "Beta", synonyms=("gamma",)),
            Topic("beta", "Gamma", "Gamma", synonyms=("alpha",)),
        ]
    )
    assert tax.resolve("alpha") == "alpha"
    assert tax.resolve("BETA") == "beta"
    assert tax.resolve("gamma") == "beta"


# --- hierarchy -----------------------------------------------------------------------------------


def test_hierarchy_walks(tax: Taxonomy) -> None:
    assert tax.ancestors("verglas") == {"risques-naturels", "tempetes", "tempetes-hivernales"}
    assert tax.ancestors("cartographie-humanitaire") == {
        "cartographie",
        "geomatique",
        "benevoles-numeriques",
        "benevolat",
    }
    assert tax.descendants("geomatique") == {
        "geolocalisation",
        "cartographie",
        "teledetection",
        "cartographie-humanitaire",
    }
    assert tax.descendants("tempetes") == {"tornades", "tempetes-hivernales", "verglas"}
    assert tax.ancestors("risques-naturels") == frozenset()
    assert tax.parents("nope") == () and tax.children("nope") == ()
    assert tax.ancestors("nope") == frozenset()


def test_related_is_one_level(tax: Taxonomy) -> None:
    assert tax.related("cartographie") == {
        "geomatique": "parent",
        "cartographie-humanitaire": "child",
    }
    assert tax.related("geomatique") == {
        "geolocalisation": "child",
        "cartographie": "child",
        "teledetection": "child",
    }
    assert tax.related("tornades") == {"tempetes": "parent"}


def test_get_and_stable_order(tax: Taxonomy, topics: list[Topic]) -> None:
    assert [t.code for t in tax.topics] == [t.code for t in topics]
    topic = tax.get("geolocalisation")
    assert topic is not None and topic.label_fr == "Géolocalisation"
    assert topic.label_en == "Geolocation"
    assert tax.get("Géolocalisation") is None  # get takes a code; find takes what people type
    assert "meteo" in tax and len(tax) == len(topics)


def test_a_cycle_in_user_data_does_not_hang() -> None:
    tax = Taxonomy([Topic("a", "A", "A", parents=("b",)), Topic("b", "B", "B", parents=("a",))])
    assert tax.ancestors("a") == {"b"}
    assert tax.descendants("a") == {"b"}


# --- topics_in_text ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "cartographie des zones inondables",
            [("cartographie", "cartographie"), ("inondations", "zones inondables")],
        ),
        ("les secteurs inondables", [("inondations", "inondables")]),
        ("cartes des inondations", [("cartographie", "cartes"), ("inondations", "inondations")]),
        (
            "crisis communication on social media",
            [
                ("communication-de-crise", "crisis communication"),
                ("medias-sociaux", "social media"),
            ],
        ),
        ("Communication de crise", [("communication-de-crise", "Communication de crise")]),
        ("Incendies de forêt", [("feux-de-foret", "Incendies de forêt")]),
        ("un incendie", [("incendie", "incendie")]),
        (
            "Pannes électriques et verglas",
            [
                ("pannes-electriques", "Pannes électriques"),
                ("verglas", "verglas"),
            ],
        ),
        ("GPS et géomatique", [("geolocalisation", "GPS"), ("geomatique", "géomatique")]),
        ("Crues printanières", [("inondations", "Crues printanières")]),
        (
            "médias sociaux en gestion d’urgence",
            [
                ("medias-sociaux", "médias sociaux en gestion d’urgence"),
            ],
        ),
        (
            "géolocaliser les feux_de_foret",
            [
                ("geolocalisation", "géolocaliser"),
                ("feux-de-foret", "feux_de_foret"),
            ],
        ),
        # One topic once, at its first place.
        ("inondation, crue et inondations", [("inondations", "inondation")]),
    ],
)
def test_topics_in_text(tax: Taxonomy, text: str, expected: list[tuple[str, str]]) -> None:
    assert tax.topics_in_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "de la",
        "de la et le ou du",
        "l'a",
        "environ 200 personnes",  # `environ` is not `environnement`
        "un accueil chaleureux",  # nor `chaleur`
        "le format du fichier",  # nor `formation`
        "une commune voisine",  # nor `communication`
        "il donne des cours",
        "Ceci n'est rien",
    ],
)
def test_topics_in_text_no_false_positives(tax: Taxonomy, text: str) -> None:
    assert tax.topics_in_text(text) == []


def test_topics_in_text_decomposed_accents(tax: Taxonomy) -> None:
    text = unicodedata.normalize("NFD", "Géolocalisation et télédétection")
    assert [c for c, _ in tax.topics_in_text(text)] == ["geolocalisation", "teledetection"]


def test_topics_in_text_is_linear_enough(tax: Taxonomy) -> None:
    text = "cartographie des zones inondables et communication de crise " * 5000
    assert [c for c, _ in tax.topics_in_text(text)] == [
        "cartographie",
        "inondations",
        "communication-de-crise",
    ]


# --- new_topic -----------------------------------------------------------------------------------


def test_new_topic() -> None:
    topic = Taxonomy.new_topic("  Sécurité   nautique ")
    assert topic == Topic(
        code="securite-nautique",
        label_fr="Sécurité nautique",
        label_en="Sécurité nautique",
        group="user",
    )
    tax = Taxonomy([topic])
    assert tax.resolve("securite nautique") == "securite-nautique"


@pytest.mark.parametrize("label", ["", "   ", "---", "!!", "x" * 81, "bad\x00name"])
def test_new_topic_rejects_invalid_labels(label: str) -> None:
    with pytest.raises(InvalidInput):
        Taxonomy.new_topic(label)


# --- load_topics_toml ----------------------------------------------------------------------------


def test_load_minimal_toml() -> None:
    topics = load_topics_toml(
        '[a]\nfr = "Â"\nen = "A"\ngroup = "hazard"\n'
        '[b]\nfr = "B"\nen = "B"\nparents = ["a"]\nsynonyms = ["bee"]\n'
    )
    assert topics == [
        Topic("a", "Â", "A", group="hazard"),
        Topic("b", "B", "B", synonyms=("bee",), parents=("a",), group="function"),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[a]\nfr = "A"\nen = "A"\nparents = ["zz"]\n', "parent 'zz'"),
        (
            '[a]\nfr="A"\nen="A"\nparents=["b"]\n[b]\nfr="B"\nen="B"\nparents=["c"]\n'
            '[c]\nfr="C"\nen="C"\nparents=["a"]\n',
            "cycle",
        ),
        ('[a]\nfr = "A"\nen = "A"\nparents = ["a"]\n', "cycle"),
        ('[a]\nfr = "A"\n', "labels"),
        ('[a]\nfr = "A"\nen = " "\n', "labels"),
        ('[Bad_Code]\nfr = "A"\nen = "A"\n', "lowercase"),
        ('[a]\nfr = "A"\nen = "A"\nsynonym = ["x"]\n', "unknown key"),
        ('[a]\nfr = "A"\nen = "A"\ngroup = "other"\n', "group"),
        ('[a]\nfr = "A"\nen = "A"\nsynonyms = "x"\n', "synonyms"),
        ("[a\n", "TOML"),
    ],
)
def test_load_rejects_bad_files(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load_topics_toml(text)
