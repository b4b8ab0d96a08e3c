"""Grouping pages for staff: start a run, watch it, review and adjust the drafts, publish.

Every view fetches the round through ``selectors.round_for_grouping``, so anyone who may
not run grouping gets a 404. Times are shown in the viewer's zone, with the cohort's own
zone alongside.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from apps.cohorts.services import CohortError, cohort_slot_start
from apps.grouping import selectors
from apps.grouping.forms import (
    FacilitatorForm,
    MoveForm,
    PreferencesForm,
    PublishForm,
    RunForm,
    TimeForm,
)
from apps.grouping.services import (
    GroupingError,
    NeedsConfirmation,
    draft_move_participant,
    draft_reschedule,
    draft_set_facilitator,
    drafts_publish,
    grouping_preference_set,
    grouping_run_start,
    late_applicant_place,
)
from apps.grouping.tasks import run_grouping
from apps.rounds import weekgrid
from apps.rounds.forms import DAY_NAMES


def _review_url(round, cohort_pk: int | None = None) -> str:
    url = reverse("grouping:round", args=[round.slug])
    return f"{url}#cohort-{cohort_pk}" if cohort_pk else url


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_safe
def index(request):
    if not selectors.can_run_grouping(request.user, None):
        raise Http404("No such page.")
    return render(
        request, "grouping/index.html", {"rounds": selectors.round_list(user=request.user)}
    )


@login_required
@require_safe
def round_page(request, slug):
    round = selectors.round_for_grouping(user=request.user, slug=slug)
    return render(request, "grouping/round.html", {"page": selectors.review(round=round)})


@login_required
@require_POST
def start(request, slug):
    round = selectors.round_for_grouping(user=request.user, slug=slug)
    form = RunForm(request.POST)
    valid = form.is_valid()
    only_unplaced = valid and form.cleaned_data["only_unplaced"]
    fill_published = valid and form.cleaned_data["fill_published"]
    try:
        run = grouping_run_start(
            round=round, by=request.user, only_unplaced=only_unplaced, fill_published=fill_published
        )
    except GroupingError as error:
        messages.error(request, str(error))
    else:
        run_grouping.delay_on_commit(run.pk)
        if fill_published:
            done = "Grouping has started: accepted people go into published cohorts with room."
        elif only_unplaced:
            done = "Grouping has started for the people outside the draft cohorts."
        else:
            done = "Grouping has started. The draft cohorts appear here when it is done."
        messages.success(request, done)
    return redirect(_review_url(round))


@login_required
@require_safe
def run_status(request, slug, pk):
    """The run's progress as a fragment, polled every second while the run is under way."""
    round = selectors.round_for_grouping(user=request.user, slug=slug)
    run = selectors.run_for_round(round=round, pk=pk)
    active = run.status in selectors.ACTIVE_RUN_STATUSES
    response = render(
        request, "grouping/_run.html", {"round": round, "run": run, "run_is_active": active}
    )
    if _is_htmx(request) and not active:
        # The drafts changed: show the whole page again rather than this fragment alone.
        response["HX-Refresh"] = "true"
    return response


@login_required
def move(request, slug, enrollment_pk):
    round = selectors.round_for_grouping(user=request.user, slug=slug)
    state = selectors.round_state(round=round)
    person = selectors.participant_in(state, enrollment_pk)
    options = selectors.move_options(state, person)
    current = state.by_pk.get(state.cohort_of.get(person.pk))
    form = MoveForm(
        request.POST if request.method == "POST" else None,
        cohorts=[o.cohort for o in options],
        can_unplace=current is not None,
    )
    needs_confirmation = False
    if request.method == "POST" and form.is_valid():
        target = form.target_id()
        try:
            draft_move_participant(
                round=round,
                enrollment_id=person.pk,
                to_cohort_id=target,
                by=request.user,
                allow_unavailable=form.cleaned_data["move_anyway"],
            )
        except NeedsConfirmation as error:
            needs_confirmation = True
            form.add_error("move_anyway", str(error))
        except GroupingError as error:
            form.add_error("to", str(error))
        else:
            where = state.by_pk[target].name if target else "no cohort"
            messages.success(request, f"{person.user.name} is now in {where}.")
            return redirect(_review_url(round, target))
    context = {
        "round": round,
        "person": person,
        "current": current,
        "current_fits": current is not None and state.can_attend(person.pk, current.slot_start),
        "options": options,
        "form": form,
        "chosen": form["to"].value(),
        "needs_confirmation": needs_confirmation,
    }
    return render(request, "grouping/move.html", context)


def _change_forms(request, state, cohort, *, data=None, bound: str = ""):
    """The time and facilitator forms of a draft cohort; the one named by ``bound`` gets data."""
    viewer_zone = request.user.time_zone
    weekday, local_time = weekgrid.slot_in_zone(
        cohort.slot_start, zone=viewer_zone, week_of=state.round.starts_on
    )
    time_form = TimeForm(
        data if bound == "time" else None,
        prefix="time",
        viewer_zone=viewer_zone,
        cohort_zone=cohort.time_zone,
        initial={"weekday": weekday, "time": local_time},
    )
    lead_form = FacilitatorForm(
        data if bound == "lead" else None,
        prefix="lead",
        facilitators=selectors.facilitator_choices(state),
    )
    return time_form, lead_form


def _time_check(state, cohort, form):
    slot_start = cohort_slot_start(
        round=state.round,
        time_zone=form.cleaned_data["zone"],
        weekday=form.cleaned_data["weekday"],
        local_time=form.cleaned_data["time"],
    )
    return selectors.change_check(state, cohort, slot_start=slot_start, lead_ids=cohort.lead_ids)


def _lead_check(state, cohort, form):
    return selectors.change_check(
        state, cohort, slot_start=cohort.slot_start, lead_ids=[form.cleaned_data["facilitator"]]
    )


@login_required
def cohort(request, slug, pk):
    """Change a draft cohort's time or facilitator, checking first who could still attend."""
    round = selectors.round_for_grouping(user=request.user, slug=slug)
    state = selectors.round_state(round=round)
    draft = selectors.draft_in(state, pk)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    time_form, lead_form = _change_forms(
        request, state, draft, data=request.POST, bound=action.rpartition("-")[2]
    )
    time_check = lead_check = None
    if action in ("check-time", "save-time") and time_form.is_valid():
        time_check = _time_check(state, draft, time_form)
        if action == "save-time":
            try:
                draft_reschedule(
                    round=round,
                    cohort_id=draft.pk,
                    weekday=time_form.cleaned_data["weekday"],
                    local_time=time_form.cleaned_data["time"],
                    time_zone=time_form.cleaned_data["zone"],
                    by=request.user,
                    confirmed=time_form.cleaned_data["confirm"],
                )
            except NeedsConfirmation as error:
                time_form.add_error("confirm", str(error))
            except GroupingError as error:
                time_form.add_error(None, str(error))
            else:
                messages.success(request, f"{draft.name} has a new meeting time.")
                return redirect(_review_url(round, draft.pk))
    elif action in ("check-lead", "save-lead") and lead_form.is_valid():
        lead_check = _lead_check(state, draft, lead_form)
        if action == "save-lead":
            try:
                draft_set_facilitator(
                    round=round,
                    cohort_id=draft.pk,
                    facilitator_id=lead_form.cleaned_data["facilitator"],
                    by=request.user,
                    confirmed=lead_form.cleaned_data["confirm"],
                )
            except NeedsConfirmation as error:
                lead_form.add_error("confirm", str(error))
            except GroupingError as error:
                lead_form.add_error(None, str(error))
            else:
                messages.success(request, f"{draft.name} has a new facilitator.")
                return redirect(_review_url(round, draft.pk))
    context = {
        "round": round,
        "item": selectors.cohort_review(state, draft),
        "time_form": time_form,
        "lead_form": lead_form,
        "time_check": time_check,
        "lead_check": lead_check,
    }
    return render(request, "grouping/cohort.html", context)


@login_required
@require_safe
def check(request, slug, pk):
    """The live check: who could not attend with the time or facilitator in the query."""
    round = selectors.round_for_grouping(user=request.user, slug=slug)
    state = selectors.round_state(round=round)
    draft = selectors.draft_in(state, pk)
    kind = request.GET.get("kind")
    if kind not in ("time", "lead"):
        raise Http404("Unknown check.")
    time_form, lead_form = _change_forms(request, state, draft, data=request.GET, bound=kind)
    form = time_form if kind == "time" else lead_form
    result = None
    if form.is_valid():
        result = (_time_check if kind == "time" else _lead_check)(state, draft, form)
    return render(request, "grouping/_check.html", {"check": result, "kind": kind, "form": form})


@login_required
def publish(request, slug):
    round = selectors.round_for_grouping(user=request.user, slug=slug)
    # Bound on every POST: an empty one (no box to tick) is a valid request to publish.
    form = PublishForm(request.POST if request.method == "POST" else None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            done = drafts_publish(
                round=round, by=request.user, confirmed=form.cleaned_data["confirm"]
            )
        except NeedsConfirmation as error:
            preview = error.check
            form.add_error("confirm", str(error))
        except GroupingError as error:
            form.add_error(None, str(error))
        else:
            count = len(done.to_publish)
            messages.success(
                request,
                f"Published {count} cohort{'s' if count != 1 else ''}. Their members and "
                "facilitators can now see them and their meetings.",
            )
            return redirect(_review_url(round))
    context = {
        "round": round,
        "preview": preview or selectors.publish_preview(round=round),
        "form": form,
    }
    return render(request, "grouping/publish.html", context)


@login_required
def preferences(request, slug):
    """A facilitator's wishes for the cohorts they lead: preferred times and size."""
    enrollment = selectors.facilitator_for_preferences(user=request.user, slug=slug)
    round = enrollment.round
    zone = request.user.time_zone
    stored = selectors.preference_of(enrollment)
    form = PreferencesForm(
        request.POST if request.method == "POST" else None,
        selected=selectors.preferred_cells(stored, zone=zone, week_of=round.starts_on),
        round=round,
        preferred_size=stored.preferred_size if stored else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            grouping_preference_set(
                enrollment=enrollment,
                cells=form.cleaned_data["cells"],
                time_zone=zone,
                preferred_size=form.cleaned_data["preferred_size"],
            )
        except GroupingError as error:
            form.add_error("preferred_size", str(error))
        else:
            messages.success(request, "Your wishes for grouping are saved.")
            return redirect("grouping:preferences", slug=round.slug)
    context = {"round": round, "form": form, "day_names": DAY_NAMES, "zone": zone}
    return render(request, "grouping/preferences.html", context)


@login_required
def late(request, slug):
    """Applicants after publication: proposed cohorts with room that fit, placed in one click."""
    round = selectors.round_for_grouping(user=request.user, slug=slug)
    applicants = selectors.late_applicants(round=round)
    error = None
    if request.method == "POST":
        person = next(
            (a for a in applicants if str(a.enrollment.pk) == request.POST.get("enrollment")), None
        )
        proposal = person and next(
            (p for p in person.proposals if str(p.cohort.pk) == request.POST.get("cohort")), None
        )
        if proposal is None:
            error = "That cohort is no longer proposed for them; the list below is up to date."
        else:
            try:
                late_applicant_place(
                    enrollment=person.enrollment, cohort=proposal.cohort, by=request.user
                )
            except CohortError as exc:
                error = str(exc)
            else:
                messages.success(
                    request,
                    f"{person.enrollment.user.name} is accepted and placed in "
                    f"{proposal.cohort.name}; its facilitators are told.",
                )
                return redirect("grouping:late", slug=round.slug)
        applicants = selectors.late_applicants(round=round)
    return render(
        request, "grouping/late.html", {"round": round, "applicants": applicants, "error": error}
    )
