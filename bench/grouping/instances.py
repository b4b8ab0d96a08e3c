"""Seeded, realistic grouping problems for the benchmark.

People live in real IANA time zones (weighted towards Europe, the Americas and Asia) and are
free on some weekday evenings and sometimes a weekend block, in their local time. Local
times are turned into minutes of the UTC week for a fixed reference week, so daylight saving
and half-hour zones come out as they would in a real round.

``make_sparse_problem`` builds the harder kind of round most organisers actually run: a few
hundred people, scarce facilitators, and many participants who can only make one or two
narrow windows (a lunchtime, an evening, a stretch of working hours or a weekend morning),
in the week just after Europe has left summer time while North America has not yet.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apps.grouping.solver import Facilitator, Participant, Problem
from apps.rounds.cyclic_week import MINUTES_PER_WEEK

# A Monday with no daylight-saving change in any of the zones below during its week.
REFERENCE_MONDAY = datetime(2025, 10, 13, tzinfo=UTC)

ZONE_WEIGHTS: dict[str, float] = {
    # Europe
    "Europe/London": 7,
    "Europe/Berlin": 6,
    "Europe/Paris": 4,
    "Europe/Amsterdam": 3,
    "Europe/Madrid": 2,
    "Europe/Stockholm": 2,
    "Europe/Warsaw": 2,
    "Europe/Zurich": 1,
    "Europe/Dublin": 1,
    "Europe/Lisbon": 1,
    "Europe/Helsinki": 1,
    "Europe/Athens": 1,
    "Europe/Kyiv": 1,
    # The Americas
    "America/New_York": 10,
    "America/Los_Angeles": 7,
    "America/Chicago": 5,
    "America/Toronto": 3,
    "America/Denver": 2,
    "America/Vancouver": 1,
    "America/Sao_Paulo": 2,
    "America/Mexico_City": 1,
    "America/Bogota": 1,
    "America/Argentina/Buenos_Aires": 1,
    # Asia
    "Asia/Kolkata": 5,
    "Asia/Singapore": 3,
    "Asia/Shanghai": 2,
    "Asia/Tokyo": 2,
    "Asia/Seoul": 1,
    "Asia/Jakarta": 1,
    "Asia/Manila": 1,
    "Asia/Dubai": 1,
    "Asia/Jerusalem": 1,
    "Asia/Ho_Chi_Minh": 1,
    "Asia/Kathmandu": 0.3,
    # Africa and Oceania
    "Africa/Lagos": 1,
    "Africa/Nairobi": 1,
    "Africa/Johannesburg": 1,
    "Africa/Cairo": 0.5,
    "Australia/Sydney": 2,
    "Australia/Melbourne": 1,
    "Australia/Adelaide": 0.3,
    "Australia/Perth": 0.5,
    "Pacific/Auckland": 1,
}

# The Monday after Europe left summer time (26 October 2025) and before North America did
# (2 November): the week when the gap between the two is an hour off its usual value.
AFTER_DST_MONDAY = datetime(2025, 10, 27, tzinfo=UTC)

# Local evening windows as (start hour, length in hours), with weights.
EVENINGS = [((17, 3), 1), ((18, 4), 4), ((18, 3), 2), ((19, 3), 3), ((19.5, 2.5), 1), ((20, 3), 1)]
# Local weekend blocks as (day of week, start hour, length in hours); 5 = Saturday.
WEEKENDS = [(5, 9, 3), (5, 10, 4), (5, 14, 4), (6, 10, 3), (6, 14, 4), (6, 16, 3)]
EXPERIENCE_WEIGHTS = [35, 30, 20, 15]


def make_problem(
    participants: int,
    *,
    seed: int = 1,
    time_limit_seconds: float = 60,
    per_facilitator: float = 6,
) -> Problem:
    """A problem with ``participants`` people and one facilitator per ``per_facilitator``."""
    rng = random.Random(f"grouping-{participants}-{seed}")
    zones = list(ZONE_WEIGHTS)
    weights = list(ZONE_WEIGHTS.values())
    people = [
        Participant(
            id=f"p{i}",
            availability=_person_availability(rng, rng.choices(zones, weights)[0], lead=False),
            experience=(
                None if rng.random() < 0.05 else rng.choices(range(4), EXPERIENCE_WEIGHTS)[0]
            ),
        )
        for i in range(participants)
    ]
    facilitators = [
        Facilitator(
            id=f"f{i}",
            availability=_person_availability(rng, rng.choices(zones, weights)[0], lead=True),
            max_cohorts=rng.choice((1, 2)),
        )
        for i in range(max(1, round(participants / per_facilitator)))
    ]
    return Problem(
        slot_minutes=30,
        meeting_minutes=90,
        min_size=4,
        max_size=8,
        target_size=6,
        time_limit_seconds=time_limit_seconds,
        participants=people,
        facilitators=facilitators,
    )


def _person_availability(rng: random.Random, zone: str, *, lead: bool) -> list[tuple[int, int]]:
    """A few local weekday evenings and maybe a weekend block, as UTC-week intervals.

    About 1% of participants give nothing and 1% only give an hour; facilitators are a
    little more generous with evenings and weekends.
    """
    roll = rng.random()
    if not lead and roll < 0.01:
        return []
    if not lead and roll < 0.02:
        day = rng.randrange(5)
        return [_utc_interval(zone, day, 19, 1)]
    evenings = rng.choices([1, 2, 3, 4, 5], [1, 3, 4, 3, 1] if not lead else [1, 2, 4, 4, 3])[0]
    (hour, hours) = rng.choices([e for e, _ in EVENINGS], [w for _, w in EVENINGS])[0]
    intervals = [_utc_interval(zone, day, hour, hours) for day in rng.sample(range(5), evenings)]
    if rng.random() < (0.6 if lead else 0.4):
        day, hour, hours = rng.choice(WEEKENDS)
        intervals.append(_utc_interval(zone, day, hour, hours))
    return intervals


# Kinds of window in the sparse rounds: (name, weight, days it can fall on, choices of
# (local start hour, length in hours)). Lunchtimes are a single meeting long.
SPARSE_WINDOWS = [
    ("evening", 5, range(5), [(18, 2), (18, 3), (19, 2), (19, 3), (17.5, 2.5), (20, 2)]),
    ("lunchtime", 2, range(5), [(12, 1.5), (12, 2), (11.5, 2)]),
    ("working hours", 2, range(5), [(9, 3), (13, 4), (10, 2), (14, 3), (9, 8)]),
    ("weekend", 2, range(5, 7), [(9, 3), (10, 2), (14, 3), (16, 2), (10, 4)]),
]


def make_sparse_problem(
    participants: int,
    *,
    seed: int = 1,
    per_facilitator: float = 8,
    time_limit_seconds: float = 60,
) -> Problem:
    """A small round with scarce facilitators and many people free only once or twice a week.

    About half the participants give a single window, a third two and the rest three or
    four, each a lunchtime, an evening, some working hours or a weekend block; facilitators
    give two to six and may lead up to three cohorts. All in the week after a daylight
    saving change (``AFTER_DST_MONDAY``).
    """
    rng = random.Random(f"grouping-sparse-{participants}-{per_facilitator:g}-{seed}")
    zones = list(ZONE_WEIGHTS)
    weights = list(ZONE_WEIGHTS.values())

    def windows(count: int) -> list[tuple[int, int]]:
        zone = rng.choices(zones, weights)[0]
        intervals = []
        for _ in range(count):
            _, _, days, blocks = rng.choices(SPARSE_WINDOWS, [w[1] for w in SPARSE_WINDOWS])[0]
            hour, hours = rng.choice(blocks)
            intervals.append(_utc_interval(zone, rng.choice(days), hour, hours, AFTER_DST_MONDAY))
        return intervals

    people = [
        Participant(
            id=f"p{i}",
            availability=windows(rng.choices([1, 2, 3, 4], [45, 30, 17, 8])[0]),
            experience=rng.choices(range(4), EXPERIENCE_WEIGHTS)[0],
        )
        for i in range(participants)
    ]
    facilitators = [
        Facilitator(
            id=f"f{i}",
            availability=windows(rng.randint(2, 6)),
            max_cohorts=rng.choices([1, 2, 3], [45, 35, 20])[0],
        )
        for i in range(max(1, round(participants / per_facilitator)))
    ]
    return Problem(
        slot_minutes=30,
        meeting_minutes=90,
        min_size=4,
        max_size=8,
        target_size=6,
        time_limit_seconds=time_limit_seconds,
        participants=people,
        facilitators=facilitators,
    )


def _utc_interval(
    zone: str, day: int, hour: float, hours: float, monday: datetime = REFERENCE_MONDAY
) -> tuple[int, int]:
    """A local ``day``/``hour`` block in ``zone`` as a (start, end) interval of the UTC week."""
    local_midnight = (monday + timedelta(days=day)).replace(tzinfo=None)
    local = (local_midnight + timedelta(hours=hour)).replace(tzinfo=ZoneInfo(zone))
    minutes = int((local - monday).total_seconds() // 60) % MINUTES_PER_WEEK
    return (minutes, minutes + round(hours * 60))
