"""The sign-in backend: it loads the session's account with its top bar.

Every signed-in page shows the bell's unread count and, in the menu,
whether the person curates. Loading the account already costs a query, so
this backend reads both in that same query (`selectors.signed_in_user`);
the top bar and `core.roles.is_curator` then read them from the account.
It authenticates as django-allauth's backend does (username or email).
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend


class SignedInBackend(AuthenticationBackend):
    """django-allauth's backend, loading the account with its top bar."""

    def get_user(self, user_id: object):  # noqa: ANN201 - Django's signature
        from community.selectors import signed_in_user

        user = signed_in_user(pk=user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
