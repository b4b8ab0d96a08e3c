"""Every cohort's progress through the round, for staff."""

from apps.rounds.round_links import RoundLink, register

register(
    RoundLink(
        label="Progress of all cohorts",
        url_name="progress:round",
        shown=lambda viewer: viewer.user.is_staff,
    )
)
