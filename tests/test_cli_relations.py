"""`msgu follow`, `msgu network` and `msgu profile` through the real CLI, checked on the SQLite
file itself and on `--json`."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cli_results import ok_json, refused, rows


@pytest.fixture
def contacts(invoke, empty_db) -> dict[str, int]:
    """Four contacts, by short name -> id."""
    made = {}
    for short, args in {
        "rouge": ("Croix-Rouge Québec", "--kind", "ngo", "--bluesky", "croixrouge-qc.bsky.social"),
        "msp": ("Sécurité civile Québec", "--kind", "provincial", "--x", "SecCivileQC"),
        "spvm": ("Service de police de Montréal", "--kind", "police", "--region", "06",
                 "--x", "SPVM"),
        "geo": ("Géo-Alerte", "--kind", "volunteer", "--mastodon", "geo@mastodon.example"),
    }.items():
        made[short] = ok_json(invoke("add", *args, "--json"))["id"]
    return made


def history(db_path, contact_id: int) -> list[tuple]:
    return rows(db_path, "SELECT status, date, note FROM relations WHERE contact_id = ? "
                         "ORDER BY date, id", [contact_id])


def status_of(db_path, contact_id: int) -> str:
    return rows(db_path, "SELECT status FROM contacts WHERE id = ?", [contact_id])[0][0]


# --- follow ----------------------------------------------------------------------------------


def test_follow_defaults_to_following_today(invoke, contacts, db_path):
    result = invoke("follow", "@SPVM")
    assert result.exit_code == 0, result.output
    assert "Service de police de Montréal" in result.stdout and "following" in result.stdout
    assert history(db_path, contacts["spvm"]) == [("following", date.today().isoformat(), None)]
    assert status_of(db_path, contacts["spvm"]) == "following"


@pytest.mark.parametrize("ref", ["https://x.com/SPVM", "spvm", "@spvm",
                                 "service de police de montreal", "SERVICE DE POLICE DE MONTRÉAL"])
def test_follow_takes_any_ref(invoke, contacts, db_path, ref):
    assert invoke("follow", ref).exit_code == 0
    assert status_of(db_path, contacts["spvm"]) == "following"


def test_follow_several_refs_at_once(invoke, contacts, db_path):
    result = invoke("follow", str(contacts["rouge"]), "@geo@mastodon.example", "SecCivileQC",
                    "--status", "to-follow", "--note", "Liste du directeur")
    assert result.exit_code == 0, result.output
    for short in ("rouge", "geo", "msp"):
        assert history(db_path, contacts[short]) == [
            ("to-follow", date.today().isoformat(), "Liste du directeur")]
    assert status_of(db_path, contacts["spvm"]) == "none"


def test_follow_json_gives_each_contacts_status_after_the_step(invoke, contacts):
    invoke("follow", "@SPVM", "--status", "met", "--date", "2026-06-12")
    shown = ok_json(invoke("follow", "@SPVM", str(contacts["rouge"]), "--date", "2026-01-02",
                           "--json"))
    assert shown == [
        {"id": contacts["spvm"], "name": "Service de police de Montréal", "status": "met"},
        {"id": contacts["rouge"], "name": "Croix-Rouge Québec", "status": "following"},
    ]


def test_a_relationship_keeps_its_dated_story(invoke, contacts, db_path):
    rouge = str(contacts["rouge"])
    for args in (("--status", "following", "--date", "2026-01-10"),
                 ("--status", "follows-back", "--date", "2026-02-03"),
                 ("--status", "met", "--date", "2026-06-12", "--note", "Formation MSGU, Paris"),
                 ("--status", "collaborating", "--date", "2026-09-01",
                  "--note", "Exercice conjoint")):
        assert invoke("follow", rouge, *args).exit_code == 0
    assert history(db_path, contacts["rouge"]) == [
        ("following", "2026-01-10", None), ("follows-back", "2026-02-03", None),
        ("met", "2026-06-12", "Formation MSGU, Paris"),
        ("collaborating", "2026-09-01", "Exercice conjoint"),
    ]
    assert status_of(db_path, contacts["rouge"]) == "collaborating"


def test_a_back_dated_step_does_not_undo_a_newer_status(invoke, contacts, db_path):
    spvm = str(contacts["spvm"])
    assert invoke("follow", spvm, "--status", "met", "--date", "2026-06-12").exit_code == 0
    assert invoke("follow", spvm, "--status", "following", "--date", "2026-01-05").exit_code == 0
    assert status_of(db_path, contacts["spvm"]) == "met"
    assert [h[0] for h in history(db_path, contacts["spvm"])] == ["following", "met"]


@pytest.mark.parametrize(("word", "code"), [("FOLLOWS-BACK", "follows-back"),
                                            ("réciproque", "follows-back"), ("Rencontré", "met")])
def test_status_words_in_french_or_english(invoke, contacts, db_path, word, code):
    assert invoke("follow", "@SPVM", "--status", word).exit_code == 0
    assert status_of(db_path, contacts["spvm"]) == code


@pytest.mark.parametrize(("args", "words"), [
    (("--status", "bogus"), ("Unknown status 'bogus'",)),
    (("--status", "none"), ("'none' is not a relationship step", "following")),
    (("--status", "candidate"), ("'candidate' is not a relationship step",)),
    (("--date", "2026-02-30"), ("Invalid date '2026-02-30'", "YYYY-MM-DD")),
    (("--date", "12/06/2026"), ("Invalid date",)),
    (("--date", "2026-6-1"), ("Invalid date",)),
    (("--date", "hier"), ("Invalid date",)),
    (("--date", (date.today() + timedelta(days=2)).isoformat()),
     ("in the future",)),
])
def test_bad_status_or_date_changes_nothing(invoke, contacts, db_path, dump, args, words):
    before = dump(db_path)
    refused(invoke("follow", "@SPVM", *args), *words)
    assert dump(db_path) == before


def test_an_unknown_ref_among_good_ones_records_nothing(invoke, contacts, db_path, dump):
    before = dump(db_path)
    refused(invoke("follow", "@SPVM", "@inconnu", "--status", "met"), "No contact matches",
           "@inconnu")
    refused(invoke("follow", "999999"), "No contact matches")
    assert dump(db_path) == before


def test_an_ambiguous_name_lists_the_candidates(invoke, contacts, db_path, dump):
    assert invoke("add", "Géo-Alerte", "--kind", "ngo", "--region", "17").exit_code == 0
    before = dump(db_path)
    refused(invoke("follow", "geo-alerte"), "several contacts", f"#{contacts['geo']}")
    assert dump(db_path) == before


def test_follow_needs_a_ref(invoke, contacts):
    assert invoke("follow").exit_code == 2  # Click's usage error


# --- network ---------------------------------------------------------------------------------


def test_network_groups_by_status_with_history(invoke, contacts):
    assert invoke("follow", "@SPVM", "--date", "2026-01-05").exit_code == 0
    assert invoke("follow", "@SPVM", "--status", "met", "--date", "2026-06-12",
                  "--note", "Colloque").exit_code == 0
    assert invoke("follow", "SecCivileQC", "--status", "following").exit_code == 0
    assert invoke("follow", "@geo@mastodon.example", "--status", "unfollowed").exit_code == 0
    data = ok_json(invoke("network", "--json"))
    assert [(r["name"], r["status"]) for r in data] == [
        ("Sécurité civile Québec", "following"),
        ("Service de police de Montréal", "met"),
        ("Géo-Alerte", "unfollowed"),
    ]
    spvm = data[1]
    assert spvm["id"] == contacts["spvm"] and spvm["region"] == "06"
    assert spvm["history"] == [
        {"status": "following", "date": "2026-01-05", "note": None},
        {"status": "met", "date": "2026-06-12", "note": "Colloque"},
    ]
    text = invoke("network").stdout
    assert text.index("following (1)") < text.index("met (1)") < text.index("unfollowed (1)")
    assert "2026-06-12" in text and "Colloque" in text
    assert "Croix-Rouge" not in text  # no relationship: status none


def test_network_leaves_out_candidates_and_none(invoke, contacts):
    assert invoke("add", "Découvert", "--status", "candidate").exit_code == 0
    assert ok_json(invoke("network", "--json")) == []
    assert "No relationship recorded yet" in invoke("network").stdout


# --- profile ---------------------------------------------------------------------------------


def test_profile_set_and_show(invoke, empty_db, db_path):
    assert "No profile yet" in invoke("profile", "show").stdout
    saved = ok_json(invoke("profile", "set", "--name", "MRC de Nicolet-Yamaska", "--kind", "MRC",
                           "--region", "centre-du-quebec", "--mrc", "nicolet-yamaska",
                           "--topic", "floods", "--topic", "géolocalisation", "--lang",
                           "français", "--platform", "Bluesky", "--json"))
    expected = {"name": "MRC de Nicolet-Yamaska", "kind": "mrc", "region": "17",
                "mrc": "Nicolet-Yamaska", "topics": ["inondations", "geolocalisation"],
                "languages": ["fr"], "platforms": ["bluesky"], "municipality": None,
                "accounts": []}
    assert saved == expected
    assert ok_json(invoke("profile", "show", "--json")) == expected
    shown = invoke("profile", "show").stdout
    assert "MRC de Nicolet-Yamaska" in shown and "inondations, geolocalisation" in shown
    assert rows(db_path, "SELECT region, mrc FROM profile") == [("17", "Nicolet-Yamaska")]


def test_profile_set_keeps_what_is_left_out(invoke, empty_db):
    invoke("profile", "set", "--name", "Ville", "--kind", "municipality", "--topic", "verglas")
    changed = ok_json(invoke("profile", "set", "--topic", "inondations", "--topic", "alerte",
                             "--json"))
    assert (changed["name"], changed["kind"]) == ("Ville", "municipality")
    assert changed["topics"] == ["inondations", "alerte"]  # a repeatable option replaces
    cleared = ok_json(invoke("profile", "set", "--clear", "topics", "--clear", "name", "--json"))
    assert cleared["topics"] == [] and cleared["name"] is None and cleared["kind"] == "municipality"


def test_a_new_region_drops_the_old_mrc(invoke, empty_db):
    invoke("profile", "set", "--mrc", "Drummond")
    moved = ok_json(invoke("profile", "set", "--region", "04", "--json"))
    assert (moved["region"], moved["mrc"]) == ("04", None)


@pytest.mark.parametrize(("args", "words"), [
    (("--kind", "bogus"), ("Unknown kind 'bogus'",)),
    (("--region", "Mauricy"), ("Unknown region", "Mauricie")),
    (("--topic", "inondatons"), ("Unknown topic", "inondations")),
    (("--region", "04", "--mrc", "Drummond"), ("Drummond", "not 04")),
    (("--platform", "myspace"), ("myspace",)),
    (("--lang", "klingon"), ("Unknown language",)),
    (("--clear", "colour"), ("Unknown profile field 'colour'",)),
    (("--name", "Nouveau nom", "--kind", "bogus"), ("Unknown kind",)),
])
def test_bad_profile_values_change_nothing(invoke, empty_db, db_path, dump, args, words):
    invoke("profile", "set", "--name", "Ville", "--kind", "municipality")
    before = dump(db_path)
    refused(invoke("profile", "set", *args), *words)
    assert dump(db_path) == before


# --- the profile's own accounts ---------------------------------------------------------------


def test_profile_accounts_are_normalised_shown_and_replaced_per_platform(invoke, empty_db,
                                                                        db_path):
    saved = ok_json(invoke("profile", "set", "--bluesky", "@Ville.Exemple.QC.CA",
                           "--mastodon", "https://mastodon.quebec/@Ville", "--x", "x.com/VilleEx",
                           "--account", "facebook:villeexemple",
                           "--account", "bluesky:ville.bsky.social", "--json"))
    assert saved["accounts"] == [
        {"platform": "bluesky", "handle": "ville.bsky.social",
         "url": "https://bsky.app/profile/ville.bsky.social"},
        {"platform": "bluesky", "handle": "ville.exemple.qc.ca",
         "url": "https://bsky.app/profile/ville.exemple.qc.ca"},
        {"platform": "facebook", "handle": "villeexemple",
         "url": "https://www.facebook.com/villeexemple"},
        {"platform": "mastodon", "handle": "ville@mastodon.quebec",
         "url": "https://mastodon.quebec/@ville"},
        {"platform": "x", "handle": "villeex", "url": "https://x.com/villeex"},
    ]
    assert ok_json(invoke("profile", "show", "--json"))["accounts"] == saved["accounts"]
    shown = " ".join(invoke("profile", "show").stdout.split())
    assert "accounts bluesky:ville.bsky.social, bluesky:ville.exemple.qc.ca" in shown

    # A platform given again replaces that platform's accounts; the others stay.
    changed = ok_json(invoke("profile", "set", "--mastodon", "urgence@social.example",
                             "--name", "Ville", "--json"))
    assert [(a["platform"], a["handle"]) for a in changed["accounts"]] == [
        ("bluesky", "ville.bsky.social"), ("bluesky", "ville.exemple.qc.ca"),
        ("facebook", "villeexemple"), ("mastodon", "urgence@social.example"),
        ("x", "villeex")]
    assert rows(db_path, "SELECT platform, handle FROM profile_accounts "
                         "WHERE platform = 'mastodon'") == [("mastodon", "urgence@social.example")]
    cleared = ok_json(invoke("profile", "set", "--clear", "accounts", "--json"))
    assert cleared["accounts"] == [] and cleared["name"] == "Ville"
    assert rows(db_path, "SELECT count(*) FROM profile_accounts") == [(0,)]


@pytest.mark.parametrize(("args", "words"), [
    (("--bluesky", "pas un handle"), ("bluesky:pas un handle", "Invalid Bluesky")),
    (("--mastodon", "ville"), ("mastodon:ville", "user@instance")),
    (("--account", "myspace:ville"), ("myspace", "Unknown platform")),
    (("--account", "ville"), ("Cannot tell the platform",)),
    (("--x", "@ceci-est-trop-long-pour-x"), ("Invalid X",)),
])
def test_bad_profile_accounts_change_nothing(invoke, empty_db, db_path, dump, args, words):
    invoke("profile", "set", "--bluesky", "ville.bsky.social")
    before = dump(db_path)
    refused(invoke("profile", "set", *args), "The profile's account", *words)
    assert dump(db_path) == before
