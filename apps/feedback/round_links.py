"""What participants said about the round's sessions and readings, for those who lead it."""

from apps.rounds.round_links import RoundLink, register

register(
    RoundLink(
        label="Feedback on sessions and readings",
        url_name="feedback:round",
        shown=lambda viewer: viewer.may_lead,
    )
)
