"""`msgu next` (the week's short list) and the relationship funnel of `stats` and `network`,
through the real CLI on a real SQLite file."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from cli_results import ok_json

GROUPS = ["follow", "engage", "nudge", "meet", "review"]


def ago(days: int) -> str:
    """A day `days` before today, the user's calendar day, as msgu reads it when it runs."""
    return (date.today() - timedelta(days=days)).isoformat()


@pytest.fixture
def add(invoke):
    def run(name: str, *args: str) -> int:
        return ok_json(invoke("add", name, *args, "--json"))["id"]

    return run


@pytest.fixture
def step(invoke):
    def run(contact_id: int, status: str, days_ago: int, *args: str) -> None:
        result = invoke("follow", str(contact_id), "--status", status, "--date", ago(days_ago),
                        *args)
        assert result.exit_code == 0, result.output

    return run


@pytest.fixture
def story(empty_db, add, step, invoke) -> dict[str, int]:
    """A directory at every stage of the loop, by short name -> id."""
    ids = {
        "cand_old": add("Candidat ancien", "--bluesky", "ancien.bsky.social",
                        "--status", "candidate"),
        "a_suivre_1": add("Zeta à suivre", "--bluesky", "zeta.bsky.social",
                          "--mastodon", "zeta@mastodon.social"),
        "a_suivre_2": add("Alpha à suivre", "--x", "@alphaqc", "--website", "alpha.example"),
        "suivi_vieux": add("Suivi depuis longtemps", "--bluesky", "vieux.bsky.social"),
        "suivi_recent": add("Suivi récemment", "--bluesky", "recent.bsky.social"),
        "mutuel_vieux": add("Mutuel ancien", "--mastodon", "mutuel@mastodon.quebec",
                            "--x", "@mutuel"),
        "mutuel_rencontre": add("Mutuel déjà rencontré", "--bluesky", "vu.bsky.social"),
        "mutuel_neuf": add("Mutuel nouveau", "--bluesky", "neuf.bsky.social"),
        "rencontre": add("Rencontré", "--bluesky", "rencontre.bsky.social"),
        "cand_new": add("Candidat récent", "--bluesky", "nouveau.bsky.social",
                        "--status", "candidate"),
        "soi": add("Ville d'Exemple", "--bluesky", "ville.exemple.qc.ca"),
        "reference": add("Portail des inondations", "--website", "inondations.example",
                         "--topic", "inondations"),
        "reco": add("Centre de prévision des crues", "--bluesky", "crues.bsky.social",
                    "--topic", "inondations"),
    }
    step(ids["a_suivre_1"], "to-follow", 30)
    step(ids["a_suivre_2"], "to-follow", 10)
    step(ids["suivi_vieux"], "following", 70)
    step(ids["suivi_recent"], "following", 10)
    step(ids["mutuel_vieux"], "following", 200)
    step(ids["mutuel_vieux"], "follows-back", 100)
    step(ids["mutuel_rencontre"], "met", 150, "--note", "Colloque")
    step(ids["mutuel_rencontre"], "follows-back", 100)
    step(ids["mutuel_neuf"], "follows-back", 5)
    step(ids["rencontre"], "met", 120)
    step(ids["soi"], "to-follow", 40)
    ok_json(invoke("profile", "set", "--bluesky", "ville.exemple.qc.ca", "--json"))
    return ids


def names(items: list[dict]) -> list[str]:
    return [item["name"] for item in items]


def test_next_lists_each_group_best_first(story, invoke) -> None:
    plan = ok_json(invoke("next", "--json"))
    assert list(plan) == GROUPS
    assert names(plan["follow"]) == ["Zeta à suivre", "Alpha à suivre"]  # the longest listed
    assert names(plan["engage"]) == ["Mutuel nouveau", "Mutuel ancien", "Mutuel déjà rencontré"]
    assert names(plan["nudge"]) == ["Suivi depuis longtemps"]
    assert names(plan["meet"]) == ["Mutuel ancien"]  # 90 days and more, never met
    assert names(plan["review"]) == ["Candidat ancien", "Candidat récent"]

    zeta = plan["follow"][0]
    assert zeta == {"id": story["a_suivre_1"], "name": "Zeta à suivre", "status": "to-follow",
                    "account": {"platform": "bluesky", "handle": "zeta.bsky.social",
                                "url": "https://bsky.app/profile/zeta.bsky.social"},
                    "why": f"On your to-follow list since {ago(30)}.", "since": ago(30)}
    assert plan["follow"][1]["account"]["platform"] == "x"  # not the website
    nudge = plan["nudge"][0]
    assert nudge["since"] == ago(70) and "Followed for 70 days without a follow-back" in (
        nudge["why"])
    meet = plan["meet"][0]
    assert meet["account"]["platform"] == "mastodon"
    assert "Following each other for 100 days, never met" in meet["why"]
    assert plan["engage"][0]["why"] == (f"Follows you back since {ago(5)}: thank them and "
                                        "share their posts.")
    for group in GROUPS:
        for item in plan[group]:
            assert {"id", "name", "status", "account", "why"} <= set(item)
    assert ok_json(invoke("next", "--json")) == plan  # deterministic


def test_next_follows_recommendations_with_a_profile_and_never_yourself(story, invoke) -> None:
    ok_json(invoke("profile", "set", "--topic", "inondations", "--json"))
    plan = ok_json(invoke("next", "--json"))
    follow = names(plan["follow"])
    assert follow[:2] == ["Zeta à suivre", "Alpha à suivre"]
    assert "Centre de prévision des crues" in follow  # a recommendation to follow
    assert "Portail des inondations" not in follow  # a website is nothing to follow
    assert "Ville d'Exemple" not in [n for g in GROUPS for n in names(plan[g])]
    reco = next(i for i in plan["follow"] if i["name"] == "Centre de prévision des crues")
    assert reco["why"].startswith("Recommended for you (rank ")
    assert reco["account"]["platform"] == "bluesky"  # where the organisation is


def test_next_limit_applies_per_group(story, invoke) -> None:
    plan = ok_json(invoke("next", "--limit", "1", "--json"))
    assert [len(plan[g]) for g in GROUPS] == [1, 1, 1, 1, 1]
    assert names(plan["engage"]) == ["Mutuel nouveau"]
    for bad in ("0", "-3", "1001", "beaucoup"):
        assert invoke("next", "--limit", bad).exit_code == 2


def test_engage_counts_follow_backs_since_the_previous_sync(story, invoke, db_path) -> None:
    """Engage lists the follow-backs recorded since the sync before the latest one that saw
    a change; a sync that sees nothing new does not make the last news old."""
    import sqlite3

    def synced(changes: int) -> None:  # as `sync` records a run, after its steps
        conn = sqlite3.connect(db_path)
        with conn:
            conn.execute("INSERT INTO syncs (synced_at, accounts, changes, last_step) VALUES "
                         "('2026-01-01T00:00:00+00:00', '[]', ?, "
                         "(SELECT max(id) FROM relations))", [changes])
        conn.close()

    synced(4)
    synced(0)
    assert len(ok_json(invoke("next", "--json"))["engage"]) == 3  # one sync with news: all
    invoke("follow", str(story["suivi_recent"]), "--status", "follows-back")
    synced(1)
    assert names(ok_json(invoke("next", "--json"))["engage"]) == ["Suivi récemment"]
    synced(0)
    assert names(ok_json(invoke("next", "--json"))["engage"]) == ["Suivi récemment"]
    invoke("follow", str(story["suivi_vieux"]), "--status", "follows-back")
    assert names(ok_json(invoke("next", "--json"))["engage"]) == [
        "Suivi depuis longtemps", "Suivi récemment"]  # recorded by a person since: new too


def test_next_human_output_in_either_language(story, invoke, monkeypatch) -> None:
    from msgu_cli import i18n

    human = invoke("next")
    assert human.exit_code == 0
    text = " ".join(human.stdout.split())
    for words in ("Follow (2)", "Engage: they follow you back (3)", "Nudge: no follow-back yet",
                  "Meet (1)", "Review the candidates (2)", "#2 Zeta à suivre bluesky:@zeta.bsky",
                  f"On your to-follow list since {ago(30)}."):
        assert words in text
    monkeypatch.setenv("MSGU_LANG", "fr")
    i18n.reset()
    try:
        french = invoke("next")
    finally:
        monkeypatch.delenv("MSGU_LANG")
        i18n.reset()
    assert french.exit_code == 0 and "Zeta à suivre" in french.stdout


def test_next_without_anything_to_do(empty_db, invoke) -> None:
    assert ok_json(invoke("next", "--json")) == {group: [] for group in GROUPS}
    assert "Nothing to do now" in invoke("next").stdout


# --- the funnel -----------------------------------------------------------------------------


def test_stats_and_network_draw_the_funnel(story, invoke) -> None:
    stats = ok_json(invoke("stats", "--json"))
    assert stats["funnel"] == [
        {"stage": "following", "reached": 6, "went_on": 4, "share": 4 / 6},
        {"stage": "follows-back", "reached": 4, "went_on": 2, "share": 0.5},
        {"stage": "met", "reached": 2, "went_on": 0, "share": 0.0},
        {"stage": "collaborating", "reached": 0, "went_on": None, "share": None},
    ]
    assert "by kind" in " ".join(invoke("stats").stdout.split())
    for command in ("stats", "network"):
        text = " ".join(invoke(command).stdout.split())
        assert "relationship funnel" in text
        assert "following 6" in text and "67% went on to follows-back" in text
        assert "follows-back 4" in text and "50% went on to met" in text
    network = ok_json(invoke("network", "--json"))
    assert isinstance(network, list) and {item["status"] for item in network} >= {"met"}


def test_an_unfollowed_contact_still_counts_where_it_went(empty_db, add, step, invoke) -> None:
    gone = add("Parti", "--bluesky", "parti.bsky.social")
    step(gone, "following", 30)
    step(gone, "follows-back", 20)
    step(gone, "unfollowed", 2)
    funnel = ok_json(invoke("stats", "--json"))["funnel"]
    assert [(s["stage"], s["reached"]) for s in funnel] == [
        ("following", 1), ("follows-back", 1), ("met", 0), ("collaborating", 0)]
