"""How many of the people counted did the readings, handed in and attended."""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass
class Tally:
    """Counts with a base each: shares are only taken where a figure applies.

    People are only counted for readings where the session has resources, for
    submissions where it has exercises, and for attendance where their
    cohort's meeting has taken place. Tallies add up, so a cohort's tallies
    make the round's.
    """

    participants: int = 0
    readings: int = 0
    readings_base: int = 0
    submitted: int = 0
    submitted_base: int = 0
    attended: int = 0
    attended_base: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            participants=self.participants + other.participants,
            readings=self.readings + other.readings,
            readings_base=self.readings_base + other.readings_base,
            submitted=self.submitted + other.submitted,
            submitted_base=self.submitted_base + other.submitted_base,
            attended=self.attended + other.attended,
            attended_base=self.attended_base + other.attended_base,
        )

    @property
    def readings_share(self) -> float | None:
        return share(self.readings, self.readings_base)

    @property
    def submitted_share(self) -> float | None:
        return share(self.submitted, self.submitted_base)

    @property
    def attended_share(self) -> float | None:
        return share(self.attended, self.attended_base)

    @property
    def readings_percent(self) -> int | None:
        return percent(self.readings_share)

    @property
    def submitted_percent(self) -> int | None:
        return percent(self.submitted_share)

    @property
    def attended_percent(self) -> int | None:
        return percent(self.attended_share)


def add_up(tallies: Iterable[Tally]) -> Tally:
    return sum(tallies, Tally())


def share(part: int, whole: int) -> float | None:
    """`part` of `whole`, or None where there is nothing to take a share of."""
    return part / whole if whole else None


def percent(share: float | None) -> int | None:
    return None if share is None else round(100 * share)
