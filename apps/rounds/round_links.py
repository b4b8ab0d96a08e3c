"""Links that higher apps add to a round's page, without the rounds app knowing them.

Each app that has a page about a round for some of the people who open it
(admissions: the applicant's own place, the organisers' ranked list)
registers a `RoundLink` in its own `round_links.py`, which
`RoundsConfig.ready()` imports at start-up, the way the admin finds `admin.py`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse

from apps.rounds.models import Enrollment, Round


@dataclass(frozen=True)
class Viewer:
    """What the round's page already knows about the person looking at it."""

    user: object
    enrollment: Enrollment | None
    may_lead: bool


@dataclass(frozen=True)
class RoundLink:
    label: str
    url_name: str  # takes the round's slug
    shown: Callable[[Viewer], bool]


@dataclass(frozen=True)
class Shown:
    label: str
    url: str


_links: list[RoundLink] = []


def register(link: RoundLink) -> RoundLink:
    _links.append(link)
    return link


def links_for(*, round: Round, viewer: Viewer) -> list[Shown]:
    """The registered links this person sees on the round's page, in registration order."""
    return [
        Shown(link.label, reverse(link.url_name, args=[round.slug]))
        for link in _links
        if link.shown(viewer)
    ]
