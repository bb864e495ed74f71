"""Followable or reference, and which account to follow first.

A contact is followable when it has an account on a platform other than `website` (on the asked
platforms, when a platform filter applies); a website-only contact is a reference: worth
consulting, nothing to follow. Pure.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence

from .models import DEAD_STATES, Account
from .text import slug

# The platform to follow a contact on first, when the organisation has not said which it uses.
# Bluesky and Mastodon first: open networks whose public APIs let msgu check the account
# (refresh), verify it and see the relationship grow (sync). Then X, where Quebec agencies
# (Urgence Québec, the SQ, Environment Canada's Quebec weather) post alerts as they happen, and
# Facebook, the widest audience in Quebec but closed to msgu. The rest carry little emergency
# information. `website` is never followed.
FOLLOW_ORDER: tuple[str, ...] = ("bluesky", "mastodon", "x", "facebook", "instagram",
                                 "threads", "linkedin", "youtube", "tiktok")


def followable_platforms(platforms: Iterable[str], asked: Sequence[str] = ()) -> frozenset[str]:
    """The platforms, among `platforms`, where the contact can be followed (the asked ones)."""
    return _followable(tuple(platforms), tuple(asked))


@functools.lru_cache(maxsize=1024)  # a few platform sets, asked for every candidate
def _followable(platforms: tuple[str, ...], asked: tuple[str, ...]) -> frozenset[str]:
    return frozenset(p for p in platforms if p != "website" and (not asked or p in asked))


def follow_account(accounts: Sequence[Account], asked: Sequence[str] = (),
                   name: str = "") -> Account | None:
    """The account to follow first: on the asked platforms when given, else on the first of
    FOLLOW_ORDER; among several, a live one first (refresh), then a verified one, then the most
    followers, then the handle closest to the organisation's `name` (its main account, not a
    service line)."""
    usable = [a for a in accounts if a.platform in followable_platforms([a.platform], asked)]
    if not usable:
        return None

    def rank(a: Account) -> tuple:
        place = FOLLOW_ORDER.index(a.platform) if a.platform in FOLLOW_ORDER else len(FOLLOW_ORDER)
        return (a.state in DEAD_STATES, place, not a.verified, -(a.followers_count or 0))

    best = min(rank(a) for a in usable)
    tied = [a for a in usable if rank(a) == best]
    if len(tied) == 1:
        return tied[0]
    import difflib  # only for a contact with several accounts on its best platform

    key = slug(name).replace("-", "")
    return min(tied, key=lambda a: (-difflib.SequenceMatcher(
        None, key, slug(a.handle).replace("-", "")).ratio(), a.handle))
