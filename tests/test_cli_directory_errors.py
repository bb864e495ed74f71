"""Every bad input to the directory commands: one `Error:` line on stderr, exit 1, and the
database exactly as it was (compared as a full SQL dump before and after)."""

from __future__ import annotations

import pytest
from cli_results import refused


@pytest.fixture
def directory(invoke, empty_db):
    """Two contacts to collide with: one with accounts on three platforms, and a namesake pair."""
    for args in (
        ("Sûreté du Québec", "--kind", "police", "--x", "@sureteqc",
         "--bluesky", "sq.bsky.social", "--mastodon", "@sq@mastodon.social"),
        ("Ville de Trois-Rivières", "--kind", "municipalité", "--region", "04"),
        ("Ville de Trois-Rivières", "--kind", "municipalité", "--region", "04",
         "--x", "@troisrivieres"),
    ):
        result = invoke("add", *args)
        assert result.exit_code == 0, result.output
    return empty_db


def assert_refused(invoke, dump, db_path, args, *expected):
    before = dump(db_path)
    refused(invoke(*args), *expected)
    assert dump(db_path) == before


BAD_ADD = [
    # duplicate handles, in any spelling of the same account
    (["--x", "@SureteQC"], "already belongs to #1 Sûreté du Québec"),
    (["--x", "https://twitter.com/sureteqc"], "already belongs to #1"),
    (["--bluesky", "SQ.bsky.social"], "already belongs to #1"),
    (["--mastodon", "https://mastodon.social/@sq"], "already belongs to #1"),
    (["--account", "x:sureteqc"], "already belongs to #1"),
    # malformed handles, per platform
    (["--x", "bad!handle"], "Invalid X handle 'bad!handle'"),
    (["--x", "@waytoolonghandle_forx"], "Invalid X handle"),
    (["--bluesky", "notadomain"], "Invalid Bluesky handle 'notadomain'"),
    (["--mastodon", "user"], "Invalid Mastodon address 'user'"),
    (["--mastodon", "@user@threads.net"], "not Mastodon"),
    (["--facebook", "https://facebook.com/groups/1"], "facebook.com/groups is not an account"),
    (["--website", "not a url"], "website"),
    (["--account", "myspace:someone"], "Unknown platform 'myspace'"),
    (["--account", "nocolon"], "--account"),
    # unknown vocabulary
    (["--region", "99"], "Unknown region '99'"),
    (["--region", "Atlantide"], "Unknown region 'Atlantide'"),
    (["--mrc", "Nulle-Part"], "MRC"),
    (["--mrc", "Nicolet-Yamaska", "--region", "04"], "not 04 Mauricie"),
    (["--kind", "alien"], "Unknown kind 'alien'"),
    (["--topic", "zzzz"], "Unknown topic 'zzzz'"),
    (["--topic", "geolocalisaton"], "Did you mean geolocalisation?"),
    (["--scope", "galaxy"], "Unknown scope 'galaxy'"),
    (["--lang", "klingon"], "Unknown language 'klingon'"),
    (["--status", "friend"], "Unknown status 'friend'"),
]


@pytest.mark.parametrize(("options", "message"), BAD_ADD)
def test_add_refuses_bad_input(invoke, dump, db_path, directory, options, message):
    assert_refused(invoke, dump, db_path, ["add", "Nouveau", *options], message)


@pytest.mark.parametrize("name", ["", "   "])
def test_add_refuses_an_empty_name(invoke, dump, db_path, directory, name):
    assert_refused(invoke, dump, db_path, ["add", name, "--x", "@nouveau"], "name is empty")


@pytest.mark.parametrize("command", [["show"], ["edit", "--kind", "police"], ["remove", "--yes"],
                                     ["follow"]])
@pytest.mark.parametrize("ref", ["999", "@nobody", "Personne", "https://x.com/nobody"])
def test_unknown_ref(invoke, dump, db_path, directory, command, ref):
    args = [command[0], ref, *command[1:]]
    assert_refused(invoke, dump, db_path, args, f"No contact matches '{ref}'")


@pytest.mark.parametrize("command", [["show"], ["edit", "--kind", "police"], ["remove", "--yes"]])
def test_ambiguous_name_lists_the_candidates(invoke, dump, db_path, directory, command):
    args = [command[0], "ville de trois-rivieres", *command[1:]]
    assert_refused(invoke, dump, db_path, args, "matches several contacts", "#2", "#3")


@pytest.mark.parametrize(("options", "message"), [
    (["--add-account", "x:@troisrivieres"], "already belongs to #3"),
    (["--add-account", "bluesky:nope"], "Invalid Bluesky handle"),
    (["--remove-account", "x:@jamais"], "jamais"),
    (["--add-topic", "zzzz"], "Unknown topic 'zzzz'"),
    (["--region", "18"], "Unknown region '18'"),
    (["--kind", "alien"], "Unknown kind"),
    (["--name", " "], "name is empty"),
])
def test_edit_refuses_bad_input(invoke, dump, db_path, directory, options, message):
    assert_refused(invoke, dump, db_path, ["edit", "1", *options], message)


@pytest.mark.parametrize(("args", "message"), [
    (["list", "--kind", "alien"], "Unknown kind 'alien'"),
    (["list", "--region", "99"], "Unknown region '99'"),
    (["list", "--topic", "zzzz"], "Unknown topic 'zzzz'"),
    (["list", "--status", "friend"], "Unknown status 'friend'"),
    (["list", "--platform", "myspace"], "Unknown platform"),
    (["search", ""], "Empty search"),
    (["search", "   "], "Empty search"),
])
def test_listing_refuses_bad_filters(invoke, dump, db_path, directory, args, message):
    assert_refused(invoke, dump, db_path, args, message)


def test_usage_errors_are_clicks_with_status_2(invoke, directory):
    for args in (["list", "--limit", "0"], ["show"], ["add"], ["list", "--nope"]):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "offers_creation"), [
    (["add", "Nouveau", "--topic", "zzzz"], True),
    (["edit", "1", "--add-topic", "zzzz"], True),
    (["list", "--topic", "zzzz"], False),
    (["recommend", "--topic", "zzzz"], False),
    (["export", "--format", "csv", "--topic", "zzzz"], False),
])
def test_new_topic_is_offered_only_where_the_command_has_it(invoke, dump, db_path, directory,
                                                            args, offers_creation):
    assert_refused(invoke, dump, db_path, args, "Unknown topic 'zzzz'")
    assert ("--new-topic" in invoke(*args).stderr) is offers_creation
