"""Pages that exist only in demo mode.

The outbox shows what the platform emailed, so that someone trying it with
`make run` (no mail server) can see reminders go out and follow the links in
them, such as sign-up verification. Demo mode keeps every sent email as a file
under settings.EMAIL_FILE_PATH (Django's file-based backend: one .log file per
connection, holding one or more messages, each followed by a line of 79
dashes); this page reads them back, newest first.
"""

import email
import email.policy
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from django.conf import settings
from django.http import Http404
from django.shortcuts import render

# Enough to follow a demo; older files are not even opened, so the page stays quick.
MAX_FILES = 200
MAX_EMAILS = 100
_UNDATED = datetime.min.replace(tzinfo=UTC)
_SEPARATOR = re.compile(rb"^-{79}\r?$\n?", re.MULTILINE)


@dataclass(frozen=True)
class SentEmail:
    sent_at: datetime | None
    to: str
    subject: str
    message_id: str
    text: str
    has_html: bool


def outbox(request):
    # Staff only, and only in demo mode: emails hold sign-in links and other people's names.
    if not (settings.DEMO_MODE and request.user.is_authenticated and request.user.is_staff):
        raise Http404
    folder = getattr(settings, "EMAIL_FILE_PATH", None)
    recipient = request.GET.get("to", "").strip()
    # One more than is shown, to know whether there are more.
    emails = read_outbox(Path(folder), recipient=recipient, limit=MAX_EMAILS + 1) if folder else []
    return render(
        request,
        "demo/outbox.html",
        {
            "configured": bool(folder),
            "folder": folder,
            "emails": emails[:MAX_EMAILS],
            "more": len(emails) > MAX_EMAILS,
            "recipient": recipient,
        },
    )


def read_outbox(folder: Path, *, recipient: str = "", limit: int = MAX_EMAILS) -> list[SentEmail]:
    """The newest emails in the folder, to an address containing `recipient`, newest first.

    Files are read newest first and reading stops once `limit` emails are found,
    so a folder that has grown large does not slow the page down. No folder: [].
    """
    try:
        files = [p for p in folder.iterdir() if p.suffix in {".log", ".eml"} and p.is_file()]
    except (FileNotFoundError, NotADirectoryError):
        return []
    files.sort(key=lambda path: path.stat().st_mtime, reverse=True)
    emails: list[SentEmail] = []
    for path in files[:MAX_FILES]:
        content = path.read_bytes()
        chunks = [content] if path.suffix == ".eml" else _SEPARATOR.split(content)
        # A file holds its messages oldest first.
        for chunk in reversed([c for c in chunks if c.strip()]):
            sent = _parse(chunk)
            if recipient.lower() in sent.to.lower():
                emails.append(sent)
        if len(emails) >= limit:
            break
    # Date headers count whole seconds; the sort is stable, so ties keep the files' order.
    return sorted(emails, key=lambda e: e.sent_at or _UNDATED, reverse=True)[:limit]


def _parse(raw: bytes) -> SentEmail:
    message = email.message_from_bytes(raw.strip(), policy=email.policy.default)
    try:
        sent_at = parsedate_to_datetime(message["Date"]) if message["Date"] else None
    except (TypeError, ValueError):
        sent_at = None
    if sent_at is not None and sent_at.tzinfo is None:
        sent_at = sent_at.replace(tzinfo=UTC)  # Django writes "-0000": UTC
    text_part = message.get_body(preferencelist=("plain",))
    try:
        text = text_part.get_content() if text_part is not None else ""
    except (LookupError, UnicodeError):
        text = "(this message's text could not be decoded)"
    return SentEmail(
        sent_at=sent_at,
        to=str(message["To"] or ""),
        subject=str(message["Subject"] or "(no subject)"),
        message_id=str(message["Message-ID"] or ""),
        text=text,
        has_html=message.get_body(preferencelist=("html",)) is not None,
    )
