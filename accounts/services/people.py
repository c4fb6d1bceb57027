"""Account writes: sign-up, roles, profiles, follows and e-mail preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from core.errors import NotAllowed


@transaction.atomic
def register_user(
    *,
    username: str,
    email: str,
    password: str,
    display_name: str = "",
    email_verified: bool = False,
) -> User:
    """Create a contributor account after Django's password checks.

    People sign up through allauth's pages; this is for accounts made by
    staff and the demo, which may vouch for the address (`email_verified`)
    so the person can sign in where verification is mandatory.
    """
    from allauth.account.models import EmailAddress

    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken."})
    if EmailAddress.objects.filter(email__iexact=email).exists() or (
        User.objects.filter(email__iexact=email).exists()
    ):
        raise ValidationError({"email": "That e-mail address has an account."})
    user = User(username=username, email=email, display_name=display_name)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    EmailAddress.objects.create(
        user=user, email=email, primary=True, verified=email_verified
    )
    return user


@transaction.atomic
def verify_email_address(*, user: User) -> User:
    """Record `user`'s current address as primary and verified (staff, demo)."""
    from allauth.account.models import EmailAddress

    if user.email:
        address, _ = EmailAddress.objects.get_or_create(
            user=user, email__iexact=user.email, defaults={"email": user.email}
        )
        EmailAddress.objects.filter(user=user, primary=True).exclude(
            pk=address.pk
        ).update(primary=False)
        address.primary = address.verified = True
        address.save(update_fields=["primary", "verified"])
    return user


@transaction.atomic
def make_curator(*, user: User) -> User:
    """Add `user` to the curators group."""
    group, _ = Group.objects.get_or_create(name=settings.ATELIER_CURATORS_GROUP)
    user.groups.add(group)
    return user


@transaction.atomic
def set_email_notifications(*, user: User, enabled: bool) -> User:
    """Turn e-mail copies of `user`'s notifications on or off."""
    if not user.is_authenticated:
        raise NotAllowed("Sign in to change your settings.")
    user.email_notifications = bool(enabled)
    user.save(update_fields=["email_notifications"])
    return user
