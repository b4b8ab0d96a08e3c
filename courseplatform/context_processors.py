from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, Subquery
from django.db.models.functions import Coalesce
from django.utils.functional import SimpleLazyObject

from apps.reminders.selectors import unread_notifications
from apps.rounds.selectors import facilitator_places, lead_places


def site(request):
    return {"DEMO_MODE": settings.DEMO_MODE}


def _navigation_facts(user) -> dict:
    # Every page shows these, so they are read together: one query, on the person's row.
    unread = (
        unread_notifications(user=user)
        .order_by()
        .values("user")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values(
            unread=Coalesce(Subquery(unread), 0),
            facilitates=Exists(facilitator_places(user=user)),
            leads=Exists(lead_places(user=user)),
        )
        .get()
    )


def navigation(request):
    """What the navigation bar needs to know about the person, read only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav": SimpleLazyObject(lambda: _navigation_facts(user))}
