"""Reads of tasks, claims and submissions shared by pages and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    CharField,
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, JSONObject
from django.utils import timezone

from accounts.models import User
from art_tasks.models import (
    GALLERY_ORDERS,
    Claim,
    CreationTask,
    SeedImage,
    StudioRender,
    Submission,
    SubmissionDraft,
    holding_q,
    live_q,
)
from core.db import JoinedNames, JSONRows, from_row, row_fields, set_prefetched
from core.errors import NotFound
from core.roles import is_signed_in

# Who is looking: a person, a visitor, or nobody (a Celery task).
Viewer = User | AnonymousUser | None


def can_see_task(*, task: CreationTask, viewer: Viewer) -> bool:
    """Return whether `viewer` may see `task` and what hangs off it.

    A draft is staff's alone: its page, its progress bar, its seeds and its
    generation job answer as missing to everyone else. Every other state is
    public. Staff here means `is_staff` on a signed-in account; sign-in
    already turns inactive accounts away.
    """
    if task.state != CreationTask.State.DRAFT:
        return True
    return bool(is_signed_in(viewer) and viewer.is_staff)


def public_task_q(prefix: str = "") -> Q:
    """Return the condition "anyone may see this task", for querysets.

    The queryset form of `can_see_task` for a viewer who is not staff:
    drafts are left out. `prefix` is the path to the task, as in
    `"task__"` from a seed.
    """
    return ~Q(**{f"{prefix}state": CreationTask.State.DRAFT})


def _in_states(states: list[str]) -> Q:
    """Return the condition "currently in one of `states`".

    An open task past its deadline counts as closed at once, computed here
    like a claim's `expires_at`: the beat job that writes `closed` only
    tidies the row up.
    """
    open_, closed = CreationTask.State.OPEN, CreationTask.State.CLOSED
    now = timezone.now()
    before_deadline = Q(deadline__isnull=True) | Q(deadline__gt=now)
    condition = Q(state__in=[s for s in states if s != open_])
    if open_ in states:
        condition |= Q(state=open_) & before_deadline
    if closed in states:
        condition |= Q(state=open_, deadline__lte=now)
    return condition


# How the tasks list may be ordered: the `sort` parameter of the page and API.
TASK_SORTS = {
    "new": "Newest",
    "closing": "Closing soon",
    "free": "Most slots free",
}
# Each order by names that are never null (`opened_key`: when the task opened,
# the earliest time if never; `deadline_key`: its deadline, the latest time if
# none), so the API's cursor pages can start from the first key's value.
TASK_ORDER = {
    "new": ("-opened_key", "-created_at", "-id"),
    "closing": ("deadline_key", "-opened_key", "-id"),
    "free": ("-slots_free", "deadline_key", "-id"),
}
_EARLIEST = datetime(1, 1, 1, tzinfo=UTC)
_LATEST = datetime(9999, 12, 31, tzinfo=UTC)


def task_list(
    *,
    states: list[str] | None = None,
    tag: str | None = None,
    viewer: Viewer = None,
    sort: str = "new",
) -> QuerySet[CreationTask]:
    """Return tasks with their slot use, tags and first seeds, in `sort` order.

    Open tasks (the default) leave out those past their deadline. Each task
    carries, computed in the query as of now:

    - `held`: claims holding a slot (`holding_q`), `slots_free` what is left;
    - `next_slot_at`: when the first live claim ends, the moment a full task
      may free a slot (None when no claim is live: submitted work keeps its
      slot for good);
    - `yours`: the signed-in `viewer`'s holding claim, `"active"` or
      `"submitted"`, else None.

    `held` is the task's `submitted_count` (kept with every submission)
    plus its live claims, read from the `claim_active_task_ends` index: a
    claim past `expires_at` stops counting at once, swept or not. The cost
    of a task is the same however much work it has.

    `sort` is one of `TASK_SORTS` (newest, closing soon, most slots free).
    - `tag_names`: its tags' names, joined (read as `task.tag_list`).

    Two queries whatever the length: tasks (with the figures above and
    their tags), seeds.
    """
    if sort not in TASK_ORDER:
        raise ValueError(f"Unknown task order {sort!r}.")
    now = timezone.now()
    # The task's active claims, counted when live: the WHERE names only the
    # task and the state, so the planner walks `claim_active_task_ends` for
    # the task (never the site-wide `claim_active_ends` by time).
    active = (
        Claim.objects.filter(task=OuterRef("pk"), state=Claim.State.ACTIVE)
        .order_by()
        .values("task")
    )
    live = live_q(now=now)
    qs = (
        CreationTask.objects.filter(_in_states(states or [CreationTask.State.OPEN]))
        .annotate(
            live_held=Coalesce(
                Subquery(active.annotate(n=Count("pk", filter=live)).values("n")),
                Value(0),
            ),
            next_slot_at=Subquery(
                active.annotate(first=Min("expires_at", filter=live)).values("first"),
                output_field=DateTimeField(),
            ),
        )
        .annotate(
            held=ExpressionWrapper(
                F("submitted_count") + F("live_held"), output_field=IntegerField()
            )
        )
        .annotate(
            slots_free=Greatest(
                ExpressionWrapper(F("slots") - F("held"), output_field=IntegerField()),
                Value(0),
            ),
            yours=_yours(viewer, now=now),
            opened_key=Coalesce(
                "opened_at", Value(_EARLIEST, output_field=DateTimeField())
            ),
            deadline_key=Coalesce(
                "deadline", Value(_LATEST, output_field=DateTimeField())
            ),
        )
        .annotate(tag_names=_tag_names())
        .select_related("created_by")
        .prefetch_related(
            Prefetch("seeds", queryset=SeedImage.objects.order_by("index"))
        )
        .order_by(*TASK_ORDER[sort])
    )
    if tag:
        qs = qs.filter(tags__name=tag)
    return qs


def _tag_names() -> Subquery:
    """Return the outer task's tag names, joined by commas, as one column."""
    through = CreationTask.tags.through
    return Subquery(
        through.objects.filter(creationtask_id=OuterRef("pk"))
        .order_by()
        .values("creationtask_id")
        .annotate(names=JoinedNames("tag__name"))
        .values("names"),
        output_field=CharField(),
    )


def _yours(viewer: Viewer, *, now: datetime) -> Subquery | Value:
    """Return the state of `viewer`'s claim holding a slot of the outer task."""
    if not is_signed_in(viewer):
        return Value(None, output_field=CharField())
    mine = Claim.objects.filter(
        holding_q(now=now), task=OuterRef("pk"), contributor=viewer
    ).order_by("-claimed_at")
    return Subquery(mine.values("state")[:1], output_field=CharField())


def get_task(*, pk: int, viewer: Viewer = None) -> CreationTask:
    """Return one task with its slot figures, tags and seeds."""
    return task_list(states=list(CreationTask.State.values), viewer=viewer).get(pk=pk)


def task_page(*, pk: int, viewer: Viewer = None) -> CreationTask:
    """Return one task for its page, with its seeds, in one query.

    What `get_task` gives, the seeds folded in as JSON rows (`task.seeds`
    answers without a query) and, for a signed-in `viewer`, the id of their
    kept draft (`viewer_draft_id`, see `draft_id_of`) and their latest
    claims on it (`viewer_claim_list`, read by `viewer_claims`).
    """
    columns = {
        "seed_rows": JSONRows(
            SeedImage.objects.filter(task=OuterRef("pk"))
            .order_by("index")
            .values(row=JSONObject(**row_fields(SeedImage)))
        ),
        "viewer_draft_id": draft_id_of(viewer),
    }
    if is_signed_in(viewer):
        mine = Claim.objects.filter(task=OuterRef("pk"), contributor=viewer)
        columns["claim_rows"] = JSONRows(
            mine.order_by("-claimed_at", "-pk")[:MY_CLAIMS_READ].values(
                row=JSONObject(**row_fields(Claim))
            )
        )
    task = (
        task_list(states=list(CreationTask.State.values), viewer=viewer)
        .prefetch_related(None)
        .annotate(**columns)
        .get(pk=pk)
    )
    set_prefetched(task, "seeds", [from_row(SeedImage, r) for r in task.seed_rows])
    if hasattr(task, "claim_rows"):
        task.viewer_claim_list = [from_row(Claim, r) for r in task.claim_rows]
    return task


@dataclass(frozen=True)
class SeedOffer:
    """Whether a seed's task takes new work from `viewer`, and where to go."""

    url: str
    holding: bool  # the viewer already holds a live claim on the task


def offer_figures(viewer: Viewer, *, task: str) -> dict[str, Any]:
    """Return what `seed_offer` counts, as annotations of another query.

    `task` is the path from that query's rows to the seed's task
    (``"seed__task"`` on a work); the names are those `seed_offer` takes as
    `figures`.
    """
    live = Claim.objects.filter(live_q(), task=OuterRef(task))
    figures: dict[str, Any] = {
        "offer_live": Coalesce(
            Subquery(
                live.order_by().values("task").annotate(n=Count("pk")).values("n"),
                output_field=IntegerField(),
            ),
            0,
        )
    }
    if is_signed_in(viewer):
        mine = Claim.objects.filter(task=OuterRef(task), contributor=viewer)
        figures["offer_live_mine"] = Exists(mine.filter(live_q()))
        figures["offer_submitted_mine"] = Exists(
            mine.filter(state=Claim.State.SUBMITTED)
        )
    return figures


def seed_offer(
    *, seed: SeedImage, viewer: Viewer, figures: Any = None
) -> SeedOffer | None:
    """Return the "make something from this seed" offer, or None.

    Offered while the seed's task is open and `viewer` could work on it
    now: they hold a live claim on it, or a slot is free and they have not
    submitted to it yet. Visitors are offered it too (they sign in on the
    way). No query for a task that is not open, nor given `figures` (a row
    annotated with `offer_figures`); one otherwise.
    """
    task = seed.task
    if not task.is_open:
        return None
    if figures is not None:
        found = {
            "live": figures.offer_live,
            "live_mine": getattr(figures, "offer_live_mine", False),
            "submitted_mine": getattr(figures, "offer_submitted_mine", False),
        }
        return _offer(seed, found)
    now = timezone.now()
    live = live_q(now=now)
    # The task's live claims and the viewer's own: a few index rows, however
    # much work the task has; its submitted claims are `submitted_count`.
    counts = {"live": Count("pk", filter=live)}
    wanted = Q(state=Claim.State.ACTIVE)
    if is_signed_in(viewer):
        mine = Q(contributor=viewer)
        wanted |= mine
        counts["live_mine"] = Count("pk", filter=mine & live)
        counts["submitted_mine"] = Count(
            "pk", filter=mine & Q(state=Claim.State.SUBMITTED)
        )
    figures = Claim.objects.filter(wanted, task=task).aggregate(**counts)
    return _offer(seed, figures)


def _offer(seed: SeedImage, figures: dict) -> SeedOffer | None:
    task = seed.task
    url = f"{task.get_absolute_url()}?seed={seed.pk}"
    if figures.get("live_mine"):
        return SeedOffer(url=url, holding=True)
    held = task.submitted_count + figures["live"]
    if figures.get("submitted_mine") or held >= task.slots:
        return None
    return SeedOffer(url=url, holding=False)


# The task page shows this many of its accepted works; the gallery, filtered
# to the task in the same order, shows them all.
TASK_PAGE_WORKS = 24


def accepted_works(
    *, task: CreationTask, limit: int = TASK_PAGE_WORKS
) -> list[Submission]:
    """Return the best `limit` accepted works made for `task`, in one query.

    Best is the gallery's "top" order (Bayesian average of the curators'
    scores), read from its per-task index (`gallery_task_top`), so the cost
    is the same however much work the task has; the gallery filtered to
    the task continues the list.
    """
    return list(
        Submission.objects.filter(task=task, state=Submission.State.ACCEPTED)
        .select_related("artist", "task", "seed")
        .order_by(*GALLERY_ORDERS["top"])[:limit]
    )


def live_claim(*, task: CreationTask, user: User) -> Claim | None:
    """Return `user`'s claim on `task` that still holds a slot right now."""
    if not user.is_authenticated:
        return None
    return (
        Claim.objects.live()
        .filter(task=task, contributor=user)
        .select_related("task")
        .first()
    )


def viewer_claims(
    *, task: CreationTask, user: User
) -> tuple[Claim | None, Claim | None]:
    """Return `user`'s live claim on `task` and the one that ran out, in one query.

    The pair is what `live_claim` and `ended_claim` return, read from the
    person's claims on the task (a handful at most), newest first; none
    when the task came from `task_page`, which read them.
    """
    if not user.is_authenticated:
        return None, None
    now = timezone.now()
    mine = getattr(task, "viewer_claim_list", None)  # read with the task
    if mine is None:
        mine = list(
            Claim.objects.filter(task=task, contributor=user).order_by(
                "-claimed_at", "-pk"
            )[:MY_CLAIMS_READ]
        )
    live = next(
        (c for c in mine if c.state == Claim.State.ACTIVE and c.expires_at > now),
        None,
    )
    if live is not None:
        live.task = task
        return live, None
    return None, _ran_out(mine[0] if mine else None, now=now)


# How many of a person's claims on one task the task page reads (each claim
# ends before the next is made, so the live one is among the newest).
MY_CLAIMS_READ = 20


def _ran_out(latest: Claim | None, *, now: datetime) -> Claim | None:
    """Return `latest` if its running out is the person's latest news."""
    if latest is None or latest.expires_at > now:
        return None
    ran_out = latest.state in (Claim.State.EXPIRED, Claim.State.ACTIVE)
    recent = latest.expires_at > now - timedelta(days=1)
    return latest if ran_out and recent else None


def ended_claim(*, task: CreationTask, user: User) -> Claim | None:
    """Return `user`'s claim on `task` that ran out, if that is their latest news.

    The claim counts as ended the moment `expires_at` passes, whether or not
    the beat job has marked it expired. None when they hold or used a claim
    since, released it themselves, or it ended over a day ago.
    """
    if not user.is_authenticated:
        return None
    latest = (
        Claim.objects.filter(task=task, contributor=user)
        .order_by("-claimed_at", "-pk")
        .first()
    )
    return _ran_out(latest, now=timezone.now())


def _kept_drafts() -> QuerySet[SubmissionDraft]:
    """Drafts still kept: those the beat job has not reached yet count too."""
    cutoff = timezone.now() - timedelta(hours=settings.ATELIER_DRAFT_KEEP_HOURS)
    return SubmissionDraft.objects.filter(created_at__gte=cutoff)


def user_draft(*, task: CreationTask, user: User) -> SubmissionDraft | None:
    """Return the draft `user` keeps for `task`, if any.

    A task read with `viewer_draft_id` (see `draft_id_of`) costs no query
    when it has no draft of theirs.
    """
    if not user.is_authenticated:
        return None
    if hasattr(task, "viewer_draft_id") and task.viewer_draft_id is None:
        return None
    return _kept_drafts().filter(task=task, contributor=user).first()


def draft_id_of(viewer: Viewer) -> Subquery | Value:
    """Return the id of `viewer`'s kept draft for the outer task, as a column."""
    if not is_signed_in(viewer):
        return Value(None, output_field=IntegerField())
    return Subquery(
        _kept_drafts().filter(task=OuterRef("pk"), contributor=viewer).values("pk")[:1],
        output_field=IntegerField(),
    )


def user_drafts(*, user: User) -> QuerySet[SubmissionDraft]:
    """Return `user`'s kept drafts, newest first, with their task and slot use."""
    return (
        _kept_drafts()
        .filter(contributor=user)
        .select_related("task", "seed")
        .annotate(
            held=Count(
                "task__claims", filter=holding_q("task__claims__"), distinct=True
            )
        )
        .order_by("-created_at")
    )


# What the studio shows of a claim's or a draft's task.
_STUDIO_TASK_FIELDS = ("id", "title", "state", "slots", "deadline", "license")
_TASK, _SEED = "task__", "seed__"


def _with_task(row: dict, model: type) -> Any:
    """Return a `model` from a studio row, its task (and a draft's seed) set."""
    obj = from_row(model, row)
    obj.task = from_row(CreationTask, row["task"])
    if "seed" in row:
        obj.seed = from_row(SeedImage, row["seed"])
    return obj


def studio_lists(*, user: User) -> tuple[list[Claim], list[SubmissionDraft]]:
    """Return `user`'s active claims and kept drafts, newest first, in one query.

    What `user_claims` (active ones) and `user_drafts` give, with what the
    studio shows of their tasks (and each draft's seed and its task's
    `held` slots), read as JSON rows on the person's own row.
    """
    task = JSONObject(**row_fields(CreationTask, *_STUDIO_TASK_FIELDS, prefix=_TASK))
    claims = Claim.objects.filter(
        contributor=OuterRef("pk"), state=Claim.State.ACTIVE
    ).order_by("-claimed_at")
    held = (
        Claim.objects.filter(holding_q(), task=OuterRef("task"))
        .order_by()
        .values("task")
        .annotate(n=Count("pk"))
        .values("n")
    )
    drafts = (
        _kept_drafts()
        .filter(contributor=OuterRef("pk"))
        .order_by("-created_at")
        .values(
            row=JSONObject(
                **row_fields(SubmissionDraft),
                task=task,
                seed=JSONObject(
                    **row_fields(SeedImage, "id", "index", prefix="seed__")
                ),
                held=Coalesce(Subquery(held, output_field=IntegerField()), 0),
            )
        )
    )
    rows = (
        User.objects.filter(pk=user.pk)
        .annotate(
            claim_rows=JSONRows(
                claims.values(row=JSONObject(**row_fields(Claim), task=task))
            ),
            draft_rows=JSONRows(drafts),
        )
        .values("claim_rows", "draft_rows")
        .get()
    )
    found = []
    for row in rows["draft_rows"]:
        draft = _with_task(row, SubmissionDraft)
        draft.held = row["held"]
        found.append(draft)
    return [_with_task(row, Claim) for row in rows["claim_rows"]], found


def draft_file(*, pk: int, viewer: Viewer) -> SubmissionDraft | None:
    """Return draft `pk` if `viewer` owns it: a draft is its owner's alone."""
    if not is_signed_in(viewer):
        return None
    return _kept_drafts().filter(pk=pk, contributor=viewer).first()


def user_claims(*, user: User) -> QuerySet[Claim]:
    """Return `user`'s claims, newest first, with task and submission."""
    return (
        Claim.objects.filter(contributor=user)
        .select_related("task", "submission")
        .order_by("-claimed_at")
    )


def user_submissions(*, user: User) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(artist=user)
        .select_related("task", "seed", "artist")
        .order_by("-created_at")
    )


def can_see_original(*, submission: Submission, viewer: User | None) -> bool:
    """Return whether `viewer` may fetch `submission`'s stored original.

    The original (full resolution, personal metadata already removed) is for
    its artist and staff, and for curators while the work is in review; the
    public sees the web variants of accepted work, and downloads a copy with
    the licence embedded.
    """
    if viewer is None or not viewer.is_authenticated:
        return False
    if viewer.pk == submission.artist_id or viewer.is_staff:
        return True
    return submission.state == Submission.State.IN_REVIEW and viewer.is_curator


def can_see_submission(*, submission: Submission, viewer: Viewer) -> bool:
    """Return whether `viewer` may see `submission`'s page.

    Accepted work is public. Otherwise (in review, decided against, or
    hidden by moderation) its artist, the curators and staff see it.
    """
    if submission.state == Submission.State.ACCEPTED:
        return True
    if viewer is None or not viewer.is_authenticated:
        return False
    return viewer.pk == submission.artist_id or viewer.is_staff or viewer.is_curator


# Stored files: the folder of a name says which field holds it.
FILE_FIELDS = {"originals": "original", "web": "web", "thumbs": "thumbnail"}


@dataclass(frozen=True)
class SubmissionFile:
    """A stored submission file `viewer` may fetch; `public` when anyone may."""

    name: str
    field: str
    public: bool


def submission_file(*, name: str, viewer: Viewer) -> SubmissionFile | None:
    """Return the submission file stored as `name` if `viewer` may fetch it.

    Web variants follow the work's page (`can_see_submission`): public
    while the work is accepted, and gone for the public the moment it is
    hidden or withdrawn. Originals follow `can_see_original`. A file shared
    by several submissions (the same bytes uploaded twice) is served when
    any of them allows it. One query.
    """
    from art_tasks.selectors import can_see_original

    field = FILE_FIELDS.get(name.split("/", 1)[0])
    if field is None or ".." in name.split("/"):
        return None
    holders = Submission.objects.filter(**{field: name}).only(
        "pk", "state", "artist_id"
    )
    allowed = False
    public = False
    for submission in holders:
        if field == "original":
            allowed = allowed or can_see_original(submission=submission, viewer=viewer)
        elif submission.state == Submission.State.ACCEPTED:
            allowed = public = True
        else:
            allowed = allowed or can_see_submission(
                submission=submission, viewer=viewer
            )
    return SubmissionFile(name=name, field=field, public=public) if allowed else None


def visible_submission(*, pk: int, viewer: Viewer) -> Submission:
    """Return submission `pk` if `viewer` may see it; raise `NotFound` if not.

    A work the viewer may not see answers as missing, so its state stays
    private.
    """
    submission = (
        Submission.objects.select_related("artist", "task", "seed")
        .filter(pk=pk)
        .first()
    )
    if submission is None or not can_see_submission(
        submission=submission, viewer=viewer
    ):
        raise NotFound("No such artwork.")
    return submission


def studio_render(*, pk: int, viewer: Viewer) -> StudioRender | None:
    """Return studio render `pk` if `viewer` made it: renders are private.

    One query, with the seed, the claim's task and the submission it became.
    """
    if not is_signed_in(viewer):
        return None
    return (
        StudioRender.objects.select_related("seed", "claim__task", "submission")
        .filter(pk=pk, contributor=viewer)
        .first()
    )
