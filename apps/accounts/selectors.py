"""Reads for a person's own data: the export itself, and the exports built for them."""

import json
from collections.abc import Callable

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from apps.accounts import personal_data
from apps.accounts.models import DataExport, User

# Exports reading more rows than this are built by a background worker rather than in the
# request. A participant through a whole round is a few hundred rows (most of them
# reminders and notifications) and builds in well under a second; several rounds of
# facilitating or many revisions of long plans go past it.
IMMEDIATE_EXPORT_MAX_ROWS = 2000


def personal_data_rows(*, user: User) -> int:
    """About how many rows an export of the person reads: one count per section."""
    return sum(section.count(user) for section in personal_data.sections())


def is_export_small(*, user: User) -> bool:
    return personal_data_rows(user=user) <= IMMEDIATE_EXPORT_MAX_ROWS


def personal_data_json(*, user: User, on_progress: Callable[[int], None] | None = None) -> str:
    """Everything the platform holds about the person, as indented JSON text.

    `on_progress` is told the percentage done after each section.
    """
    everything = {
        "about": "Everything Cohort courses holds about you, as you may see it on the site.",
        "exported_at": timezone.now(),
    }
    sections = personal_data.sections()
    for done, section in enumerate(sections, start=1):
        everything[section.key] = section.export(user)
        if on_progress is not None:
            on_progress(100 * done // len(sections))
    return json.dumps(everything, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def export_filename() -> str:
    return f"cohort-courses-data-{timezone.localdate():%Y-%m-%d}.json"


def data_exports_of(*, user: User) -> QuerySet[DataExport]:
    """The person's exports not yet expired, newest first, without their content."""
    return (
        DataExport.objects.filter(user=user, created_at__gt=timezone.now() - DataExport.KEPT_FOR)
        .defer("content")
        .order_by("-created_at")
    )


def data_export_for_download(*, user: User, pk: int) -> DataExport:
    """One of the person's own ready exports; anyone else's, or an expired one, is a 404."""
    try:
        return DataExport.objects.get(
            pk=pk,
            user=user,
            status=DataExport.Status.READY,
            created_at__gt=timezone.now() - DataExport.KEPT_FOR,
        )
    except DataExport.DoesNotExist:
        raise Http404("No such export.") from None
