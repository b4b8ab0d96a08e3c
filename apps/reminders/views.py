from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from apps.reminders import registry
from apps.reminders.emails import read_unsubscribe_token
from apps.reminders.selectors import preference_sections
from apps.reminders.services import notifications_mark_read, preference_set


@csrf_exempt  # mail clients post here for one-click unsubscribe (RFC 8058); the token is the proof
def unsubscribe(request, token):
    try:
        user_id, slug = read_unsubscribe_token(token)
        user = get_user_model().objects.get(pk=user_id)
        kind = registry.get(slug)
    except (signing.BadSignature, get_user_model().DoesNotExist, LookupError):
        return render(request, "reminders/unsubscribe.html", {"invalid": True}, status=400)
    done = request.method == "POST"
    if done:
        preference_set(user=user, kind=kind.slug, email=False)
    return render(
        request,
        "reminders/unsubscribe.html",
        {"label": kind.label, "done": done, "email": user.masked_email},
    )


@login_required
def preferences(request):
    if request.method == "POST":
        for kind in registry.kinds():
            preference_set(
                user=request.user, kind=kind.slug, email=f"email-{kind.slug}" in request.POST
            )
        messages.success(request, "Your email choices are saved.")
        return redirect("reminders:preferences")
    return render(
        request, "reminders/preferences.html", {"sections": preference_sections(user=request.user)}
    )


@login_required
def notifications(request):
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("reminders:notifications")
    page = Paginator(request.user.notifications.all(), 25).get_page(request.GET.get("page"))
    return render(request, "reminders/notifications.html", {"page": page})
