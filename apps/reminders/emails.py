"""One small function that renders a reminder's email from its template triple and sends it."""

import secrets
from email.policy import Compat32

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from apps.reminders import registry

UNSUBSCRIBE_SALT = "reminders.unsubscribe"


def unsubscribe_token(user_id: int, kind: str) -> str:
    # Not compressed: a payload this small does not shrink, and trying costs zlib's set-up
    # on every email.
    return signing.dumps([user_id, kind], salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """The (user id, kind) a link was made for; raises signing.BadSignature if forged."""
    user_id, kind = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(user_id), str(kind)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


class _PlainHeaders(Compat32):
    """Compat32, writing headers that already fit on a line as they are.

    The email package folds every header through email.header.Header, even a
    short ASCII one it then leaves unchanged; for a reminder that was a fifth
    of the time it took to send. Anything else still takes that route.
    """

    def _fold(self, name, value, sanitize):
        if (
            isinstance(value, str)
            and value.isascii()
            and "\n" not in value
            and "\r" not in value
            and len(name) + 2 + len(value) <= (self.max_line_length or 78)
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


PLAIN_HEADERS = _PlainHeaders()


class ReminderEmail(EmailMultiAlternatives):
    def message(self):
        message = super().message()
        # The generator writes every part with the top-level message's policy.
        message.policy = PLAIN_HEADERS
        if message.is_multipart():
            # Random enough never to occur in the text; left to itself, the email package
            # picks one and compiles a new regular expression per message to make sure.
            message.set_boundary(f"=_reminder_{secrets.token_hex(16)}")
        return message


def build_message(reminder, outcome, *, connection=None) -> ReminderEmail:
    unsubscribe = absolute(
        reverse("reminders:unsubscribe", args=[unsubscribe_token(reminder.user_id, reminder.kind)])
    )
    context = {
        **outcome.context,
        "user": reminder.user,
        "reminder": reminder,
        "link": absolute(outcome.url) if outcome.url else settings.SITE_URL,
        "unsubscribe_url": unsubscribe,
        "preferences_url": absolute(reverse("reminders:preferences")),
        "time_zone": reminder.user.time_zone,
    }
    kind = registry.get(reminder.kind)
    subject = " ".join(render_to_string(kind.template("subject.txt"), context).split())
    message = ReminderEmail(
        subject=subject,
        body=render_to_string(kind.template("body.txt"), context),
        to=[reminder.user.email],
        connection=connection,
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            # A stable id lets a mail system spot the same reminder twice.
            "Message-ID": f"<reminder-{reminder.pk}@{settings.SITE_URL.split('//')[-1]}>",
        },
    )
    message.attach_alternative(render_to_string(kind.template("body.html"), context), "text/html")
    return message
