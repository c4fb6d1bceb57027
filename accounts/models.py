"""People on Atelier: contributors, curators and staff."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core import roles


class User(AbstractUser):
    """An Atelier account; roles come from `is_staff` and the curators group."""

    display_name = models.CharField(
        max_length=80, blank=True, help_text="Name shown on artworks and pages."
    )
    bio = models.TextField(blank=True, max_length=2000, help_text="About the artist.")
    reputation = models.IntegerField(
        default=0,
        db_index=True,
        help_text="Reputation points: the sum of the person's ledger entries.",
    )
    email_notifications = models.BooleanField(
        default=True, help_text="Also send notifications by e-mail."
    )
    avatar = models.ImageField(
        blank=True,
        max_length=200,
        help_text="A small square WebP picture, stored under its content hash.",
    )

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("community:artist", kwargs={"username": self.username})

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    @property
    def is_curator(self) -> bool:
        """Return whether the user belongs to the curators group.

        Uses the prefetched groups when present, so lists stay cheap.
        """
        return roles.is_curator(self)


class ApiToken(models.Model):
    """A named API token; only a hash of its secret is kept.

    The secret is shown once, when the token is created or rotated. `prefix`
    (the secret's first characters) lets a person tell tokens apart.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=80, help_text="What the token is for.")
    prefix = models.CharField(
        max_length=16, help_text="The first characters of the secret."
    )
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    rotated_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class SentMail(models.Model):
    """A copy of an e-mail Atelier sent, kept when ATELIER_MAIL_STORE is on.

    Local runs use it so staff can open what the site sent at /staff/mail/.
    """

    subject = models.CharField(max_length=300)
    from_email = models.CharField(max_length=300)
    to = models.TextField(help_text="Recipients, one a line.")
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class OutboxMessage(models.Model):
    """A Celery task call owed by a committed write, until the broker has it.

    Written in the same transaction as the rows the work is for, so work is
    never lost between the commit and the broker: the message is published
    after commit and the row deleted; if the broker is down the row stays
    and `flush_outbox` (Celery beat) publishes it once the broker is back.
    It lives in accounts, the lowest app, so every app can use it.
    """

    task = models.CharField(max_length=200, help_text="The Celery task's name.")
    args = models.JSONField(default=list, help_text="Its positional arguments.")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)}"
