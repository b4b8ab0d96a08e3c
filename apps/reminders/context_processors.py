from django.utils.functional import SimpleLazyObject


def notifications(request):
    """The unread notification count for the navigation, counted only if a page shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count():
        return user.notifications.filter(read_at__isnull=True).count()

    return {"unread_notifications": SimpleLazyObject(count)}
