import logging
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from apps.accounts import personal_data, selectors
from apps.accounts.models import DataExport, User

logger = logging.getLogger(__name__)

# A build still unfinished after this has lost its worker; the person may start another.
STALE_EXPORT_AFTER = timedelta(hours=1)


@transaction.atomic
def user_ensure(
    *,
    email: str,
    password: str,
    display_name: str = "",
    time_zone: str = "UTC",
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a user with a verified address, or bring an existing one in line.

    Used for demo and seeded accounts, whose addresses are known to be real
    and so need no verification email.
    """
    user, _ = User.objects.update_or_create(
        email=email.lower(),
        defaults={
            "display_name": display_name,
            "time_zone": time_zone,
            "is_staff": is_staff or is_superuser,
            "is_superuser": is_superuser,
        },
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def user_update_profile(
    *, user: User, display_name: str, time_zone: str, cohort_limit: int | None = None
) -> None:
    user.display_name = display_name
    user.time_zone = time_zone
    user.cohort_limit = cohort_limit
    user.full_clean(exclude=["password"])
    user.save(update_fields=["display_name", "time_zone", "cohort_limit"])


@transaction.atomic
def data_export_start(*, user: User) -> DataExport:
    """Queue a build of the person's data, or return the one already under way.

    The caller then queues tasks.build_data_export with the export's id for
    when this commits (tasks import services, never the reverse); queuing it
    twice is harmless, since only one build can claim the export. Expired
    exports, anyone's, are deleted on the way.
    """
    now = timezone.now()
    DataExport.objects.filter(created_at__lte=now - DataExport.KEPT_FOR).delete()
    # Locks the person's row so that two clicks cannot both start a build.
    User.objects.select_for_update().filter(pk=user.pk).first()
    under_way = DataExport.objects.filter(
        user=user, status__in=[DataExport.Status.QUEUED, DataExport.Status.BUILDING]
    )
    under_way.filter(created_at__lt=now - STALE_EXPORT_AFTER).update(
        status=DataExport.Status.FAILED, finished_at=now
    )
    return under_way.first() or DataExport.objects.create(user=user)


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build a queued export section by section, writing its progress as it goes.

    Returns None when there is nothing to build: another worker claimed the
    export, or its owner deleted their account (which deletes their exports).
    """
    claimed = DataExport.objects.filter(pk=export_id, status=DataExport.Status.QUEUED).update(
        status=DataExport.Status.BUILDING
    )
    if not claimed:
        return None
    export = DataExport.objects.select_related("user").get(pk=export_id)

    def progress(percent: int) -> None:
        # 100 only once the content is saved, so the page never offers a missing file.
        DataExport.objects.filter(pk=export_id).update(progress=min(percent, 99))

    try:
        content = selectors.personal_data_json(user=export.user, on_progress=progress)
    except Exception:
        # Marked, so the page stops waiting; the worker logs the error itself.
        DataExport.objects.filter(pk=export_id).update(
            status=DataExport.Status.FAILED, finished_at=timezone.now()
        )
        raise
    DataExport.objects.filter(pk=export_id).update(
        status=DataExport.Status.READY, progress=100, content=content, finished_at=timezone.now()
    )
    export.refresh_from_db()
    return export


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete the person's account: erase their personal data, keep what others rely on.

    Every app's personal data section erases its part, higher apps first and
    this app's own last, which anonymises the account itself (see
    personal_data.AccountSection): cohorts keep their members, attendance
    and grades their counts, and other people their reviews, all now from
    "a deleted account". Deleting an account twice does nothing more.
    """
    if not User.objects.select_for_update().filter(pk=user.pk, deleted_at__isnull=True).exists():
        return
    for section in reversed(personal_data.sections()):
        section.erase(user)
    logger.info("Account %s deleted", user.pk)
