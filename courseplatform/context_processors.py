from django.conf import settings
from django.db import connection
from django.utils.functional import SimpleLazyObject

from apps.reminders.models import Notification
from apps.rounds.models import Enrollment


def site(request):
    return {"DEMO_MODE": settings.DEMO_MODE}


# Every page runs this, so it is written out by hand: built through the ORM, the
# same statement took some thirty times longer to put together than to run.
_NAVIGATION_SQL = f"""
SELECT
    (SELECT count(*) FROM {Notification._meta.db_table}
     WHERE user_id = %(user)s AND read_at IS NULL),
    EXISTS (SELECT 1 FROM {Enrollment._meta.db_table}
            WHERE user_id = %(user)s AND role = %(facilitator)s
              AND status NOT IN (%(dropped)s, %(declined)s))
"""


def navigation(request):
    """What the navigation bar needs to know about the person, in one query, only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def load():
        with connection.cursor() as cursor:
            cursor.execute(
                _NAVIGATION_SQL,
                {
                    "user": user.pk,
                    "facilitator": Enrollment.Role.FACILITATOR,
                    "dropped": Enrollment.Status.DROPPED,
                    "declined": Enrollment.Status.DECLINED,
                },
            )
            unread, facilitates = cursor.fetchone()
        return {"unread": unread, "facilitates": bool(facilitates)}

    return {"nav": SimpleLazyObject(load)}
