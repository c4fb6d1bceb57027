"""Likes, collections and the record of folded page views."""

from django.conf import settings
from django.db import models

from art_tasks.models import Submission
from core.models import TimeStampedModel


class Like(TimeStampedModel):
    """A signed-in person's like of an accepted work (feeds "popular")."""

    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="likes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "user"], name="like_one_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} ♥ {self.submission_id}"


# Ranking and collections -----------------------------------------------------


# A person keeps at most this many collections, each of at most this many
# works: enough for any real use, small enough that a picker lists them all
# and one collection's page stays one bounded read.
MAX_COLLECTIONS_PER_PERSON = 100
MAX_WORKS_PER_COLLECTION = 1000
# Paths under /collections/ that are pages, never a collection's slug.
RESERVED_SLUGS = frozenset({"new", "mine"})


class Collection(TimeStampedModel):
    """A person's collection of accepted works, public or private.

    Anyone signed in keeps collections of their own (`curated_by` is the
    owner). A private one (`published` off) exists only for its owner:
    everyone else gets 404 wherever it could show. Staff exhibitions are
    collections marked `featured`: any staff member edits them, and while
    unpublished they are drafts that staff see.
    """

    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=120)
    statement = models.TextField(
        blank=True, max_length=5000, help_text="What ties the works together."
    )
    cover = models.ForeignKey(
        Submission,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The work shown on the collection's card.",
    )
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="collections_kept",
        help_text="The collection's owner.",
    )
    published = models.BooleanField(
        default=False,
        help_text="Public: anyone may see it. Private otherwise: only its owner.",
    )
    featured = models.BooleanField(
        default=False,
        help_text="A staff exhibition, listed first on the collections page.",
    )
    works = models.ManyToManyField(
        Submission, through="CollectionItem", related_name="collections"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(
                fields=["curated_by", "-created_at", "-id"], name="collection_owner"
            ),
            models.Index(
                fields=["-created_at", "-id"],
                condition=models.Q(published=True),
                name="collection_public",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("gallery:collection", kwargs={"slug": self.slug})

    @property
    def public_cover(self) -> Submission | None:
        """Return the cover while it is in the gallery; hidden work never shows."""
        cover = self.cover
        if cover is not None and cover.state == Submission.State.ACCEPTED:
            return cover
        return None


class CollectionItem(models.Model):
    """One work's place in a collection."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="items"
    )
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="collection_items"
    )
    position = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["collection", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "submission"],
                name="collection_work_once",
                violation_error_message="That work is already in the collection.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection_id}#{self.position}: {self.submission_id}"


class ViewFold(models.Model):
    """One batch of page views counted from Redis into the table.

    Written in the same transaction as the counters it adds, so a batch
    whose Redis key outlived a crash is recognised and never added twice.
    Rows older than a day are deleted by the fold itself.
    """

    token = models.CharField(max_length=32, unique=True)
    views = models.PositiveIntegerField(default=0)
    folded_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.views} views ({self.token})"
