from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from apps.reminders.emails import read_unsubscribe_token
from apps.reminders.models import Kind, Preference
from apps.reminders.services import notifications_mark_read, preference_set

PARTICIPANT_KINDS = [
    Kind.MEETING_TOMORROW,
    Kind.EXERCISE_DUE,
    Kind.REVISION_WAITING,
    Kind.REVIEWS_DUE,
    Kind.MILESTONE_CHECKIN,
]
FACILITATOR_KINDS = [Kind.GRADING_WAITING, Kind.ATTENDANCE_MISSING]


@csrf_exempt  # mail clients post here for one-click unsubscribe (RFC 8058); the token is the proof
def unsubscribe(request, token):
    try:
        user_id, kind = read_unsubscribe_token(token)
        user = get_user_model().objects.get(pk=user_id)
        label = Kind(kind).label
    except (signing.BadSignature, get_user_model().DoesNotExist, ValueError):
        return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    if done:
        preference_set(user=user, kind=kind, email=False)
    return render(
        request, "reminders/unsubscribe.html", {"label": label, "done": done, "email": user.email}
    )


@login_required
def preferences(request):
    chosen = dict(Preference.objects.filter(user=request.user).values_list("kind", "email"))
    if request.method == "POST":
        for kind in PARTICIPANT_KINDS + FACILITATOR_KINDS:
            preference_set(user=request.user, kind=kind, email=f"email-{kind}" in request.POST)
        preference_set(
            user=request.user, kind=Kind.FACILITATOR_DIGEST, email="digest" in request.POST
        )
        messages.success(request, "Your email choices are saved.")
        return redirect("reminders:preferences")
    return render(
        request,
        "reminders/preferences.html",
        {
            "participant_rows": _rows(PARTICIPANT_KINDS, chosen),
            "facilitator_rows": _rows(FACILITATOR_KINDS, chosen),
            "digest": chosen.get(Kind.FACILITATOR_DIGEST, False),
        },
    )


def _rows(kinds, chosen):
    """(kind, label, on) for a preferences form; a kind nobody chose is on."""
    return [(kind, Kind(kind).label, chosen.get(kind, True)) for kind in kinds]


@login_required
def notifications(request):
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("reminders:notifications")
    page = Paginator(request.user.notifications.all(), 25).get_page(request.GET.get("page"))
    return render(request, "reminders/notifications.html", {"page": page})
