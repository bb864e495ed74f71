"""Handle parsing: every accepted spelling, its one stored form and URL, and every refusal."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from msgu_cli.domain.handles import (
    account_url,
    candidate_accounts,
    detect_account,
    parse_account,
    parse_account_spec,
)
from msgu_cli.domain.models import PLATFORMS, Account
from msgu_cli.errors import InvalidInput

CHANNEL_ID = "UCabcDEF0123456789_-ghij"  # 24 characters, mixed case: IDs keep their case
PLC = "did:plc:ewvi7nxzyoun6zhxrhs64oiz"

# (platform, what the user typed, normalised handle, canonical URL)
ACCEPTED: list[tuple[str, str, str, str]] = [
    # x
    ("x", "@SPVM", "spvm", "https://x.com/spvm"),
    ("x", "SPVM", "spvm", "https://x.com/spvm"),
    ("x", "  @SPVM\n", "spvm", "https://x.com/spvm"),
    ("x", "https://x.com/SPVM", "spvm", "https://x.com/spvm"),
    ("x", "twitter.com/SPVM", "spvm", "https://x.com/spvm"),
    ("x", "https://twitter.com/SPVM/status/123", "spvm", "https://x.com/spvm"),
    ("x", "https://mobile.twitter.com/SPVM", "spvm", "https://x.com/spvm"),
    ("x", "x.com/SPVM?lang=fr", "spvm", "https://x.com/spvm"),
    ("x", "https://www.x.com/@Quebec_511/", "quebec_511", "https://x.com/quebec_511"),
    ("x", "http://X.COM/SPVM", "spvm", "https://x.com/spvm"),
    ("x", "https://twitter.com/intent/follow?screen_name=SPVM", "spvm", "https://x.com/spvm"),
    ("x", "a", "a", "https://x.com/a"),
    ("x", "Abcdefghij12345", "abcdefghij12345", "https://x.com/abcdefghij12345"),
    # bluesky
    ("bluesky", "@spvm.bsky.social", "spvm.bsky.social", "https://bsky.app/profile/spvm.bsky.social"),
    ("bluesky", "SPVM.bsky.social", "spvm.bsky.social", "https://bsky.app/profile/spvm.bsky.social"),
    (
        "bluesky",
        "https://bsky.app/profile/spvm.bsky.social",
        "spvm.bsky.social",
        "https://bsky.app/profile/spvm.bsky.social",
    ),
    (
        "bluesky",
        "bsky.app/profile/Montreal.ca/post/3kabc",
        "montreal.ca",
        "https://bsky.app/profile/montreal.ca",
    ),
    ("bluesky", "montreal.ca", "montreal.ca", "https://bsky.app/profile/montreal.ca"),
    ("bluesky", "bsky.app", "bsky.app", "https://bsky.app/profile/bsky.app"),
    ("bluesky", "x.com", "x.com", "https://bsky.app/profile/x.com"),
    ("bluesky", "a-b.c-d.ca", "a-b.c-d.ca", "https://bsky.app/profile/a-b.c-d.ca"),
    ("bluesky", PLC, PLC, f"https://bsky.app/profile/{PLC}"),
    ("bluesky", "DID:PLC:ewvi7nxzyoun6zhxrhs64oiz", PLC, f"https://bsky.app/profile/{PLC}"),
    ("bluesky", f"https://bsky.app/profile/{PLC}", PLC, f"https://bsky.app/profile/{PLC}"),
    (
        "bluesky",
        "did:web:Example.COM",
        "did:web:example.com",
        "https://bsky.app/profile/did:web:example.com",
    ),
    # mastodon
    ("mastodon", "@user@mastodon.social", "user@mastodon.social", "https://mastodon.social/@user"),
    ("mastodon", "User@Mastodon.Social", "user@mastodon.social", "https://mastodon.social/@user"),
    (
        "mastodon",
        "https://mastodon.social/@user",
        "user@mastodon.social",
        "https://mastodon.social/@user",
    ),
    (
        "mastodon",
        "https://mastodon.social/users/user",
        "user@mastodon.social",
        "https://mastodon.social/@user",
    ),
    (
        "mastodon",
        "https://mastodon.social/@user/111222333",
        "user@mastodon.social",
        "https://mastodon.social/@user",
    ),
    ("mastodon", "mastodon.social/@user", "user@mastodon.social", "https://mastodon.social/@user"),
    ("mastodon", "acct:user@domain.org", "user@domain.org", "https://domain.org/@user"),
    ("mastodon", "ACCT:@User@Domain.org", "user@domain.org", "https://domain.org/@user"),
    # A server showing someone from elsewhere: the account lives on its home instance.
    (
        "mastodon",
        "https://mastodon.social/@alerte@mstdn.ca",
        "alerte@mstdn.ca",
        "https://mstdn.ca/@alerte",
    ),
    (
        "mastodon",
        "https://piaille.fr/web/@first.last",
        "first.last@piaille.fr",
        "https://piaille.fr/@first.last",
    ),
    ("mastodon", "@a-b_c@x.y.org", "a-b_c@x.y.org", "https://x.y.org/@a-b_c"),
    # facebook
    (
        "facebook",
        "https://www.facebook.com/securitepublique/",
        "securitepublique",
        "https://www.facebook.com/securitepublique",
    ),
    (
        "facebook",
        "facebook.com/EnvironnementCanadaMeteo",
        "environnementcanadameteo",
        "https://www.facebook.com/environnementcanadameteo",
    ),
    ("facebook", "fb.com/spvm.qc", "spvm.qc", "https://www.facebook.com/spvm.qc"),
    ("facebook", "https://m.facebook.com/SPVM?ref=bookmarks", "spvm", "https://www.facebook.com/spvm"),
    ("facebook", "https://web.facebook.com/SPVM/posts/12345", "spvm", "https://www.facebook.com/spvm"),
    ("facebook", "https://www.facebook.com/profile.php?id=123", "123", "https://www.facebook.com/123"),
    (
        "facebook",
        "https://www.facebook.com/350694815671697",
        "350694815671697",
        "https://www.facebook.com/350694815671697",
    ),
    (
        "facebook",
        "https://www.facebook.com/pages/Some-Name/123456",
        "123456",
        "https://www.facebook.com/123456",
    ),
    (
        "facebook",
        "https://www.facebook.com/p/Some-Name-100064123456789/",
        "100064123456789",
        "https://www.facebook.com/100064123456789",
    ),
    (
        "facebook",
        "https://www.facebook.com/Ville-de-Levis-118000421567/",
        "118000421567",
        "https://www.facebook.com/118000421567",
    ),
    ("facebook", "@securitepublique", "securitepublique", "https://www.facebook.com/securitepublique"),
    ("facebook", "SecuritePublique", "securitepublique", "https://www.facebook.com/securitepublique"),
    ("facebook", "qc", "qc", "https://www.facebook.com/qc"),
    # instagram
    ("instagram", "@SPVM_police", "spvm_police", "https://www.instagram.com/spvm_police"),
    ("instagram", "instagram.com/user/", "user", "https://www.instagram.com/user"),
    ("instagram", "https://www.instagram.com/ville.quebec/?hl=fr", "ville.quebec",
     "https://www.instagram.com/ville.quebec"),
    ("instagram", "https://instagram.com/stories/ville.quebec/123", "ville.quebec",
     "https://www.instagram.com/ville.quebec"),
    ("instagram", "a" * 30, "a" * 30, "https://www.instagram.com/" + "a" * 30),
    # threads
    ("threads", "@User", "user", "https://www.threads.com/@user"),
    ("threads", "threads.net/@user", "user", "https://www.threads.com/@user"),
    ("threads", "https://www.threads.com/@ville.quebec/post/C1x", "ville.quebec",
     "https://www.threads.com/@ville.quebec"),
    # youtube
    ("youtube", "@MTLVille", "@mtlville", "https://www.youtube.com/@mtlville"),
    ("youtube", "youtube.com/@MTLVille", "@mtlville", "https://www.youtube.com/@mtlville"),
    ("youtube", "https://www.youtube.com/@MTLVille/videos", "@mtlville",
     "https://www.youtube.com/@mtlville"),
    ("youtube", "MTLVille", "@mtlville", "https://www.youtube.com/@mtlville"),
    ("youtube", "youtube.com/user/MTLVille", "user/mtlville", "https://www.youtube.com/user/mtlville"),
    ("youtube", "https://m.youtube.com/c/Name", "c/name", "https://www.youtube.com/c/name"),
    ("youtube", "https://www.youtube.com/MTLVille", "c/mtlville", "https://www.youtube.com/c/mtlville"),
    ("youtube", f"youtube.com/channel/{CHANNEL_ID}", f"channel/{CHANNEL_ID}",
     f"https://www.youtube.com/channel/{CHANNEL_ID}"),
    ("youtube", f"Channel/{CHANNEL_ID}", f"channel/{CHANNEL_ID}",
     f"https://www.youtube.com/channel/{CHANNEL_ID}"),
    ("youtube", CHANNEL_ID, f"channel/{CHANNEL_ID}", f"https://www.youtube.com/channel/{CHANNEL_ID}"),
    ("youtube", "user/MTLVille", "user/mtlville", "https://www.youtube.com/user/mtlville"),
    # linkedin
    ("linkedin", "linkedin.com/company/ville-de-montr-al", "company/ville-de-montr-al",
     "https://www.linkedin.com/company/ville-de-montr-al"),
    ("linkedin", "https://ca.linkedin.com/company/Ville-de-Montr-al/about/",
     "company/ville-de-montr-al", "https://www.linkedin.com/company/ville-de-montr-al"),
    ("linkedin", "https://www.linkedin.com/company/ville-de-montr%C3%A9al/",
     "company/ville-de-montréal", "https://www.linkedin.com/company/ville-de-montréal"),
    ("linkedin", "linkedin.com/in/Jane-Doe-123", "in/jane-doe-123",
     "https://www.linkedin.com/in/jane-doe-123"),
    ("linkedin", "https://www.linkedin.com/school/universite-laval/", "school/universite-laval",
     "https://www.linkedin.com/school/universite-laval"),
    ("linkedin", "linkedin.com/showcase/quebec511", "showcase/quebec511",
     "https://www.linkedin.com/showcase/quebec511"),
    ("linkedin", "SPVM", "company/spvm", "https://www.linkedin.com/company/spvm"),
    ("linkedin", "in/jane", "in/jane", "https://www.linkedin.com/in/jane"),
    # tiktok
    ("tiktok", "@User.Name", "user.name", "https://www.tiktok.com/@user.name"),
    ("tiktok", "tiktok.com/@user", "user", "https://www.tiktok.com/@user"),
    ("tiktok", "https://www.tiktok.com/@spvm_/video/7234", "spvm_", "https://www.tiktok.com/@spvm_"),
    ("tiktok", "b" * 24, "b" * 24, "https://www.tiktok.com/@" + "b" * 24),
    # website
    ("website", "www.quebec511.info", "www.quebec511.info", "https://www.quebec511.info"),
    ("website", "https://sim.montreal.ca/", "sim.montreal.ca", "https://sim.montreal.ca"),
    ("website", "HTTPS://Sim.Montreal.CA/Alertes/", "sim.montreal.ca/Alertes",
     "https://sim.montreal.ca/Alertes"),
    ("website", "http://example.org", "example.org", "http://example.org"),
    ("website", "https://example.org/a/b?x=1#top", "example.org/a/b?x=1",
     "https://example.org/a/b?x=1"),
    ("website", "example.org/?x=1", "example.org?x=1", "https://example.org?x=1"),
    ("website", "https://example.org:8443/", "example.org:8443", "https://example.org:8443"),
    ("website", "https://www.québec.ca/securite", "www.québec.ca/securite",
     "https://www.québec.ca/securite"),
    ("website", "https://x.com/SPVM", "x.com/SPVM", "https://x.com/SPVM"),
    # the plain shape read by one match gives what the general path gives
    ("website", "http://Ville.Example.QC.ca/Mesures-urgence/",
     "ville.example.qc.ca/Mesures-urgence",
     "http://ville.example.qc.ca/Mesures-urgence"),
    ("website", "ville-2.example.org/a.b/~c_d//", "ville-2.example.org/a.b/~c_d",
     "https://ville-2.example.org/a.b/~c_d"),
]

# (platform, what the user typed, a part of the error message)
REJECTED: list[tuple[str, str, str]] = [
    ("x", "spvm!", "Invalid X handle 'spvm!': use 1 to 15 letters, digits or _ (e.g. @SPVM)."),
    ("x", "abcdefghij123456", "use 1 to 15 letters"),
    ("x", "@", "use 1 to 15 letters"),
    ("x", "@@spvm", "use 1 to 15 letters"),
    ("x", "spvm.qc", "use 1 to 15 letters"),
    ("x", "SP VM", "use 1 to 15 letters"),
    ("x", "#SPVM", "Invalid X handle '#SPVM': hashtags are not accounts"),
    ("x", "x.com/home", "Invalid X handle 'x.com/home': x.com/home is not an account."),
    ("x", "https://x.com/i/lists/123", "x.com/i is not an account"),
    ("x", "https://twitter.com/search?q=inondation", "x.com/search is not an account"),
    ("x", "https://x.com/hashtag/inondation", "x.com/hashtag is not an account"),
    ("x", "home", "x.com/home is not an account"),
    ("x", "https://x.com/", "the address names no account"),
    ("x", "https://example.org/spvm", "example.org is not x.com"),
    ("x", "https://instagram.com/spvm", "that address is on Instagram, not X."),
    ("x", "user@mastodon.social", "use 1 to 15 letters"),
    ("bluesky", "spvm", "Invalid Bluesky handle 'spvm': a handle is a domain name such as "
     "spvm.bsky.social, or a DID."),
    ("bluesky", "@spvm", "a handle is a domain name"),
    ("bluesky", "spvm_.bsky.social", "a handle is a domain name"),
    ("bluesky", "-spvm.bsky.social", "a handle is a domain name"),
    ("bluesky", "spvm-.bsky.social", "a handle is a domain name"),
    ("bluesky", "spvm..social", "a handle is a domain name"),
    ("bluesky", "spvm.123", "a handle is a domain name"),
    ("bluesky", "1.2.3.4", "a handle is a domain name"),
    ("bluesky", "a" * 64 + ".com", "a handle is a domain name"),
    ("bluesky", ("a" * 63 + ".") * 4 + "com", "a handle is a domain name"),  # 259 > 253
    ("bluesky", "montréal.ca", "a handle is a domain name"),
    ("bluesky", "did:plc:abc", "a did:plc is did:plc: and 24 characters a-z or 2-7"),
    ("bluesky", "did:plc:EWVI7NXZYOUN6ZHXRHS64OIZ", "a did:plc is"),
    ("bluesky", "did:plc:ewvi7nxzyoun6zhxrhs64oi1", "a did:plc is"),  # 1 is not base32
    ("bluesky", "did:web:localhost", "a did:web is did:web: and a domain name"),
    ("bluesky", "did:key:z6Mk", "only did:plc and did:web"),
    ("bluesky", "https://bsky.app/search?q=x", "give https://bsky.app/profile/HANDLE"),
    ("bluesky", "https://bsky.app/profile", "give https://bsky.app/profile/HANDLE"),
    ("bluesky", "https://x.com/spvm", "that address is on X, not Bluesky"),
    ("mastodon", "@user", "Invalid Mastodon address '@user': give user@instance, e.g. "
     "@user@mastodon.social."),
    ("mastodon", "user", "give user@instance"),
    ("mastodon", "@user@", "give user@instance"),
    ("mastodon", "@user@localhost", "give user@instance"),
    ("mastodon", "@us er@mastodon.social", "give user@instance"),
    ("mastodon", "@.user@mastodon.social", "give user@instance"),
    ("mastodon", "@a@b@mastodon.social", "give user@instance"),
    ("mastodon", "https://mastodon.social/about", "give a profile address such as "
     "https://mastodon.social/@user"),
    ("mastodon", "https://mastodon.social/", "give a profile address"),
    ("mastodon", "https://x.com/@spvm", "that address is on X, not Mastodon"),
    ("mastodon", "https://www.threads.net/@user", "that address is on Threads, not Mastodon"),
    ("mastodon", "@user@threads.net", "that address is on Threads, not Mastodon"),
    ("mastodon", "https://x.com/about", "that address is on X, not Mastodon"),
    ("facebook", "https://www.facebook.com/groups/123456", "facebook.com/groups is not an account"),
    ("facebook", "https://www.facebook.com/events/123", "facebook.com/events is not an account"),
    ("facebook", "https://www.facebook.com/watch/?v=1", "facebook.com/watch is not an account"),
    ("facebook", "https://www.facebook.com/profile.php", "Invalid Facebook page"),
    ("facebook", "https://www.facebook.com/pages/Some-Name", "give the page name or number"),
    ("facebook", "https://www.facebook.com/", "the address names no account"),
    ("facebook", "s", "give the page name or number"),
    ("facebook", "sécurité", "give the page name or number"),
    ("facebook", "securite_publique", "give the page name or number"),
    ("facebook", "...", "give the page name or number"),
    ("facebook", "a" * 51, "give the page name or number"),
    ("facebook", "https://instagram.com/spvm", "that address is on Instagram, not Facebook"),
    ("instagram", "@spvm!", "use up to 30 letters, digits, _ or . not at either end"),
    ("instagram", "a" * 31, "Invalid Instagram username"),
    ("instagram", ".spvm", "not at either end"),
    ("instagram", "spvm.", "not at either end"),
    ("instagram", "sp..vm", "not at either end"),
    ("instagram", "https://www.instagram.com/p/Cx123/", "instagram.com/p is not an account"),
    ("instagram", "https://www.instagram.com/explore/tags/meteo/", "instagram.com/explore is not"),
    ("instagram", "explore", "instagram.com/explore is not an account"),
    ("instagram", "https://www.instagram.com/", "the address names no account"),
    ("threads", "https://www.threads.net/search", "give a profile address such as "
     "https://www.threads.com/@user"),
    ("threads", "a" * 31, "Invalid Threads username"),
    ("threads", "https://x.com/@spvm", "that address is on X, not Threads"),
    ("youtube", "https://www.youtube.com/watch?v=abc", "youtube.com/watch is not an account"),
    ("youtube", "https://youtu.be/abc", "youtu.be addresses are videos, not channels"),
    ("youtube", "https://www.youtube.com/shorts/abc", "youtube.com/shorts is not an account"),
    ("youtube", "youtube.com/channel/ucabcdef0123456789_-ghij", "Invalid YouTube channel"),
    ("youtube", "youtube.com/channel/UCshort", "give @handle, user/NAME, c/NAME or channel/UC"),
    ("youtube", "youtube.com/channel", "give @handle"),
    ("youtube", "@ab", "give @handle"),
    ("youtube", "@" + "a" * 31, "give @handle"),
    ("youtube", "@MTL Ville", "give @handle"),
    ("youtube", "playlist/abc", "give @handle"),
    ("youtube", "https://www.youtube.com/", "the address names no account"),
    ("linkedin", "https://www.linkedin.com/feed/", "Invalid LinkedIn page"),
    ("linkedin", "https://www.linkedin.com/posts/abc", "give company/, in/, school/ or showcase/"),
    ("linkedin", "https://www.linkedin.com/company/", "give company/"),
    ("linkedin", "group/123", "give company/"),
    ("linkedin", "@spvm", "give company/"),
    ("linkedin", "https://x.com/spvm", "that address is on X, not LinkedIn"),
    ("tiktok", "spvm.", "use up to 24 letters, digits, _ or . not at the end"),
    ("tiktok", "c" * 25, "Invalid TikTok username"),
    ("tiktok", "@sp-vm", "Invalid TikTok username"),
    ("tiktok", "https://www.tiktok.com/discover/meteo", "give a profile address such as "
     "https://www.tiktok.com/@user"),
    ("tiktok", "https://vm.tiktok.com/ZM123/", "give a profile address"),
    ("website", "foo", "Invalid website address 'foo': give a URL such as https://example.org."),
    ("website", "exa mple.org", "give a URL such as"),
    ("website", "https://exa mple.org", "give a URL such as"),
    ("website", "ftp://example.org", "give a URL such as"),
    ("website", "mailto:info@example.org", "give a URL such as"),
    ("website", "https://", "give a URL such as"),
    ("website", "https://localhost/", "give a URL such as"),
    ("website", "https://192.168.0.1/", "give a URL such as"),
    ("website", "https://-ville.example.org/", "give a URL such as"),
    ("website", "https://ville-.example.org", "give a URL such as"),
    ("website", "spvm_police.qc", "give a URL such as"),
    ("website", "https://example.org:port/", "give a URL such as"),
    ("website", "#meteo", "hashtags are not accounts"),
]


@pytest.mark.parametrize(("platform", "text", "handle", "url"), ACCEPTED)
def test_accepted_spellings_give_one_handle_and_url(
    platform: str, text: str, handle: str, url: str
) -> None:
    assert parse_account(platform, text) == Account(platform, handle, url)


@pytest.mark.parametrize(("platform", "text", "message"), REJECTED)
def test_malformed_input_is_refused_with_a_precise_message(
    platform: str, text: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_account(platform, text)
    assert message in str(raised.value)


@pytest.mark.parametrize(("platform", "text", "handle", "url"), ACCEPTED)
def test_handles_and_their_urls_parse_back_to_themselves(
    platform: str, text: str, handle: str, url: str
) -> None:
    assert parse_account(platform, handle).handle == handle
    assert parse_account(platform, url).handle == handle
    assert parse_account(platform, account_url(platform, handle)).handle == handle


def test_every_platform_is_covered_by_the_examples() -> None:
    assert {case[0] for case in ACCEPTED} == set(PLATFORMS)
    assert {case[0] for case in REJECTED} == set(PLATFORMS)


@pytest.mark.parametrize(
    ("platform", "noun"),
    [
        ("x", "X handle"),
        ("bluesky", "Bluesky handle"),
        ("mastodon", "Mastodon address"),
        ("facebook", "Facebook page"),
        ("instagram", "Instagram username"),
        ("threads", "Threads username"),
        ("youtube", "YouTube channel"),
        ("linkedin", "LinkedIn page"),
        ("tiktok", "TikTok username"),
        ("website", "website address"),
    ],
)
@pytest.mark.parametrize("blank", ["", "   ", "\t\n"])
def test_empty_input_names_the_platform(platform: str, noun: str, blank: str) -> None:
    with pytest.raises(InvalidInput, match=f"^Empty {noun}: "):
        parse_account(platform, blank)


@pytest.mark.parametrize(
    ("word", "text", "platform"),
    [
        ("Twitter", "@SPVM", "x"),
        (" X ", "@SPVM", "x"),
        ("BSKY", "spvm.bsky.social", "bluesky"),
        ("Website", "example.org", "website"),
    ],
)
def test_platform_words_are_case_blind_with_aliases(word: str, text: str, platform: str) -> None:
    assert parse_account(word, text).platform == platform


def test_unknown_platform_lists_the_platforms() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_account("myspace", "spvm")
    message = str(raised.value)
    assert message.startswith("Unknown platform 'myspace': use one of x, bluesky, mastodon,")
    assert "tiktok, website" in message


# --- parse_account_spec ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "platform", "handle"),
    [
        ("x:@SPVM", "x", "spvm"),
        ("X:SPVM", "x", "spvm"),
        ("twitter:@SPVM", "x", "spvm"),
        ("Twitter: @SPVM ", "x", "spvm"),
        ("bsky:spvm.bsky.social", "bluesky", "spvm.bsky.social"),
        ("bluesky:did:plc:ewvi7nxzyoun6zhxrhs64oiz", "bluesky", PLC),
        ("mastodon:@user@mastodon.social", "mastodon", "user@mastodon.social"),
        ("website:https://example.org", "website", "example.org"),
        ("website:http://example.org:8080/a", "website", "example.org:8080/a"),
        ("youtube:https://www.youtube.com/@MTLVille", "youtube", "@mtlville"),
        ("linkedin:company/spvm", "linkedin", "company/spvm"),
        # No platform word: the form must tell it.
        ("https://x.com/SPVM", "x", "spvm"),
        ("twitter.com/SPVM", "x", "spvm"),
        ("https://www.facebook.com/securitepublique/", "facebook", "securitepublique"),
        ("@user@mastodon.social", "mastodon", "user@mastodon.social"),
        ("https://mastodon.social/@user", "mastodon", "user@mastodon.social"),
        ("did:plc:ewvi7nxzyoun6zhxrhs64oiz", "bluesky", PLC),
        ("spvm.bsky.social", "bluesky", "spvm.bsky.social"),
        ("https://sim.montreal.ca/", "website", "sim.montreal.ca"),
        ("www.quebec511.info", "website", "www.quebec511.info"),
    ],
)
def test_account_spec(spec: str, platform: str, handle: str) -> None:
    account = parse_account_spec(spec)
    assert (account.platform, account.handle) == (platform, handle)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "Empty account: give PLATFORM:HANDLE"),
        ("@SPVM", "Cannot tell the platform of '@SPVM': write PLATFORM:HANDLE"),
        ("SPVM", "Cannot tell the platform of 'SPVM'"),
        ("montreal.ca", "Cannot tell the platform of 'montreal.ca'"),
        ("myspace:spvm", "Unknown platform 'myspace' in 'myspace:spvm': use one of x, bluesky"),
        ("twiter:spvm", "Did you mean twitter?"),
        ("x:spvm!", "Invalid X handle 'spvm!'"),
        ("x:", "Empty X handle"),
        ("bluesky:spvm", "Invalid Bluesky handle 'spvm'"),
        ("mastodon:@user", "Invalid Mastodon address '@user'"),
        ("website:foo", "Invalid website address 'foo'"),
        ("https://x.com/home", "x.com/home is not an account"),
        ("did:plc:short", "a did:plc is"),
    ],
)
def test_bad_account_spec(spec: str, message: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_account_spec(spec)
    assert message in str(raised.value)


# --- detect_account -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "platform", "handle"),
    [
        ("https://x.com/SPVM", "x", "spvm"),
        ("twitter.com/SPVM", "x", "spvm"),
        ("https://mobile.twitter.com/SPVM/status/1", "x", "spvm"),
        ("https://bsky.app/profile/spvm.bsky.social", "bluesky", "spvm.bsky.social"),
        ("@spvm.bsky.social", "bluesky", "spvm.bsky.social"),
        ("did:plc:ewvi7nxzyoun6zhxrhs64oiz", "bluesky", PLC),
        ("did:web:example.com", "bluesky", "did:web:example.com"),
        ("@user@mastodon.social", "mastodon", "user@mastodon.social"),
        ("user@mastodon.social", "mastodon", "user@mastodon.social"),
        ("acct:user@mastodon.social", "mastodon", "user@mastodon.social"),
        ("https://piaille.fr/@user", "mastodon", "user@piaille.fr"),
        ("https://mastodon.social/users/user", "mastodon", "user@mastodon.social"),
        ("facebook.com/securitepublique", "facebook", "securitepublique"),
        ("https://fb.com/spvm", "facebook", "spvm"),
        ("https://www.instagram.com/spvm_police/", "instagram", "spvm_police"),
        ("https://www.threads.net/@spvm", "threads", "spvm"),
        ("threads.com/@spvm", "threads", "spvm"),
        ("https://www.youtube.com/@MTLVille", "youtube", "@mtlville"),
        ("https://ca.linkedin.com/company/spvm", "linkedin", "company/spvm"),
        ("https://www.tiktok.com/@spvm", "tiktok", "spvm"),
        ("https://sim.montreal.ca/", "website", "sim.montreal.ca"),
        ("sim.montreal.ca/alertes", "website", "sim.montreal.ca/alertes"),
        ("https://medium.com/@auteur", "website", "medium.com/@auteur"),
    ],
)
def test_detect_account(text: str, platform: str, handle: str) -> None:
    account = detect_account(text)
    assert account is not None
    assert (account.platform, account.handle) == (platform, handle)


@pytest.mark.parametrize("text", ["@SPVM", "SPVM", "", "  ", "montreal.ca", "#meteo", "in/jane"])
def test_detect_account_gives_none_when_the_platform_cannot_be_told(text: str) -> None:
    assert detect_account(text) is None


def test_detect_account_refuses_a_known_site_page_that_is_not_an_account() -> None:
    with pytest.raises(InvalidInput, match="x.com/home is not an account"):
        detect_account("https://x.com/home")


# --- candidate_accounts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "@SPVM",
            [("x", "spvm"), ("facebook", "spvm"), ("instagram", "spvm"), ("threads", "spvm"),
             ("youtube", "@spvm"), ("tiktok", "spvm")],
        ),
        (
            "SPVM",
            [("x", "spvm"), ("facebook", "spvm"), ("instagram", "spvm"), ("threads", "spvm"),
             ("youtube", "@spvm"), ("linkedin", "company/spvm"), ("tiktok", "spvm")],
        ),
        ("spvm.bsky.social", [("bluesky", "spvm.bsky.social"), ("website", "spvm.bsky.social")]),
        ("Montreal.ca", [("bluesky", "montreal.ca"), ("website", "montreal.ca")]),
        ("@spvm.bsky.social", [("bluesky", "spvm.bsky.social")]),
        ("https://x.com/SPVM", [("x", "spvm")]),
        ("@user@mastodon.social", [("mastodon", "user@mastodon.social")]),
        ("https://sim.montreal.ca", [("website", "sim.montreal.ca")]),
        (
            "spvm_police.qc",
            [("instagram", "spvm_police.qc"), ("threads", "spvm_police.qc"),
             ("youtube", "@spvm_police.qc"), ("tiktok", "spvm_police.qc")],
        ),
        ("@averyveryverylongname_that_fits_nowhere_at_all", []),
        ("https://x.com/home", []),
        ("#meteo", []),
        ("", []),
        ("two words", []),
    ],
)
def test_candidate_accounts(text: str, expected: list[tuple[str, str]]) -> None:
    assert candidate_accounts(text) == expected


@given(st.text(max_size=40))
def test_candidate_accounts_never_raises(text: str) -> None:
    for platform, handle in candidate_accounts(text):
        assert platform in PLATFORMS
        assert parse_account(platform, handle).handle == handle


# --- account_url ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("platform", "handle", "url"),
    [
        ("x", "spvm", "https://x.com/spvm"),
        ("twitter", "spvm", "https://x.com/spvm"),
        ("bluesky", "spvm.bsky.social", "https://bsky.app/profile/spvm.bsky.social"),
        ("mastodon", "user@mastodon.social", "https://mastodon.social/@user"),
        ("facebook", "securitepublique", "https://www.facebook.com/securitepublique"),
        ("instagram", "spvm", "https://www.instagram.com/spvm"),
        ("threads", "spvm", "https://www.threads.com/@spvm"),
        ("youtube", "@mtlville", "https://www.youtube.com/@mtlville"),
        ("youtube", f"channel/{CHANNEL_ID}", f"https://www.youtube.com/channel/{CHANNEL_ID}"),
        ("linkedin", "company/spvm", "https://www.linkedin.com/company/spvm"),
        ("tiktok", "spvm", "https://www.tiktok.com/@spvm"),
        ("website", "example.org/a", "https://example.org/a"),
    ],
)
def test_account_url(platform: str, handle: str, url: str) -> None:
    assert account_url(platform, handle) == url


def test_account_url_refuses_a_mastodon_handle_without_instance() -> None:
    with pytest.raises(InvalidInput, match="Invalid Mastodon address 'user'"):
        account_url("mastodon", "user")


def test_account_url_refuses_an_unknown_platform() -> None:
    with pytest.raises(InvalidInput, match="Unknown platform 'myspace'"):
        account_url("myspace", "spvm")


# --- properties -----------------------------------------------------------------------------


def _mixed_case(draw: st.DrawFn, text: str) -> str:
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(ch.upper() if flip else ch for ch, flip in zip(text, flips, strict=True))


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_TLD = st.from_regex(r"[a-z][a-z0-9]{1,5}", fullmatch=True)
_SOCIAL_HOSTS = ("x.com", "twitter.com", "bsky.app", "facebook.com", "fb.com", "instagram.com",
                 "threads.net", "threads.com", "youtube.com", "youtu.be", "linkedin.com",
                 "tiktok.com")


@st.composite
def _domains(draw: st.DrawFn) -> str:
    labels = draw(st.lists(_LABEL, min_size=1, max_size=3))
    domain = ".".join([*labels, draw(_TLD)])
    return _mixed_case(draw, domain)


@st.composite
def _x_inputs(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.from_regex(r"[A-Za-z0-9_]{1,15}", fullmatch=True))
    form = draw(st.sampled_from(["{}", "@{}", "https://x.com/{}", "twitter.com/{}",
                                 "https://mobile.twitter.com/{}/status/1", "x.com/{}?lang=fr"]))
    return form.format(name), name.lower()


@given(_x_inputs())
def test_x_property(case: tuple[str, str]) -> None:
    text, expected = case
    try:
        handle = parse_account("x", text).handle
    except InvalidInput as error:  # only the site's own pages may be refused
        assert "is not an account" in str(error)
        return
    assert handle == expected
    assert parse_account("x", handle).handle == handle
    assert parse_account("x", account_url("x", handle)).handle == handle


@st.composite
def _mastodon_inputs(draw: st.DrawFn) -> tuple[str, str]:
    user = draw(st.from_regex(r"[A-Za-z0-9_]([A-Za-z0-9_.-]{0,10}[A-Za-z0-9_])?", fullmatch=True))
    domain = draw(_domains())
    form = draw(st.sampled_from(["@{u}@{d}", "{u}@{d}", "acct:{u}@{d}", "https://{d}/@{u}",
                                 "https://{d}/users/{u}", "{d}/@{u}"]))
    return form.format(u=user, d=domain), f"{user}@{domain}".lower()


@given(_mastodon_inputs())
def test_mastodon_property(case: tuple[str, str]) -> None:
    text, expected = case
    domain = expected.partition("@")[2]
    if any(domain == host or domain.endswith("." + host) for host in _SOCIAL_HOSTS):
        return  # a URL on another platform's site is refused (tested above)
    handle = parse_account("mastodon", text).handle
    assert handle == expected
    assert parse_account("mastodon", handle).handle == handle
    assert parse_account("mastodon", account_url("mastodon", handle)).handle == handle


@given(_domains(), st.sampled_from(["{}", "@{}", "https://bsky.app/profile/{}",
                                    "bsky.app/profile/@{}/post/3k"]))
def test_bluesky_property(domain: str, form: str) -> None:
    handle = parse_account("bluesky", form.format(domain)).handle
    assert handle == domain.lower()
    assert parse_account("bluesky", handle).handle == handle
    assert parse_account("bluesky", account_url("bluesky", handle)).handle == handle


@given(
    st.from_regex(r"[A-Za-z0-9_]([A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?", fullmatch=True),
    st.sampled_from(["instagram", "threads", "tiktok"]),
    st.sampled_from(["{}", "@{}"]),
)
def test_instagram_threads_tiktok_property(name: str, platform: str, form: str) -> None:
    reserved = platform == "instagram" and name.lower() in {
        "p", "reel", "reels", "explore", "accounts", "direct", "tv", "about", "developer",
        "legal", "stories",
    }
    double_dot = platform != "tiktok" and ".." in name  # Instagram's rule, not TikTok's
    if double_dot or reserved or (platform == "tiktok" and len(name) > 24):
        with pytest.raises(InvalidInput):
            parse_account(platform, form.format(name))
        return
    handle = parse_account(platform, form.format(name)).handle
    assert handle == name.lower()
    assert parse_account(platform, account_url(platform, handle)).handle == handle


@given(st.from_regex(r"[A-Za-z0-9_.-]{3,30}", fullmatch=True),
       st.sampled_from(["@{}", "youtube.com/@{}", "https://m.youtube.com/@{}/videos"]))
def test_youtube_handle_property(name: str, form: str) -> None:
    handle = parse_account("youtube", form.format(name)).handle
    assert handle == "@" + name.lower()
    assert parse_account("youtube", handle).handle == handle
    assert parse_account("youtube", account_url("youtube", handle)).handle == handle


@st.composite
def _websites(draw: st.DrawFn) -> tuple[str, str]:
    domain = draw(_domains())
    path = "".join("/" + part for part in draw(
        st.lists(st.from_regex(r"[A-Za-z0-9_~-]{1,8}", fullmatch=True), max_size=3)))
    query = draw(st.sampled_from(["", "?lang=fr", "?a=1&b=2"]))
    scheme = draw(st.sampled_from(["", "https://", "http://", "HTTPS://"]))
    slash = draw(st.sampled_from(["", "/"]))
    fragment = draw(st.sampled_from(["", "#top"]))
    return f"{scheme}{domain}{path}{slash}{query}{fragment}", f"{domain.lower()}{path}{query}"


@given(_websites())
def test_website_property(case: tuple[str, str]) -> None:
    text, expected = case
    account = parse_account("website", text)
    assert account.handle == expected
    assert account.url == ("http://" if text.startswith("http://") else "https://") + expected
    assert parse_account("website", account.handle).handle == expected
    assert parse_account("website", account.url).handle == expected


_TYPED = st.one_of(
    st.text(max_size=40),
    st.builds(
        "".join,
        st.lists(st.sampled_from(["@", "/", ".", ":", "?", "#", "-", "_", "a", "Z", "9", "é",
                                  "x.com", "https://", "bsky.app/profile/", "did:plc:", "www.",
                                  "mastodon.social", "youtube.com", "UC", "company/", "İ"]),
                 max_size=8),
    ),
)


@given(st.sampled_from(PLATFORMS), _TYPED)
def test_any_text_is_refused_cleanly_or_parses_idempotently(platform: str, text: str) -> None:
    try:
        account = parse_account(platform, text)
    except InvalidInput:
        return
    assert parse_account(platform, account.handle).handle == account.handle
    assert parse_account(platform, account_url(platform, account.handle)).handle == account.handle
