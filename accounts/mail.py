"""An e-mail backend that keeps a copy of each message for staff to read.

Used by `make run` (ATELIER_MAIL_STORE=1): messages still go through the
configured transport (the console by default) and are also written to
`SentMail`, listed at /staff/mail/.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from accounts.models import SentMail


def _html_part(message: EmailMessage) -> str:
    for content, mimetype in getattr(message, "alternatives", []) or []:
        if mimetype == "text/html":
            return str(content)
    if getattr(message, "content_subtype", "") == "html":
        return str(message.body)
    return ""


class StoringEmailBackend(BaseEmailBackend):
    """Send through `ATELIER_MAIL_STORE_TRANSPORT` and keep a `SentMail` copy."""

    def __init__(self, fail_silently: bool = False, **kwargs: object) -> None:
        super().__init__(fail_silently=fail_silently)
        self.transport = get_connection(
            settings.ATELIER_MAIL_STORE_TRANSPORT, fail_silently=fail_silently, **kwargs
        )

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = self.transport.send_messages(email_messages) or 0
        SentMail.objects.bulk_create(
            SentMail(
                subject=str(message.subject)[:300],
                from_email=str(message.from_email or settings.DEFAULT_FROM_EMAIL)[:300],
                to="\n".join(message.recipients()),
                text=str(message.body) if _html_part(message) != message.body else "",
                html=_html_part(message),
            )
            for message in email_messages
        )
        return sent
