"""The relationship loop's rules, pure: what an observation on the networks does to a status,
how long a contact has been at a stage, and the funnel of stages reached."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from .models import RelationEvent

# The stages a relationship climbs (contract: status), and the statuses an observation that
# the organisation follows a contact lifts to `following` (a re-follow lifts `unfollowed`).
FUNNEL: tuple[str, ...] = ("following", "follows-back", "met", "collaborating")
BELOW_FOLLOWING: frozenset[str] = frozenset({"none", "candidate", "to-follow", "unfollowed"})
NEVER_MET: frozenset[str] = frozenset({"met", "collaborating"})


@dataclass(frozen=True)
class Observation:
    """What `sync` read of one of a contact's accounts against one of the organisation's:
    True or False when the platform said so completely, None when it could not tell (a failed
    request, a hidden or partly read list)."""

    platform: str
    account: str  # the contact's handle
    own: str  # the organisation's handle
    following: bool | None  # the organisation follows the account
    followed_by: bool | None  # the account follows the organisation


@dataclass(frozen=True)
class Change:
    """A status a sync moves a contact to, and the observation that shows it."""

    status: str
    seen: Observation


def observed_change(current: str, seen: Sequence[Observation], *,
                    synced_on: str | None) -> Change | None:
    """The status that what was `seen` moves a contact at `current` to, or None.

    Forward only: `none`, `candidate`, `to-follow` (and `unfollowed`, for a re-follow) become
    `following` when the organisation follows one of the contact's accounts, `follows-back`
    when one of them also follows it back; `met` and `collaborating` never move. A contact
    becomes `unfollowed` only when its current status came from a sync on a platform
    (`synced_on`; None when a person recorded it) that now says, completely, that none of its
    accounts there is followed.
    """
    mutual = next((o for o in seen if o.following and o.followed_by), None)
    followed = next((o for o in seen if o.following), None)
    if mutual is not None and (current in BELOW_FOLLOWING or current == "following"):
        return Change("follows-back", mutual)
    if followed is not None and current in BELOW_FOLLOWING:
        return Change("following", followed)
    if followed is None and synced_on is not None and current in ("following", "follows-back"):
        there = [o for o in seen if o.platform == synced_on]
        if there and all(o.following is False for o in there):
            return Change("unfollowed", there[0])
    return None


def synced_platform(history: Sequence[RelationEvent], current: str) -> str | None:
    """The platform whose sync set the `current` status (the history's latest step), or None
    when a person recorded it (or the history does not end at that status)."""
    if history and history[-1].status == current:
        return history[-1].observed_on
    return None


def stage_start(history: Sequence[RelationEvent], status: str) -> RelationEvent | None:
    """The step that began the history's last run of `status`: since when a contact is at it."""
    start = None
    for event in reversed(history):
        if event.status != status:
            break
        start = event
    return start


def days_since(event: RelationEvent, today: date) -> int:
    return (today - date.fromisoformat(event.date)).days


def ever_met(history: Iterable[RelationEvent]) -> bool:
    return any(event.status in NEVER_MET for event in history)


@dataclass(frozen=True)
class FunnelStage:
    """How many contacts reached a stage, and how many of them went on to the next one."""

    stage: str
    reached: int
    went_on: int | None  # None for the last stage

    @property
    def share(self) -> float | None:
        """The share of those who reached this stage and went on to the next."""
        if self.went_on is None or not self.reached:
            return None
        return self.went_on / self.reached


def relationship_funnel(statuses: Mapping[int, Iterable[str]]) -> list[FunnelStage]:
    """The funnel from each contact's statuses (its current one and every one in its history):
    a contact reached a stage when one of them is that stage or a later one, so a contact met
    at a conference before any follow counts as followed and followed back too, and one
    unfollowed since still counts where it went."""
    highest = [max((FUNNEL.index(s) for s in held if s in FUNNEL), default=-1)
               for held in statuses.values()]
    reached = [sum(1 for top in highest if top >= rank) for rank in range(len(FUNNEL))]
    return [FunnelStage(stage, reached[rank],
                        reached[rank + 1] if rank + 1 < len(FUNNEL) else None)
            for rank, stage in enumerate(FUNNEL)]
