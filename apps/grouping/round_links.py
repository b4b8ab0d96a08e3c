"""Grouping pages, linked from a round's page: the cohorts for those who lead the round,
and each facilitator's own wishes."""

from apps.rounds.round_links import RoundLink, register

register(
    RoundLink(
        label="Grouping and cohorts",
        url_name="grouping:round",
        shown=lambda viewer: viewer.may_lead,
    )
)
register(
    RoundLink(
        label="Your wishes for grouping: preferred times and cohort size",
        url_name="grouping:preferences",
        shown=lambda viewer: (
            viewer.enrollment is not None
            and viewer.enrollment.is_facilitator
            and viewer.enrollment.is_eligible
        ),
    )
)
