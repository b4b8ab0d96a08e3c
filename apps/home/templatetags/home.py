from datetime import UTC

from django import template

register = template.Library()


@register.filter
def machine_time(moment) -> str:
    """An instant for <time datetime>: UTC, to the second, e.g. "2027-03-02T19:00:00Z".

    Browsers and screen readers take this form everywhere; Django's "c" format
    adds microseconds whenever a time has them.
    """
    if not moment:
        return ""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
