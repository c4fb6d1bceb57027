"""An e-mail backend for worker processes started by tests.

It appends one JSON line per message to the file named by
``ATELIER_TEST_MAIL_LOG``, so a test can count what a real worker sent.
"""

from __future__ import annotations

import json
import os

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:  # noqa: ANN001
        with open(os.environ["ATELIER_TEST_MAIL_LOG"], "a") as log:
            for message in email_messages:
                line = {"to": message.to, "subject": message.subject}
                log.write(json.dumps(line) + "\n")
        return len(email_messages)
