"""Settings for the Celery worker processes that the worker and crash tests start.

The test settings, except that email goes over SMTP to the test's sink
(EMAIL_HOST and EMAIL_PORT come from the environment), tasks go to a queue of
the test's own, and the crash test can shorten the claim timeout.
"""

import os

from courseplatform.settings.test import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_TIMEOUT = 10
CELERY_TASK_DEFAULT_QUEUE = os.environ["REMINDERS_TEST_QUEUE"]
REMINDER_CLAIM_TIMEOUT_SECONDS = float(os.environ.get("REMINDER_CLAIM_TIMEOUT_SECONDS", "600"))
