from allauth.account.decorators import secure_admin_login
from allauth.account.utils import get_next_redirect_url
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from apps.accounts.forms import ProfileForm
from apps.accounts.services import user_update_profile


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user_update_profile(
            user=request.user,
            display_name=form.cleaned_data["display_name"],
            time_zone=form.cleaned_data["time_zone"],
        )
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {"form": form})


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
