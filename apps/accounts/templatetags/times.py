"""Times written for machines: the datetime attribute of <time>."""

from datetime import UTC, date, datetime

from django import template

register = template.Library()


@register.filter
def machine_time(moment) -> str:
    """An instant for <time datetime>: UTC, to the second, e.g. "2027-03-02T19:00:00Z".

    Browsers and screen readers take this form everywhere; Django's "c" format
    adds microseconds whenever a time has them, which makes the value invalid.
    A date (no time of day) is written as the date.
    """
    if not moment:
        return ""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(moment, date):
        return moment.isoformat()
    return ""
