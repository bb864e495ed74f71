"""Followable or reference, and the account to follow first: pure functions on literal data."""

from __future__ import annotations

from msgu_cli.domain.followability import FOLLOW_ORDER, follow_account, followable_platforms
from msgu_cli.domain.models import PLATFORMS, Account


def acc(platform: str, handle: str, **fields: object) -> Account:
    return Account(platform, handle, f"https://example.org/{handle}", **fields)  # type: ignore


def test_a_website_is_never_followable():
    assert followable_platforms(["website"]) == frozenset()
    assert followable_platforms(["website", "x"]) == {"x"}
    assert followable_platforms(["x", "mastodon"], ["mastodon"]) == {"mastodon"}
    assert followable_platforms(["x"], ["mastodon"]) == frozenset()
    assert followable_platforms(["website"], ["website"]) == frozenset()


def test_the_follow_order_covers_every_platform_but_websites():
    assert set(FOLLOW_ORDER) == set(PLATFORMS) - {"website"}
    assert FOLLOW_ORDER[:4] == ("bluesky", "mastodon", "x", "facebook")


def test_follow_bluesky_first_then_x_then_facebook():
    accounts = [acc("facebook", "hotosm"), acc("x", "hotosm"), acc("website", "hotosm.org"),
                acc("bluesky", "hotosm.org")]
    assert follow_account(accounts).platform == "bluesky"
    assert follow_account(accounts[:3]).platform == "x"
    assert follow_account([acc("website", "a.org")]) is None


def test_the_asked_platforms_decide():
    accounts = [acc("x", "urgencequebec"), acc("facebook", "urgencequebec")]
    assert follow_account(accounts, ["facebook"]).platform == "facebook"
    assert follow_account(accounts, ["mastodon"]) is None


def test_a_live_account_before_a_dead_one_then_the_most_followed():
    dead = acc("bluesky", "old.bsky.social", state="not-found")
    live = acc("x", "neuf")
    assert follow_account([dead, live]) == live
    small, big = acc("x", "a", followers_count=10), acc("x", "b", followers_count=900)
    assert follow_account([small, big]) == big


def test_the_main_account_before_a_service_line():
    accounts = [acc("x", "client_hydro"), acc("x", "hydroquebec")]
    assert follow_account(accounts, name="Hydro-Québec").handle == "hydroquebec"
    lines = [acc("x", "get_prepared"), acc("x", "preparez_vous")]
    assert follow_account(lines, name="Préparez-vous").handle == "preparez_vous"
