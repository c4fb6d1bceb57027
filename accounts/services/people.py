"""Account writes: sign-up, roles, API tokens, follows and e-mail preferences."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from rest_framework.authtoken.models import Token

from ..errors import CannotFollowSelf, NotAllowed, NotFound
from ..models import Follow, User

USERNAME_UNAVAILABLE = "This username is not available. Choose another."


def username_available(username: str) -> bool:
    """Return whether a new account may take `username` (case-insensitive)."""
    return not User.objects.filter(username__iexact=username).exists()


@transaction.atomic
def register_user(
    *, username: str, email: str, password: str, display_name: str = ""
) -> User:
    """Create a contributor account after Django's password checks.

    One account per e-mail address: `sign_up` is the entry point for
    visitors, which never says whose an address is.
    """
    if not username_available(username):
        raise ValidationError({"username": USERNAME_UNAVAILABLE})
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "This address belongs to another account."})
    user = User(username=username, email=email, display_name=display_name)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def sign_up(
    *, username: str, email: str, password: str, display_name: str = ""
) -> User | None:
    """Create a visitor's account, or quietly tell an address's owner.

    When `email` already belongs to an account, nothing is created: its
    owner gets an e-mail (after commit, from a Celery task) saying someone
    tried to join with it, and None comes back, so the page can answer
    without saying whether the address is known.
    """
    from ..tasks import send_account_exists_email_task

    owner = User.objects.filter(email__iexact=email).first()
    if owner is not None:
        send_account_exists_email_task.delay_on_commit(owner.pk)
        return None
    return register_user(
        username=username, email=email, password=password, display_name=display_name
    )


def email_account_exists(*, user: User) -> None:
    """E-mail `user` that someone tried to open a new account with their address."""
    site = settings.ATELIER_SITE_URL.rstrip("/")
    send_mail(
        subject="[Atelier] Someone tried to join with your address",
        message="\n".join(
            [
                f"Hello {user.shown_name},",
                "",
                "Someone, perhaps you, tried to create a new Atelier account with "
                "this e-mail address. It already belongs to your account "
                f"“{user.username}”, so no new account was made.",
                "",
                f"If it was you, sign in at {site}/accounts/login/. If not, you "
                "can ignore this message: nothing changed.",
            ]
        ),
        from_email=None,
        recipient_list=[user.email],
    )


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


@transaction.atomic
def follow_artist(*, follower: User, artist: User) -> Follow:
    """Make `follower` follow `artist`; following twice changes nothing."""
    if not follower.is_authenticated:
        raise NotAllowed("Sign in to follow artists.")
    if follower.pk == artist.pk:
        raise CannotFollowSelf("You cannot follow yourself.")
    if not artist.is_active:
        raise NotFound("No such artist.")
    follow, _ = Follow.objects.get_or_create(follower=follower, artist=artist)
    return follow


@transaction.atomic
def unfollow_artist(*, follower: User, artist: User) -> User:
    """Stop `follower` following `artist`, if they did; return the artist."""
    if not follower.is_authenticated:
        raise NotAllowed("Sign in to follow artists.")
    Follow.objects.filter(follower=follower, artist=artist).delete()
    return artist


@transaction.atomic
def set_email_notifications(*, user: User, enabled: bool) -> User:
    """Turn e-mail copies of `user`'s notifications on or off."""
    if not user.is_authenticated:
        raise NotAllowed("Sign in to change your settings.")
    user.email_notifications = bool(enabled)
    user.save(update_fields=["email_notifications"])
    return user
