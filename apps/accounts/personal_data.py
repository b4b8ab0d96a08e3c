"""A person's own data: what each app holds about them, to hand over or to erase.

accounts is the ground floor and knows nothing of the apps built on it, yet a
person's data is spread over all of them. So each app that stores something
about a person subclasses Section in its own `personal_data.py` and registers
an instance; AccountsConfig.ready() imports every app's `personal_data`
module at start-up, the way the admin finds `admin.py`. The selectors and
services of this app then export or erase a person by asking every section.

A section names the models it answers for, and a test checks that every
model pointing at a person (directly, or through an enrollment, a submission
and so on) is named by one, so a new model cannot be forgotten.

Erasing keeps the rows other people rely on (enrollments, placements,
attendance, submissions with their grades, reviews written for others) and
removes or blanks what the person wrote or said about themselves; the account
itself stays as "a deleted account" so that all of that still adds up.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar

from allauth.account.models import EmailAddress, EmailConfirmation
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, Q
from django.utils import timezone

from apps.accounts.models import DELETED_NAME, DataExport, User

if TYPE_CHECKING:
    from collections.abc import Iterable


class Section:
    """One app's part of a person's data."""

    # The key of the section's part in the export.
    key: ClassVar[str]
    # The models whose rows about a person this section answers for.
    models: ClassVar[tuple[type[Model], ...]]

    def count(self, user: User) -> int:
        """About how many rows `export` reads for the person; big exports go to Celery."""
        raise NotImplementedError

    def export(self, user: User) -> Any:
        """What the app holds about the person, as they may see it in the app.

        JSON-able data; datetimes, dates and decimals are welcome. Nothing of
        anyone else's: no other person's answers or contact details, and no
        names that the pages themselves would hide (anonymous reviewers).
        """
        raise NotImplementedError

    def erase(self, user: User) -> None:
        """Remove or blank the person's data, keeping the rows others rely on.

        Runs inside the deletion's transaction, higher apps first and this
        app's own section last, so the person's name and address are still on
        `user` for finding them in text that others wrote.
        """
        raise NotImplementedError


_sections: dict[str, Section] = {}


def register(section: Section) -> Section:
    if section.key in _sections:
        raise ImproperlyConfigured(f"Two personal data sections are called “{section.key}”.")
    _sections[section.key] = section
    return section


def sections() -> list[Section]:
    """The registered sections, in the order their apps are installed."""
    return list(_sections.values())


def identifiers(user: User) -> list[str]:
    """The strings that name the person in text written by others or by the platform.

    Names shorter than three letters are left out: a mention of "Al" cannot
    be told from any other "al".
    """
    return [text for text in {user.email, user.display_name, user.name} if len(text) >= 3]


def mentioning(user: User, *fields: str) -> Q:
    """Rows where any of `fields` might name the person (narrowed down by `scrub`)."""
    query = Q(pk__in=[])
    for field in fields:
        for text in identifiers(user):
            query |= Q(**{f"{field}__icontains": text})
    return query


def scrub(text: str, user: User) -> str:
    """`text` with every mention of the person, as a whole word, made "a deleted account"."""
    # Longest first, so that "pat@example.com" goes before its "pat".
    for name in sorted(identifiers(user), key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", DELETED_NAME, text, flags=re.IGNORECASE)
    return text


def scrub_rows(rows: Iterable[Model], user: User, *fields: str) -> None:
    """Scrub `fields` of each row and save the rows that changed."""
    changed = []
    for row in rows:
        before = [getattr(row, field) for field in fields]
        for field in fields:
            setattr(row, field, scrub(getattr(row, field), user))
        if before != [getattr(row, field) for field in fields]:
            changed.append(row)
    if changed:
        type(changed[0]).objects.bulk_update(changed, fields)


class AccountSection(Section):
    """The account itself: profile, email addresses, groups, admin history, exports.

    Erasing anonymises the User row instead of deleting it: deleting would
    cascade through enrollments into cohorts, attendance, grades and other
    people's reviews. The address becomes one that can never receive mail,
    the name goes, the password becomes unusable and the account inactive,
    which also ends every session it had (Django checks a session against the
    password it was started with). Everywhere the person was named now says
    "a deleted account" (User.name).
    """

    key = "account"
    models = (
        User,
        User.groups.through,
        User.user_permissions.through,
        EmailAddress,
        EmailConfirmation,
        LogEntry,
        DataExport,
    )

    def count(self, user):
        return 1 + user.emailaddress_set.count()

    def export(self, user):
        return {
            "email": user.email,
            "name": user.display_name,
            "time_zone": user.time_zone,
            "joined": user.date_joined,
            "last_login": user.last_login,
            "is_staff": user.is_staff,
            "groups": list(user.groups.values_list("name", flat=True)),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in user.emailaddress_set.order_by("email")
            ],
            # What someone did in the admin, without the objects' names, which are others'.
            "admin_actions": [
                {
                    "at": entry.action_time,
                    "action": entry.get_action_flag_display(),
                    "on": entry.content_type.name if entry.content_type else "",
                }
                for entry in LogEntry.objects.filter(user=user)
                .select_related("content_type")
                .order_by("action_time")
            ],
        }

    def erase(self, user):
        EmailAddress.objects.filter(user=user).delete()
        DataExport.objects.filter(user=user).delete()
        # The admin's history names objects as they were: this account, and things such
        # as "Pat in Spring 2027" that carry the person's name.
        user_type = ContentType.objects.get_for_model(User)
        LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(
            object_repr=DELETED_NAME
        )
        scrub_rows(
            LogEntry.objects.filter(mentioning(user, "object_repr", "change_message")),
            user,
            "object_repr",
            "change_message",
        )
        user.email = f"deleted-{user.pk}@deleted.invalid"  # .invalid is reserved: never mail
        user.display_name = ""
        user.time_zone = "UTC"
        user.set_unusable_password()
        user.is_active = user.is_staff = user.is_superuser = False
        user.last_login = None
        user.deleted_at = timezone.now()
        user.save()
        user.groups.clear()
        user.user_permissions.clear()


register(AccountSection())
