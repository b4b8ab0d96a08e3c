from allauth.account.decorators import secure_admin_login
from allauth.account.utils import get_next_redirect_url
from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from apps.accounts import selectors
from apps.accounts.forms import AccountDeleteForm, ProfileForm
from apps.accounts.services import account_delete, data_export_start, user_update_profile
from apps.accounts.tasks import build_data_export


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            time_zone=form.cleaned_data["time_zone"],
            cohort_limit=form.cleaned_data["cohort_limit"],
        )
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


def json_download(content: str) -> HttpResponse:
    """A person's data as a JSON file to save, kept out of every cache on the way."""
    response = HttpResponse(content, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{selectors.export_filename()}"'
    add_never_cache_headers(response)
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def data(request):
    """Download your data: a small export straight away, a large one built in the background.

    htmx polls the list of exports while one is being built, and gets the list alone.
    """
    if request.method == "POST":
        if selectors.is_export_small(user=request.user):
            return json_download(selectors.personal_data_json(user=request.user))
        export = data_export_start(user=request.user)
        build_data_export.delay_on_commit(export.pk)
        messages.success(
            request, "Your data is being gathered. This page offers the file when it is ready."
        )
        return redirect("accounts:data")
    exports = list(selectors.data_exports_of(user=request.user))
    context = {"exports": exports, "under_way": any(export.is_under_way for export in exports)}
    if request.headers.get("HX-Request"):
        return render(request, "accounts/_exports.html", context)
    return render(request, "accounts/data.html", context)


@login_required
@require_safe
def data_download(request, pk):
    export = selectors.data_export_for_download(user=request.user, pk=pk)
    return json_download(export.content)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def delete(request):
    """Delete your account, once the password (or, without one, the address) confirms it."""
    posted = request.method == "POST"
    limited = posted and not ratelimit.consume(request, action="reauthenticate", user=request.user)
    form = AccountDeleteForm(request.POST if posted else None, user=request.user, limited=limited)
    if posted and form.is_valid():
        account_delete(user=request.user)
        logout(request)
        return redirect("accounts:deleted")
    return render(request, "accounts/delete.html", {"form": form})


@require_safe
def deleted(request):
    return render(request, "accounts/deleted.html")


@never_cache
@secure_admin_login
def admin_login(request):
    """Stand in for the Django admin's login page, which checks passwords with
    none of allauth's failed-login limits.

    secure_admin_login sends visitors to the site's sign-in page (keeping
    `next`), so staff accounts are limited like every other, and refuses
    signed-in people who are not staff. Staff who arrive here signed in go on
    to where they were headed; the admin's own form is never run, so not even
    a signed-in session can use it to try other accounts' passwords.
    """
    return redirect(get_next_redirect_url(request) or reverse("admin:index"))
