"""The home page: what to do now, for each role the person has."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from apps.cohorts.services import calendar_feed_ensure
from apps.home.selectors.facilitator import facilitated_cohorts
from apps.home.selectors.participant import participant_rounds
from apps.home.selectors.staff import rounds_in_progress
from apps.reminders.selectors import unread_notifications
from apps.rounds.selectors import rounds_open_for_applications

NOTIFICATIONS_SHOWN = 3


@require_safe
def home(request):
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/welcome.html")
    now = timezone.now()
    # The person's own date: the middleware has activated their zone.
    today = timezone.localdate(now)
    participating = participant_rounds(user=user, now=now, today=today)
    facilitating = facilitated_cohorts(user=user, now=now, today=today)
    context = {
        "current": [r for r in participating if not r.week.is_over],
        "past": [r for r in participating if r.week.is_over],
        "facilitating": facilitating,
        "rounds_in_progress": rounds_in_progress(today=today) if user.is_staff else [],
        "notifications": list(unread_notifications(user=user)[:NOTIFICATIONS_SHOWN]),
    }
    if any(r.cohort for r in context["current"]) or facilitating:
        feed = calendar_feed_ensure(user=user)
        # webcal: asks the calendar app to subscribe, so it keeps fetching changes.
        context["calendar_url"] = request.build_absolute_uri(feed.get_absolute_url()).replace(
            request.scheme, "webcal", 1
        )
    if not (participating or facilitating or user.is_staff):
        # Not the rounds they have left or been turned down for: they cannot apply again.
        context["open_rounds"] = rounds_open_for_applications(user=user, now=now).exclude(
            enrollments__user=user
        )
    return render(request, "home/home.html", context)
