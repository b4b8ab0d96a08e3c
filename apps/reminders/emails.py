"""Building a reminder's email from its kind's template triple; dispatch sends it."""

from email.utils import formataddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.template.loader import render_to_string
from django.urls import reverse

from apps.reminders import registry

UNSUBSCRIBE_SALT = "reminders.unsubscribe"


def unsubscribe_token(user_id: int, kind: str) -> str:
    # Not compressed: a payload this small does not shrink.
    return signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """The (user id, kind) a link was made for; raises signing.BadSignature if forged."""
    user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(user_id), str(kind)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def message_id(reminder_id: int) -> str:
    """The same Message-ID for every attempt at one reminder, so a mail system can spot a repeat.

    The right-hand side is the site's host name alone: with a port, as in
    SITE_URL's default http://127.0.0.1:8000, it would not be a valid id.
    """
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    if ":" in host:  # an IPv6 address goes in brackets, as a domain literal
        host = f"[{host}]"
    return f"<reminder-{reminder_id}@{host}>"


def render_text(template_name: str, context: dict) -> str:
    """A subject or a plain-text body, with nothing escaped for HTML.

    The project's template engine escapes for HTML, which a mail client shows
    as it is: a cohort called Zoë's "cohort" would arrive as
    Zoë&#x27;s &quot;cohort&quot;. Rendering every kind's text through this one
    function means no template has to remember to switch escaping off.
    """
    template = Engine.get_default().get_template(template_name)
    return template.render(Context(context, autoescape=False))


def _context(reminder, outcome) -> dict:
    user = reminder.user
    unsubscribe = absolute(
        reverse("reminders:unsubscribe", args=[unsubscribe_token(user.pk, reminder.kind)])
    )
    return {
        **outcome.context,
        "user": user,
        "reminder": reminder,
        "link": absolute(outcome.url) if outcome.url else settings.SITE_URL,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("reminders:preferences")),
        "time_zone": user.time_zone,
    }


def _subject_and_text(kind: registry.Kind, context: dict) -> tuple[str, str]:
    # Templates may wrap; a subject is one line.
    subject = " ".join(render_text(kind.template("subject.txt"), context).split())
    return subject, render_text(kind.template("body.txt"), context)


def notice_text(reminder, outcome) -> tuple[str, str]:
    """The subject and text part of a reminder's email, which its in-app notice repeats."""
    return _subject_and_text(registry.get(reminder.kind), _context(reminder, outcome))


def build_message(reminder, outcome) -> EmailMultiAlternatives:
    """The email for one reminder that its kind's check said to send."""
    kind = registry.get(reminder.kind)
    user = reminder.user
    context = _context(reminder, outcome)
    subject, text = _subject_and_text(kind, context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[formataddr((user.name, user.email))],
        headers={
            # One-click unsubscribe (RFC 8058): mail clients post to the link, no login needed.
            "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Message-ID": message_id(reminder.pk),
        },
    )
    message.attach_alternative(render_to_string(kind.template("body.html"), context), "text/html")
    return message
