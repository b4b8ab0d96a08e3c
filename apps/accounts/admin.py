from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.template.response import TemplateResponse

from apps.accounts import selectors
from apps.accounts.models import User
from apps.accounts.services import account_delete
from apps.accounts.views import json_download


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "display_name", "time_zone", "is_staff", "date_joined"]
    list_filter = [
        "is_staff",
        "is_superuser",
        "is_active",
        ("deleted_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email", "display_name"]
    readonly_fields = ["deleted_at"]
    actions = ["download_personal_data", "delete_accounts"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["display_name", "time_zone", "cohort_limit"]}),
        (
            "Permissions",
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        ("Dates", {"fields": ["last_login", "date_joined", "deleted_at"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    # Removing the row would take the person's enrollments, work and the reviews others
    # wrote of it along; the admin's own delete erases them as "Delete your account" does.
    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_deleted_objects(self, objs, request):
        people = [str(person) for person in objs]
        return people, {"accounts (personal data erased, records kept)": len(people)}, set(), []

    def delete_model(self, request, obj):
        account_delete(user=obj)

    # As with the bulk action below: a member of staff who erased their own account here
    # would be signed out mid-task. Their profile's "Delete your account" still works.
    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.pk == request.user.pk:
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description="Download the selected person's data (JSON)", permissions=["change"])
    def download_personal_data(self, request, queryset):
        """What the person would download themselves, for a request made to the organisers."""
        if len(queryset) != 1:
            self.message_user(
                request, "Choose one person at a time to download their data.", messages.WARNING
            )
            return None
        return json_download(selectors.personal_data_json(user=queryset[0]))

    @admin.action(
        description="Delete the selected accounts (erase their personal data)",
        permissions=["delete"],
    )
    def delete_accounts(self, request, queryset):
        """The person's own "Delete your account", for a request made to the organisers.

        Asks first, on a page saying what goes and what stays. Staff cannot delete their
        own account here, which would lock them out mid-task; they can from their profile.
        """
        people = list(queryset.filter(deleted_at__isnull=True).exclude(pk=request.user.pk))
        if request.POST.get("confirmed") == "yes":
            for person in people:
                account_delete(user=person)
            self.message_user(
                request,
                f"Deleted {len(people)} account{'s' if len(people) != 1 else ''}; "
                "their records now show “a deleted account”.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Delete accounts",
            "opts": self.model._meta,
            "people": people,
            "skipped_self": queryset.filter(pk=request.user.pk).exists(),
            "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "accounts/admin_delete_accounts.html", context)
