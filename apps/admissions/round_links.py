"""The admissions pages, linked from a round's page for those who may open them."""

from apps.rounds.round_links import RoundLink, register

register(
    RoundLink(
        label="Your application and any offer of a place",
        url_name="admissions:place",
        shown=lambda viewer: viewer.enrollment is not None and not viewer.enrollment.is_facilitator,
    )
)
register(
    RoundLink(
        label="Applications: scores and decisions",
        url_name="admissions:round",
        shown=lambda viewer: viewer.may_lead,
    )
)
register(
    RoundLink(
        label="Applications for me to score",
        url_name="admissions:reviews",
        shown=lambda viewer: viewer.may_lead,
    )
)
