from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.functional import SimpleLazyObject

from apps.accounts.models import User
from apps.rounds.models import Enrollment


def site(request):
    return {"DEMO_MODE": settings.DEMO_MODE}


def navigation(request):
    """What the navigation bar needs to know about the person, in one query, only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def load():
        facilitating = Enrollment.objects.filter(
            user=OuterRef("pk"), role=Enrollment.Role.FACILITATOR
        ).exclude(status__in=[Enrollment.Status.DROPPED, Enrollment.Status.DECLINED])
        return (
            User.objects.filter(pk=user.pk)
            .annotate(
                unread=Count("notifications", filter=Q(notifications__read_at__isnull=True)),
                facilitates=Exists(facilitating),
            )
            .values("unread", "facilitates")
            .get()
        )

    return {"nav": SimpleLazyObject(load)}
