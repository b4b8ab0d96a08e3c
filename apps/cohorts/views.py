"""Cohort pages: "My cohort" for members, cohort pages and attendance for facilitators,
and the personal calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from apps.cohorts import selectors
from apps.cohorts.calendar import build_calendar
from apps.cohorts.forms import (
    AttendanceForm,
    MeetingCancelForm,
    MeetingCoverForm,
    MeetingMoveForm,
    MoveForm,
    RoundFilterForm,
    SwitchForm,
)
from apps.cohorts.models import Switch
from apps.cohorts.services import (
    CohortError,
    UnavailableSlotError,
    attendance_record,
    calendar_feed_ensure,
    calendar_feed_reset,
    cohort_move_participant,
    enrollment_drop,
    meeting_cancel,
    meeting_cover,
    meeting_move,
    participant_defer,
    participant_leave,
    participant_return,
    switch_decide,
    switch_request,
    switch_withdraw,
)
from apps.rounds.models import Enrollment
from apps.rounds.selectors import next_round_of, return_refusal
from apps.rounds.services import MAY_LEAVE

COHORTS_PER_PAGE = 25


@login_required
def my_cohort(request):
    feed = calendar_feed_ensure(user=request.user)
    context = {
        "cohorts": selectors.my_cohorts(user=request.user),
        "visits": selectors.visits_ahead(user=request.user),
        "feed_url": request.build_absolute_uri(feed.get_absolute_url()),
    }
    return render(request, "cohorts/my_cohort.html", context)


@require_POST
@login_required
def calendar_reset(request):
    calendar_feed_reset(user=request.user)
    messages.success(
        request,
        "Your calendar link is new. The old one no longer works; "
        "add the new one to your calendar app.",
    )
    return redirect(f"{reverse('cohorts:mine')}#calendar")


@require_safe
def calendar_feed(request, token):
    """The feed itself: no login, since calendar apps cannot log in; the secret is the key."""
    feed = selectors.calendar_feed_by_token(token=token)
    user = feed.user
    if not user.is_active:
        raise Http404("No such calendar.")
    mine = request.build_absolute_uri(reverse("cohorts:mine"))
    # Facilitators' events link to the cohort page they run, members' to "My cohort".
    meetings = [
        (
            meeting,
            request.build_absolute_uri(meeting.cohort.get_absolute_url())
            if meeting.viewer_leads
            else mine,
        )
        for meeting in selectors.calendar_meetings(user=user)
    ]
    # UIDs must not change between fetches; the host name makes them unique to this site.
    domain = request.get_host().split(":")[0]
    body = build_calendar(
        meetings=meetings,
        deadlines=selectors.calendar_deadlines(user=user),
        absolute=request.build_absolute_uri,
        domain=domain,
        feed_uid=f"calendar-{user.pk}@{domain}",
        stamp=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="cohort-courses.ics"'
    # The address is a secret; keep shared caches from storing what it returns.
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def cohort_list(request):
    rounds = selectors.rounds_with_cohorts_visible_to(request.user)
    filter_form = RoundFilterForm(request.GET or None, rounds=rounds)
    chosen = filter_form.cleaned_data["round"] if filter_form.is_valid() else None
    cohorts = selectors.cohort_list(user=request.user, round_id=chosen.pk if chosen else None)
    page = Paginator(cohorts, COHORTS_PER_PAGE).get_page(request.GET.get("page"))
    for cohort in page.object_list:
        cohort.slot_label = selectors.slot_label(cohort)
    return render(
        request,
        "cohorts/cohort_list.html",
        {
            "page": page,
            "filter_form": filter_form,
            "chosen_round": chosen,
            "covered": selectors.meetings_covered_by(user=request.user),
        },
    )


@login_required
def cohort_detail(request, pk):
    try:
        cohort = selectors.cohort_for_facilitator(user=request.user, pk=pk)
    except Http404:
        # A participant following a link to their own cohort lands on their page.
        if selectors.is_member_of_published(user=request.user, cohort_id=pk):
            return redirect("cohorts:mine")
        raise
    return render(
        request,
        "cohorts/cohort_detail.html",
        {"page": selectors.cohort_page(cohort=cohort), "now": timezone.now()},
    )


@login_required
def attendance(request, pk, meeting_pk):
    meeting = selectors.meeting_for_facilitator(
        user=request.user, cohort_pk=pk, pk=meeting_pk, may_cover=True
    )
    runs_cohort = selectors.cohorts_visible_to(request.user).filter(pk=pk).exists()
    placements, recorded = selectors.attendance_sheet(meeting=meeting)
    form = AttendanceForm(request.POST or None, placements=placements, recorded=recorded)
    if request.method == "POST" and form.is_valid():
        # The shortcut button marks every member present, whatever the radios say.
        everyone = "everyone_present" in request.POST
        statuses = form.everyone_present() if everyone else form.statuses()
        try:
            attendance_record(meeting=meeting, statuses=statuses, by=request.user)
        except CohortError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Attendance for {meeting.unit.display_title} is saved.")
            if not runs_cohort:
                return redirect("cohorts:list")
            return redirect(meeting.cohort.get_absolute_url())
    context = {
        "meeting": meeting,
        "cohort": meeting.cohort,
        "form": form,
        "has_started": meeting.starts_at <= timezone.now(),
        "runs_cohort": runs_cohort,
    }
    return render(request, "cohorts/attendance.html", context)


@login_required
def move_participant(request, pk, enrollment_pk):
    cohort = selectors.cohort_for_facilitator(user=request.user, pk=pk)
    enrollment = selectors.member_for_facilitator(cohort=cohort, enrollment_pk=enrollment_pk)
    candidates = selectors.move_candidates(enrollment=enrollment, current=cohort)
    form = MoveForm(request.POST or None, candidates=[c.cohort for c in candidates])
    needs_confirmation = False
    if request.method == "POST" and form.is_valid():
        target = form.chosen_cohort()
        try:
            cohort_move_participant(
                enrollment=enrollment,
                to=target,
                by=request.user,
                allow_unavailable=form.cleaned_data["move_anyway"],
            )
        except UnavailableSlotError as error:
            needs_confirmation = True
            form.add_error("move_anyway", str(error))
        except CohortError as error:
            form.add_error("to", str(error))
        else:
            messages.success(request, f"{enrollment.user.name} is now in {target.name}.")
            return redirect(cohort.get_absolute_url())
    context = {
        "cohort": cohort,
        "enrollment": enrollment,
        "candidates": candidates,
        "form": form,
        "chosen": form["to"].value(),
        "needs_confirmation": needs_confirmation,
    }
    return render(request, "cohorts/move.html", context)


@login_required
def drop_participant(request, pk, enrollment_pk):
    cohort = selectors.cohort_for_facilitator(user=request.user, pk=pk)
    enrollment = selectors.member_for_facilitator(cohort=cohort, enrollment_pk=enrollment_pk)
    error = None
    if request.method == "POST":
        try:
            enrollment_drop(enrollment=enrollment, by=request.user)
        except CohortError as exc:
            error = str(exc)
        else:
            messages.success(request, f"{enrollment.user.name} is marked as dropped out.")
            return redirect(cohort.get_absolute_url())
    return render(
        request,
        "cohorts/drop.html",
        {"cohort": cohort, "enrollment": enrollment, "error": error},
    )


@login_required
def meeting_change(request, pk, meeting_pk):
    """Move, cancel or hand over one meeting; the other meetings keep the weekly slot."""
    meeting = selectors.meeting_for_facilitator(user=request.user, cohort_pk=pk, pk=meeting_pk)
    cohort = meeting.cohort
    action = request.POST.get("action") if request.method == "POST" else None
    data = {"move": None, "cancel": None, "cover": None}
    if action in data:
        data[action] = request.POST
    # Three forms on one page, each with a reason: ids of their own, names shared.
    move_form = MeetingMoveForm(
        data["move"],
        initial={"starts_at": timezone.localtime(meeting.starts_at)},
        auto_id="move_%s",
    )
    cancel_form = MeetingCancelForm(data["cancel"], auto_id="cancel_%s")
    cover_form = MeetingCoverForm(
        data["cover"],
        auto_id="cover_%s",
        choices=selectors.substitute_choices(cohort=cohort),
        initial={"substitute": meeting.substitute_id},
    )
    absent = None
    form = {"move": move_form, "cancel": cancel_form, "cover": cover_form}.get(action)
    if form is not None and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if action == "move":
                starts_at = form.cleaned_data["starts_at"]
                absent = selectors.move_check(meeting=meeting, starts_at=starts_at)
                if absent and not form.cleaned_data["confirm"]:
                    raise CohortError(
                        "Not everyone can attend the new time; tick the box to move it anyway."
                    )
                meeting_move(meeting=meeting, starts_at=starts_at, by=request.user, reason=reason)
                done = "moved; its members are told"
            elif action == "cancel":
                meeting_cancel(meeting=meeting, by=request.user, reason=reason)
                done = "cancelled; its members are told"
            else:
                substitute = form.cleaned_data["substitute"]
                meeting_cover(
                    meeting=meeting, substitute=substitute, by=request.user, reason=reason
                )
                done = (
                    f"handed to {substitute.user.name}"
                    if substitute
                    else "back with the cohort's facilitators"
                )
        except CohortError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The meeting for {meeting.unit.display_title} is {done}.")
            return redirect(cohort.get_absolute_url())
    context = {
        "meeting": meeting,
        "cohort": cohort,
        "move_form": move_form,
        "cancel_form": cancel_form,
        "cover_form": cover_form,
        "absent": absent,
        "is_over": meeting.starts_at <= timezone.now(),
    }
    return render(request, "cohorts/meeting_change.html", context)


@login_required
@require_safe
def meeting_check(request, pk, meeting_pk):
    """The live check: who could not attend the meeting at the time in the query."""
    meeting = selectors.meeting_for_facilitator(user=request.user, cohort_pk=pk, pk=meeting_pk)
    form = MeetingMoveForm(request.GET)
    absent = None
    if form.is_valid():
        absent = selectors.move_check(meeting=meeting, starts_at=form.cleaned_data["starts_at"])
    return render(
        request,
        "cohorts/_move_check.html",
        {
            "absent": absent,
            "starts_at": form.cleaned_data.get("starts_at") if form.is_valid() else None,
        },
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
def switch(request):
    """A participant joins another cohort of their round, for one meeting or for good.

    Only cohorts whose meeting their availability covers and that have room are
    offered; the others are listed with the reason.
    """
    placement = selectors.own_placement(
        user=request.user, pk=_int_or_none(request.GET.get("placement"))
    )
    ahead = selectors.own_meetings_ahead(placement=placement)
    meeting_pk = _int_or_none(request.GET.get("meeting"))
    own_meeting = next((m for m in ahead if m.pk == meeting_pk), None)
    if meeting_pk is not None and own_meeting is None:
        raise Http404("No such meeting of yours.")
    if own_meeting is not None:
        options = selectors.visit_options(placement=placement, meeting=own_meeting)
    else:
        options = selectors.switch_options(placement=placement)
    form = SwitchForm(request.POST or None, options=options)
    if request.method == "POST" and form.is_valid():
        option = form.chosen()
        try:
            done = switch_request(
                enrollment=placement.enrollment,
                to=option.cohort,
                meeting=option.meeting,
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except CohortError as error:
            form.add_error("to", str(error))
        else:
            if done.is_pending:
                messages.success(
                    request,
                    f"Your request to join {option.cohort.name} is sent; you stay in "
                    f"{placement.cohort.name} until it is answered.",
                )
            elif option.meeting:
                messages.success(
                    request,
                    f"You join {option.cohort.name} for its meeting on "
                    f"{timezone.localtime(option.starts_at):%A %-d %B, %H:%M}.",
                )
            else:
                messages.success(request, f"You are now in {option.cohort.name}.")
            return redirect("cohorts:mine")
    context = {
        "placement": placement,
        "cohort": placement.cohort,
        "ahead": ahead,
        "own_meeting": own_meeting,
        "offered": [o for o in options if o.is_offered],
        "not_offered": [o for o in options if not o.is_offered],
        "form": form,
        "needs_approval": placement.cohort.round.switches_need_approval,
        "switches": selectors.switches_of(enrollment=placement.enrollment),
        "now": timezone.now(),
    }
    return render(request, "cohorts/switch.html", context)


@require_POST
@login_required
def switch_withdraw_view(request, pk):
    # Any of the person's own requests, in whichever round: the service says whether
    # it can still be withdrawn.
    switch = get_object_or_404(
        Switch.objects.select_related("enrollment__placement"), pk=pk, enrollment__user=request.user
    )
    try:
        switch_withdraw(switch=switch, by=request.user)
    except CohortError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Withdrawn.")
    placement = getattr(switch.enrollment, "placement", None)
    if placement is None:
        return redirect("cohorts:mine")
    return redirect(reverse("cohorts:switch") + f"?placement={placement.pk}")


@login_required
@require_safe
def switch_requests(request):
    """Requests to switch cohort waiting for the viewer's answer: as facilitator of the
    cohort asked for, or as lead facilitator of its round."""
    return render(
        request,
        "cohorts/switch_requests.html",
        {"requests": selectors.pending_switches_for(user=request.user)},
    )


@login_required
def switch_answer(request, pk):
    """The joined cohort's facilitators, or the round's lead facilitators, answer a request."""
    switch = selectors.switch_for_decider(user=request.user, pk=pk)
    error = None
    status = 200
    if request.method == "POST" and switch.is_pending:
        decision = request.POST.get("decision")
        if decision not in ("approve", "decline"):
            # Only a form that did not come from this page gets here; guessing could
            # answer a request the wrong way.
            error, status = "Choose approve or decline to answer the request.", 400
        else:
            approve = decision == "approve"
            try:
                switch_decide(switch=switch, approve=approve, by=request.user)
            except CohortError as exc:
                error = str(exc)
            else:
                verb = "approved" if approve else "declined"
                messages.success(request, f"{switch.enrollment.user.name}'s request is {verb}.")
                return redirect("cohorts:switch_requests")
    taken = selectors.seats_taken(cohort=switch.to_cohort, meeting=switch.meeting)
    return render(
        request,
        "cohorts/switch_answer.html",
        {"switch": switch, "taken": taken, "error": error},
        status=status,
    )


@login_required
def leave(request, slug):
    """A participant leaves the round (and may come back while there is room) or defers to
    the course's next round."""
    enrollment = selectors.own_enrollment(user=request.user, slug=slug)
    action = request.POST.get("action") if request.method == "POST" else None
    reason = request.POST.get("reason", "")[:1000]
    error = None
    old = getattr(enrollment, "placement", None)
    old_cohort = old.cohort if old else None
    is_left = enrollment.status == Enrollment.Status.LEFT
    options = selectors.cohort_options(enrollment=enrollment) if is_left else []
    back_into = [o for o in options if o.has_room and (o.fits or o.cohort == old_cohort)]
    try:
        if action == "leave":
            participant_leave(enrollment=enrollment, by=request.user, reason=reason)
            messages.success(
                request,
                "You have left the round. Your reminders stop; you can come back here "
                "while there is room.",
            )
            return redirect("cohorts:leave", slug=slug)
        if action == "defer":
            later = participant_defer(enrollment=enrollment, by=request.user, reason=reason)
            messages.success(request, f"Your application moves to {later.round.name}.")
            return redirect("rounds:detail", slug=later.round.slug)
        if action == "return":
            chosen = _int_or_none(request.POST.get("to"))
            option = next((o for o in back_into if o.cohort.pk == chosen), None)
            if chosen is not None and option is None:
                raise CohortError("That cohort has no room for you now; choose another.")
            if option is None and old_cohort is not None:
                raise CohortError("Choose a cohort to come back to.")
            participant_return(
                enrollment=enrollment, to=option.cohort if option else None, by=request.user
            )
            messages.success(request, "Welcome back.")
            if option is None:
                return redirect("rounds:detail", slug=slug)
            return redirect("cohorts:mine")
    except CohortError as exc:
        error = str(exc)
    context = {
        "enrollment": enrollment,
        "round": enrollment.round,
        "old_cohort": old_cohort,
        "is_left": is_left,
        "may_leave": enrollment.status in MAY_LEAVE,
        "back_into": back_into,
        "not_back_into": [o for o in options if o not in back_into],
        "next_round": next_round_of(enrollment.round),
        # Said instead of offering a way back that would be refused.
        "refusal": return_refusal(enrollment) if is_left else "",
        "error": error,
    }
    return render(request, "cohorts/leave.html", context)
