"""The limits of a creation task's settings, written once.

The model's validators and constraints, the publish form, the API's input
serializer and the services read them from here, so the page, the API and
the admin agree on what a task may ask for. The form and the API take the
durations in whole minutes (`CLAIM_TTL`) and hours (`REVIEW_WINDOW`); use
`Bounds.in_minutes` and `Bounds.in_hours` for those.

The voting rule's empty values (site defaults) are in `voting.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from django.core.validators import MaxValueValidator, MinValueValidator

T = TypeVar("T", int, float, timedelta)


@dataclass(frozen=True)
class Bounds(Generic[T]):
    """An inclusive range `low..high` a task setting must stay in."""

    low: T
    high: T

    def validators(self) -> list[MinValueValidator | MaxValueValidator]:
        """Return the model field validators for this range."""
        return [MinValueValidator(self.low), MaxValueValidator(self.high)]

    def in_minutes(self) -> tuple[int, int]:
        """Return a duration range as whole minutes, for the form and the API."""
        minute = timedelta(minutes=1)
        return self.low // minute, self.high // minute

    def in_hours(self) -> tuple[int, int]:
        """Return a duration range as whole hours, for the form and the API."""
        hour = timedelta(hours=1)
        return self.low // hour, self.high // hour


TITLE_MAX_LENGTH = 120
BRIEF_MAX_LENGTH = 5000
TAG_MAX_LENGTH = 40
# Tags an artist may give one work.
TAGS_PER_WORK = 10

# How many contributors may hold or have used a claim.
SLOTS = Bounds(1, 1000)
# How long one claim lasts.
CLAIM_TTL = Bounds(timedelta(minutes=5), timedelta(days=14))
# How many times a contributor may extend a claim by the claim time (0: never).
CLAIM_EXTENSIONS = Bounds(0, 5)
# Seed images painted per task, and their side in pixels.
SEED_COUNT = Bounds(1, 64)
IMAGE_SIZE = Bounds(64, 2048)
# The task's own voting rule (docs/curation.md).
VOTE_QUORUM = Bounds(1, 25)
ACCEPT_THRESHOLD = Bounds(1.0, 5.0)
REVIEW_WINDOW = Bounds(timedelta(hours=1), timedelta(days=60))
