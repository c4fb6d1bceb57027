"""Who gets what from every page and API endpoint.

The matrix below lists, for each named URL, the requests to make and the
status each kind of person must get: a visitor (``anon``), a signed-in
contributor who does not own the object (``member``), the artist who owns it
(``owner``), a curator and a staff member. The first test walks the URL conf,
so a new page or endpoint without an entry here fails until somebody decides
who may use it.

Every request runs inside a savepoint that is rolled back, so one person's
write never changes what the next person sees.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import timedelta

import pytest

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import SentMail
from accounts.services import issue_token
from art_tasks.errors import ClaimEndedDraftKept
from art_tasks.models import Claim, CreationTask, SubmissionDraft
from art_tasks.services import claim_task, submit_work_or_keep_draft
from community.models import Challenge, Comment, CommentReport, Notification
from community.services import post_comment, report_comment
from community.services.challenges import open_challenge
from community.services.notifications import notify
from gallery.models import Collection
from generation.evolution import random_genome
from generation.models import GenerationJob, GeneratorModel, LabGrid, LabSeed
from generation.services.lab import start_lab_grid
from integrations.models import Delivery, Endpoint, Event
from integrations.services import create_endpoint
from moderation.services import report_work
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, TaskFactory, submitted_work
from tests.curation.factories import decided_work
from tests.gallery.factories import CollectionFactory, CollectionItemFactory
from tests.generation.factories import GenerationJobFactory
from tests.images import png_bytes

pytestmark = pytest.mark.django_db

ROLES = ("anon", "member", "owner", "curator", "staff")

# URL names left out of the matrix, and why.
NOT_IN_MATRIX = {
    # Django's own admin has its own permission system and tests.
    "admin",
}


@dataclasses.dataclass
class World:
    """Everything the requests point at, and the people who make them."""

    people: dict
    task: CreationTask
    draft: CreationTask
    accepted: object
    in_review: object
    claim: object
    report: object
    collection: Collection
    job: GenerationJob
    notification: Notification
    token: object
    mail: SentMail
    kept_draft: SubmissionDraft
    generator: GeneratorModel
    lab_grid: LabGrid
    lab_child: LabSeed
    lab_kept: LabSeed
    private_collection: Collection | None = None
    comment: Comment | None = None  # by the member, on the accepted work
    comment_report: CommentReport | None = None  # the owner's, on that comment
    webhook: Endpoint | None = None  # the owner's, told about their works
    delivery: Delivery | None = None  # one of its deliveries

    @property
    def seed(self):
        return self.task.seeds.first()


@pytest.fixture
def world(db) -> World:
    staff = UserFactory(username="boss", is_staff=True)
    curators = [CuratorFactory(username=f"judge{i}") for i in range(1, 5)]
    owner = UserFactory(username="owner")
    member = UserFactory(username="member")
    task = OpenTaskFactory(created_by=staff, title="Dunes", slots=20)
    other_task = OpenTaskFactory(created_by=staff, title="Tides", slots=20)
    third_task = OpenTaskFactory(created_by=staff, title="Ridges", slots=20)
    accepted = decided_work(
        task=task,
        artist=owner,
        title="Accepted",
        curators=curators[:3],
        scores=[4, 4, 4],
        tags=("dunes",),
    )
    in_review = submitted_work(
        task=other_task, artist=owner, title="In review", image=png_bytes((80, 60))
    )
    claim = claim_task(task=third_task, user=owner)
    kept_draft = _kept_draft(OpenTaskFactory(created_by=staff, title="Late"), owner)
    report = report_work(submission=accepted, reporter=member, reason="spam")
    collection = CollectionFactory(
        slug="picks", title="Picks", curated_by=staff, published=True, cover=accepted
    )
    CollectionItemFactory(collection=collection, submission=accepted, position=1)
    private_collection = CollectionFactory(
        slug="secret", title="Secret", curated_by=owner, published=False
    )
    draft = TaskFactory(created_by=staff, title="Draft")
    job = GenerationJobFactory(task=draft, total=2)
    notification = notify(
        recipient=owner,
        kind=Notification.Kind.MODERATION,
        text="Your work was accepted.",
        url=accepted.get_absolute_url(),
        key="matrix",
    )
    token = issue_token(user=owner, name="script").token
    mail = SentMail.objects.create(
        subject="Welcome", from_email="a@x.test", to="owner@example.test", text="Hi"
    )
    generator = GeneratorModel.objects.create(
        name="gallery", version="1", kind=GeneratorModel.Kind.CHECKPOINT
    )
    comment = post_comment(submission=accepted, author=member, body="Lovely.")
    comment_report = report_comment(comment=comment, reporter=owner, reason="spam")
    lab_grid, lab_child, lab_kept = _lab(task, owner)
    webhook, delivery = _webhook(owner)
    return World(
        webhook=webhook,
        delivery=delivery,
        lab_grid=lab_grid,
        lab_child=lab_child,
        lab_kept=lab_kept,
        comment=comment,
        comment_report=comment_report,
        kept_draft=kept_draft,
        generator=generator,
        token=token,
        mail=mail,
        people={
            "anon": None,
            "member": member,
            "owner": owner,
            "curator": curators[3],
            "staff": staff,
        },
        task=task,
        draft=draft,
        accepted=accepted,
        in_review=in_review,
        claim=claim,
        report=report,
        collection=collection,
        job=job,
        notification=notification,
        private_collection=private_collection,
    )


def _lab(task: CreationTask, owner) -> tuple[LabGrid, LabSeed, LabSeed]:
    """Return `owner`'s lab grid, one unkept child and one kept (painted) child."""
    from django.utils import timezone

    for seed in task.seeds.all():
        seed.recipe = random_genome(style="nebula", seed=seed.index, size=64)
        seed.save(update_fields=["recipe"])
    grid = start_lab_grid(by=owner, seeds=[task.seeds.first()])
    child, kept = grid.children.order_by("index")[:2]
    picture = task.seeds.first()
    LabSeed.objects.filter(pk__in=[child.pk, kept.pk]).update(
        image=picture.image.name, thumbnail=picture.thumbnail.name
    )
    LabSeed.objects.filter(pk=kept.pk).update(kept_at=timezone.now())
    return grid, child, kept


def _webhook(owner) -> tuple[Endpoint, Delivery]:
    """Return `owner`'s webhook and one delivery it has had."""
    webhook = create_endpoint(
        owner=owner, url="http://127.0.0.1:9/hooks", events=["submission.decided"]
    )
    event = Event.objects.create(type="submission.decided", data={}, artist=owner)
    return webhook, Delivery.objects.create(event=event, endpoint=webhook)


def _kept_draft(task: CreationTask, owner) -> SubmissionDraft:
    """Return `owner`'s draft of an upload that arrived after the claim ended."""
    import io

    from django.utils import timezone

    late = claim_task(task=task, user=owner)
    Claim.objects.filter(pk=late.pk).update(expires_at=timezone.now())
    upload = io.BytesIO(png_bytes((40, 30)))
    try:
        submit_work_or_keep_draft(
            claim=late,
            user=owner,
            seed=task.seeds.first(),
            image=upload,
            title="Late work",
            license=task.license,
        )
    except ClaimEndedDraftKept as kept:
        return SubmissionDraft.objects.get(pk=kept.extra["draft"])
    raise AssertionError("the late upload was submitted")


def _studio_render(world: World):
    """Return the owner's studio render (with a layer) on their live claim."""
    import io

    from art_tasks.services import request_studio_render

    if not hasattr(world, "studio_render"):
        world.studio_render = request_studio_render(
            claim=world.claim,
            user=world.people["owner"],
            seed=world.claim.task.seeds.first(),
            steps=[{"op": "blend", "params": {}}],
            layer=io.BytesIO(png_bytes((20, 20))),
        )
    return world.studio_render


@dataclasses.dataclass
class Call:
    """One request and the status each role must get."""

    method: str
    path: Callable[[World], str]
    expect: dict[str, int]
    data: dict | None = None
    json: bool = False


def same(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, anon: int) -> dict[str, int]:
    return {**same(status), "anon": anon}


PUBLIC = same(200)
PAGE_FOR_MEMBERS = signed_in(200, 302)
API_FOR_MEMBERS = signed_in(200, 403)
STAFF_PAGE = {"anon": 302, "member": 403, "owner": 403, "curator": 403, "staff": 200}
MODERATOR_PAGE = {
    "anon": 302,
    "member": 403,
    "owner": 403,
    "curator": 200,
    "staff": 200,
}
STAFF_API = {"anon": 403, "member": 403, "owner": 403, "curator": 403, "staff": 200}
MODERATOR_API = {**STAFF_API, "curator": 200}
# A private collection (of "owner") is a 404 to everyone else, staff too.
OWNER_ONLY = {**same(404), "owner": 200}

MATRIX: dict[str, list[Call]] = {}


def entry(name: str, *calls: Call) -> None:
    MATRIX[name] = list(calls)


# API ------------------------------------------------------------------------
entry(
    "api:generation:task-list",
    Call("GET", lambda w: "/api/v1/tasks/", PUBLIC),
    Call(
        "POST",
        lambda w: "/api/v1/tasks/",
        {**STAFF_API, "staff": 201},
        data={"title": "Dunes", "brief": "Sand.", "style": "nebula", "seed_count": 2},
        json=True,
    ),
)
entry(
    "api:art_tasks:task-detail",
    Call("GET", lambda w: f"/api/v1/tasks/{w.task.pk}/", PUBLIC),
    Call(
        "GET",
        lambda w: f"/api/v1/tasks/{w.draft.pk}/",
        {**same(404), "staff": 200},
    ),
)
entry(
    "api:art_tasks:claim-create",
    Call(
        "POST",
        lambda w: f"/api/v1/tasks/{w.task.pk}/claim/",
        {**signed_in(201, 403), "owner": 409},
    ),
)
entry(
    "api:art_tasks:claim-list",
    Call("GET", lambda w: "/api/v1/claims/", API_FOR_MEMBERS),
)
entry(
    "api:art_tasks:claim-release",
    Call(
        "POST",
        lambda w: f"/api/v1/claims/{w.claim.pk}/release/",
        {**signed_in(403, 403), "owner": 200},
    ),
)
entry(
    "api:art_tasks:submission-create",
    Call(
        "POST",
        lambda w: f"/api/v1/claims/{w.claim.pk}/submission/",
        {**signed_in(403, 403), "owner": 400},
    ),
)
entry(
    "api:art_tasks:claim-extend",
    Call(
        "POST",
        lambda w: f"/api/v1/claims/{w.claim.pk}/extend/",
        {**signed_in(403, 403), "owner": 200},
    ),
)
entry(
    "api:art_tasks:task-deadline",
    Call(
        "POST",
        lambda w: f"/api/v1/tasks/{w.task.pk}/deadline/",
        STAFF_API,
        data={"deadline": None},
        json=True,
    ),
)
entry(
    "api:art_tasks:draft-list",
    Call("GET", lambda w: "/api/v1/drafts/", API_FOR_MEMBERS),
)
entry(
    "api:art_tasks:draft-submit",
    Call(
        "POST",
        lambda w: f"/api/v1/drafts/{w.kept_draft.pk}/submit/",
        {**same(404), "anon": 403, "owner": 201},
    ),
)
entry(
    "api:art_tasks:submission-list",
    Call("GET", lambda w: "/api/v1/submissions/", API_FOR_MEMBERS),
)
entry(
    "api:art_tasks:submission-detail",
    Call("GET", lambda w: f"/api/v1/submissions/{w.accepted.pk}/", PUBLIC),
    Call(
        "GET",
        lambda w: f"/api/v1/submissions/{w.in_review.pk}/",
        {"anon": 404, "member": 404, "owner": 200, "curator": 200, "staff": 200},
    ),
)
OWNERS_ALONE_API = {**same(404), "anon": 403, "owner": 200}
entry(
    "api:art_tasks:studio-render-create",
    Call(
        "POST",
        lambda w: f"/api/v1/claims/{w.claim.pk}/renders/",
        {**signed_in(403, 403), "owner": 400},
    ),
)
entry(
    "api:art_tasks:studio-render-detail",
    Call("GET", lambda w: f"/api/v1/renders/{_studio_render(w).pk}/", OWNERS_ALONE_API),
)
entry("api:gallery:gallery", Call("GET", lambda w: "/api/v1/gallery/", PUBLIC))
entry(
    "api:gallery:search",
    Call("GET", lambda w: "/api/v1/search/?q=accepted", PUBLIC),
    Call("GET", lambda w: "/api/v1/search/?q=", same(400)),
)
entry(
    "api:curation:review-next",
    Call(
        "GET",
        lambda w: "/api/v1/review/next/",
        {"anon": 403, "member": 403, "owner": 403, "curator": 200, "staff": 403},
    ),
)
entry(
    "api:curation:vote-cast",
    Call(
        "GET",
        lambda w: f"/api/v1/submissions/{w.in_review.pk}/votes/",
        {"anon": 403, "member": 404, "owner": 200, "curator": 200, "staff": 200},
    ),
    Call(
        "POST",
        lambda w: f"/api/v1/submissions/{w.in_review.pk}/votes/",
        {"anon": 403, "member": 403, "owner": 403, "curator": 201, "staff": 403},
        data={"score": 4},
    ),
)
entry(
    "api:gallery:like",
    Call(
        "POST",
        lambda w: f"/api/v1/submissions/{w.accepted.pk}/like/",
        {**signed_in(200, 403), "owner": 403},
    ),
    Call(
        "POST",
        lambda w: f"/api/v1/submissions/{w.in_review.pk}/like/",
        signed_in(404, 403),
    ),
    Call(
        "DELETE",
        lambda w: f"/api/v1/submissions/{w.accepted.pk}/like/",
        signed_in(200, 403),
    ),
)
entry(
    "api:gallery:provenance",
    Call("GET", lambda w: f"/api/v1/submissions/{w.accepted.pk}/provenance/", PUBLIC),
    Call(
        "GET",
        lambda w: f"/api/v1/submissions/{w.in_review.pk}/provenance/",
        {"anon": 404, "member": 404, "owner": 200, "curator": 200, "staff": 200},
    ),
)
entry(
    "api:gallery:collection-list",
    Call("GET", lambda w: "/api/v1/collections/", PUBLIC),
    Call(
        "POST",
        lambda w: "/api/v1/collections/",
        signed_in(201, 403),
        data={"title": "Favourites"},
        json=True,
    ),
)
entry(
    "api:gallery:collection-detail",
    Call("GET", lambda w: f"/api/v1/collections/{w.collection.slug}/", PUBLIC),
    Call("GET", lambda w: "/api/v1/collections/secret/", OWNER_ONLY),
    Call(
        "PATCH",
        lambda w: "/api/v1/collections/secret/",
        {**OWNER_ONLY, "anon": 403},
        data={"public": True},
        json=True,
    ),
    Call(
        "PATCH",
        lambda w: f"/api/v1/collections/{w.collection.slug}/",
        {**same(403), "staff": 200},
        data={"title": "Picks"},
        json=True,
    ),
    Call(
        "DELETE",
        lambda w: "/api/v1/collections/secret/",
        {**same(404), "anon": 403, "owner": 204},
    ),
)
entry(
    "api:gallery:collection-mine",
    Call("GET", lambda w: "/api/v1/collections/mine/", API_FOR_MEMBERS),
)
entry(
    "api:gallery:collection-works",
    Call("GET", lambda w: f"/api/v1/collections/{w.collection.slug}/works/", PUBLIC),
    Call("GET", lambda w: "/api/v1/collections/secret/works/", OWNER_ONLY),
    Call(
        "POST",
        lambda w: "/api/v1/collections/secret/works/",
        {**same(404), "anon": 403, "owner": 409},  # 409: not an accepted work
        data={"work": 0},
    ),
)
entry(
    "api:gallery:collection-work",
    Call(
        "DELETE",
        lambda w: f"/api/v1/collections/{w.collection.slug}/works/{w.accepted.pk}/",
        {**same(403), "staff": 204},
    ),
)
entry("api:community:feed", Call("GET", lambda w: "/api/v1/feed/", API_FOR_MEMBERS))
entry(
    "api:moderation:report-create",
    Call(
        "POST",
        lambda w: f"/api/v1/submissions/{w.accepted.pk}/reports/",
        {**signed_in(201, 403), "member": 409, "owner": 403},
        data={"reason": "spam"},
    ),
)
entry(
    "api:moderation:submission-hide",
    Call(
        "POST",
        lambda w: f"/api/v1/submissions/{w.accepted.pk}/hide/",
        {**MODERATOR_API, "curator": 201, "staff": 201},
        data={"reason": "Breaks the rules."},
    ),
)
entry(
    "api:moderation:submission-restore",
    Call(
        "POST",
        lambda w: f"/api/v1/submissions/{w.accepted.pk}/restore/",
        {**MODERATOR_API, "curator": 409, "staff": 409},
        data={"reason": "Fine after all."},
    ),
)
entry(
    "api:moderation:report-dismiss",
    Call(
        "POST",
        lambda w: f"/api/v1/reports/{w.report.pk}/dismiss/",
        {**MODERATOR_API, "curator": 201, "staff": 201},
        data={"reason": "Not spam."},
    ),
)
entry(
    "api:moderation:moderation-reports",
    Call("GET", lambda w: "/api/v1/moderation/reports/", MODERATOR_API),
)
entry(
    "api:moderation:moderation-hidden",
    Call("GET", lambda w: "/api/v1/moderation/hidden/", MODERATOR_API),
)
entry(
    "api:moderation:moderation-log",
    Call("GET", lambda w: "/api/v1/moderation/log/", MODERATOR_API),
)
entry(
    "api:community:artist",
    Call("GET", lambda w: "/api/v1/artists/owner/", PUBLIC),
    Call("GET", lambda w: "/api/v1/artists/nobody/", same(404)),
)
entry(
    "api:community:artist-follow",
    Call(
        "POST",
        lambda w: "/api/v1/artists/owner/follow/",
        {**signed_in(201, 403), "owner": 400},
    ),
    Call("DELETE", lambda w: "/api/v1/artists/owner/follow/", signed_in(204, 403)),
)
entry(
    "api:community:leaderboard", Call("GET", lambda w: "/api/v1/leaderboard/", PUBLIC)
)
entry(
    "api:community:notification-list",
    Call("GET", lambda w: "/api/v1/notifications/", API_FOR_MEMBERS),
)
entry(
    "api:community:notification-unread-count",
    Call("GET", lambda w: "/api/v1/notifications/unread-count/", API_FOR_MEMBERS),
)
entry(
    "api:community:notification-read",
    Call("POST", lambda w: "/api/v1/notifications/read/", API_FOR_MEMBERS),
)
SEES_IN_REVIEW = {
    "anon": 404,
    "member": 404,
    "owner": 200,
    "curator": 200,
    "staff": 200,
}
entry(
    "api:community:comment-list",
    Call("GET", lambda w: f"/api/v1/submissions/{w.accepted.pk}/comments/", PUBLIC),
    Call(
        "GET",
        lambda w: f"/api/v1/submissions/{w.in_review.pk}/comments/",
        SEES_IN_REVIEW,
    ),
    Call(
        "POST",
        lambda w: f"/api/v1/submissions/{w.accepted.pk}/comments/",
        signed_in(201, 403),
        data={"body": "Lovely light."},
        json=True,
    ),
    Call(
        "POST",
        lambda w: f"/api/v1/submissions/{w.in_review.pk}/comments/",
        {**signed_in(409, 403), "member": 404},
        data={"body": "Lovely light."},
        json=True,
    ),
)
COMMENT_AUTHOR_API = {**signed_in(403, 403), "member": 200}
entry(
    "api:community:comment-detail",
    Call(
        "PATCH",
        lambda w: f"/api/v1/comments/{w.comment.pk}/",
        COMMENT_AUTHOR_API,
        data={"body": "Lovely, really."},
        json=True,
    ),
    Call(
        "DELETE",
        lambda w: f"/api/v1/comments/{w.comment.pk}/",
        {**COMMENT_AUTHOR_API, "member": 204},
    ),
)
entry(
    "api:community:comment-report",
    Call(
        "POST",
        lambda w: f"/api/v1/comments/{w.comment.pk}/reports/",
        {**signed_in(201, 403), "member": 403, "owner": 409},
        data={"reason": "offensive"},
    ),
)
entry("api:accounts:me", Call("GET", lambda w: "/api/v1/me/", API_FOR_MEMBERS))
entry(
    "api:accounts:me-preferences",
    Call(
        "PATCH",
        lambda w: "/api/v1/me/preferences/",
        API_FOR_MEMBERS,
        data={"email_notifications": False},
        json=True,
    ),
)
entry(
    "api:accounts:token",
    Call(
        "POST",
        lambda w: "/api/v1/auth/token/",
        same(200),
        data={"username": "owner", "password": "a-long-test-password"},
    ),
)
entry(
    "api:generation:generator-list",
    Call("GET", lambda w: "/api/v1/generators/", PUBLIC),
)
entry(
    "api:generation:seed-detail",
    Call("GET", lambda w: f"/api/v1/seeds/{w.seed.pk}/", PUBLIC),
)
entry(
    "api:generation:job-detail",
    Call(
        "GET",
        lambda w: f"/api/v1/generation-jobs/{w.job.pk}/",
        {**same(404), "staff": 200},
    ),
)
# The lab: grids are their breeder's alone; kept lab seeds are public.
OWNERS_ONLY_API = {**same(404), "anon": 403, "owner": 200}
entry(
    "api:generation:lab-grid-create",
    # Without parents: refused with a message once signed in.
    Call(
        "POST",
        lambda w: "/api/v1/lab/grids/",
        signed_in(400, 403),
        data={"seeds": []},
        json=True,
    ),
)
entry(
    "api:generation:lab-grid-detail",
    Call("GET", lambda w: f"/api/v1/lab/grids/{w.lab_grid.pk}/", OWNERS_ONLY_API),
)
entry(
    "api:generation:lab-seed-list",
    Call("GET", lambda w: "/api/v1/lab/seeds/", API_FOR_MEMBERS),
)
entry(
    "api:generation:lab-seed-keep",
    Call("POST", lambda w: f"/api/v1/lab/seeds/{w.lab_kept.pk}/keep/", OWNERS_ONLY_API),
    Call(
        "DELETE",
        lambda w: f"/api/v1/lab/seeds/{w.lab_kept.pk}/keep/",
        OWNERS_ONLY_API,
    ),
)
entry("schema", Call("GET", lambda w: "/api/schema/", PUBLIC))
entry("api-docs", Call("GET", lambda w: "/api/docs/", PUBLIC))
# Probes for load balancers and compose: public, whoever asks.
entry("healthz", Call("GET", lambda w: "/healthz", PUBLIC))
entry("readyz", Call("GET", lambda w: "/readyz", PUBLIC))

# Pages ----------------------------------------------------------------------
entry(
    "accounts:signup", Call("GET", lambda w: "/accounts/signup/", signed_in(302, 200))
)
entry("accounts:login", Call("GET", lambda w: "/accounts/login/", signed_in(302, 200)))
entry("accounts:logout", Call("POST", lambda w: "/accounts/logout/", same(302)))
entry(
    "community:artist",
    Call("GET", lambda w: "/artists/owner/", PUBLIC),
    Call("GET", lambda w: "/artists/nobody/", same(404)),
)
entry(
    "community:follow",
    Call("POST", lambda w: "/artists/owner/follow/", same(302)),
)
entry(
    "community:unfollow",
    Call("POST", lambda w: "/artists/owner/unfollow/", same(302)),
)
entry("community:leaderboard", Call("GET", lambda w: "/leaderboard/", PUBLIC))


def _challenge(w: World) -> str:
    """Return the slug of a challenge over the accepted work's task."""
    found = Challenge.objects.filter(slug="dunes-week").first()
    if found is None:
        now = timezone.now()
        found = open_challenge(
            by=w.people["staff"],
            title="Dunes week",
            theme="Sand in the wind.",
            tasks=[w.task],
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=1),
        )
    return found.slug


entry("community:challenges", Call("GET", lambda w: "/challenges/", PUBLIC))
entry(
    "community:challenge",
    Call("GET", lambda w: f"/challenges/{_challenge(w)}/", PUBLIC),
    Call("GET", lambda w: "/challenges/nothing/", same(404)),
)
entry(
    "community:challenge-new",
    Call("GET", lambda w: "/challenges/new/", STAFF_PAGE),
    # An empty form comes back with its errors; nothing is opened.
    Call("POST", lambda w: "/challenges/new/", STAFF_PAGE, data={}),
)
entry(
    "api:community:challenge-list",
    Call("GET", lambda w: "/api/v1/challenges/", PUBLIC),
)
entry(
    "api:community:challenge-detail",
    Call("GET", lambda w: f"/api/v1/challenges/{_challenge(w)}/", PUBLIC),
    Call("GET", lambda w: "/api/v1/challenges/nothing/", same(404)),
)
entry(
    "api:community:challenge-entries",
    Call("GET", lambda w: f"/api/v1/challenges/{_challenge(w)}/entries/", PUBLIC),
)
entry(
    "community:comments",
    Call("GET", lambda w: f"/art/{w.accepted.pk}/comments/", PUBLIC),
    Call("GET", lambda w: f"/art/{w.in_review.pk}/comments/", SEES_IN_REVIEW),
)
entry(
    "community:comment-create",
    Call(
        "POST",
        lambda w: f"/art/{w.accepted.pk}/comments/new/",
        same(302),
        data={"body": "Lovely light."},
    ),
    Call(
        "POST",
        lambda w: f"/art/{w.in_review.pk}/comments/new/",
        {**same(302), "member": 404},
        data={"body": "Lovely light."},
    ),
)
entry(
    "community:comment-edit",
    Call(
        "GET",
        lambda w: f"/comments/{w.comment.pk}/edit/",
        {**signed_in(403, 302), "member": 200},
    ),
)
entry(
    "community:comment-delete",
    Call("POST", lambda w: f"/comments/{w.comment.pk}/delete/", same(302)),
)
entry(
    "community:comment-report",
    Call("GET", lambda w: f"/comments/{w.comment.pk}/report/", PAGE_FOR_MEMBERS),
)
entry(
    "community:comment-queue",
    Call("GET", lambda w: "/moderation/comments/", MODERATOR_PAGE),
)
entry(
    "community:comment-hide",
    Call(
        "POST",
        lambda w: f"/moderation/comments/{w.comment.pk}/hide/",
        same(302),
        data={"reason": "Rude."},
    ),
)
entry(
    "community:comment-restore",
    Call(
        "POST",
        lambda w: f"/moderation/comments/{w.comment.pk}/restore/",
        same(302),
        data={"reason": "Fine."},
    ),
)
entry(
    "community:comment-dismiss",
    Call(
        "POST",
        lambda w: f"/moderation/comment-reports/{w.comment_report.pk}/dismiss/",
        same(302),
        data={"reason": "Not spam."},
    ),
)
entry(
    "community:notifications",
    Call("GET", lambda w: "/notifications/", PAGE_FOR_MEMBERS),
)
entry(
    "community:notification-settings",
    Call("POST", lambda w: "/notifications/settings/", same(302)),
)
entry(
    "art_tasks:task-list",
    Call("GET", lambda w: "/tasks/", PUBLIC),
)
entry(
    "art_tasks:task-detail",
    Call("GET", lambda w: f"/tasks/{w.task.pk}/", PUBLIC),
    Call("GET", lambda w: f"/tasks/{w.draft.pk}/", {**same(404), "staff": 200}),
)
entry(
    "generation:task-progress",
    Call("GET", lambda w: f"/tasks/{w.task.pk}/progress/", PUBLIC),
    Call(
        "GET",
        lambda w: f"/tasks/{w.draft.pk}/progress/",
        {**same(404), "staff": 200},
    ),
)
entry(
    "art_tasks:claim-create",
    Call("POST", lambda w: f"/tasks/{w.task.pk}/claim/", same(302)),
)
entry(
    "art_tasks:claim-release",
    Call(
        "POST",
        lambda w: f"/claims/{w.claim.pk}/release/",
        same(302),
    ),
)
entry(
    "art_tasks:submission-create",
    Call(
        "POST",
        lambda w: f"/claims/{w.claim.pk}/submit/",
        {**same(302), "owner": 400},
    ),
)
entry(
    "art_tasks:claim-extend",
    Call("POST", lambda w: f"/claims/{w.claim.pk}/extend/", same(302)),
)
entry(
    "art_tasks:task-deadline",
    Call(
        "POST",
        lambda w: f"/tasks/{w.task.pk}/deadline/",
        {**STAFF_PAGE, "staff": 302},
        data={"deadline": ""},
    ),
)
DRAFT_OWNERS_ACTION = {**same(404), "anon": 302, "owner": 302}
entry(
    "art_tasks:draft-submit",
    Call("POST", lambda w: f"/drafts/{w.kept_draft.pk}/submit/", DRAFT_OWNERS_ACTION),
)
entry(
    "art_tasks:draft-discard",
    Call("POST", lambda w: f"/drafts/{w.kept_draft.pk}/discard/", DRAFT_OWNERS_ACTION),
)
entry(
    "art_tasks:draft-file",
    Call(
        "GET",
        lambda w: f"/drafts/{w.kept_draft.pk}/file/",
        {**same(404), "anon": 302, "owner": 200},
    ),
)
entry("art_tasks:studio", Call("GET", lambda w: "/studio/", PAGE_FOR_MEMBERS))
# The studio of tools: the claim holder's alone; others see nothing there.
OWNERS_ALONE_PAGE = {**same(404), "anon": 302, "owner": 200}
entry(
    "art_tasks:studio-tools",
    Call("GET", lambda w: f"/claims/{w.claim.pk}/tools/", OWNERS_ALONE_PAGE),
)
entry(
    "art_tasks:studio-tools-render",
    Call(
        "POST",
        lambda w: f"/claims/{w.claim.pk}/tools/render/",
        {**OWNERS_ALONE_PAGE, "owner": 302},
    ),
)
entry(
    "art_tasks:studio-render",
    Call(
        "GET", lambda w: f"/studio/renders/{_studio_render(w).pk}/", OWNERS_ALONE_PAGE
    ),
)
entry(
    "art_tasks:studio-render-file",
    Call(
        "GET",
        lambda w: f"/studio/renders/{_studio_render(w).pk}/layer/",
        OWNERS_ALONE_PAGE,
    ),
)
# Live fragments the pages poll: each person's own, so signed in only.
entry(
    "art_tasks:studio-submissions",
    Call("GET", lambda w: "/studio/submissions/", PAGE_FOR_MEMBERS),
    Call("POST", lambda w: "/studio/submissions/", signed_in(405, 302)),
)
entry(
    "community:bell",
    Call("GET", lambda w: "/notifications/bell/", PAGE_FOR_MEMBERS),
    Call("POST", lambda w: "/notifications/bell/", signed_in(405, 302)),
)
entry(
    "curation:queue-count",
    Call(
        "GET",
        lambda w: "/curate/count/",
        {"anon": 302, "member": 403, "owner": 403, "curator": 200, "staff": 403},
    ),
)
entry("generation:publish", Call("GET", lambda w: "/staff/publish/", STAFF_PAGE))
entry("generation:status", Call("GET", lambda w: "/staff/status/", STAFF_PAGE))
entry("generation:generators", Call("GET", lambda w: "/staff/generators/", STAFF_PAGE))
STAFF_ACTION = {**STAFF_PAGE, "staff": 302}
entry(
    "generation:generator-review",
    Call("POST", lambda w: f"/staff/generators/{w.generator.pk}/review/", STAFF_ACTION),
)
entry(
    "generation:generator-samples",
    Call(
        "POST", lambda w: f"/staff/generators/{w.generator.pk}/samples/", STAFF_ACTION
    ),
)
entry("generation:seed-detail", Call("GET", lambda w: f"/seeds/{w.seed.pk}/", PUBLIC))
entry(
    "generation:seed-recipe",
    Call("GET", lambda w: f"/seeds/{w.seed.pk}/recipe.json", PUBLIC),
)
OWNERS_ONLY_PAGE = {**same(404), "anon": 302, "owner": 200}
OWNERS_ONLY_ACTION = {**same(404), "anon": 302, "owner": 302}
entry(
    "generation:lab-start",
    Call("POST", lambda w: "/lab/start/", signed_in(302, 302), data={"seed": "x"}),
)
entry(
    "generation:lab-grid",
    Call("GET", lambda w: f"/lab/grids/{w.lab_grid.pk}/", OWNERS_ONLY_PAGE),
)
entry(
    "generation:lab-grid-children",
    Call("GET", lambda w: f"/lab/grids/{w.lab_grid.pk}/children/", OWNERS_ONLY_PAGE),
)
entry(
    "generation:lab-grid-breed",
    Call(
        "POST",
        lambda w: f"/lab/grids/{w.lab_grid.pk}/breed/",
        OWNERS_ONLY_ACTION,
        data={"action": "breed", "pick": ""},
    ),
)
entry("generation:lab-my-seeds", Call("GET", lambda w: "/lab/seeds/", PAGE_FOR_MEMBERS))
entry(
    "generation:lab-seed",
    Call("GET", lambda w: f"/lab/seeds/{w.lab_kept.pk}/", PUBLIC),
    Call(
        "GET",
        lambda w: f"/lab/seeds/{w.lab_child.pk}/",
        {**same(404), "owner": 200},
    ),
)
entry(
    "generation:lab-seed-keep",
    Call("POST", lambda w: f"/lab/seeds/{w.lab_kept.pk}/keep/", OWNERS_ONLY_ACTION),
)
entry(
    "generation:lab-seed-propose",
    Call("POST", lambda w: f"/lab/seeds/{w.lab_kept.pk}/propose/", OWNERS_ONLY_ACTION),
)
entry("gallery:gallery", Call("GET", lambda w: "/", PUBLIC))
entry("gallery:search", Call("GET", lambda w: "/search/?q=accepted", PUBLIC))
entry(
    "gallery:tag",
    Call("GET", lambda w: "/tags/dunes/", PUBLIC),
    Call("GET", lambda w: "/tags/nothing-tagged-so/", same(404)),
)
entry(
    "gallery:artwork",
    Call("GET", lambda w: f"/art/{w.accepted.pk}/", PUBLIC),
    Call(
        "GET",
        lambda w: f"/art/{w.in_review.pk}/",
        {"anon": 404, "member": 404, "owner": 200, "curator": 200, "staff": 200},
    ),
)
entry(
    "gallery:like",
    Call("POST", lambda w: f"/art/{w.accepted.pk}/like/", same(302)),
    Call(
        "POST",
        lambda w: f"/art/{w.in_review.pk}/like/",
        signed_in(404, 302),
    ),
)
entry(
    "gallery:unlike", Call("POST", lambda w: f"/art/{w.accepted.pk}/unlike/", same(302))
)
entry(
    "gallery:download",
    Call("GET", lambda w: f"/art/{w.accepted.pk}/download/", PUBLIC),
    Call(
        "GET",
        lambda w: f"/art/{w.in_review.pk}/download/",
        {"anon": 404, "member": 404, "owner": 200, "curator": 200, "staff": 200},
    ),
)
entry(
    "gallery:provenance-page",
    Call("GET", lambda w: f"/art/{w.accepted.pk}/provenance/", PUBLIC),
    Call(
        "GET",
        lambda w: f"/art/{w.in_review.pk}/provenance/",
        {"anon": 404, "member": 404, "owner": 200, "curator": 200, "staff": 200},
    ),
)
entry(
    "gallery:provenance",
    Call("GET", lambda w: f"/art/{w.accepted.pk}/provenance.json", PUBLIC),
    Call(
        "GET",
        lambda w: f"/art/{w.in_review.pk}/provenance.json",
        {"anon": 404, "member": 404, "owner": 200, "curator": 200, "staff": 200},
    ),
)
entry(
    "curation:curate",
    Call(
        "GET",
        lambda w: "/curate/",
        {"anon": 302, "member": 403, "owner": 403, "curator": 200, "staff": 403},
    ),
)
entry(
    "curation:vote",
    Call(
        "POST",
        lambda w: f"/curate/{w.in_review.pk}/vote/",
        signed_in(302, 302),
        data={"score": 4},
    ),
)
entry(
    "curation:skip",
    Call(
        "POST",
        lambda w: f"/curate/{w.in_review.pk}/skip/",
        {"anon": 302, "member": 403, "owner": 403, "curator": 302, "staff": 403},
    ),
)
entry(
    "curation:reset-skipped",
    Call(
        "POST",
        lambda w: "/curate/skipped/reset/",
        signed_in(302, 302),
    ),
)
entry("gallery:collections", Call("GET", lambda w: "/collections/", PUBLIC))
entry(
    "gallery:collection-new",
    Call("GET", lambda w: "/collections/new/", PAGE_FOR_MEMBERS),
)
entry(
    "gallery:my-collections",
    Call("GET", lambda w: "/collections/mine/", PAGE_FOR_MEMBERS),
)
entry(
    "gallery:collection",
    Call("GET", lambda w: f"/collections/{w.collection.slug}/", PUBLIC),
    Call("GET", lambda w: "/collections/secret/", OWNER_ONLY),
)
entry(
    "gallery:collection-edit",
    Call("GET", lambda w: f"/collections/{w.collection.slug}/edit/", STAFF_PAGE),
    Call("GET", lambda w: "/collections/secret/edit/", {**OWNER_ONLY, "anon": 302}),
)
entry(
    "gallery:collection-delete",
    Call(
        "POST",
        lambda w: f"/collections/{w.collection.slug}/delete/",
        {**STAFF_PAGE, "staff": 302},
    ),
    Call(
        "POST",
        lambda w: "/collections/secret/delete/",
        {**same(404), "anon": 302, "owner": 302},
    ),
)
entry(
    "gallery:collection-picker",
    Call("GET", lambda w: f"/art/{w.accepted.pk}/collections/", PAGE_FOR_MEMBERS),
    Call(
        "GET",
        lambda w: f"/art/{w.in_review.pk}/collections/",
        signed_in(404, 302),
    ),
    Call(
        "POST",
        lambda w: f"/art/{w.accepted.pk}/collections/",
        signed_in(302, 302),
        data={"new_title": "Mine"},
    ),
)
entry("community:following", Call("GET", lambda w: "/following/", PAGE_FOR_MEMBERS))
entry(
    "moderation:report",
    Call(
        "GET",
        lambda w: f"/art/{w.accepted.pk}/report/",
        PAGE_FOR_MEMBERS,
    ),
)
entry("moderation:queue", Call("GET", lambda w: "/moderation/", MODERATOR_PAGE))
entry("moderation:log", Call("GET", lambda w: "/moderation/log/", MODERATOR_PAGE))
entry(
    "moderation:hide",
    Call(
        "POST",
        lambda w: f"/moderation/works/{w.accepted.pk}/hide/",
        same(302),
        data={"reason": "Breaks the rules."},
    ),
)
entry(
    "moderation:restore",
    Call(
        "POST",
        lambda w: f"/moderation/works/{w.accepted.pk}/restore/",
        same(302),
        data={"reason": "Fine."},
    ),
)
entry(
    "moderation:dismiss",
    Call(
        "POST",
        lambda w: f"/moderation/reports/{w.report.pk}/dismiss/",
        same(302),
        data={"reason": "Not spam."},
    ),
)


# Accounts (allauth) and settings --------------------------------------------
entry(
    "account_login",
    Call("GET", lambda w: reverse("account_login"), signed_in(302, 200)),
)
entry(
    "account_signup",
    Call("GET", lambda w: reverse("account_signup"), signed_in(302, 200)),
)
entry(
    "account_logout",
    Call("GET", lambda w: reverse("account_logout"), {**same(200), "anon": 302}),
)
entry(
    "account_change_password",
    Call("GET", lambda w: reverse("account_change_password"), PAGE_FOR_MEMBERS),
)
entry(
    "account_set_password",
    Call("GET", lambda w: reverse("account_set_password"), same(302)),
)
entry("account_inactive", Call("GET", lambda w: reverse("account_inactive"), PUBLIC))
entry(
    "account_email", Call("GET", lambda w: reverse("account_email"), PAGE_FOR_MEMBERS)
)
entry(
    "account_email_verification_sent",
    Call("GET", lambda w: reverse("account_email_verification_sent"), PUBLIC),
)
entry(
    "account_confirm_email",
    Call("GET", lambda w: reverse("account_confirm_email", args=["nope"]), PUBLIC),
)
entry(
    "account_reset_password",
    Call("GET", lambda w: reverse("account_reset_password"), PUBLIC),
)
entry(
    "account_reset_password_done",
    Call("GET", lambda w: reverse("account_reset_password_done"), PUBLIC),
)
entry(
    "account_reset_password_from_key",
    Call(
        "GET",
        lambda w: reverse(
            "account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "x-y"}
        ),
        PUBLIC,
    ),
)
entry(
    "account_reset_password_from_key_done",
    Call("GET", lambda w: reverse("account_reset_password_from_key_done"), PUBLIC),
)
entry(
    "account_reauthenticate",
    Call("GET", lambda w: reverse("account_reauthenticate"), PAGE_FOR_MEMBERS),
)
entry(
    "account_confirm_login_code",
    Call("GET", lambda w: reverse("account_confirm_login_code"), same(302)),
)
entry(
    "account_request_reauthentication_code",
    Call(
        "GET",
        lambda w: reverse("account_request_reauthentication_code"),
        PAGE_FOR_MEMBERS,
    ),
)
entry(
    "account_confirm_reauthentication_code",
    Call("GET", lambda w: reverse("account_confirm_reauthentication_code"), same(302)),
)
entry(
    "accounts:profile-settings",
    Call("GET", lambda w: "/settings/profile/", PAGE_FOR_MEMBERS),
)
entry(
    "accounts:token-settings",
    Call("GET", lambda w: "/settings/tokens/", PAGE_FOR_MEMBERS),
)
entry(
    "accounts:token-rotate",
    Call(
        "POST",
        lambda w: f"/settings/tokens/{w.token.pk}/rotate/",
        {**same(302), "owner": 200},
    ),
)
entry(
    "accounts:token-revoke",
    Call("POST", lambda w: f"/settings/tokens/{w.token.pk}/revoke/", same(302)),
)
entry("accounts:sent-mail", Call("GET", lambda w: "/staff/mail/", STAFF_PAGE))
entry(
    "accounts:sent-mail-detail",
    Call("GET", lambda w: f"/staff/mail/{w.mail.pk}/", STAFF_PAGE),
)
entry(
    "community:notifications-read",
    Call("POST", lambda w: "/notifications/read/", same(302)),
)
entry(
    "api:accounts:me-tokens",
    Call("GET", lambda w: "/api/v1/me/tokens/", API_FOR_MEMBERS),
    Call(
        "POST",
        lambda w: "/api/v1/me/tokens/",
        signed_in(201, 403),
        data={"name": "another"},
        json=True,
    ),
)
entry(
    "api:accounts:me-token-detail",
    Call(
        "DELETE",
        lambda w: f"/api/v1/me/tokens/{w.token.pk}/",
        {**signed_in(404, 403), "owner": 204},
    ),
)
entry(
    "api:accounts:me-token-rotate",
    Call(
        "POST",
        lambda w: f"/api/v1/me/tokens/{w.token.pk}/rotate/",
        {**signed_in(404, 403), "owner": 200},
    ),
)

# Webhooks -------------------------------------------------------------------
# Staff manage every webhook; anyone else their own. Someone else's is a 404.
WEBHOOK_PAGE = {**same(404), "anon": 302, "owner": 200, "staff": 200}
WEBHOOK_ACTION = {**same(404), "anon": 302, "owner": 302, "staff": 302}


def WEBHOOK_API(status: int) -> dict[str, int]:  # noqa: N802 - reads as a table
    return {**same(404), "anon": 403, "owner": status, "staff": status}


entry(
    "integrations:my-webhooks",
    Call("GET", lambda w: "/settings/webhooks/", PAGE_FOR_MEMBERS),
)
entry(
    "integrations:staff-webhooks", Call("GET", lambda w: "/staff/webhooks/", STAFF_PAGE)
)
entry(
    "integrations:endpoint-detail",
    Call("GET", lambda w: f"/webhooks/{w.webhook.pk}/", WEBHOOK_PAGE),
)
entry(
    "integrations:endpoint-delete",
    Call("POST", lambda w: f"/webhooks/{w.webhook.pk}/delete/", WEBHOOK_ACTION),
)
entry(
    "integrations:endpoint-resume",
    Call("POST", lambda w: f"/webhooks/{w.webhook.pk}/resume/", WEBHOOK_ACTION),
)
entry(
    "integrations:endpoint-rotate",
    Call("POST", lambda w: f"/webhooks/{w.webhook.pk}/rotate/", WEBHOOK_PAGE),
)
entry(
    "integrations:delivery-redeliver",
    Call(
        "POST",
        lambda w: f"/webhooks/deliveries/{w.delivery.pk}/redeliver/",
        WEBHOOK_ACTION,
    ),
)
entry(
    "api:integrations:endpoint-list",
    Call("GET", lambda w: "/api/v1/webhooks/endpoints/", API_FOR_MEMBERS),
    Call(
        "POST",
        lambda w: "/api/v1/webhooks/endpoints/",
        signed_in(201, 403),
        data={"url": "http://127.0.0.1:9/new", "events": ["submission.decided"]},
        json=True,
    ),
)
entry(
    "api:integrations:endpoint-detail",
    Call(
        "GET", lambda w: f"/api/v1/webhooks/endpoints/{w.webhook.pk}/", WEBHOOK_API(200)
    ),
    Call(
        "PUT",
        lambda w: f"/api/v1/webhooks/endpoints/{w.webhook.pk}/",
        WEBHOOK_API(200),
        data={"url": "http://127.0.0.1:9/moved", "events": ["work.hidden"]},
        json=True,
    ),
    Call(
        "DELETE",
        lambda w: f"/api/v1/webhooks/endpoints/{w.webhook.pk}/",
        WEBHOOK_API(204),
    ),
)
entry(
    "api:integrations:endpoint-resume",
    Call(
        "POST",
        lambda w: f"/api/v1/webhooks/endpoints/{w.webhook.pk}/resume/",
        WEBHOOK_API(200),
    ),
)
entry(
    "api:integrations:endpoint-rotate-secret",
    Call(
        "POST",
        lambda w: f"/api/v1/webhooks/endpoints/{w.webhook.pk}/rotate-secret/",
        WEBHOOK_API(200),
    ),
)
entry(
    "api:integrations:delivery-list",
    Call("GET", lambda w: "/api/v1/webhooks/deliveries/", API_FOR_MEMBERS),
)
entry(
    "api:integrations:delivery-detail",
    Call(
        "GET",
        lambda w: f"/api/v1/webhooks/deliveries/{w.delivery.pk}/",
        WEBHOOK_API(200),
    ),
)
entry(
    "api:integrations:delivery-redeliver",
    Call(
        "POST",
        lambda w: f"/api/v1/webhooks/deliveries/{w.delivery.pk}/redeliver/",
        WEBHOOK_API(202),
    ),
)

# Files ----------------------------------------------------------------------
entry(
    "gallery:submission-file",
    Call("GET", lambda w: f"/files/{w.accepted.web.name}", PUBLIC),
    Call(
        "GET",
        lambda w: f"/files/{w.accepted.original.name}",
        {"anon": 404, "member": 404, "owner": 200, "curator": 404, "staff": 200},
    ),
    Call(
        "GET",
        lambda w: f"/files/{w.in_review.web.name}",
        {"anon": 404, "member": 404, "owner": 200, "curator": 200, "staff": 200},
    ),
    Call(
        "GET",
        lambda w: f"/files/{w.in_review.original.name}",
        {"anon": 404, "member": 404, "owner": 200, "curator": 200, "staff": 200},
    ),
)
entry(
    "media",
    Call("GET", lambda w: f"/media/{w.seed.image.name}", PUBLIC),
)


def url_names() -> set[str]:
    """Return the name of every routed URL outside NOT_IN_MATRIX."""

    def walk(patterns, namespace: str = ""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = (
                        f"{namespace}:{pattern.namespace}"
                        if namespace
                        else (pattern.namespace)
                    )
                if pattern.namespace in NOT_IN_MATRIX or pattern.app_name in (
                    NOT_IN_MATRIX
                ):
                    continue
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                if pattern.name is None:
                    yield f"<unnamed {pattern.pattern}>"
                    continue
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns)) - NOT_IN_MATRIX


def test_every_page_and_endpoint_has_an_entry_in_the_matrix():
    missing = sorted(url_names() - set(MATRIX))
    assert missing == [], f"decide who may use these and add them above: {missing}"
    stale = sorted(set(MATRIX) - url_names())
    assert stale == [], f"these are no longer routed: {stale}"


def _request(world: World, role: str, call: Call) -> int:
    client = Client()
    person = world.people[role]
    if person is not None:
        client.force_login(person)
    cache.clear()  # rate limits count per test, not across the matrix
    path = call.path(world)
    kwargs = {}
    if call.data is not None:
        if call.json:
            kwargs = {"data": call.data, "content_type": "application/json"}
        elif call.method == "POST":
            kwargs = {"data": call.data}
        else:
            kwargs = {"data": call.data, "content_type": "application/json"}
    with transaction.atomic():
        response = getattr(client, call.method.lower())(path, **kwargs)
        transaction.set_rollback(True)
    return response.status_code


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_person_gets_the_status_the_matrix_gives(world, name):
    wrong = []
    for call in MATRIX[name]:
        for role in ROLES:
            got = _request(world, role, call)
            if got != call.expect[role]:
                wrong.append(
                    f"{call.method} {call.path(world)} as {role}: "
                    f"{got}, expected {call.expect[role]}"
                )
    assert not wrong, "\n".join(wrong)
