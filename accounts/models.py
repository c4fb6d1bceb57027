"""People on Atelier: contributors, curators and staff."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse


class TimeStampedModel(models.Model):
    """Abstract base giving every row `created_at` and `updated_at`."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """An Atelier account; roles come from `is_staff` and the curators group."""

    display_name = models.CharField(
        max_length=80, blank=True, help_text="Name shown on artworks and pages."
    )
    bio = models.TextField(blank=True, max_length=2000, help_text="About the artist.")

    def __str__(self) -> str:
        return self.display_name or self.username

    def get_absolute_url(self) -> str:
        return reverse("accounts:artist", kwargs={"username": self.username})

    @property
    def shown_name(self) -> str:
        return self.display_name or self.username

    @property
    def is_curator(self) -> bool:
        """Return whether the user belongs to the curators group.

        Uses the prefetched groups when present, so lists stay cheap.
        """
        name = settings.ATELIER_CURATORS_GROUP
        return any(g.name == name for g in self.groups.all())
