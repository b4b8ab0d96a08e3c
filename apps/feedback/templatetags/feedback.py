"""The feedback part of the session page, drawn from the courses app's template.

Courses sits below the apps that know about rounds, cohorts and feedback, so
its session page includes templates/feedback/_session.html, which asks here
for what to show this person: the facilitator guide and their cohorts'
meetings of the session (facilitators and staff), and the rating forms
(participants taking part in a round of the course).
"""

from dataclasses import dataclass, field
from datetime import datetime

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from apps.cohorts.models import Meeting
from apps.courses.models import Unit
from apps.feedback import selectors
from apps.feedback.forms import ResourceRow, SessionRatingForm
from apps.markup.render import render_markdown
from apps.rounds.models import Enrollment

register = template.Library()


@dataclass
class SessionFeedback:
    place: Enrollment | None = None
    session_form: SessionRatingForm | None = None
    session_action: str = ""
    opens_at: datetime | None = None
    is_open: bool = False
    resources: list[ResourceRow] = field(default_factory=list)
    sees_guide: bool = False
    guide_html: SafeString | None = None
    meetings: list[Meeting] = field(default_factory=list)


@register.simple_tag(takes_context=True)
def session_feedback(context, unit: Unit, *resource_lists) -> SessionFeedback:
    """What the feedback part of the session page shows the signed-in person.

    `resource_lists` are the page's resources (ResourceItem lists), so they
    are not read again. One query for people with no place in the course's
    rounds; two for a participant or a facilitator.
    """
    user = context["request"].user
    places = selectors.places_in_course(user=user, unit=unit)
    panel = SessionFeedback()
    if selectors.sees_guides(user, places):
        panel.sees_guide = True
        guide = unit.facilitator_guide
        panel.guide_html = render_markdown(guide) if guide else None
        panel.meetings = selectors.facilitated_meetings(places, unit=unit)
    place = selectors.rating_place(places)
    if place is None:
        return panel
    slug = place.round.slug
    panel.place = place
    panel.opens_at = selectors.rating_opens_at(place)
    panel.is_open = selectors.is_open_for_rating(place, timezone.now())
    panel.session_form = SessionRatingForm(initial=SessionRatingForm.initial_for(place))
    panel.session_action = reverse("feedback:rate_session", args=[slug, unit.pk])
    ratings = selectors.own_resource_ratings(enrollment=place, unit_id=unit.pk)
    panel.resources = [
        ResourceRow.answered(
            resource,
            action=reverse("feedback:rate_resource", args=[slug, resource.pk]),
            rating=ratings.get(resource.pk),
        )
        for resources in resource_lists
        for resource in resources
    ]
    return panel
