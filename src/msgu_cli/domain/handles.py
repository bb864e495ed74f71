"""Turn whatever a user pastes (a @handle, a profile URL, an address) into one stored form.

One account must have one spelling, or the directory fills with duplicates. Rules:

- x: `@SPVM`, `SPVM`, x.com / twitter.com / mobile.twitter.com URLs -> `spvm` (1-15 of
  [A-Za-z0-9_], lowercase: X ignores case). Pages such as x.com/home are not accounts.
- bluesky: a domain-name handle, lowercase (`spvm.bsky.social`), or a DID kept as typed
  (`did:plc:` + 24 of [a-z2-7]; `did:web:` + a domain, lowercased). bsky.app/profile/… URLs.
- mastodon: `user@instance`, lowercase, from `@user@instance`, `acct:…` or
  https://instance/@user and /users/user.
- facebook: the page name, lowercase (letters, digits, `.`), or the page's number, from
  /NAME, profile.php?id=N, /pages/…/N, /p/Name-N, or old /Name-N addresses.
- instagram, threads: `@user` or profile URL -> `user`, up to 30 of [a-z0-9._].
- tiktok: `@user` or tiktok.com/@user -> `user`, up to 24 of [a-z0-9._].
- youtube: `@handle` (lowercase), `user/NAME` and `c/NAME` (lowercase), `channel/UC…` (IDs keep
  their case); a bare youtube.com/NAME is an old custom address, `c/name`.
- linkedin: `company/`, `in/`, `school/` or `showcase/` + slug, lowercase; a bare slug is a company.
- website: lowercase host + path (+ query), no scheme, fragment or trailing slash.

Parsing a handle, or the URL made from it, gives the same handle back (idempotent).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import InvalidInput
from ..i18n import N_, Message, Text
from .models import PLATFORMS, Account
from .text import closest, did_you_mean, shown

_ALIASES: dict[str, str] = {"twitter": "x", "bsky": "bluesky"}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


class _Rules(NamedTuple):
    label: str  # the platform's name in messages
    noun: str  # what a value is called: "Invalid X handle …" (a message, translated when used)
    hint: str  # what a good value looks like (a message too)
    site: str = ""  # main host
    url: str = "https://{}"  # canonical URL of a handle
    reserved: frozenset[str] = frozenset()  # first path parts that are the site's own pages


_IG_HINT = N_("use up to 30 letters, digits, _ or . not at either end (e.g. @spvm_police)")
_RULES: dict[str, _Rules] = {
    "x": _Rules(
        "X", N_("X handle"), N_("use 1 to 15 letters, digits or _ (e.g. @SPVM)"), "x.com",
        "https://x.com/{}", _words("home i search hashtag explore notifications messages "
                                   "settings compose login logout signup share intent tos privacy"),
    ),
    "bluesky": _Rules(
        "Bluesky", N_("Bluesky handle"),
        N_("a handle is a domain name such as spvm.bsky.social, or a DID"), "bsky.app",
        "https://bsky.app/profile/{}",
    ),
    "mastodon": _Rules(
        "Mastodon", N_("Mastodon address"), N_("give user@instance, e.g. @user@mastodon.social"),
    ),
    "facebook": _Rules(
        "Facebook", N_("Facebook page"),
        N_("give the page name or number from its address (e.g. facebook.com/securitepublique)"),
        "facebook.com", "https://www.facebook.com/{}",
        _words("groups events watch share sharer.php photo.php permalink.php story.php hashtag "
               "login login.php home.php marketplace gaming help policies reel photo stories "
               "pages people p profile.php"),
    ),
    "instagram": _Rules(
        "Instagram", N_("Instagram username"), _IG_HINT, "instagram.com",
        "https://www.instagram.com/{}",
        _words("p reel reels explore accounts direct tv about developer legal stories"),
    ),
    "threads": _Rules(
        "Threads", N_("Threads username"), _IG_HINT, "threads.com", "https://www.threads.com/@{}"
    ),
    "youtube": _Rules(
        "YouTube", N_("YouTube channel"),
        N_("give @handle, user/NAME, c/NAME or channel/UC… (e.g. @MTLVille)"), "youtube.com",
        "https://www.youtube.com/{}",
        _words("watch results playlist shorts feed embed live hashtag redirect premium gaming "
               "account signin t about"),
    ),
    "linkedin": _Rules(
        "LinkedIn", N_("LinkedIn page"), N_("give company/, in/, school/ or showcase/ and the "
                                             "name in the address (e.g. "
                                             "linkedin.com/company/ville-de-montreal)"),
        "linkedin.com",
        "https://www.linkedin.com/{}",
    ),
    "tiktok": _Rules(
        "TikTok", N_("TikTok username"), N_("use up to 24 letters, digits, _ or . not at the "
                                             "end (e.g. @spvm)"),
        "tiktok.com", "https://www.tiktok.com/@{}",
    ),
    "website": _Rules("website", N_("website address"),
                      N_("give a URL such as https://example.org")),
}

# Sites of each platform; any subdomain counts (www., m., mobile., web., ca.linkedin.com…).
_HOSTS: dict[str, str] = {
    "x.com": "x", "twitter.com": "x", "bsky.app": "bluesky",
    "facebook.com": "facebook", "fb.com": "facebook", "instagram.com": "instagram",
    "threads.net": "threads", "threads.com": "threads", "youtube.com": "youtube",
    "youtu.be": "youtube", "linkedin.com": "linkedin", "tiktok.com": "tiktok",
}
# Sites that use /@name paths but are not in the fediverse: not detected as Mastodon.
_NOT_FEDIVERSE = frozenset({"medium.com", "substack.com"})

_HAS_SCHEME = re.compile(r"[a-z][a-z0-9+.-]*://", re.IGNORECASE)
# `x.com/SPVM`: a host without scheme, then a path, query, fragment or nothing.
_BARE_HOST = re.compile(r"[\w-]+(?:\.[\w-]+)+(?::\d+)?(?=[/?#]|$)")
_ASCII_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_ANY_LABEL = re.compile(r"[^\W_](?:(?:[^\W_]|-){0,61}[^\W_])?")  # websites may use accented names
_MASTODON_ADDRESS = re.compile(r"@?[^@\s/:]+@[^@\s/:]+\.[^@\s/:]+")

_X_NAME = re.compile(r"[A-Za-z0-9_]{1,15}")
_PLC = re.compile(r"did:plc:[a-z2-7]{24}")
_MASTODON_USER = re.compile(r"[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?")
_FB_NAME = re.compile(r"[a-z0-9.]*[a-z0-9][a-z0-9.]*")
_FB_NAME_ID = re.compile(r".+-(\d+)")  # old page addresses: Some-Name-123456 (names have no -)
# Instagram refuses a . at either end or two in a row; TikTok only refuses one at the end.
_IG_NAME = re.compile(r"(?!\.)(?!.*\.\.)[a-z0-9._]{1,30}(?<!\.)")
_TIKTOK_NAME = re.compile(r"[a-z0-9._]{0,23}[a-z0-9_]")
_YT_HANDLE = re.compile(r"@[\w.-]{3,30}")
_YT_NAME = re.compile(r"[\w.-]{1,100}")
_YT_CHANNEL = re.compile(r"UC[A-Za-z0-9_-]{22}")
_LI_KINDS = frozenset({"company", "in", "school", "showcase"})
_LI_SLUG = re.compile(r"[\w-]{1,100}")
_SPACE = re.compile(r"\s")
# The usual website cell, [http[s]://]host/plain/path in ASCII: what urlsplit would make of it,
# read by one match (urlsplit was a tenth of a large import's checks). Anything else (a port,
# a query, user info, percent escapes, accents) takes the general path.
_PLAIN_WEBSITE = re.compile(r"(?:(https?)://)?([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)(/[\w.~/-]*)?",
                            re.ASCII)


class _Url(NamedTuple):
    scheme: str  # "" when the text had none
    host: str  # lowercase, without port or user info
    netloc: str  # host[:port]
    path: str  # as typed (paths are case-sensitive)
    query: str
    segments: list[str]  # non-empty path parts, percent-decoded


def parse_account(platform: str, text: str) -> Account:
    """Parse what a user typed for a known platform into a normalised handle and its URL."""
    name = _platform(platform)
    value = text.strip()
    if not value:
        raise InvalidInput(Message(N_("Empty {noun}: {hint}."), {
            "noun": Message(_RULES[name].noun), "hint": Message(_RULES[name].hint)}))
    if value.startswith("#"):
        raise _invalid(name, value, Message(N_(
            "hashtags are not accounts; give the account itself")))
    if name == "website":
        handle, scheme = _parse_website(value)
        return Account(name, handle, f"{scheme}://{handle}")
    handle = _PARSERS[name](value)
    return Account(name, handle, account_url(name, handle))


def _named_platform(text: str) -> tuple[str, str] | None:
    """(platform, rest) when `text` starts with a platform's name and a colon (`x:@SPVM`,
    `website:https://…`: first colon only), not with a URL's scheme; else None."""
    prefix, colon, rest = text.partition(":")
    key = prefix.strip().lower()
    if colon and not _HAS_SCHEME.match(text) and _ALIASES.get(key, key) in PLATFORMS:
        return key, rest
    return None


def parse_account_spec(spec: str) -> Account:
    """`PLATFORM:HANDLE` as given to `--account`, or a form whose platform can be told."""
    text = spec.strip()
    if not text:
        raise InvalidInput(Message(N_("Empty account: give PLATFORM:HANDLE, e.g. x:@SPVM.")))
    named = _named_platform(text)
    if named:
        return parse_account(*named)
    platform = _detect_platform(text)
    if platform:
        return parse_account(platform, text)
    prefix, colon, _rest = text.partition(":")
    if colon and " " not in prefix:
        raise _unknown_platform(prefix, text)
    raise InvalidInput(Message(N_(
        "Cannot tell the platform of '{account}': write PLATFORM:HANDLE, e.g. x:@SPVM or "
        "website:https://example.org."), {"account": shown(text)}))


def detect_account(text: str) -> Account | None:
    """The account a URL or unambiguous form names; None when the platform cannot be told.

    Raises InvalidInput when the platform is clear but the rest is not (x.com/home).
    """
    value = text.strip()
    platform = _detect_platform(value)
    return parse_account(platform, value) if platform else None


def candidate_accounts(text: str) -> list[tuple[str, str]]:
    """Every (platform, handle) `text` could name, to look up a contact a user referred to."""
    value = text.strip()
    if not value or value.startswith("#"):
        return []
    named = _named_platform(value)  # `x:@SPVM`, as tables print an account
    if named:
        account = _try_parse(*named)
        return [(account.platform, account.handle)] if account else []
    if _is_domain(value.lower(), unicode=True):
        # A bare domain is a website or a Bluesky handle, though other rules may accept it.
        platforms: tuple[str, ...] = ("bluesky", "website")
    else:
        try:
            detected = detect_account(value)
        except InvalidInput:
            return []
        if detected:
            return [(detected.platform, detected.handle)]
        platforms = PLATFORMS
    return [(p, account.handle) for p in platforms if (account := _try_parse(p, value))]


def platform_name(platform: str) -> str:
    """A platform's own name as people write it (`Bluesky`, `YouTube`); unknown codes as is."""
    rules = _RULES.get(platform)
    return rules.label if rules is not None else platform


def account_url(platform: str, handle: str) -> str:
    """Canonical https URL of a normalised handle (the handle is not checked again)."""
    name = _platform(platform)
    if name != "mastodon":
        return _RULES[name].url.format(handle)
    user, at, instance = handle.partition("@")
    if not at:
        raise _invalid(name, handle, _hint(name))
    return f"https://{instance}/@{user}"


def _platform(name: str) -> str:
    if name in PLATFORMS:  # a code already: every account of an import, twice
        return name
    key = name.strip().lower()
    key = _ALIASES.get(key, key)
    if key not in PLATFORMS:
        raise _unknown_platform(name)
    return key


def _unknown_platform(name: str, account: str | None = None) -> InvalidInput:
    """An unknown platform, alone or as the prefix of the `--account` it was written in."""
    template = (N_("Unknown platform '{platform}': use one of {platforms} (or twitter, "
                   "bsky).{hint}") if account is None else
                N_("Unknown platform '{platform}' in '{account}': use one of {platforms} (or "
                   "twitter, bsky).{hint}"))
    return InvalidInput(Message(template, {
        "platform": shown(name), "account": shown(account), "platforms": ", ".join(PLATFORMS),
        "hint": did_you_mean(closest(name, [*PLATFORMS, *_ALIASES], limit=1))}))


def _invalid(platform: str, text: str, reason: Text) -> InvalidInput:
    return InvalidInput(Message(N_("Invalid {noun} '{value}': {reason}."), {
        "noun": Message(_RULES[platform].noun), "value": shown(text), "reason": reason}))


def _hint(platform: str) -> Message:
    """What a good value of `platform` looks like, as the reason of an invalid one."""
    return Message(_RULES[platform].hint)


def _try_parse(platform: str, text: str) -> Account | None:
    try:
        return parse_account(platform, text)
    except InvalidInput:
        return None


def _is_domain(name: str, *, unicode: bool = False) -> bool:
    """A DNS name of two labels or more whose top level is not a number (so not an IP)."""
    labels = name.split(".")
    label = _ANY_LABEL if unicode else _ASCII_LABEL
    return (
        len(name) <= 253
        and len(labels) >= 2
        and not labels[-1].isdigit()
        and all(label.fullmatch(part) for part in labels)
    )


def _host_platform(host: str) -> str | None:
    for domain, platform in _HOSTS.items():
        if host == domain or host.endswith("." + domain):
            return platform
    return None


def _example(address: str) -> Message:
    return Message(N_("give a profile address such as {example}"), {"example": shown(address)})


def _url_parts(text: str, *, bare: bool) -> _Url | None:
    """`text` split as a URL, if it has a scheme or starts with a host.

    A host without scheme counts when `bare` or when it is a platform's (twitter.com/SPVM):
    otherwise `spvm.qc` stays an Instagram username.
    """
    if not _HAS_SCHEME.match(text) and not _BARE_HOST.match(text):
        return None
    try:
        split = urlsplit(text if _HAS_SCHEME.match(text) else "//" + text)
        host, port = split.hostname or "", split.port
    except ValueError:  # a port that is not a number, a broken [IPv6] host
        return None
    if not split.scheme and not bare and _host_platform(host) is None:
        return None
    segments = [unquote(part) for part in split.path.split("/") if part]
    netloc = f"{host}:{port}" if port else host
    return _Url(split.scheme, host, netloc, split.path, split.query, segments)


def _own_url(platform: str, text: str) -> _Url | None:
    """The URL in `text`, if any, after checking that it is on `platform`'s site.

    Without a /, even `x.com` is a name (Instagram allows dots), never an address.
    """
    url = _url_parts(text, bare=False) if "/" in text else None
    if url is None:
        return None
    owner = _host_platform(url.host)
    if owner == platform:
        return url
    if owner:
        raise _invalid(platform, text, _elsewhere(_RULES[owner].label, _RULES[platform].label))
    raise _invalid(platform, text, Message(N_("{host} is not {site}"), {
        "host": shown(url.host), "site": _RULES[platform].site}))


def _elsewhere(owner: str, platform: str) -> Message:
    return Message(N_("that address is on {owner}, not {platform}"),
                   {"owner": owner, "platform": platform})


def _profile_segment(platform: str, text: str, segments: list[str]) -> str:
    """The first path part of a profile URL."""
    if not segments:
        raise _invalid(platform, text, Message(N_("the address names no account; {hint}"),
                                               {"hint": _hint(platform)}))
    return segments[0]


def _not_reserved(platform: str, text: str, name: str) -> str:
    """Refuse the site's own pages (x.com/home): no account can live at that address."""
    if name.lower() in _RULES[platform].reserved:
        raise _invalid(platform, text, Message(N_("{address} is not an account"), {
            "address": shown(f"{_RULES[platform].site}/{name}")}))
    return name


def _parse_x(text: str) -> str:
    name = text
    url = _own_url("x", text)
    if url:
        query = parse_qs(url.query)
        if url.segments[:1] == ["intent"] and "screen_name" in query:  # intent/follow?screen_name=
            name = query["screen_name"][0]
        else:
            name = _profile_segment("x", text, url.segments)
    name = _not_reserved("x", text, name.removeprefix("@"))
    if not _X_NAME.fullmatch(name):
        raise _invalid("x", text, _hint("x"))
    return name.lower()


def _parse_bluesky(text: str) -> str:
    value = text
    url = _own_url("bluesky", text)  # `bsky.app` alone is Bluesky's own account, not its site
    if url:
        if len(url.segments) < 2 or url.segments[0] != "profile":
            raise _invalid("bluesky", text, Message(N_("give https://bsky.app/profile/HANDLE")))
        value = url.segments[1]
    value = value.removeprefix("@")
    if value[:4].lower() == "did:":
        return _bluesky_did(text, "did:" + value[4:])
    if not _is_domain(value.lower()):
        raise _invalid("bluesky", text, _hint("bluesky"))
    return value.lower()


def _bluesky_did(text: str, did: str) -> str:
    """did:plc identifiers are case-sensitive; a did:web is a domain, so case-blind."""
    method, rest = did[4:8].lower(), did[8:]
    if method == "plc:":
        if not _PLC.fullmatch("did:plc:" + rest):
            raise _invalid("bluesky", text, Message(N_(
                "a did:plc is did:plc: and 24 characters a-z or 2-7")))
        return "did:plc:" + rest
    if method == "web:":
        if not _is_domain(rest.lower()):
            raise _invalid("bluesky", text, Message(N_("a did:web is did:web: and a domain name")))
        return "did:web:" + rest.lower()
    raise _invalid("bluesky", text, Message(N_(
        "only did:plc and did:web identify Bluesky accounts")))


def _fediverse_name(url: _Url) -> str | None:
    """`user` or `user@host` from https://host/@user, /users/user or /web/@user."""
    segments = url.segments[1:] if url.segments[:1] == ["web"] else url.segments
    if segments and segments[0].startswith("@") and len(segments[0]) > 1:
        return segments[0][1:]
    if len(segments) >= 2 and segments[0] == "users":
        return segments[1]
    return None


def _parse_mastodon(text: str) -> str:
    value = text[5:] if text[:5].lower() == "acct:" else text
    url = _url_parts(value, bare=True)
    if url:
        name = _fediverse_name(url)
        if name is None and not _host_platform(url.host):
            raise _invalid("mastodon", text, _example(f"https://{url.host}/@user"))
        # https://mastodon.social/@user@other.social shows a remote account: keep its home.
        value = name if name and "@" in name else f"{name}@{url.host}"
    user, at, instance = value.removeprefix("@").lower().partition("@")
    # Threads accounts federate as user@threads.net, but they belong under threads.
    if owner := _host_platform(instance):
        raise _invalid("mastodon", text, _elsewhere(_RULES[owner].label, "Mastodon"))
    if not at or not _MASTODON_USER.fullmatch(user) or not _is_domain(instance):
        raise _invalid("mastodon", text, _hint("mastodon"))
    return f"{user}@{instance}"


def _parse_facebook(text: str) -> str:
    name = text.removeprefix("@")
    url = _own_url("facebook", text)
    if url:
        segments = url.segments
        head = segments[0].lower() if segments else ""
        if head == "profile.php":
            name = parse_qs(url.query).get("id", [""])[0]
        elif head in ("pages", "people", "p") and len(segments) >= 2:
            name = segments[-1]  # /pages/Some-Name/123456, /p/Some-Name-123456
        else:
            name = _profile_segment("facebook", text, segments)
    if match := _FB_NAME_ID.fullmatch(name):
        name = match[1]
    name = _not_reserved("facebook", text, name).lower()
    if len(name) < 2 or len(name) > 50 or not _FB_NAME.fullmatch(name):
        raise _invalid("facebook", text, _hint("facebook"))
    return name


def _parse_instagram(text: str) -> str:
    name = text
    url = _own_url("instagram", text)
    if url:
        segments = url.segments
        if len(segments) >= 2 and segments[0] == "stories":  # stories/USER/123
            segments = segments[1:]
        name = _profile_segment("instagram", text, segments)
    name = _not_reserved("instagram", text, name.removeprefix("@"))
    return _username("instagram", text, name, _IG_NAME)


def _at_profile(platform: str, text: str, pattern: re.Pattern[str]) -> str:
    """Sites whose profile URLs are /@user (Threads, TikTok)."""
    name = text
    url = _own_url(platform, text)
    if url:
        first = url.segments[0] if url.segments else ""
        if not first.startswith("@"):
            raise _invalid(platform, text, _example(_RULES[platform].url.format("user")))
        name = first
    return _username(platform, text, name, pattern)


def _username(platform: str, text: str, name: str, pattern: re.Pattern[str]) -> str:
    name = name.removeprefix("@").lower()
    if not pattern.fullmatch(name):
        raise _invalid(platform, text, _hint(platform))
    return name


def _parse_youtube(text: str) -> str:
    url = _own_url("youtube", text)
    if url is None:
        if "/" in text:
            return _youtube_path(text, text.split("/"))
        if _YT_CHANNEL.fullmatch(text):  # the exact shape of a channel ID
            return f"channel/{text}"
        return _youtube_path(text, ["@" + text.removeprefix("@")])
    if url.host == "youtu.be" or url.host.endswith(".youtu.be"):
        raise _invalid("youtube", text, Message(N_("youtu.be addresses are videos, not "
                                                   "channels")))
    first = _not_reserved("youtube", text, _profile_segment("youtube", text, url.segments))
    if first.startswith("@") or first.lower() in ("user", "c", "channel"):
        return _youtube_path(text, url.segments)
    return _youtube_path(text, ["c", first])  # youtube.com/Name: an old custom address


def _youtube_path(text: str, segments: list[str]) -> str:
    """Normalise `@handle`, `user/NAME`, `c/NAME` or `channel/ID` (IDs keep their case)."""
    # Check the lowercased form: lower() can lengthen some letters (İ), breaking idempotence.
    kind = segments[0].lower()
    name = segments[1] if len(segments) > 1 else ""
    if _YT_HANDLE.fullmatch(kind):
        return kind
    if kind == "channel" and _YT_CHANNEL.fullmatch(name):
        return f"channel/{name}"
    if kind in ("user", "c") and _YT_NAME.fullmatch(name.lower()):
        return f"{kind}/{name.lower()}"
    raise _invalid("youtube", text, _hint("youtube"))


def _parse_linkedin(text: str) -> str:
    url = _own_url("linkedin", text)
    segments = url.segments if url else text.split("/")
    if url is None and len(segments) == 1:
        segments = ["company", text]  # a bare slug names a company page
    kind = segments[0].lower() if segments else ""
    slug = segments[1].lower() if len(segments) > 1 else ""
    if kind not in _LI_KINDS or not _LI_SLUG.fullmatch(slug):
        raise _invalid("linkedin", text, _hint("linkedin"))
    return f"{kind}/{slug}"


def _parse_website(text: str) -> tuple[str, str]:
    """(handle, scheme): the scheme is kept only to remember a site that has no https."""
    plain = _PLAIN_WEBSITE.fullmatch(text)
    if plain and _is_domain(host := plain[2].lower(), unicode=True):
        return host + (plain[3] or "").rstrip("/"), plain[1] or "https"
    printable = text.isprintable() and _SPACE.search(text) is None
    url = _url_parts(text, bare=True) if printable else None
    if (
        url is None
        or url.scheme not in ("", "http", "https")
        or not _is_domain(url.host, unicode=True)
    ):
        raise _invalid("website", text, _hint("website"))
    query = f"?{url.query}" if url.query else ""
    return url.netloc + url.path.rstrip("/") + query, url.scheme or "https"


_PARSERS: dict[str, Callable[[str], str]] = {
    "x": _parse_x, "bluesky": _parse_bluesky, "mastodon": _parse_mastodon,
    "facebook": _parse_facebook, "instagram": _parse_instagram,
    "threads": lambda text: _at_profile("threads", text, _IG_NAME),
    "youtube": _parse_youtube, "linkedin": _parse_linkedin,
    "tiktok": lambda text: _at_profile("tiktok", text, _TIKTOK_NAME),
}


def _detect_platform(text: str) -> str | None:
    """The platform `text` names without doubt, or None (`@SPVM` could be anywhere)."""
    lowered = text.lower()
    if lowered.startswith("did:"):
        return "bluesky"
    if lowered.startswith("acct:") or _MASTODON_ADDRESS.fullmatch(text):
        return "mastodon"
    if "/" not in text and lowered.removeprefix("@").endswith(".bsky.social"):
        return "bluesky"
    url = _url_parts(text, bare=True)
    if url is None:
        return None
    owner = _host_platform(url.host)
    if owner:
        return owner
    if _fediverse_name(url) and url.host not in _NOT_FEDIVERSE:
        return "mastodon"
    # A bare domain could be a Bluesky handle too, unless it is plainly a web host.
    if url.scheme or url.segments or url.host.startswith("www."):
        return "website"
    return None
