"""`msgu next`: the week's short list, from the relationship history (and `recommend`).

Groups, each best first and at most `limit` long: `follow` (to-follow contacts, the longest on
the list first, then the best recommendations not yet followed), `engage` (follow-backs
recorded since the previous sync, newest first: since the sync before the latest one that saw
a change, so a sync that finds nothing new keeps the last news), `nudge` (following for 60 days
or more without a follow-back, the longest first), `meet` (following each other for 90 days or
more, never met, the longest first), `review` (candidates, the longest-waiting first). Ties go
by name, then id. Without a profile, `follow` lists only the to-follow contacts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from ..domain.followability import FOLLOW_ORDER
from ..domain.models import Account, Contact, RelationEvent
from ..domain.relationships import days_since, ever_met, stage_start
from ..domain.text import fold
from ..errors import InvalidInput
from ..i18n import N_, Message
from ..storage import contacts as store
from ..storage.connection import Database
from ..storage.relations import (
    load_profile,
    load_relations,
    own_contact_ids,
    steps_since_previous_sync,
    waiting_candidates,
)
from .recommend import RecommendRequest, recommend

GROUPS = ("follow", "engage", "nudge", "meet", "review")
NUDGE_DAYS, MEET_DAYS = 60, 90
DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class NextStep:
    contact: Contact
    account: Account | None  # the account to act on; None when the contact has none to follow
    why: Message  # JSON gets its English
    since: str | None = None  # YYYY-MM-DD: since when the reason holds


@dataclass(frozen=True)
class _Known:
    """A contact the organisation is building a relationship with, and its history."""

    contact: Contact
    history: Sequence[RelationEvent]


def next_steps(db: Database, *, today: date,
               limit: int = DEFAULT_LIMIT) -> dict[str, list[NextStep]]:
    """What to do now, group by group (GROUPS), as of `today`."""
    if limit < 1:
        raise InvalidInput(Message(N_("--limit must be 1 or more.")))
    profile = load_profile(db)
    mine = set(own_contact_ids(db, profile))
    prefer = tuple(dict.fromkeys([*(a.platform for a in profile.accounts),
                                  *profile.platforms]))
    ids = [i for i in store.filter_contact_ids(
        db, statuses=["to-follow", "following", "follows-back"]) if i not in mine]
    histories = load_relations(db, ids)
    contacts = {c.id: c for c in store.load_contacts(db, ids)}
    known = [_Known(contacts[i], histories.get(i, [])) for i in ids]
    follow = _follow(db, known, prefer, today, limit)
    fresh = steps_since_previous_sync(db, "follows-back")
    listed = {s.contact.id for s in follow}
    return {
        "follow": follow,
        "engage": _engage([k for k in known if k.contact.id in fresh], prefer, limit),
        "nudge": _waiting(known, "following", NUDGE_DAYS, prefer, today, limit, _nudge_why),
        "meet": _waiting([k for k in known if not ever_met(k.history)], "follows-back",
                         MEET_DAYS, prefer, today, limit, _meet_why),
        "review": _review(db, {i for i in listed if i is not None} | mine, prefer, limit),
    }


def _follow(db: Database, known: list[_Known], prefer: Sequence[str], today: date,
            limit: int) -> list[NextStep]:
    """To-follow contacts, the longest on the list first; then the best recommendations."""
    listed = sorted((k for k in known if k.contact.status == "to-follow"),
                    key=lambda k: (_start(k, "to-follow"), *_by_name(k.contact)))
    steps = [NextStep(k.contact, _act_on(k.contact, prefer), _to_follow_why(k),
                      _start(k, "to-follow") or None) for k in listed[:limit]]
    if len(steps) < limit:
        taken = {k.contact.id for k in listed}
        try:
            found = recommend(db, RecommendRequest(limit=2 * limit + len(taken)), today=today)
        except InvalidInput:  # no profile, no interests: nothing to recommend from
            found = None
        for r in found.recommendations if found else ():
            account = _act_on(r.contact, prefer)
            followable = account is not None and account.platform != "website"
            if r.contact.id not in taken and followable and len(steps) < limit:
                best = max(r.reasons, key=lambda reason: reason.points, default=None)
                steps.append(NextStep(r.contact, account,
                                      _recommended_why(r.rank, best.signal if best else "")))
    return steps


# What a recommendation owes most to, by the signal of its best reason. `next` names the signal
# rather than quoting the reason's detail: a detail is written in the interface language only,
# and `why` is in JSON, which is the same in both languages.
_MOSTLY_FOR = {
    "topic": N_("Recommended for you (rank {rank}), above all for its topics."),
    "text": N_("Recommended for you (rank {rank}), above all for the words of its description."),
    "geography": N_("Recommended for you (rank {rank}), above all for its territory."),
    "kind": N_("Recommended for you (rank {rank}), above all for its kind of organisation."),
    "network": N_("Recommended for you (rank {rank}), above all because accounts you trust "
                  "follow it."),
    "language": N_("Recommended for you (rank {rank}), above all for its languages."),
    "trust": N_("Recommended for you (rank {rank}), above all for its verified account."),
}


def _recommended_why(rank: int, signal: str) -> Message:
    return Message(_MOSTLY_FOR.get(signal, N_("Recommended for you (rank {rank}).")),
                   {"rank": rank})


def _engage(fresh: list[_Known], prefer: Sequence[str], limit: int) -> list[NextStep]:
    """New follow-backs, the newest first."""
    chosen = [k for k in fresh if k.contact.status == "follows-back"]
    chosen.sort(key=lambda k: _by_name(k.contact))
    chosen.sort(key=lambda k: _start(k, "follows-back"), reverse=True)
    steps = []
    for k in chosen[:limit]:
        start = stage_start(k.history, "follows-back")
        seen_on = start.observed_on if start else None
        steps.append(NextStep(k.contact, _act_on(k.contact, (*filter(None, [seen_on]), *prefer)),
                              Message(N_(
                                  "Follows you back since {date}: thank them and share their "
                                  "posts."), {"date": start.date if start else "?"}),
                              start.date if start else None))
    return steps


def _waiting(known: list[_Known], status: str, days: int, prefer: Sequence[str], today: date,
             limit: int, why: Callable[[int], Message]) -> list[NextStep]:
    """Contacts at `status` for `days` days or more (by the history's dates), longest first."""
    due = []
    for k in known:
        start = stage_start(k.history, status) if k.contact.status == status else None
        if start is not None and days_since(start, today) >= days:
            due.append((start, k))
    due.sort(key=lambda item: (item[0].date, *_by_name(item[1].contact)))
    return [NextStep(k.contact, _act_on(k.contact, (*filter(None, [start.observed_on]), *prefer)),
                     why(days_since(start, today)), start.date) for start, k in due[:limit]]


def _review(db: Database, left_out: set[int], prefer: Sequence[str],
            limit: int) -> list[NextStep]:
    """Candidates, the longest-waiting first."""
    waiting = [(i, day) for i, day in waiting_candidates(db, limit=limit + len(left_out))
               if i not in left_out][:limit]
    contacts = {c.id: c for c in store.load_contacts(db, [i for i, _day in waiting])}
    return [NextStep(contacts[i], _act_on(contacts[i], prefer),
                     Message(N_(
                         "Waiting for review since {date}: tag it, then mark it to-follow or "
                         "remove it."), {"date": day}), day) for i, day in waiting]


def _act_on(contact: Contact, prefer: Sequence[str] = ()) -> Account | None:
    """The account to act on: on the first `prefer` platform that it has (where the
    organisation is), else in FOLLOW_ORDER; a website only when there is nothing else."""
    order = [*dict.fromkeys([*prefer, *FOLLOW_ORDER, "website"])]
    followable = [a for a in contact.accounts if a.platform != "website"] or [
        a for a in contact.accounts]
    return min(followable, key=lambda a: (order.index(a.platform), a.handle), default=None)


def _start(k: _Known, status: str) -> str:
    start = stage_start(k.history, status)
    return start.date if start else ""


def _by_name(contact: Contact) -> tuple[str, int]:
    return fold(contact.name), contact.id or 0


def _to_follow_why(k: _Known) -> Message:
    since = _start(k, "to-follow")
    if not since:
        return Message(N_("On your to-follow list."))
    return Message(N_("On your to-follow list since {date}."), {"date": since})


def _nudge_why(days: int) -> Message:
    return Message(N_(
        "Followed for {days} days without a follow-back: reply to or share one of their posts."), {
        "days": days})


def _meet_why(days: int) -> Message:
    return Message(N_(
        "Following each other for {days} days, never met: invite them to a meeting, a training "
        "or an exercise."), {"days": days})
