"""Every write of accounts: people, profiles, API tokens and the mail outbox.

Dependency direction: `outbox` needs only the accounts models; `people`,
`profiles` and `tokens` need the models and the upload check. Nothing here
imports another app but `core`: accounts is the floor the others stand on.
"""

from __future__ import annotations

from accounts.services.people import (
    make_curator,
    register_user,
    set_email_notifications,
    verify_email_address,
)
from accounts.services.profiles import update_profile
from accounts.services.tokens import issue_token, revoke_token, rotate_token

__all__ = [
    "issue_token",
    "make_curator",
    "register_user",
    "revoke_token",
    "rotate_token",
    "set_email_notifications",
    "update_profile",
    "verify_email_address",
]
