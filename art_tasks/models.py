"""Creation tasks, their seed images, claims and submissions."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from art_tasks import limits
from art_tasks.storage import private_storage
from core.models import TimeStampedModel


class License(models.TextChoices):
    CC_BY = "CC-BY-4.0", "Creative Commons Attribution 4.0"
    CC_BY_SA = "CC-BY-SA-4.0", "Creative Commons Attribution-ShareAlike 4.0"
    CC_BY_NC = "CC-BY-NC-4.0", "Creative Commons Attribution-NonCommercial 4.0"
    CC0 = "CC0-1.0", "CC0 1.0 (public domain dedication)"


LICENSE_URLS = {
    License.CC_BY: "https://creativecommons.org/licenses/by/4.0/",
    License.CC_BY_SA: "https://creativecommons.org/licenses/by-sa/4.0/",
    License.CC_BY_NC: "https://creativecommons.org/licenses/by-nc/4.0/",
    License.CC0: "https://creativecommons.org/publicdomain/zero/1.0/",
}


class Tag(models.Model):
    name = models.SlugField(max_length=limits.TAG_MAX_LENGTH, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CreationTask(TimeStampedModel):
    """A brief plus generated seed images that contributors work from."""

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        GENERATING = "generating", "Generating seeds"
        READY = "ready", "Seeds ready"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"
        ARCHIVED = "archived", "Archived"

    title = models.CharField(
        max_length=limits.TITLE_MAX_LENGTH, help_text="Short title of the task."
    )
    brief = models.TextField(
        max_length=limits.BRIEF_MAX_LENGTH, help_text="What contributors should make."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tasks")
    license = models.CharField(
        max_length=16,
        choices=License.choices,
        default=License.CC_BY,
        help_text="Default license offered for submissions.",
    )
    slots = models.PositiveIntegerField(
        default=10,
        validators=limits.SLOTS.validators(),
        help_text="How many contributors may hold or have used a claim.",
    )
    claim_ttl = models.DurationField(
        default=timedelta(hours=2),
        validators=limits.CLAIM_TTL.validators(),
        help_text="How long a claim lasts.",
    )
    claim_extensions = models.PositiveSmallIntegerField(
        default=1,
        validators=limits.CLAIM_EXTENSIONS.validators(),
        help_text="How many times a claim may be extended by the claim time "
        "(never past the deadline); 0 allows none.",
    )
    deadline = models.DateTimeField(null=True, blank=True, help_text="Closing time.")
    generator = models.CharField(max_length=40, default="cppn")
    generator_version = models.CharField(max_length=20, default="1")
    style = models.CharField(max_length=40, default="nebula")
    seed_count = models.PositiveIntegerField(
        default=8, validators=limits.SEED_COUNT.validators()
    )
    image_size = models.PositiveIntegerField(
        default=512, validators=limits.IMAGE_SIZE.validators()
    )
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=12, choices=State.choices, default=State.DRAFT, db_index=True
    )
    error = models.TextField(blank=True, help_text="Why seed generation failed.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="created_tasks"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    # Voting rules; empty means the site default (see docs/curation.md).
    vote_quorum = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=limits.VOTE_QUORUM.validators(),
        help_text="Curator votes that decide a submission; empty: site default.",
    )
    accept_threshold = models.FloatField(
        null=True,
        blank=True,
        validators=limits.ACCEPT_THRESHOLD.validators(),
        help_text="Mean score (1-5) at which work is accepted; empty: site default.",
    )
    review_window = models.DurationField(
        null=True,
        blank=True,
        validators=limits.REVIEW_WINDOW.validators(),
        help_text="How long a submission waits for votes; empty: site default.",
    )
    # Claims of this task in state `submitted`: each holds its slot for good.
    # Kept by art_tasks.services in the transaction that moves a claim into or
    # out of `submitted` (the task row locked), so the tasks list adds only the
    # few live claims to it (see claims.md, "Slot accounting").
    submitted_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Claims submitted to this task (each holds a slot for good).",
    )
    publish_key = models.CharField(
        max_length=100,
        blank=True,
        help_text="The publisher's idempotency key (API header or form token): "
        "a retried publish returns this task instead of making another.",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slots__gte=limits.SLOTS.low), name="task_slots_positive"
            ),
            models.UniqueConstraint(
                fields=["created_by", "publish_key"],
                condition=~Q(publish_key=""),
                name="task_publish_once_per_key",
            ),
            models.CheckConstraint(
                condition=Q(seed_count__gte=limits.SEED_COUNT.low)
                & Q(seed_count__lte=limits.SEED_COUNT.high),
                name="task_seed_count_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        """Return the task's tag names in order.

        Read from `tag_names` when the task came from `selectors.task_list`
        (joined in its query), else from the tags table.
        """
        if hasattr(self, "tag_names"):  # NULL when the task has no tags
            return sorted(name for name in (self.tag_names or "").split(",") if name)
        return [tag.name for tag in self.tags.all()]

    def get_absolute_url(self) -> str:
        return reverse("art_tasks:task-detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN and (
            self.deadline is None or self.deadline > timezone.now()
        )

    @property
    def current_state(self) -> str:
        """Return the state people see: past its deadline, an open task is closed.

        The beat job records the closing a few minutes later; nothing waits
        for it.
        """
        if self.state == self.State.OPEN and not self.is_open:
            return self.State.CLOSED
        return self.state

    def get_current_state_display(self) -> str:
        return self.State(self.current_state).label


class SeedImage(TimeStampedModel):
    """One generated image of a task, with the recipe that reproduces it."""

    task = models.ForeignKey(
        CreationTask, on_delete=models.CASCADE, related_name="seeds"
    )
    index = models.PositiveIntegerField()
    image = models.ImageField(upload_to="seeds/")
    thumbnail = models.ImageField(upload_to="seeds/thumbs/", blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    recipe = models.JSONField(help_text="Everything needed to paint the image again.")
    sha256 = models.CharField(max_length=64)
    phash = models.CharField(max_length=16, blank=True)
    device = models.CharField(max_length=40, blank=True)
    render_ms = models.PositiveIntegerField(default=0)
    parents = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["task", "index"]
        constraints = [
            models.UniqueConstraint(fields=["task", "index"], name="seed_unique_index")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}#{self.index}"


def holding_q(prefix: str = "", *, now: datetime | None = None) -> Q:
    """Return the condition "the claim holds a slot" as of `now` (default: now).

    A claim holds a slot while it is submitted, or active with `expires_at`
    in the future; see `claims.md`. `prefix` is the path to the claim, as in
    `"claims__"` when counting a task's held slots in an annotation.
    """
    return Q(**{f"{prefix}state": Claim.State.SUBMITTED}) | live_q(prefix, now=now)


def live_q(prefix: str = "", *, now: datetime | None = None) -> Q:
    """Return the condition "the claim is live": active, its end still ahead.

    A live claim is the one its holder may submit through; `Claim.is_live`
    says the same of one row.
    """
    now = now or timezone.now()
    return Q(**{f"{prefix}state": Claim.State.ACTIVE, f"{prefix}expires_at__gt": now})


class ClaimQuerySet(models.QuerySet):
    def holding(self, now: datetime | None = None) -> ClaimQuerySet:
        """Return the claims that hold a slot as of `now` (`holding_q`)."""
        return self.filter(holding_q(now=now))

    def live(self, now: datetime | None = None) -> ClaimQuerySet:
        """Return the claims that are live as of `now` (`live_q`)."""
        return self.filter(live_q(now=now))


class Claim(TimeStampedModel):
    """A contributor's hold on one slot of a task.

    A claim holds a slot while it is submitted, or active with `expires_at` in
    the future (`Claim.objects.holding()`, `holding_q`); see `claims.md`
    beside this file.
    """

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        SUBMITTED = "submitted", "Submitted"
        RELEASED = "released", "Released"
        EXPIRED = "expired", "Expired"

    task = models.ForeignKey(
        CreationTask, on_delete=models.CASCADE, related_name="claims"
    )
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="claims"
    )
    claimed_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text="When the claim lapses.")
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.ACTIVE, db_index=True
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    extensions_used = models.PositiveSmallIntegerField(
        default=0, help_text="How many times the claim was extended."
    )
    extended_at = models.DateTimeField(
        null=True, blank=True, help_text="When the claim was last extended."
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["-claimed_at"]
        indexes = [
            # The beat sweeps (expiry, warnings) read only active claims.
            models.Index(
                fields=["expires_at"],
                condition=Q(state="active"),
                name="claim_active_ends",
            ),
            # A task's live claims (its held slots beside the submitted
            # ones, and when the first ends): a short range of this index.
            models.Index(
                fields=["task", "expires_at"],
                condition=Q(state="active"),
                name="claim_active_task_ends",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "contributor"],
                condition=Q(state="active"),
                name="claim_one_active_per_contributor",
                violation_error_message="You already hold a claim on this task.",
            ),
            models.UniqueConstraint(
                fields=["task", "contributor"],
                condition=Q(state="submitted"),
                name="claim_one_submission_per_contributor",
                violation_error_message="You already submitted work to this task.",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("claimed_at")),
                name="claim_expires_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contributor} on {self.task}"

    @property
    def is_live(self) -> bool:
        return self.state == self.State.ACTIVE and self.expires_at > timezone.now()

    @property
    def extensions_left(self) -> int:
        """Return how many more times the claim may be extended."""
        return max(0, self.task.claim_extensions - self.extensions_used)

    @property
    def extension_end(self) -> datetime | None:
        """Return where an extension would move the end, or None if it cannot.

        An extension adds the task's claim time, clipped to the deadline; it
        is possible while the claim is live, has extensions left, and the
        clipped end is later than the present one.
        """
        if not self.is_live or self.extensions_left == 0:
            return None
        end = self.expires_at + self.task.claim_ttl
        if self.task.deadline is not None and self.task.deadline < end:
            end = self.task.deadline
        return end if end > self.expires_at else None


# The gallery's orders (gallery.selectors.ORDERS) and the filters that pick
# one value of a column; the indexes below serve each pair.
GALLERY_ORDERS: dict[str, tuple[str, ...]] = {
    "top": ("-rank_top", "-id"),
    "popular": ("-rank_popular", "-id"),
    "trending": ("-trend_score", "-id"),
    "new": ("-decided_at", "-id"),
    "discover": ("discover_rank", "id"),
}
GALLERY_ORDER_CONDITIONS: dict[str, dict[str, object]] = {
    "discover": {"discover_rank__isnull": False}
}
GALLERY_FILTER_COLUMNS = {
    "task": "task",
    "artist": "artist",
    "license": "license",
    "colour": "colour_family",
}
# Rows whose votes the ranking prior's site totals have not yet counted.
UNFOLDED = (
    Q(state="accepted")
    & (~Q(prior_votes=F("vote_count")) | ~Q(prior_score=F("score_sum")))
) | (~Q(state="accepted") & (Q(prior_votes__gt=0) | Q(prior_score__gt=0)))


def review_extended_first() -> models.Case:
    """Return the review queue's first sort key: 0 for an extended review, else 1.

    The one spelling of the expression, shared by the queue's ORDER BY and
    the partial index it walks (`review_queue_next`), so the two match.
    """
    return models.Case(
        models.When(review_extended_at__isnull=False, then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


REVIEW_QUEUE_ORDER = ("vote_count", "created_at", "id")


class Submission(TimeStampedModel):
    """A contributor's artwork made from a task's seed."""

    class State(models.TextChoices):
        PROCESSING = "processing", "Processing"
        IN_REVIEW = "in_review", "In review"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"
        HIDDEN = "hidden", "Hidden"
        FAILED = "failed", "Processing failed"

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, related_name="submission"
    )
    task = models.ForeignKey(
        CreationTask, on_delete=models.CASCADE, related_name="submissions"
    )
    artist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="submissions"
    )
    seed = models.ForeignKey(
        SeedImage,
        on_delete=models.PROTECT,
        related_name="submissions",
        help_text="The seed image the work was made from.",
    )
    title = models.CharField(max_length=120, help_text="Title of the artwork.")
    statement = models.TextField(
        blank=True, max_length=5000, help_text="The artist's statement."
    )
    license = models.CharField(max_length=16, choices=License.choices)
    # In private storage, reached only through gallery.views.submission_file.
    original = models.FileField(
        upload_to="originals/",
        storage=private_storage,
        db_index=True,
        help_text="The upload with its personal metadata removed.",
    )
    web = models.ImageField(
        upload_to="web/", storage=private_storage, blank=True, db_index=True
    )
    thumbnail = models.ImageField(
        upload_to="thumbs/", storage=private_storage, blank=True, db_index=True
    )
    format = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file_size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    phash = models.CharField(max_length=16, blank=True)
    palette = models.JSONField(default=list, blank=True)
    state = models.CharField(
        max_length=12,
        choices=State.choices,
        default=State.PROCESSING,
        db_index=True,
    )
    error = models.TextField(blank=True)
    like_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)
    score_sum = models.PositiveIntegerField(default=0)
    score = models.FloatField(
        null=True, blank=True, help_text="Mean curator score, 1 to 5."
    )
    decision_reason = models.CharField(max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Curation and ranking, kept by gallery.services (see docs/curation.md).
    decision_rule = models.JSONField(
        default=dict, blank=True, help_text="The voting rule that decided the work."
    )
    review_due_at = models.DateTimeField(
        null=True, blank=True, help_text="When the review window ends."
    )
    review_extended_at = models.DateTimeField(
        null=True, blank=True, help_text="When the review window was extended."
    )
    view_count = models.PositiveIntegerField(default=0)
    rank_top = models.FloatField(default=0.0, help_text="Bayesian average score.")
    rank_popular = models.FloatField(
        default=0.0, help_text="Wilson lower bound of likes over views."
    )
    trend_score = models.FloatField(default=0.0, help_text="Points decayed by age.")
    # When the trending decay next rewrites trend_score (None: past the
    # horizon, nothing to decay); see gallery.services.decay_trending.
    trend_due_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The votes and score sum this row has added to the site totals of the
    # ranking prior (curation.RankingPrior): the counters while accepted, 0
    # otherwise. A row whose counters moved is "unfolded" (see the index).
    prior_votes = models.PositiveIntegerField(default=0, editable=False)
    prior_score = models.PositiveIntegerField(default=0, editable=False)
    discover_rank = models.PositiveIntegerField(
        null=True, blank=True, help_text="Position in the discover layout."
    )
    colour_family = models.CharField(
        max_length=8, blank=True, help_text="Coarse name of the dominant colour."
    )
    # Comments (community.Comment): how many the public sees, kept exact by
    # community's comment services in the transaction of each change, so a
    # gallery card shows it without a query of its own.
    comment_count = models.PositiveIntegerField(
        default=0, help_text="Comments everyone can see on this work."
    )

    # Tags and search (docs/search.md): the artist's tags, and the weighted
    # words of title, tags, artist and statement, kept by art_tasks.search.
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="works", help_text="The artist's tags."
    )
    search_vector = SearchVectorField(null=True, editable=False)

    # The studio of tools (art_tasks.recipe): the steps the work was made
    # with, when it was made in Atelier's tools; part of its provenance.
    studio_recipe = models.JSONField(
        null=True,
        blank=True,
        help_text="The studio steps ({op, params}) the work was rendered with.",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Full-text search of the gallery (PostgreSQL only: the
            # migration skips it elsewhere).
            GinIndex(fields=["search_vector"], name="submission_search"),
            models.Index(
                fields=["-rank_top", "-id"],
                condition=Q(state="accepted"),
                name="gallery_top",
            ),
            models.Index(
                fields=["-rank_popular", "-id"],
                condition=Q(state="accepted"),
                name="gallery_popular",
            ),
            models.Index(
                fields=["-trend_score", "-id"],
                condition=Q(state="accepted"),
                name="gallery_trending",
            ),
            models.Index(
                fields=["discover_rank", "id"],
                condition=Q(state="accepted", discover_rank__isnull=False),
                name="gallery_discover",
            ),
            models.Index(
                fields=["review_due_at"],
                condition=Q(state="in_review"),
                name="review_due",
            ),
            models.Index(
                fields=["-decided_at", "-id"],
                condition=Q(state="accepted"),
                name="gallery_new",
            ),
            # The review queue walks this in order and stops at its first
            # row (curation.selectors.review_queue orders by the same keys).
            models.Index(
                review_extended_first(),
                models.F("vote_count"),
                models.F("created_at"),
                models.F("id"),
                condition=Q(state="in_review"),
                name="review_queue_next",
            ),
            # The periodic jobs read only these small slices of the table.
            models.Index(
                fields=["trend_due_at"],
                condition=Q(state="accepted", trend_due_at__isnull=False),
                name="trend_due",
            ),
            models.Index(fields=["id"], condition=UNFOLDED, name="prior_unfolded"),
            models.Index(
                fields=["id"],
                condition=Q(discover_rank__isnull=False) & ~Q(state="accepted"),
                name="discover_stale",
            ),
        ] + [
            # Each filter in each order: the filter's value, then the order,
            # so a cursor page of one task, artist, licence or colour is one
            # range scan at any depth.
            models.Index(
                fields=[column, *fields],
                condition=Q(
                    state="accepted", **GALLERY_ORDER_CONDITIONS.get(order, {})
                ),  # noqa: E501
                name=f"gallery_{filter_}_{order}",
            )
            for filter_, column in GALLERY_FILTER_COLUMNS.items()
            for order, fields in GALLERY_ORDERS.items()
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=1) & Q(score__lte=5)),
                name="submission_score_range",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("gallery:artwork", kwargs={"pk": self.pk})

    @property
    def score_is_blind(self) -> bool:
        """Whether the mean score is hidden: votes stay blind until the decision.

        The one statement of the blind-score rule for everyone who reads the
        public mean (pages, the API); who may see individual votes and the
        figures made from them is `curation.selectors`.
        """
        return self.state == self.State.IN_REVIEW

    @property
    def shown_score(self) -> float | None:
        """Return the mean score as anyone may see it: None while blind."""
        return None if self.score_is_blind else self.score

    @property
    def attribution(self) -> str:
        return (
            f"“{self.title}” by {self.artist.shown_name}, on Atelier, "
            f"licensed {self.license}"
        )


class SubmissionDraft(TimeStampedModel):
    """What a contributor uploaded after their claim ended, kept for a day.

    The file is stored like a submission's original (personal metadata
    removed, in private storage, named by its hash) and is served only to
    its owner. A draft becomes a submission when its owner claims the task
    again (`art_tasks.services.submit_draft`); the beat job
    `delete_old_drafts` removes drafts past `ATELIER_DRAFT_KEEP_HOURS`
    with their files.
    """

    task = models.ForeignKey(
        CreationTask, on_delete=models.CASCADE, related_name="drafts"
    )
    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    seed = models.ForeignKey(
        SeedImage,
        on_delete=models.CASCADE,
        related_name="drafts",
        help_text="The seed image the work was made from.",
    )
    title = models.CharField(max_length=120, help_text="Title of the artwork.")
    statement = models.TextField(
        blank=True, max_length=5000, help_text="The artist's statement."
    )
    license = models.CharField(max_length=16, choices=License.choices)
    tags = models.JSONField(
        default=list, blank=True, help_text="The tags chosen for the work."
    )
    file = models.FileField(
        upload_to="drafts/",
        storage=private_storage,
        help_text="The upload with its personal metadata removed.",
    )
    format = models.CharField(max_length=8)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file_size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    # The studio of tools: reopening the tools on the draft restores these.
    studio_recipe = models.JSONField(
        null=True,
        blank=True,
        help_text="The studio steps ({op, params}) the draft was rendered with.",
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "contributor"],
                name="draft_one_per_contributor_and_task",
                violation_error_message="You already have a draft for this task.",
            )
        ]

    def __str__(self) -> str:
        return f"Draft “{self.title}” by {self.contributor} on {self.task}"

    @property
    def kept_until(self) -> datetime:
        """Return when the beat job deletes the draft."""
        return self.created_at + timedelta(hours=settings.ATELIER_DRAFT_KEEP_HOURS)


class StudioRender(TimeStampedModel):
    """One exact render of a studio recipe, made on the imaging queue.

    The seed at full size, the contributor's uploaded layer and mask (in
    private storage, named by their hash) and the checked steps are what
    `art_tasks.studio_render.render` turns into the result. A render is
    private to its contributor. Its purpose says what happens to the
    result: kept for download, submitted through the usual submit path, or
    kept as the contributor's draft for the task.
    """

    class Purpose(models.TextChoices):
        DOWNLOAD = "download", "Download"
        SUBMIT = "submit", "Submit"
        DRAFT = "draft", "Save as draft"

    class State(models.TextChoices):
        PENDING = "pending", "Rendering"
        RENDERED = "rendered", "Rendered, being handed on"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    contributor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="studio_renders",
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.CASCADE, related_name="studio_renders"
    )
    seed = models.ForeignKey(
        SeedImage,
        on_delete=models.CASCADE,
        related_name="studio_renders",
        help_text="The seed the steps start from.",
    )
    purpose = models.CharField(
        max_length=10, choices=Purpose.choices, default=Purpose.DOWNLOAD
    )
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING
    )
    steps = models.JSONField(
        default=list, blank=True, help_text="The checked steps, each {op, params}."
    )
    layer = models.FileField(upload_to="layers/", storage=private_storage, blank=True)
    mask = models.FileField(upload_to="masks/", storage=private_storage, blank=True)
    result = models.FileField(upload_to="renders/", storage=private_storage, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=120, blank=True)
    statement = models.TextField(blank=True, max_length=5000)
    license = models.CharField(max_length=16, choices=License.choices, blank=True)
    tags = models.JSONField(
        default=list, blank=True, help_text="The artist's tags for the work."
    )
    error = models.TextField(blank=True, help_text="Why the render or hand-on failed.")
    submission = models.ForeignKey(
        Submission,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="studio_renders",
    )
    draft = models.ForeignKey(
        SubmissionDraft,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="studio_renders",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["contributor", "-created_at"])]

    def __str__(self) -> str:
        return f"Studio render {self.pk} ({self.purpose}, {self.state})"

    def get_absolute_url(self) -> str:
        return reverse("art_tasks:studio-render", kwargs={"pk": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)
