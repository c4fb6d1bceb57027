"""Every write the creation-task domain allows.

Services check permissions and state first, then write atomically, and hand
Celery work over only after commit. See `claims.md` for the claim lifecycle.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, F, Min, OuterRef, Q
from django.utils import timezone

from accounts.models import User
from accounts.services.outbox import (
    publish,
    queue_depth,
    send_on_commit,
)
from art_tasks import claim_gate, limits
from art_tasks.errors import (
    AlreadyClaimed,
    AlreadyPublished,
    ClaimEndedDraftKept,
    ClaimLimitReached,
    ClaimNotLive,
    DeadlineBeforeLiveClaim,
    DeadlineReached,
    InvalidRecipe,
    InvalidTaskState,
    NoExtensionLeft,
    NotYourClaim,
    NotYourDraft,
    TaskNotOpen,
)
from art_tasks.models import (
    Claim,
    CreationTask,
    License,
    SeedImage,
    StudioRender,
    Submission,
    SubmissionDraft,
    Tag,
    holding_q,
    live_q,
)
from art_tasks.search import refresh_search_vectors
from art_tasks.signals import (
    claim_made,
    claim_released,
    claims_expired,
    submission_processing_failed,
    submission_received,
    task_closed,
    task_opened,
)
from art_tasks.storage import private_storage
from art_tasks.tasks import process_submission_task, render_studio_task
from art_tasks.voting import VotingRule
from core.errors import NotAllowed

if TYPE_CHECKING:
    from accounts.uploads import UploadInfo

logger = logging.getLogger(__name__)

STUCK_AFTER = timedelta(minutes=10)
# Imaging takes seconds; a submission still processing after this, with no
# worker holding its row and no message waiting in the imaging queue, lost
# its worker (or its message) and is sent again.
PROCESSING_STALE_AFTER = timedelta(seconds=30)


# Tasks ------------------------------------------------------------------------


def _require_staff(user: User) -> None:
    if not (user.is_authenticated and user.is_staff):
        raise NotAllowed("Only staff can publish creation tasks.")


@transaction.atomic
def create_task(
    *,
    by: User,
    title: str,
    brief: str,
    tags: Iterable[str] = (),
    license: str = "CC-BY-4.0",  # noqa: A002 - the domain's word
    slots: int = 10,
    claim_ttl: timedelta = timedelta(hours=2),
    claim_extensions: int = 1,
    deadline: datetime | None = None,
    generator: str = "cppn",
    generator_version: str = "1",
    style: str = "nebula",
    seed_count: int = 8,
    image_size: int = 512,
    params: dict | None = None,
    vote_quorum: int | None = None,
    accept_threshold: float | None = None,
    review_window: timedelta | None = None,
    publish_key: str = "",
) -> CreationTask:
    """Create a draft task; `generation.services.publish_task` paints its seeds.

    The generator recipe is checked by `generation.services.publish_new_task`,
    the one way pages and the API publish.

    The voting rule (`vote_quorum`, `accept_threshold`, `review_window`)
    falls back to the site default where it is None. A `publish_key` (the
    API's Idempotency-Key, the publish form's token) makes a retry safe:
    raise `AlreadyPublished` with the task when `by` used the key before.
    """
    _require_staff(by)
    publish_key = publish_key.strip()
    if len(publish_key) > 100:
        raise ValidationError(
            {"publish_key": "An idempotency key is at most 100 characters."}
        )
    if publish_key:
        earlier = CreationTask.objects.filter(
            created_by=by, publish_key=publish_key
        ).first()
        if earlier is not None:
            raise AlreadyPublished(earlier)
    if deadline is not None and deadline <= timezone.now():
        raise ValidationError({"deadline": "The deadline must be in the future."})
    if claim_ttl < limits.CLAIM_TTL.low:
        shortest = limits.CLAIM_TTL.in_minutes()[0]
        raise ValidationError(
            {"claim_ttl": f"A claim must last at least {shortest} minutes."}
        )
    task = CreationTask(
        title=title.strip(),
        brief=brief.strip(),
        license=license,
        slots=slots,
        claim_ttl=claim_ttl,
        claim_extensions=claim_extensions,
        deadline=deadline,
        generator=generator,
        generator_version=generator_version,
        style=style,
        seed_count=seed_count,
        image_size=image_size,
        params=params or {},
        created_by=by,
        vote_quorum=vote_quorum,
        accept_threshold=accept_threshold,
        review_window=review_window,
        publish_key=publish_key,
    )
    try:
        names = clean_tag_names(tags)
    except ValidationError as exc:
        raise ValidationError({"tags": exc.messages}) from None
    task.full_clean()
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        earlier = CreationTask.objects.filter(
            created_by=by, publish_key=publish_key
        ).first()
        if not publish_key or earlier is None:
            raise
        raise AlreadyPublished(earlier) from None  # a concurrent retry won
    if names:
        task.tags.set([Tag.objects.get_or_create(name=n)[0] for n in names])
    return task


def clean_tag_names(tags: Iterable[str]) -> list[str]:
    """Return `tags` as stored (trimmed, lower case, sorted, once each).

    Raise `ValidationError` naming the first that is not a tag: letters,
    digits, hyphens and underscores, up to `limits.TAG_MAX_LENGTH`.
    """
    names = sorted({t.strip().lower() for t in tags if t.strip()})
    field = Tag._meta.get_field("name")
    for name in names:
        try:
            field.run_validators(name)
        except ValidationError:
            raise ValidationError(
                f"“{name[:60]}” is not a tag: use letters, digits, hyphens and "
                f"underscores, up to {limits.TAG_MAX_LENGTH} characters."
            ) from None
    return names


def clean_work_tags(tags: Iterable[str]) -> list[str]:
    """Return the tags an artist gave a work, as stored; raise if they cannot be.

    Each item may hold several tags separated by commas (a typed field);
    they are checked as task tags are (`clean_tag_names`), and a work has at
    most `limits.TAGS_PER_WORK`. Raises `ValidationError` on `tags`.
    """
    typed = [part for item in tags for part in str(item).split(",")]
    try:
        names = clean_tag_names(typed)
    except ValidationError as exc:
        raise ValidationError({"tags": exc.messages}) from None
    if len(names) > limits.TAGS_PER_WORK:
        raise ValidationError(
            {
                "tags": f"Give a work at most {limits.TAGS_PER_WORK} tags "
                f"(these are {len(names)})."
            }
        )
    return names


def _tag_rows(names: list[str]) -> list[Tag]:
    """Return the `Tag` rows of `names`, making the missing ones (two queries)."""
    if not names:
        return []
    Tag.objects.bulk_create([Tag(name=n) for n in names], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=names))


@transaction.atomic
def mark_generating(*, task: CreationTask, by: User) -> CreationTask:
    """Move a draft task to generating; its seeds are about to be painted.

    `generation.services.publish_task` calls it and queues the painting in
    the same transaction.
    """
    _require_staff(by)
    task = CreationTask.objects.select_for_update().get(pk=task.pk)
    if task.state != CreationTask.State.DRAFT:
        raise InvalidTaskState(
            "Only a draft task can be published; this one is "
            f"{task.get_state_display()}."
        )
    task.state = CreationTask.State.GENERATING
    task.error = ""
    task.published_at = timezone.now()
    task.save(update_fields=["state", "error", "published_at", "updated_at"])
    return task


@transaction.atomic
def open_task(*, task: CreationTask) -> CreationTask:
    """Open a task whose seeds are ready for claims."""
    task = CreationTask.objects.select_for_update().get(pk=task.pk)
    if task.state == CreationTask.State.OPEN:
        return task
    if task.state not in (CreationTask.State.GENERATING, CreationTask.State.READY):
        raise InvalidTaskState(f"Task {task.pk} cannot open from {task.state}.")
    task.state = CreationTask.State.OPEN
    task.opened_at = timezone.now()
    task.save(update_fields=["state", "opened_at", "updated_at"])
    task_opened.send(sender=CreationTask, task=task)
    return task


@transaction.atomic
def fail_task_generation(*, task: CreationTask, error: str) -> CreationTask:
    """Return a task to draft with the generation error shown to staff."""
    task = CreationTask.objects.select_for_update().get(pk=task.pk)
    task.state = CreationTask.State.DRAFT
    task.error = error[:2000]
    task.save(update_fields=["state", "error", "updated_at"])
    return task


def close_finished_tasks(*, limit: int = 200) -> int:
    """Close open tasks past their deadline or whose slots are all submitted.

    One query over the open tasks finds them (the submitted claims are the
    task's `submitted_count`), at most `limit` a run.
    """
    now = timezone.now()
    due = list(
        CreationTask.objects.filter(state=CreationTask.State.OPEN)
        .filter(Q(deadline__lte=now) | Q(submitted_count__gte=F("slots")))
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    closed = 0
    for pk in due:
        with transaction.atomic():
            locked = CreationTask.objects.select_for_update().get(pk=pk)
            if locked.state == CreationTask.State.OPEN:
                locked.state = CreationTask.State.CLOSED
                locked.save(update_fields=["state", "updated_at"])
                task_closed.send(sender=CreationTask, task=locked)
                closed += 1
    return closed


def _utc(moment: datetime) -> str:
    """Return `moment` as people read it in messages: "05 Mar 2026, 14:05 UTC"."""
    return f"{moment.astimezone(UTC):%d %b %Y, %H:%M} UTC"


@transaction.atomic
def change_deadline(
    *, task: CreationTask, by: User, deadline: datetime | None
) -> CreationTask:
    """Move `task`'s deadline (None: no deadline), never before a live claim's end.

    Staff may extend a deadline at any time, and shorten it down to the end
    of the latest live claim, never below it (MTurk's rule): nobody loses
    time they were promised. The task row is locked, so no claim can start
    in between with a later end.
    """
    if not (by.is_authenticated and by.is_staff):
        raise NotAllowed("Only staff can change a task's deadline.")
    task = CreationTask.objects.select_for_update().get(pk=task.pk)
    if task.state in (CreationTask.State.CLOSED, CreationTask.State.ARCHIVED):
        raise InvalidTaskState(
            f"This task is {task.get_state_display().lower()}; its deadline can "
            "no longer change."
        )
    now = timezone.now()
    if deadline is not None and deadline <= now:
        raise ValidationError({"deadline": "The deadline must be in the future."})
    latest = (
        task.claims.live(now)
        .order_by("-expires_at")
        .values_list("expires_at", flat=True)
        .first()
    )
    if deadline is not None and latest is not None and deadline < latest:
        raise DeadlineBeforeLiveClaim(
            f"A live claim on this task runs until {_utc(latest)}; the deadline "
            "cannot be earlier than that. Choose a later time, or wait until "
            "the claim ends.",
            extra={"earliest": latest.isoformat()},
        )
    task.deadline = deadline
    task.full_clean()
    task.save(update_fields=["deadline", "updated_at"])
    return task


# Claims -----------------------------------------------------------------------


def _refuse_claim(
    task: CreationTask, *, submitted: bool, live: bool, held: int
) -> None:
    """Raise why a person may not claim `task`, given what was read of it.

    `submitted` and `live`: whether they have submitted to it, or hold a
    live claim on it; `held`: how many of its slots are held.
    """
    if not task.is_open:
        raise TaskNotOpen("This task is not open for claims.")
    if submitted:
        raise AlreadyClaimed("You have already submitted work to this task.")
    if live:
        raise AlreadyClaimed("You already hold a claim on this task.")
    if held >= task.slots:
        raise ClaimLimitReached(
            f"All {task.slots} slots of this task are taken. "
            "Try again later: slots free up when claims are released or expire."
        )


def _refuse_claim_unlocked(task_id: int, user: User, *, now: datetime) -> None:
    """Refuse a claim that cannot succeed, in one query and without a lock.

    What it reads may be a moment old; a claim it lets through is checked
    again under the task's row lock, so a refusal here is only an early
    one (a full task stays full until a claim ends, which is the one race:
    the person tries again). Raises `CreationTask.DoesNotExist` when there
    is no task `task_id`, so a caller need not read the task first.
    """
    mine = Claim.objects.filter(task=OuterRef("pk"), contributor=user)
    found = (
        CreationTask.objects.filter(pk=task_id)
        .only("state", "deadline", "slots")  # all `_refuse_claim` reads of it
        .annotate(
            held=Count("claims", filter=holding_q("claims__", now=now)),
            first_end=Min("claims__expires_at", filter=live_q("claims__", now=now)),
            submitted=Exists(mine.filter(state=Claim.State.SUBMITTED)),
            live=Exists(mine.filter(live_q(now=now))),
        )
        .get()
    )
    try:
        _refuse_claim(
            found, submitted=found.submitted, live=found.live, held=found.held
        )
    except ClaimLimitReached as exc:
        # The next claims on it are answered from the note (`claim_gate`).
        claim_gate.note_full(task_id, exc.message, now=now, until=found.first_end)
        raise


def claim_task(*, task: CreationTask, user: User) -> Claim:
    """Give `user` an active claim on `task`, or raise if no slot is free.

    See `claim_task_id`.
    """
    return claim_task_id(task_id=task.pk, user=user)


def claim_task_id(*, task_id: int, user: User) -> Claim:
    """Give `user` an active claim on task `task_id`, or raise if no slot is free.

    The rules are read twice. First in one query without any lock: a full
    task (or a closed one, or a second claim) is refused there, so a storm
    of claims on a full task never queues on its row. Only when a slot
    looks free is the task row locked for the rest of the transaction;
    concurrent claimers queue on it, and the rules are read again, exact,
    before the claim is written, so the task is never overbooked. Raises
    `CreationTask.DoesNotExist` when there is no such task.
    """
    if not user.is_authenticated:
        raise NotAllowed("Sign in to claim a task.")
    # Outside any transaction: a refusal costs one query, no BEGIN, no lock,
    # and that query is the only read of the task.
    _refuse_claim_unlocked(task_id, user, now=timezone.now())
    return _claim_locked(task_id, user)


@transaction.atomic
def _claim_locked(task_id: int, user: User) -> Claim:
    """Claim task `task_id` for `user` under its row lock (see `claim_task_id`)."""
    task = CreationTask.objects.select_for_update().get(pk=task_id)
    now = timezone.now()
    mine = task.claims.filter(contributor=user)
    active = mine.filter(state=Claim.State.ACTIVE).first()
    _refuse_claim(
        task,
        submitted=mine.filter(state=Claim.State.SUBMITTED).exists(),
        live=active is not None and active.is_live,
        held=task.claims.holding(now=now).count(),
    )
    if active is not None:  # active in name only: its time ran out
        _end_claim(active, Claim.State.EXPIRED)
    expires = now + task.claim_ttl
    if task.deadline and task.deadline < expires:
        expires = task.deadline
    claim = Claim(task=task, contributor=user, claimed_at=now, expires_at=expires)
    claim.full_clean()
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as exc:  # the constraints are the last word
        raise AlreadyClaimed("You already hold a claim on this task.") from exc
    claim_made.send(sender=Claim, claim=claim)
    return claim


def _lock_task(pk: int) -> None:
    """Lock task `pk`'s row for the rest of the transaction."""
    list(CreationTask.objects.select_for_update().filter(pk=pk).values_list("pk"))


def _count_submitted(task_id: int, change: int) -> None:
    """Move task `task_id`'s `submitted_count` by `change` (+1 or -1).

    Called in the transaction that moves a claim into or out of
    `submitted`, with the task row locked, so the counter always equals
    the task's submitted claims.
    """
    CreationTask.objects.filter(pk=task_id).update(
        submitted_count=F("submitted_count") + change
    )


def _end_claim(claim: Claim, state: str) -> Claim:
    claim.state = state
    claim.ended_at = timezone.now()
    claim.save(update_fields=["state", "ended_at", "updated_at"])
    return claim


@transaction.atomic
def release_claim(*, claim: Claim, user: User) -> Claim:
    """Give up `claim`, freeing its slot for someone else."""
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    if claim.contributor_id != user.pk:
        raise NotYourClaim("Only the person holding a claim can release it.")
    if claim.state != Claim.State.ACTIVE:
        raise ClaimNotLive(
            f"This claim is already {claim.get_state_display().lower()}."
        )
    claim_gate.forget_full(claim.task_id)  # its slot is free at once
    _end_claim(claim, Claim.State.RELEASED)
    claim_released.send(sender=Claim, claim=claim)
    return claim


@transaction.atomic
def extend_claim(*, claim: Claim, user: User) -> Claim:
    """Add the task's claim time to `user`'s live claim; return the claim.

    A task allows `claim_extensions` extensions per claim (0: none). The
    new end is clipped to the task's deadline; an extension that would gain
    nothing is refused. The task row is locked first (as in `claim_task`
    and `change_deadline`), so the deadline read is the one in force.
    """
    task = CreationTask.objects.select_for_update().get(pk=claim.task_id)
    claim = Claim.objects.select_for_update().get(pk=claim.pk)
    claim.task = task
    if claim.contributor_id != user.pk:
        raise NotYourClaim("Only the person holding a claim can extend it.")
    if claim.state != Claim.State.ACTIVE:
        raise ClaimNotLive(
            f"This claim is {claim.get_state_display().lower()}; only a live "
            "claim can be extended."
        )
    if not claim.is_live:
        raise ClaimNotLive(
            f"Your claim ended at {_utc(claim.expires_at)}; claim the task again "
            "to keep working on it."
        )
    if task.claim_extensions == 0:
        raise NoExtensionLeft("Claims on this task cannot be extended.")
    if claim.extensions_left == 0:
        allowed = task.claim_extensions
        raise NoExtensionLeft(
            f"You have used the {allowed} extension{'s' if allowed != 1 else ''} "
            "this task allows; submit before the claim ends."
        )
    end = claim.extension_end
    if end is None:
        raise DeadlineReached(
            f"Your claim already ends at the task's deadline ({_utc(claim.expires_at)})"
            "; it cannot be extended past it."
        )
    claim.expires_at = end
    claim.extensions_used += 1
    claim.extended_at = timezone.now()
    claim.save(update_fields=["expires_at", "extensions_used", "extended_at"])
    return claim


def expire_claims(*, limit: int = 1_000) -> int:
    """Mark active claims past `expires_at` as expired; return how many.

    At most `limit` a run, the longest ended first, read through the
    `claim_active_ends` index; the next run takes the rest.

    Slot counting never depends on this: it compares `expires_at` with the
    current time itself. This tidies the rows up and announces
    `claims_expired` (community tells each contributor, with a link to
    claim again). Rows another run holds are skipped, so two overlapping
    runs never announce a claim twice.
    """
    now = timezone.now()
    with transaction.atomic():
        ended = list(
            Claim.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=Claim.State.ACTIVE, expires_at__lte=now)
            .select_related("task", "contributor")
            .order_by("expires_at", "pk")[:limit]
        )
        if not ended:
            return 0
        Claim.objects.filter(pk__in=[c.pk for c in ended]).update(
            state=Claim.State.EXPIRED, ended_at=now, updated_at=now
        )
        for claim in ended:
            claim.state, claim.ended_at = Claim.State.EXPIRED, now
        claims_expired.send(sender=Claim, claims=ended)
    return len(ended)


# Submissions ------------------------------------------------------------------


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _store(prefix: str, digest: str, extension: str, content: ContentFile) -> str:
    """Save content under a name derived from its hash; return the stored name.

    Submission files go to the private storage (see `storage.py`).
    """
    storage = private_storage()
    name = f"{prefix}/{digest[:2]}/{digest}.{extension}"
    if storage.exists(name):
        if storage.size(name) == content.size:
            return name
        storage.delete(name)  # cut short by a worker that died
    return storage.save(name, content)


def require_claim_holder(*, claim: Claim, user: User) -> Claim:
    """Raise `NotYourClaim` unless `user` holds `claim`.

    Views call it before reading an upload, so a stranger's request is
    refused with the reason, whatever its body holds.
    """
    if claim.contributor_id != user.pk:
        raise NotYourClaim("Only the person holding a claim can submit work for it.")
    return claim


def _check_submission(
    *, claim: Claim, user: User, seed: SeedImage, image: IO[bytes], title: str
) -> UploadInfo:
    """Check who submits what, then decode the upload; return what to store."""
    from accounts.uploads import inspect_upload

    require_claim_holder(claim=claim, user=user)
    if seed.task_id != claim.task_id:
        raise ValidationError({"seed": "Choose one of this task's seed images."})
    if not title.strip():
        raise ValidationError({"title": "Give your artwork a title."})
    return inspect_upload(
        image,
        max_bytes=settings.ATELIER_MAX_UPLOAD_BYTES,
        max_pixels=settings.ATELIER_MAX_UPLOAD_PIXELS,
    )


def submit_work(
    *,
    claim: Claim,
    user: User,
    seed: SeedImage,
    image: IO[bytes],
    title: str,
    statement: str = "",
    license: str,  # noqa: A002 - the domain's word
    tags: Iterable[str] = (),
) -> Submission:
    """Turn a live claim into a submission and queue its image processing.

    The image is checked by decoding it, metadata included, before anything
    is written; a bad file raises `InvalidImage` and leaves nothing stored.
    What is stored is the upload with its personal metadata (GPS position,
    camera serials, XMP, comments) removed and its pixels untouched. Pages
    and the API call `submit_work_or_keep_draft`, which keeps an upload that
    arrives too late. `tags` are the artist's (`clean_work_tags`).
    """
    names = clean_work_tags(tags)
    info = _check_submission(
        claim=claim, user=user, seed=seed, image=image, title=title
    )
    return _submit(
        claim=claim,
        user=user,
        seed=seed,
        info=info,
        title=title,
        statement=statement,
        license=license,
        tags=names,
    )


def submit_work_or_keep_draft(
    *,
    claim: Claim,
    user: User,
    seed: SeedImage,
    image: IO[bytes],
    title: str,
    statement: str = "",
    license: str,  # noqa: A002 - the domain's word
    tags: Iterable[str] = (),
    studio_recipe: dict | None = None,
) -> Submission:
    """Submit as `submit_work` does; keep a late upload as a draft.

    When the claim ended (expired or released) before the upload arrived,
    the file, title and statement are kept as the contributor's draft for
    the task (`SubmissionDraft`, replacing an older one) and
    `ClaimEndedDraftKept` is raised, carrying the draft's id, so the caller
    can say so; `submit_draft` later claims again and submits it. The
    draft keeps the tags too.
    """
    names = clean_work_tags(tags)
    info = _check_submission(
        claim=claim, user=user, seed=seed, image=image, title=title
    )
    try:
        return _submit(
            claim=claim,
            user=user,
            seed=seed,
            info=info,
            title=title,
            statement=statement,
            license=license,
            tags=names,
            studio_recipe=studio_recipe,
        )
    except ClaimNotLive:
        claim.refresh_from_db(fields=["state"])
        if claim.state == Claim.State.SUBMITTED:
            raise
        draft = _keep_draft(
            claim=claim,
            seed=seed,
            info=info,
            title=title,
            statement=statement,
            license=license,
            tags=names,
            studio_recipe=studio_recipe,
        )
    why = (
        "You released this claim"
        if claim.state == Claim.State.RELEASED
        else "Your claim ended before the upload arrived"
    )
    raise ClaimEndedDraftKept(
        f"{why}, so the work was not submitted. "
        f"Your file, title and statement are kept as a draft until "
        f"{_utc(draft.kept_until)}: claim the task again to submit it in one step.",
        extra={"draft": draft.pk, "kept_until": draft.kept_until.isoformat()},
    )


def _submit(
    *,
    claim: Claim,
    user: User,
    seed: SeedImage,
    info: UploadInfo,
    title: str,
    statement: str,
    license: str,  # noqa: A002 - the domain's word
    tags: list[str],
    studio_recipe: dict | None = None,
) -> Submission:
    """Store a checked upload as the submission of a live claim.

    The task row is locked before the claim, the order every claim change
    takes them in (`claim_task`, `extend_claim`,
    `fail_submission_processing`), so two of them on one claim never
    deadlock; the task's `submitted_count` moves under that lock. `tags`
    are already clean; the work's search vector is written with them.
    """
    with transaction.atomic():
        _lock_task(claim.task_id)
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        if claim.state != Claim.State.ACTIVE:
            raise ClaimNotLive(
                f"This claim is {claim.get_state_display().lower()}; claim the task "
                "again to submit."
            )
        if claim.expires_at <= timezone.now():
            raise ClaimNotLive(
                "This claim expired before the upload finished. Claim the task again "
                "(your file was not stored)."
            )
        submission = Submission(
            claim=claim,
            task_id=claim.task_id,
            artist=user,
            seed=seed,
            title=title.strip(),
            statement=statement.strip(),
            license=license,
            studio_recipe=studio_recipe,
            **_file_fields(info),
        )
        submission.original.name = "pending"
        submission.full_clean()
        stored = _store(
            "originals", info.sha256, info.extension, ContentFile(info.content)
        )
        try:
            submission.original.name = stored
            submission.save()
            if tags:
                submission.tags.set(_tag_rows(tags))
            refresh_search_vectors(ids=[submission.pk])
            _end_claim(claim, Claim.State.SUBMITTED)
            _count_submitted(claim.task_id, +1)
        except Exception:
            # The content-addressed file may be shared; keep it if referenced.
            if not Submission.objects.filter(original=stored).exists():
                private_storage().delete(stored)
            raise
        send_on_commit(process_submission_task, submission.pk)
        submission_received.send(sender=Submission, submission=submission)
    return submission


def _file_fields(info: UploadInfo) -> dict[str, object]:
    """Return what a submission or a draft records of its checked upload."""
    return {
        "format": info.format,
        "width": info.width,
        "height": info.height,
        "file_size": info.size,
        "sha256": info.sha256,
    }


# Drafts -----------------------------------------------------------------------


@transaction.atomic
def _keep_draft(
    *,
    claim: Claim,
    seed: SeedImage,
    info: UploadInfo,
    title: str,
    statement: str,
    license: str,  # noqa: A002 - the domain's word
    tags: list[str],
    studio_recipe: dict | None = None,
) -> SubmissionDraft:
    """Store a checked upload as `claim`'s contributor's draft for its task.

    One draft per person and task: a newer one replaces the older (whose
    file goes once the change commits, unless another draft shares it).
    """
    SubmissionDraft.objects.filter(
        task_id=claim.task_id, contributor_id=claim.contributor_id
    ).delete()
    draft = SubmissionDraft(
        task_id=claim.task_id,
        contributor_id=claim.contributor_id,
        seed=seed,
        title=title.strip(),
        statement=statement.strip(),
        license=license,
        tags=tags,
        studio_recipe=studio_recipe,
        **_file_fields(info),
    )
    draft.file.name = "pending"
    draft.full_clean(validate_constraints=False)
    draft.file.name = _store(
        "drafts", info.sha256, info.extension, ContentFile(info.content)
    )
    draft.save()
    return draft


def _own_draft(*, draft: SubmissionDraft, user: User) -> SubmissionDraft:
    found = (
        SubmissionDraft.objects.select_for_update(of=("self",))
        .select_related("task", "seed")
        .filter(pk=draft.pk, contributor_id=user.pk)
        .first()
    )
    if found is None:
        raise NotYourDraft("No such draft.")
    return found


@transaction.atomic
def submit_draft(*, draft: SubmissionDraft, user: User) -> Submission:
    """Claim the draft's task again for `user` and submit the draft, in one step.

    The user's live claim on the task is used when they hold one; otherwise
    a new claim is taken as `claim_task` takes it. When no slot is free (or
    the task closed) nothing changes, the draft stays, and the refusal says
    so. On success the draft is deleted (its file once the change commits).
    """
    from accounts.uploads import ACCEPTED_FORMATS, UploadInfo

    draft = _own_draft(draft=draft, user=user)
    task = draft.task
    claim = Claim.objects.live().filter(task=task, contributor=user).first()
    if claim is None:
        stays = f"Your draft stays until {_utc(draft.kept_until)}."
        try:
            claim = claim_task(task=task, user=user)
        except ClaimLimitReached:
            raise ClaimLimitReached(
                f"All {task.slots} slots of this task are taken, so the draft "
                f"could not be submitted. {stays} Try again when a slot frees up."
            ) from None
        except TaskNotOpen:
            raise TaskNotOpen(
                "This task is no longer open, so the draft cannot be submitted."
            ) from None
    with draft.file.open("rb") as fh:
        content = fh.read()
    info = UploadInfo(
        format=draft.format,
        extension=ACCEPTED_FORMATS.get(draft.format, "bin"),
        width=draft.width,
        height=draft.height,
        size=len(content),
        sha256=draft.sha256,
        content=content,
    )
    submission = _submit(
        claim=claim,
        user=user,
        seed=draft.seed,
        info=info,
        title=draft.title,
        statement=draft.statement,
        license=draft.license,
        tags=clean_work_tags(draft.tags),
        studio_recipe=draft.studio_recipe,
    )
    draft.delete()
    return submission


@transaction.atomic
def discard_draft(*, draft: SubmissionDraft, user: User) -> SubmissionDraft:
    """Delete `user`'s draft and, once that commits, its file."""
    draft = _own_draft(draft=draft, user=user)
    draft.delete()
    return draft


def delete_old_drafts(*, limit: int = 500) -> int:
    """Delete drafts older than `ATELIER_DRAFT_KEEP_HOURS`, with their files.

    At most `limit` a run (the table holds only a day of drafts).
    """
    cutoff = timezone.now() - timedelta(hours=settings.ATELIER_DRAFT_KEEP_HOURS)
    deleted = 0
    old = SubmissionDraft.objects.filter(created_at__lt=cutoff).order_by("pk")
    with transaction.atomic():
        for draft in old[:limit]:
            draft.delete()  # one by one, so the file cleanup runs for each
            deleted += 1
    return deleted


@transaction.atomic
def process_submission(*, submission: Submission) -> Submission:
    """Build the web variants and metadata, then send the work to review.

    A second run on a processed submission changes nothing.
    """
    from art_tasks.imaging import make_variants

    locked = (
        Submission.objects.select_for_update(skip_locked=True)
        .filter(pk=submission.pk)
        .first()
    )
    if locked is None:  # another worker is processing it right now
        return submission
    submission = locked
    if submission.state != Submission.State.PROCESSING:
        return submission
    with submission.original.open("rb") as fh:
        variants = make_variants(fh)
    # Each variant is named by the hash of its own bytes, so a name never
    # changes content (a new pipeline gives new names) and may be cached
    # for good.
    submission.web.name = _store(
        "web", _sha256(variants.web), "webp", ContentFile(variants.web)
    )
    submission.thumbnail.name = _store(
        "thumbs", _sha256(variants.thumbnail), "webp", ContentFile(variants.thumbnail)
    )
    submission.phash = variants.phash
    submission.palette = variants.palette
    submission.state = Submission.State.IN_REVIEW
    from art_tasks.colours import colour_family

    submission.colour_family = colour_family(variants.palette)
    submission.review_due_at = (
        timezone.now() + VotingRule.for_task(submission.task).window
    )
    submission.save(
        update_fields=["web", "thumbnail", "phash", "palette", "state", "updated_at"]
        + ["colour_family", "review_due_at"]
    )
    return submission


# A claim given back after a failure lasts at least this long.
MIN_RETURNED_CLAIM = timedelta(minutes=15)


@transaction.atomic
def fail_submission_processing(*, submission: Submission, error: str) -> Submission:
    """Record that processing failed and give the artist their claim back.

    The submission keeps the reason. Its claim ends (released), and the
    artist gets a fresh active claim with the time that was left when they
    submitted (at least `MIN_RETURNED_CLAIM`, never past the task's
    deadline), so they can upload again; a notification tells them why.
    A second call changes nothing.
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.state != Submission.State.PROCESSING:
        return submission
    task = CreationTask.objects.select_for_update().get(pk=submission.task_id)
    now = timezone.now()
    submission.state = Submission.State.FAILED
    submission.error = error[:2000]
    submission.save(update_fields=["state", "error", "updated_at"])
    claim = Claim.objects.select_for_update().get(pk=submission.claim_id)
    left = max(claim.expires_at - submission.created_at, MIN_RETURNED_CLAIM)
    expires = now + left
    if task.deadline and task.deadline < expires:
        expires = task.deadline
    returned = None
    if claim.state == Claim.State.SUBMITTED:
        _end_claim(claim, Claim.State.RELEASED)
        _count_submitted(task.pk, -1)
        holding = Claim.objects.filter(
            task=task, contributor_id=submission.artist_id, state=Claim.State.ACTIVE
        )
        if expires > now and not holding.exists():
            returned = Claim(
                task=task,
                contributor_id=submission.artist_id,
                claimed_at=now,
                expires_at=expires,
            )
            returned.full_clean()
            returned.save()
    submission_processing_failed.send(
        sender=Submission, submission=submission, claim=returned
    )
    return submission


def _idle_processing_submissions() -> list[int]:
    """Return submissions stuck in processing that no worker holds; mark them.

    A worker processing a submission holds its row lock until it commits,
    and the lock dies with the worker, so `skip_locked` leaves out exactly
    the live ones. While messages wait in the imaging queue, a submission
    may be one of them, so only those silent for `STUCK_AFTER` are resent
    (a busy queue is not flooded with copies). `updated_at` is touched, so
    each is resent at most once per period.
    """

    now = timezone.now()
    waiting = queue_depth(process_submission_task)
    if waiting is None:
        return []
    silent_for = PROCESSING_STALE_AFTER if waiting == 0 else STUCK_AFTER
    with transaction.atomic():
        pks = list(
            Submission.objects.select_for_update(skip_locked=True)
            .filter(
                state=Submission.State.PROCESSING,
                updated_at__lt=now - silent_for,
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:500]
        )
        Submission.objects.filter(pk__in=pks).update(updated_at=now)
    return pks


def resend_idle_submissions() -> int:
    """Send again the processing of submissions whose worker or message was lost.

    Part of the sweeper (`generation.services.sweep_stuck_work`); the Celery
    task is idempotent, so a resend of work that was only slow changes
    nothing.
    """
    stuck = _idle_processing_submissions()
    for pk in stuck:
        publish(process_submission_task, pk)
    return len(stuck)


# The studio of tools ----------------------------------------------------------


def _require_live_studio_claim(*, claim: Claim, user: User, seed: SeedImage) -> None:
    """Raise unless `user` holds `claim` live and `seed` is one of its task's."""
    require_claim_holder(claim=claim, user=user)
    if seed.task_id != claim.task_id:
        raise ValidationError({"seed": "Choose one of this task's seed images."})
    if claim.state != Claim.State.ACTIVE or claim.expires_at <= timezone.now():
        raise ClaimNotLive(
            "Your claim on this task has ended; claim it again to use the tools."
        )


def _store_upload(prefix: str, fileobj: IO[bytes]) -> str:
    """Check an uploaded layer or mask as submissions are checked; store it."""
    from accounts.uploads import inspect_upload

    info = inspect_upload(
        fileobj,
        max_bytes=settings.ATELIER_MAX_UPLOAD_BYTES,
        max_pixels=settings.ATELIER_MAX_UPLOAD_PIXELS,
    )
    return _store(prefix, info.sha256, info.extension, ContentFile(info.content))


@transaction.atomic
def request_studio_render(
    *,
    claim: Claim,
    user: User,
    seed: SeedImage,
    steps: object,
    purpose: str = StudioRender.Purpose.DOWNLOAD,
    layer: IO[bytes] | None = None,
    mask: IO[bytes] | None = None,
    reuse: StudioRender | None = None,
    title: str = "",
    statement: str = "",
    license: str = "",  # noqa: A002 - the domain's word
    tags: Iterable[str] = (),
) -> StudioRender:
    """Queue the exact render of `steps` on `seed` for the holder of `claim`.

    Everything is checked before anything is stored: the live claim, the
    seed, the recipe (`recipe.clean_steps`: a clear `InvalidRecipe`), the
    title and licence when the render is to be submitted or kept as a
    draft, and the uploaded layer and mask (as uploads are). `reuse` is an
    earlier render of the same person whose layer and mask stand in for
    uploads not given again (reopening a draft). The render runs on the
    imaging queue once this commits (`render_studio_task`).
    """
    from art_tasks.recipe import clean_steps

    _require_live_studio_claim(claim=claim, user=user, seed=seed)
    if purpose not in StudioRender.Purpose.values:
        raise InvalidRecipe("Choose to download, submit or save the render.")
    if reuse is not None and reuse.contributor_id != user.pk:
        reuse = None
    layer_name = reuse.layer.name if reuse is not None and layer is None else ""
    mask_name = reuse.mask.name if reuse is not None and mask is None else ""
    clean = clean_steps(
        steps,
        has_layer=layer is not None or bool(layer_name),
        has_mask=mask is not None or bool(mask_name),
    )
    names = clean_work_tags(tags)
    if purpose != StudioRender.Purpose.DOWNLOAD:
        errors = {}
        if not title.strip():
            errors["title"] = "Give your artwork a title."
        if license not in License.values:
            errors["license"] = "Choose the licence of your artwork."
        if errors:
            raise ValidationError(errors)
    if layer is not None:
        layer_name = _store_upload("layers", layer)
    if mask is not None:
        mask_name = _store_upload("masks", mask)
    render = StudioRender(
        contributor=user,
        claim=claim,
        seed=seed,
        purpose=purpose,
        steps=clean,
        title=title.strip(),
        statement=statement.strip(),
        license=license if purpose != StudioRender.Purpose.DOWNLOAD else "",
        tags=names,
    )
    render.layer.name, render.mask.name = layer_name, mask_name
    render.full_clean()
    render.save()
    send_on_commit(render_studio_task, render.pk)
    return render


def _file_digest(name: str) -> str | None:
    """Return the sha256 a content-addressed stored name carries, if any."""
    return name.rsplit("/", 1)[-1].split(".", 1)[0] if name else None


def studio_recipe_record(*, render: StudioRender) -> dict[str, object]:
    """Return what a submission or draft keeps of the render it came from."""
    return {
        "steps": render.steps,
        "seed": {"id": render.seed_id, "sha256": render.seed.sha256},
        "layer_sha256": _file_digest(render.layer.name),
        "mask_sha256": _file_digest(render.mask.name),
        "render": render.pk,
        "result": {
            "sha256": render.sha256,
            "width": render.width,
            "height": render.height,
        },
    }


def _open_stored(field: object) -> object:
    from PIL import Image, ImageOps

    with field.open("rb") as fh:
        image = Image.open(fh)
        image.load()
    return ImageOps.exif_transpose(image)


def _render_result(render: StudioRender) -> StudioRender:
    """Render the recipe from the original pixels and store the PNG."""
    from art_tasks import studio_render

    image = studio_render.render(
        _open_stored(render.seed.image),
        render.steps,
        layer=_open_stored(render.layer) if render.layer.name else None,
        mask=_open_stored(render.mask) if render.mask.name else None,
    )
    content = studio_render.png_bytes(image)
    digest = _sha256(content)
    name = _store("renders", digest, "png", ContentFile(content))
    done = render.purpose == StudioRender.Purpose.DOWNLOAD
    state = StudioRender.State.DONE if done else StudioRender.State.RENDERED
    StudioRender.objects.filter(pk=render.pk, state=StudioRender.State.PENDING).update(
        result=name,
        sha256=digest,
        width=image.width,
        height=image.height,
        state=state,
        updated_at=timezone.now(),
    )
    render.refresh_from_db()
    return render


def _finish_render(render: StudioRender, **fields: object) -> StudioRender:
    fields.setdefault("state", StudioRender.State.DONE)
    StudioRender.objects.filter(pk=render.pk).update(
        updated_at=timezone.now(), **fields
    )
    render.refresh_from_db()
    return render


def _hand_on(render: StudioRender) -> StudioRender:
    """Submit the rendered work, or keep it as the draft, as asked."""
    import io

    from accounts.uploads import inspect_upload

    with render.result.open("rb") as fh:
        content = fh.read()
    record = studio_recipe_record(render=render)
    if render.purpose == StudioRender.Purpose.DRAFT:
        info = inspect_upload(
            io.BytesIO(content),
            max_bytes=settings.ATELIER_MAX_UPLOAD_BYTES,
            max_pixels=settings.ATELIER_MAX_UPLOAD_PIXELS,
        )
        draft = _keep_draft(
            claim=render.claim,
            seed=render.seed,
            info=info,
            title=render.title,
            statement=render.statement,
            license=render.license,
            tags=render.tags,
            studio_recipe=record,
        )
        return _finish_render(render, draft=draft)
    try:
        submission = submit_work_or_keep_draft(
            claim=render.claim,
            user=render.contributor,
            seed=render.seed,
            image=io.BytesIO(content),
            title=render.title,
            statement=render.statement,
            license=render.license,
            tags=render.tags,
            studio_recipe=record,
        )
    except ClaimEndedDraftKept as kept:
        return _finish_render(render, draft_id=kept.extra["draft"], error=kept.message)
    except ClaimNotLive as exc:
        mine = Submission.objects.filter(
            claim_id=render.claim_id, studio_recipe__render=render.pk
        ).first()
        if mine is not None:  # a second run after the first one submitted
            return _finish_render(render, submission=mine)
        return _finish_render(
            render, state=StudioRender.State.FAILED, error=exc.message
        )
    except ValidationError as exc:
        return _finish_render(
            render, state=StudioRender.State.FAILED, error=" ".join(exc.messages)
        )
    return _finish_render(render, submission=submission)


def run_studio_render(*, render: StudioRender) -> StudioRender:
    """Render `render` and hand the result on; a second run changes nothing.

    A render for download is done once its PNG is stored; one to submit goes
    through `submit_work_or_keep_draft` (the usual processing, variants and
    hashes, and a draft when the claim ended meanwhile); one to save becomes
    the contributor's draft for the task, with its recipe.
    """
    if render.state == StudioRender.State.PENDING:
        render = _render_result(render)
    if render.state == StudioRender.State.RENDERED:
        render = _hand_on(render)
    return render


def delete_old_studio_renders(*, limit: int = 500) -> int:
    """Delete finished renders past twice the draft keep time, with their files.

    A render outlives the draft saved from it (`ATELIER_DRAFT_KEEP_HOURS`),
    so reopening that draft finds its layer; its submission keeps its own
    copy of the result. At most `limit` a run (Celery beat).
    """
    keep = timedelta(hours=2 * settings.ATELIER_DRAFT_KEEP_HOURS)
    old = StudioRender.objects.filter(
        updated_at__lt=timezone.now() - keep,
        state__in=[StudioRender.State.DONE, StudioRender.State.FAILED],
    ).order_by("pk")
    deleted = 0
    with transaction.atomic():
        for render in old[:limit]:
            render.delete()  # one by one, so the file cleanup runs for each
            deleted += 1
    return deleted


def fail_studio_render(*, render: StudioRender, error: str) -> StudioRender:
    """Record that `render` could not be made, with the reason."""
    return _finish_render(
        render, state=StudioRender.State.FAILED, error=error[:2000] or "Unknown error."
    )
