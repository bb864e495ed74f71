"""What hostile servers send (issue 9): control characters, BiDi overrides and markup in display
names and descriptions are stripped before they are stored (markup stays: it is text), and a
count no database can hold is "not said"; every command still prints it all literally. Only
HTTP is faked (tests/fakenet.py), with answers shaped like the real APIs'."""

from __future__ import annotations

import json

import pytest
from fakenet import accounts, add, bsky_view, install, load, ok
from test_cli_discover import SECU_BSKY, TRUSTED, serve_follows

from msgu_cli.domain.text import UNSAFE_CHARACTERS

HOSTILE_NAME = "Ville\x1b[31m [/b] \u202eetirW\x00\x9b2J\nsuite"
HOSTILE_TEXT = "ligne 1\r\nligne\t2\x1b]0;PWNED\x07 [bold]gras[/]\u2066"


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "400")


def test_refresh_stores_what_a_server_says_without_control_characters(
        monkeypatch, invoke, empty_db, db_path) -> None:
    fake = install(monkeypatch)
    fake.add_bsky(bsky_view("ville.bsky.social", "did:plc:villehostile", displayName=HOSTILE_NAME,
                            description=HOSTILE_TEXT, followersCount=10**30,
                            followsCount=-5, postsCount=12))
    add(invoke, "Ville", "--bluesky", "ville.bsky.social")
    summary = ok(invoke("refresh", "--json"))
    assert summary["checked"] == 1 and summary["errors"] == []
    stored = accounts(db_path)[("bluesky", "ville.bsky.social")]
    assert stored["display_name"] == "Ville[31m [/b] etirW2J suite"
    assert stored["description"] == "ligne 1\nligne\t2]0;PWNED [bold]gras[/]"
    assert (stored["followers_count"], stored["following_count"], stored["posts_count"]) == (
        None, None, 12)
    shown = invoke("show", "ville.bsky.social")
    assert shown.exit_code == 0 and not set(shown.stdout) & (UNSAFE_CHARACTERS - {"\n"})
    assert fake.unexpected == []


def test_discover_names_candidates_with_cleaned_text_and_prints_them_literally(
        monkeypatch, invoke, empty_db, db_path) -> None:
    fake = install(monkeypatch)
    serve_follows(fake)
    page = load("bluesky_getFollows_page1")
    page["follows"][0]["displayName"] = HOSTILE_NAME
    page["follows"][0]["description"] = HOSTILE_TEXT
    fake.bsky_follows[SECU_BSKY] = {None: {**page, "cursor": None}}
    add(invoke, TRUSTED, "--bluesky", SECU_BSKY, "--status", "following")
    result = invoke("discover", TRUSTED, "--platform", "bluesky")
    assert result.exit_code == 0, result.output
    listed = ok(invoke("list", "--status", "candidate", "--json"))
    names = [c["name"] for c in listed]
    assert "Ville[31m [/b] etirW2J suite" in names
    described = next(c for c in listed if c["name"].startswith("Ville[31m"))
    assert described["description"] == "ligne 1\nligne\t2]0;PWNED [bold]gras[/]"
    for args in (("list",), ("show", described["name"]), ("search", "ville")):
        printed = invoke(*args)
        assert printed.exit_code == 0, printed.output
        assert "Ville[31m [/b] etirW2J suite" in " ".join(printed.stdout.split())
        assert not set(printed.stdout) & (UNSAFE_CHARACTERS - {"\n"})
    assert json.loads(invoke("show", described["name"], "--json").stdout)["id"]
    assert fake.unexpected == []
