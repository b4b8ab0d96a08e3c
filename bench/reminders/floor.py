"""The floor: messages built beforehand, sent by a bare smtplib loop over one connection.

Run by the benchmark as a child process, so that it does not share a
processor lock with the SMTP sink in the benchmark's own process, just as the
Celery workers do not:

    python -m bench.reminders.floor MESSAGES_FILE HOST PORT

MESSAGES_FILE is a pickled list of (envelope sender, recipients, message
bytes). The child connects, prints "ready", waits for a line on stdin, sends
every message and says goodbye. The benchmark times it the way it times the
workers: from "go" until the sink has accepted every message.
"""

import pickle
import smtplib
import sys


def main(path: str, host: str, port: int) -> None:
    with open(path, "rb") as file:
        messages = pickle.load(file)
    with smtplib.SMTP(host, port) as smtp:
        print("ready", flush=True)
        sys.stdin.readline()
        for sender, recipients, data in messages:
            smtp.sendmail(sender, recipients, data)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
