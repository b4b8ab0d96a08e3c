"""Feedback pages: participants rate sessions and resources; facilitators read it and keep notes.

The rating forms live on the session page (templates/feedback/_session.html,
drawn by the `session_feedback` tag) and post here. With htmx a form is
swapped in place and a live region on the session page says what was saved;
without JavaScript the post redirects back to the session, or shows the form
on a page of its own when something needs fixing, with what was typed kept.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from apps.feedback import selectors
from apps.feedback.forms import (
    MeetingNoteForm,
    ResourceRatingForm,
    ResourceRow,
    SessionRatingForm,
)
from apps.feedback.selectors import is_open_for_rating, rating_opens_at
from apps.feedback.services import (
    FeedbackError,
    meeting_note_save,
    resource_rating_save,
    session_rating_save,
)


def _posted(request):
    """The form data of a POST, even an empty one; None for a GET."""
    return request.POST if request.method == "POST" else None


def _saved_or_error(request, *, fragment, page, context, saved_message, back_to):
    """Answer a rating post: in place for htmx, else a redirect or the form's own page."""
    if request.headers.get("HX-Request"):
        # htmx swaps only successful answers, so a form with errors comes back as 200 too.
        context["status_message"] = saved_message
        return render(request, fragment, context)
    if saved_message:
        messages.success(request, saved_message)
        return redirect(back_to)
    return render(request, page, context, status=400)


@require_http_methods(["GET", "POST"])
@login_required
def rate_session(request, slug, unit_pk):
    place, unit = selectors.place_for_rating(user=request.user, slug=slug, unit_pk=unit_pk)
    form = SessionRatingForm(_posted(request), initial=SessionRatingForm.initial_for(place))
    saved = ""
    if request.method == "POST" and form.is_valid():
        try:
            session_rating_save(
                enrollment=place,
                unit=unit,
                rating=form.cleaned_data["rating"],
                comment=form.cleaned_data["comment"],
            )
        except FeedbackError as error:
            form.add_error(None, str(error))
        else:
            saved = f"Saved your rating of Session {unit.number}."
    context = {
        "unit": unit,
        "form": form,
        "action": request.path,
        "opens_at": rating_opens_at(place),
        "is_open": is_open_for_rating(place, timezone.now()),
    }
    if request.method == "GET":
        return render(request, "feedback/rate_session.html", context)
    return _saved_or_error(
        request,
        fragment="feedback/_session_form_response.html",
        page="feedback/rate_session.html",
        context=context,
        saved_message=saved,
        back_to=f"{unit.get_absolute_url()}#session-rating",
    )


@require_http_methods(["GET", "POST"])
@login_required
def rate_resource(request, slug, resource_pk):
    place, resource = selectors.resource_for_rating(
        user=request.user, slug=slug, resource_pk=resource_pk
    )
    form = ResourceRatingForm(_posted(request), prefix=ResourceRatingForm.prefix_for(resource.pk))
    saved = ""
    if request.method == "POST" and form.is_valid():
        try:
            resource_rating_save(
                enrollment=place,
                resource=resource,
                worth_it=form.cleaned_data["worth_it"],
                note=form.cleaned_data["note"],
            )
        except FeedbackError as error:
            form.add_error(None, str(error))
        else:
            saved = f"Saved your answer about “{resource.title}”."
    if request.method == "GET":
        answered = selectors.own_resource_ratings(enrollment=place, unit_id=resource.unit_id)
        row = ResourceRow.answered(resource, action=request.path, rating=answered.get(resource.pk))
    else:
        row = ResourceRow.from_form(resource, action=request.path, form=form)
    context = {"unit": resource.unit, "resource": resource, "rows": [row]}
    if request.method == "GET":
        return render(request, "feedback/rate_resource.html", context)
    return _saved_or_error(
        request,
        fragment="feedback/_resource_form_response.html",
        page="feedback/rate_resource.html",
        context=context,
        saved_message=saved,
        back_to=f"{resource.unit.get_absolute_url()}#resource-rating-{resource.pk}",
    )


# Facilitators, leads and staff ------------------------------------------------------------


@require_safe
@login_required
def cohort(request, pk):
    cohort = selectors.cohort_for_feedback(user=request.user, pk=pk)
    now = timezone.now()
    meetings = selectors.cohort_meetings_with_feedback(cohort=cohort)
    context = {
        "cohort": cohort,
        # Lead facilitators read every cohort's feedback but run only their own cohorts.
        "back_url": reverse("cohorts:detail", args=[cohort.pk])
        if selectors.runs_cohort(user=request.user, cohort=cohort)
        else reverse("feedback:round", args=[cohort.round.slug]),
        "past": [m for m in meetings if m.starts_at <= now],
        "upcoming": [m for m in meetings if m.starts_at > now and not m.is_cancelled],
    }
    return render(request, "feedback/cohort.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def meeting(request, pk, meeting_pk):
    meeting = selectors.meeting_for_feedback(user=request.user, cohort_pk=pk, pk=meeting_pk)
    author = selectors.note_author(user=request.user, cohort=meeting.cohort)
    own = meeting.notes.filter(author=author).first() if author else None
    form = MeetingNoteForm(_posted(request), initial={"text": own.text if own else ""})
    status = 200
    if request.method == "POST":
        if author is None:
            form.add_error(None, "Only the cohort's facilitators write notes on its meetings.")
        elif form.is_valid():
            try:
                meeting_note_save(meeting=meeting, author=author, text=form.cleaned_data["text"])
            except FeedbackError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Your notes are saved.")
                return redirect("feedback:meeting", pk=pk, meeting_pk=meeting_pk)
        status = 400
    context = {
        "page": selectors.meeting_feedback(meeting=meeting),
        "cohort": meeting.cohort,
        "author": author,
        "form": form,
        "upcoming": meeting.ends_at > timezone.now(),
    }
    return render(request, "feedback/meeting.html", context, status=status)


@require_safe
@login_required
def round_overview(request, slug):
    round = selectors.round_for_lead(user=request.user, slug=slug)
    context = {
        "round": round,
        "units": selectors.unit_rating_summaries(round=round),
        "resources": selectors.resource_rating_summaries(round=round),
        "cohorts": selectors.feedback_cohorts(request.user).filter(round=round).order_by("name"),
    }
    return render(request, "feedback/round.html", context)
