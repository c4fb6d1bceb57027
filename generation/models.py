"""Generator registry and generation jobs.

Nothing here imports torch: web processes load this module.
"""

from django.db import models

from art_tasks.models import CreationTask
from core.models import TimeStampedModel


class GeneratorModel(TimeStampedModel):
    """A registered generator version: code-only (CPPN) or a trained checkpoint."""

    class Kind(models.TextChoices):
        CODE = "code", "Code generator"
        CHECKPOINT = "checkpoint", "Trained checkpoint"

    name = models.CharField(max_length=40)
    version = models.CharField(max_length=20)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.CODE)
    description = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    weights = models.CharField(max_length=300, blank=True)
    training = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True)
    samples = models.ImageField(
        upload_to="generators/",
        blank=True,
        help_text="Contact sheet of seeds painted when a trained version is "
        "registered, for staff to look at before tasks use it.",
    )
    reviewed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When staff looked at the samples of a trained version and "
        "confirmed it publishable; empty until then.",
    )
    reviewed_by = models.ForeignKey(
        "accounts.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="generator_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"

    @property
    def needs_review(self) -> bool:
        """Return whether tasks must wait for staff to look at its samples.

        The CPPN painter is code and needs no review; a trained checkpoint
        does, once, because a model that has barely trained paints noise.
        """
        return self.kind == self.Kind.CHECKPOINT and self.reviewed_at is None

    @property
    def below_bar(self) -> list[str]:
        """Return why its measured quality is below the bar (empty: it is not).

        Versions measured when they were trained (`training["quality"]`) carry
        the reasons; staff must confirm such a version explicitly.
        """
        return list((self.training or {}).get("quality", {}).get("below_bar", []))


class GenerationJob(TimeStampedModel):
    """One request to paint a task's seeds; drives the progress bar."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    task = models.ForeignKey(
        CreationTask, on_delete=models.CASCADE, related_name="generation_jobs"
    )
    state = models.CharField(
        max_length=8, choices=State.choices, default=State.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    device = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    heartbeat_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Last sign of life from the worker painting the job.",
    )
    plan = models.JSONField(
        default=list,
        blank=True,
        help_text="Recipes to paint (with parents when bred), fixed on the first run.",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"job {self.pk} for task {self.task_id}: {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class TrainingRun(TimeStampedModel):
    """One training of a learned generator; drives its progress bar."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    name = models.CharField(max_length=40, help_text="Generator name to register.")
    size = models.PositiveIntegerField(default=64)
    epochs = models.PositiveIntegerField(default=10)
    epochs_done = models.PositiveIntegerField(default=0)
    state = models.CharField(
        max_length=8, choices=State.choices, default=State.QUEUED, db_index=True
    )
    params = models.JSONField(default=dict, blank=True)
    record = models.JSONField(
        default=dict, blank=True, help_text="Images used, losses per epoch, timings."
    )
    error = models.TextField(blank=True)
    device = models.CharField(max_length=40, blank=True)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL
    )
    result = models.ForeignKey(
        GeneratorModel, null=True, blank=True, on_delete=models.SET_NULL
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"training {self.name}: {self.epochs_done}/{self.epochs}"

    @property
    def percent(self) -> int:
        return int(100 * self.epochs_done / self.epochs) if self.epochs else 0


class LabGrid(TimeStampedModel):
    """One grid of children bred in the lab by one person; drives its progress.

    A grid is private to its breeder. Its parents are site seeds, lab seeds
    or both (a crossover); `previous` is the grid it was bred from, so the
    lab can step back. `controls` records how the children were made
    (strength, kept genes, palette and the random number of the grid).
    """

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    breeder = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="lab_grids"
    )
    previous = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next_grids",
        help_text="The grid this one was bred from; the lab steps back to it.",
    )
    state = models.CharField(
        max_length=8, choices=State.choices, default=State.QUEUED, db_index=True
    )
    total = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    device = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    controls = models.JSONField(
        default=dict,
        blank=True,
        help_text="How the children were bred: strength, kept genes, palette, rng.",
    )
    seed_parents = models.ManyToManyField(
        "art_tasks.SeedImage", blank=True, related_name="+"
    )
    lab_parents = models.ManyToManyField("LabSeed", blank=True, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["breeder", "-created_at"], name="lab_grid_breeder")
        ]

    def __str__(self) -> str:
        return f"lab grid {self.pk} of {self.breeder_id}: {self.done}/{self.total}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("generation:lab-grid", args=[self.pk])

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)


class LabSeed(TimeStampedModel):
    """A child bred in the lab: its recipe, parents, breeder and picture.

    The recipe is the whole genome: painting it again gives the same
    pixels. Kept seeds (`kept_at` set) are public and listed in the
    breeder's "My seeds"; the others stay the breeder's own.
    """

    breeder = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="lab_seeds"
    )
    grid = models.ForeignKey(LabGrid, on_delete=models.CASCADE, related_name="children")
    index = models.PositiveIntegerField()
    recipe = models.JSONField(help_text="Everything needed to paint the image again.")
    image = models.ImageField(upload_to="lab/", blank=True)
    thumbnail = models.ImageField(upload_to="lab/thumbs/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    render_ms = models.PositiveIntegerField(default=0)
    seed_parents = models.ManyToManyField(
        "art_tasks.SeedImage", blank=True, related_name="lab_children"
    )
    lab_parents = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="lab_children"
    )
    kept_at = models.DateTimeField(
        null=True, blank=True, help_text="When the breeder kept it; empty if not."
    )
    proposed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the breeder proposed it to staff as a task's seed.",
    )
    proposed_for = models.ForeignKey(
        CreationTask,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lab_proposals",
        help_text="The task it was proposed for; empty for staff generally.",
    )
    used_in = models.ForeignKey(
        CreationTask,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lab_seeds_used",
        help_text="The task published with it as a seed.",
    )

    class Meta:
        ordering = ["grid", "index"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "index"], name="lab_seed_index")
        ]
        indexes = [
            models.Index(fields=["breeder", "created_at"], name="lab_seed_rate"),
            models.Index(
                fields=["breeder", "-kept_at"],
                name="lab_seed_kept",
                condition=models.Q(kept_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"lab seed {self.pk} ({self.grid_id}#{self.index})"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("generation:lab-seed", args=[self.pk])

    @property
    def kept(self) -> bool:
        return self.kept_at is not None

    @property
    def painted(self) -> bool:
        return bool(self.image)
