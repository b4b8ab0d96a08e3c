"""A local SMTP server that accepts every message and counts them by Message-ID.

The benchmark and the worker tests point Django's SMTP backend at it over
loopback, so what they count is what a real mail server would have accepted:
a message counts once the sink has answered "250" to its DATA, not before.
A client that vanishes before that answer (a worker killed mid-send) leaves
no count, just as a real server would drop the transaction.

Two knobs make sending slow on purpose, for the crash test:

* ``delay`` holds every DATA for that many seconds before accepting it;
* ``hold(at=n)`` holds the n-th DATA from now, and every one after it, until
  ``release()``: the server hangs, so a test can act (kill the sender) while
  messages are known to be in flight.

    with SmtpSink() as sink:
        ...  # EMAIL_HOST=sink.host, EMAIL_PORT=sink.port, EMAIL_USE_TLS=0
        sink.wait_for(distinct=100, timeout=30)
        assert not sink.duplicates()
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections import Counter

from aiosmtpd.controller import Controller

# aiosmtpd logs every connection at INFO; the bench and tests count, they do not need that.
logging.getLogger("mail.log").setLevel(logging.WARNING)


class Hold:
    """One message the sink keeps waiting for its answer until released."""

    def __init__(self, at: int):
        self.at = at
        self.reached = threading.Event()
        self.released = threading.Event()
        self.message_id: str | None = None

    def wait(self, timeout: float) -> bool:
        """True once the held message has arrived and is waiting for its answer."""
        return self.reached.wait(timeout)

    def release(self) -> None:
        self.released.set()


class _Handler:
    def __init__(self, sink: SmtpSink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        sink = self.sink
        message_id = _message_id(envelope.original_content or envelope.content)
        with sink._changed:
            sink._received += 1
            hold = sink._hold if sink._hold and sink._received >= sink._hold.at else None
        try:
            if hold is not None:
                if sink._received == hold.at:
                    hold.message_id = message_id
                    hold.reached.set()
                while not hold.released.is_set():
                    await asyncio.sleep(0.01)
            if sink.delay:
                await asyncio.sleep(sink.delay)
        except asyncio.CancelledError:
            # aiosmtpd cancels the session when the client's connection is lost.
            sink._abort(message_id)
            raise
        if server.transport is None or server.transport.is_closing():
            sink._abort(message_id)
            return "451 Client went away; message not accepted"
        sink._accept(message_id)
        return "250 Message accepted for delivery"


class _Controller(Controller):
    """aiosmtpd's threaded controller, on a port the system picks (port=0)."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpSink:
    """An SMTP server on 127.0.0.1, in a thread of this process."""

    host = "127.0.0.1"

    def __init__(self, *, delay: float = 0.0):
        self.delay = delay
        self._controller = _Controller(_Handler(self), hostname=self.host, port=0)
        self._changed = threading.Condition()
        self._counts: Counter[str] = Counter()
        self._received = 0
        self._aborted: list[str] = []
        self._hold: Hold | None = None

    # Lifecycle -------------------------------------------------------------

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._hold is not None:
            self._hold.release()
        if self._controller._thread is not None:
            self._controller.stop()

    def __enter__(self) -> SmtpSink:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._controller.port

    def email_env(self) -> dict[str, str]:
        """The environment that points courseplatform's settings at this sink."""
        return {"EMAIL_HOST": self.host, "EMAIL_PORT": str(self.port), "EMAIL_USE_TLS": "0"}

    # Control ---------------------------------------------------------------

    def hold(self, *, at: int) -> Hold:
        """Keep the at-th message from now (1 is the next one) and all later ones waiting."""
        with self._changed:
            self._hold = Hold(self._received + at)
            return self._hold

    def reset(self) -> None:
        with self._changed:
            self._counts.clear()
            self._aborted.clear()
            self._received = 0
            self._hold = None

    def wait_for(self, *, distinct: int, timeout: float) -> bool:
        """Wait until that many different Message-IDs were accepted; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self._counts) < distinct:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
        return True

    # What arrived ----------------------------------------------------------

    @property
    def accepted(self) -> int:
        """Messages accepted, counting repeats."""
        with self._changed:
            return sum(self._counts.values())

    @property
    def distinct(self) -> int:
        with self._changed:
            return len(self._counts)

    def counts(self) -> Counter[str]:
        with self._changed:
            return Counter(self._counts)

    def duplicates(self) -> dict[str, int]:
        """Message-IDs accepted more than once, with how often."""
        with self._changed:
            return {mid: n for mid, n in self._counts.items() if n > 1}

    @property
    def aborted(self) -> list[str]:
        """Message-IDs whose sender vanished before the sink accepted them."""
        with self._changed:
            return list(self._aborted)

    def _accept(self, message_id: str) -> None:
        with self._changed:
            self._counts[message_id] += 1
            self._changed.notify_all()

    def _abort(self, message_id: str) -> None:
        with self._changed:
            self._aborted.append(message_id)
            self._changed.notify_all()


_MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(.*?)\r?$", re.IGNORECASE | re.MULTILINE)


def _message_id(content: bytes | str) -> str:
    """The Message-ID header; a regex on the header block, as parsing all of it costs more."""
    if isinstance(content, str):
        content = content.encode("utf-8", "surrogateescape")
    headers = re.split(rb"\r?\n\r?\n", content, maxsplit=1)[0]
    found = _MESSAGE_ID.search(headers)
    return found[1].decode("ascii", "replace").strip() if found else "<no Message-ID>"
