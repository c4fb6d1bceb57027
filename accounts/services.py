"""Account writes: sign-up, roles, API tokens."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from rest_framework.authtoken.models import Token

from .models import User


@transaction.atomic
def register_user(
    *, username: str, email: str, password: str, display_name: str = ""
) -> User:
    """Create a contributor account after Django's password checks."""
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "That username is taken."})
    user = User(username=username, email=email, display_name=display_name)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def make_curator(*, user: User) -> User:
    """Add `user` to the curators group."""
    group, _ = Group.objects.get_or_create(name=settings.ATELIER_CURATORS_GROUP)
    user.groups.add(group)
    return user


def issue_token(*, user: User) -> Token:
    """Return `user`'s API token, creating it on first use."""
    token, _ = Token.objects.get_or_create(user=user)
    return token
