"""Every kind of reminder reaches people with hard names exactly as written.

Each registered kind is sent, through the dispatcher, to people whose names
and time zones are awkward, and the raw message is read back with Python's
email package under its strict and default policies: no defects in any part,
and the subject, the recipient's name, the text and the headers come back
character for character. A kind registered without a world in
tests/reminders/worlds.py fails here.
"""

import re
import sys
from datetime import UTC, datetime
from email import message_from_bytes, policy
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from apps.reminders import registry
from apps.reminders.services import reminders_send_batch
from tests.factories import UserFactory
from tests.reminders.worlds import COHORT, WORLDS

pytestmark = pytest.mark.django_db

# Each at noon, local time, on the day before its clocks change (Kathmandu's never do),
# so that what is due tomorrow falls on the other side of the change.
PEOPLE = [
    ("Zoë Ñandú 李小龍", "Pacific/Chatham", datetime(2027, 4, 3, 12)),
    ('O"Brien, Pat', "Asia/Kathmandu", datetime(2027, 4, 3, 12)),
    ("🦊 Rosé 👩‍👩‍👧 ✨", "America/St_Johns", datetime(2027, 3, 13, 12)),
    ("Łukasz Ærøskøbing-" + "Ñ" * 82, "Australia/Lord_Howe", datetime(2027, 4, 3, 12)),
]
ENTITY = re.compile(r"&(#\d+|#x[0-9a-f]+|[a-z]+);", re.IGNORECASE)
# CPython gh-124452, fixed in 3.12.8 and 3.13.1.
FOLD_READ_AS_SPACE = sys.version_info < (3, 12, 8) or (3, 13) <= sys.version_info < (3, 13, 1)


def read(raw: bytes, parsed, name: str) -> str:
    """A header's value as a mail client shows it.

    Python's compat32 folder starts a header on a new line when its first
    word does not fit beside the name ("Subject:" CRLF SP "=?utf-8?..."), and
    older Pythons read that fold back as a leading space, which mail clients
    and newer Pythons do not.
    """
    value = str(parsed[name])
    folded_at_once = re.search(rb"^" + name.encode() + rb":[ \t]*\r\n[ \t]", raw, re.M | re.I)
    if folded_at_once and FOLD_READ_AS_SPACE:
        value = value.removeprefix(" ")
    return value


def defects(message) -> list:
    found = []
    for part in message.walk():
        found += part.defects
        found += [defect for name in part for defect in part[name].defects]
    return found


@pytest.mark.parametrize("name, zone, local_noon", PEOPLE, ids=[zone for _, zone, _ in PEOPLE])
@pytest.mark.parametrize("kind", registry.kinds(), ids=lambda kind: kind.slug)
def test_every_kind_arrives_exactly_as_written(kind, name, zone, local_noon):
    now = local_noon.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    user = UserFactory(display_name=name, time_zone=zone)
    with time_machine.travel(now, tick=False):
        reminder = WORLDS[kind.slug](user, now)
        assert reminders_send_batch(now=now).sent == 1
    [sent] = mail.outbox
    raw = sent.message().as_bytes(linesep="\r\n")

    for reading in (policy.strict, policy.default):  # strict raises on any defect
        message = message_from_bytes(raw, policy=reading)
        assert defects(message) == []
        subject = read(raw, message, "Subject")
        assert subject == sent.subject and not ENTITY.search(subject)
        [to] = message["To"].addresses
        assert (to.display_name, to.addr_spec) == (name, user.email)
        assert message["Message-ID"] == f"<reminder-{reminder.pk}@127.0.0.1>"
        assert message["Message-ID"].defects == ()
        assert read(raw, message, "List-Unsubscribe").startswith(
            "<http://127.0.0.1:8000/reminders/"
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
        assert text == sent.body and not ENTITY.search(text)
        assert f"Hello {name}," in text
        html = message.get_body(("html",)).get_content()
        assert "&lt;" in html and not re.search(r"<(friends|draft|the rest|fluff|classic)>", html)
    if COHORT in sent.subject + sent.body:
        assert "Zoë&#x27;s &quot;cohort&quot; &amp; &lt;friends&gt;" in html
