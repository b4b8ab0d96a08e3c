"""The round's analytics, for those who lead it."""

from apps.rounds.round_links import RoundLink, register

register(
    RoundLink(
        label="Analytics: who applied, took part and finished, and how each session went",
        url_name="analytics:round",
        shown=lambda viewer: viewer.may_lead,
    )
)
