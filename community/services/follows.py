"""Follows: a person following an artist's new accepted work."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from community.errors import CannotFollowSelf
from community.models import Follow
from core.errors import NotAllowed, NotFound


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
