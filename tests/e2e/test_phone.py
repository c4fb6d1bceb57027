"""Every page on a phone (390 px wide), as each kind of person sees it.

A page may not scroll sideways (wide tables scroll inside their own region or
turn into cards), and the header stays one row: at most 64 px tall, with the
links behind a menu button that works without JavaScript. Each page's
screenshot goes to test-artifacts/screenshots/phone/<role>-<page>.png, and
the widths and header heights measured to measurements-<role>.json beside
them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.models import SentMail
from accounts.services import issue_token
from art_tasks.models import CreationTask, Submission
from art_tasks.services import claim_task, request_studio_render
from community.models import Notification
from community.services import follow_artist, post_comment, report_comment
from community.services.challenges import close_challenge, open_challenge
from community.services.notifications import notify
from gallery.services import add_to_collection, create_collection
from generation.models import GenerationJob, GeneratorModel, TrainingRun
from moderation.services import dismiss_report, hide_work, report_work, restore_work
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, TaskFactory, submitted_work
from tests.curation.factories import decided_work
from tests.e2e.browser import ARTIFACTS, login
from tests.generation.factories import (
    GenerationJobFactory,
    GeneratorModelFactory,
    TrainingRunFactory,
    breedable,
)
from tests.images import png_bytes

PHONE = {"width": 390, "height": 844}
MAX_HEADER = 64
SHOTS = ARTIFACTS / "phone"


@dataclasses.dataclass
class Page:
    """One HTML page, the person who opens it, and where it is."""

    name: str
    role: str
    path: Callable[[dict], str]
    label: str = ""  # tells two views of one page apart
    atelier_layout: bool = True  # False: not built on base.html (no header)

    @property
    def slug(self) -> str:
        name = self.name.replace(":", "-").replace("_", "-")
        return f"{self.role}-{name}" + (f"-{self.label}" if self.label else "")


def _allauth(name: str, **kwargs) -> Callable[[dict], str]:
    from django.urls import reverse

    return lambda w: reverse(name, kwargs=kwargs or None)


PAGES = [
    # A visitor.
    Page("gallery:gallery", "visitor", lambda w: "/"),
    Page("gallery:artwork", "visitor", lambda w: f"/art/{w['accepted'].pk}/"),
    Page(
        "gallery:provenance-page",
        "visitor",
        lambda w: f"/art/{w['accepted'].pk}/provenance/",
    ),
    Page("gallery:collections", "visitor", lambda w: "/collections/"),
    Page("gallery:search", "visitor", lambda w: "/search/?q=lantern+quay"),
    Page("gallery:search", "visitor", lambda w: "/search/?q=the", "stop-words"),
    Page("gallery:tag", "visitor", lambda w: "/tags/harbour-at-night/"),
    Page("gallery:collection", "visitor", lambda w: f"/collections/{w['collection']}/"),
    Page("art_tasks:task-list", "visitor", lambda w: "/tasks/"),
    Page("art_tasks:task-detail", "visitor", lambda w: f"/tasks/{w['task'].pk}/"),
    Page("generation:seed-detail", "visitor", lambda w: f"/seeds/{w['seed'].pk}/"),
    Page("community:artist", "visitor", lambda w: "/artists/ada/"),
    Page("community:challenges", "visitor", lambda w: "/challenges/"),
    Page(
        "community:challenge",
        "visitor",
        lambda w: f"/challenges/{w['challenge']}/",
        "open",
    ),
    Page(
        "community:challenge",
        "visitor",
        lambda w: f"/challenges/{w['past_challenge']}/",
        "past",
    ),
    Page("community:leaderboard", "visitor", lambda w: "/leaderboard/"),
    Page(
        "community:comments", "visitor", lambda w: f"/art/{w['accepted'].pk}/comments/"
    ),
    Page("accounts:login", "visitor", lambda w: "/accounts/login/"),
    Page("accounts:signup", "visitor", lambda w: "/accounts/signup/"),
    Page("account_reset_password", "visitor", _allauth("account_reset_password")),
    Page(
        "account_reset_password_done",
        "visitor",
        _allauth("account_reset_password_done"),
    ),
    Page(
        "account_reset_password_from_key",
        "visitor",
        _allauth("account_reset_password_from_key", uidb36="zz", key="x-y"),
    ),
    Page(
        "account_reset_password_from_key_done",
        "visitor",
        _allauth("account_reset_password_from_key_done"),
    ),
    Page(
        "account_email_verification_sent",
        "visitor",
        _allauth("account_email_verification_sent"),
    ),
    Page(
        "account_confirm_email", "visitor", _allauth("account_confirm_email", key="x")
    ),
    Page("account_inactive", "visitor", _allauth("account_inactive")),
    Page("api-docs", "visitor", lambda w: "/api/docs/", atelier_layout=False),
    Page("generation:lab-seed", "visitor", lambda w: f"/lab/seeds/{w['lab_kept']}/"),
    # A signed-in member who owns nothing here.
    Page("gallery:gallery", "member", lambda w: "/"),
    Page("gallery:artwork", "member", lambda w: f"/art/{w['accepted'].pk}/"),
    Page("moderation:report", "member", lambda w: f"/art/{w['accepted'].pk}/report/"),
    Page(
        "community:comments", "member", lambda w: f"/art/{w['accepted'].pk}/comments/"
    ),
    Page(
        "community:comment-edit",
        "member",
        lambda w: f"/comments/{w['comment'].pk}/edit/",
    ),
    Page(
        "community:comment-report",
        "member",
        lambda w: f"/comments/{w['reply'].pk}/report/",
    ),
    Page("art_tasks:task-list", "member", lambda w: "/tasks/"),
    Page("art_tasks:task-detail", "member", lambda w: f"/tasks/{w['task'].pk}/"),
    Page("art_tasks:studio", "member", lambda w: "/studio/"),
    Page("community:artist", "member", lambda w: "/artists/ada/"),
    Page("community:notifications", "member", lambda w: "/notifications/"),
    Page("community:challenge", "member", lambda w: f"/challenges/{w['challenge']}/"),
    Page("accounts:profile-settings", "member", lambda w: "/settings/profile/"),
    Page("accounts:token-settings", "member", lambda w: "/settings/tokens/"),
    Page("integrations:my-webhooks", "member", lambda w: "/settings/webhooks/"),
    Page("account_change_password", "member", _allauth("account_change_password")),
    Page("account_email", "member", _allauth("account_email")),
    Page("account_reauthenticate", "member", _allauth("account_reauthenticate")),
    Page("accounts:logout", "member", lambda w: "/accounts/logout/"),
    Page("community:following", "member", lambda w: "/following/"),
    Page("gallery:my-collections", "member", lambda w: "/collections/mine/"),
    Page(
        "gallery:collection-picker",
        "member",
        lambda w: f"/art/{w['accepted'].pk}/collections/",
    ),
    # The artist: work in every state, a live claim, news.
    Page("art_tasks:studio", "artist", lambda w: "/studio/"),
    Page(
        "art_tasks:task-detail",
        "artist",
        lambda w: f"/tasks/{w['claimed'].pk}/",
        "claimed",
    ),
    Page(
        "art_tasks:studio-tools",
        "artist",
        lambda w: f"/claims/{w['claim'].pk}/tools/",
    ),
    Page(
        "art_tasks:studio-render",
        "artist",
        lambda w: f"/studio/renders/{w['studio_render'].pk}/",
    ),
    Page("gallery:artwork", "artist", lambda w: f"/art/{w['in_review'].pk}/", "review"),
    Page("community:artist", "artist", lambda w: "/artists/ada/"),
    Page("community:notifications", "artist", lambda w: "/notifications/"),
    Page("gallery:collections", "artist", lambda w: "/collections/"),
    Page("community:following", "artist", lambda w: "/following/", "empty"),
    Page("gallery:my-collections", "artist", lambda w: "/collections/mine/"),
    Page(
        "gallery:collection",
        "artist",
        lambda w: f"/collections/{w['private_collection']}/",
        "private",
    ),
    Page(
        "gallery:collection-edit",
        "artist",
        lambda w: f"/collections/{w['private_collection']}/edit/",
        "own",
    ),
    Page("community:leaderboard", "artist", lambda w: "/leaderboard/"),
    Page("generation:lab-grid", "artist", lambda w: f"/lab/grids/{w['lab_grid']}/"),
    Page("generation:lab-my-seeds", "artist", lambda w: "/lab/seeds/"),
    Page("integrations:my-webhooks", "artist", lambda w: "/settings/webhooks/"),
    Page(
        "integrations:endpoint-detail",
        "artist",
        lambda w: f"/webhooks/{w['webhook']}/",
    ),
    Page(
        "generation:lab-seed", "artist", lambda w: f"/lab/seeds/{w['lab_kept']}/", "own"
    ),
    # A curator.
    Page("curation:curate", "curator", lambda w: "/curate/"),
    Page("moderation:queue", "curator", lambda w: "/moderation/"),
    Page("moderation:log", "curator", lambda w: "/moderation/log/"),
    Page("community:comment-queue", "curator", lambda w: "/moderation/comments/"),
    Page("gallery:artwork", "curator", lambda w: f"/art/{w['accepted'].pk}/"),
    Page("gallery:artwork", "curator", lambda w: f"/art/{w['hidden'].pk}/", "hidden"),
    Page("community:leaderboard", "curator", lambda w: "/leaderboard/"),
    # Staff.
    Page("generation:publish", "staff", lambda w: "/staff/publish/"),
    Page("generation:status", "staff", lambda w: "/staff/status/"),
    Page("generation:generators", "staff", lambda w: "/staff/generators/"),
    Page("accounts:sent-mail", "staff", lambda w: "/staff/mail/"),
    Page("integrations:staff-webhooks", "staff", lambda w: "/staff/webhooks/"),
    Page(
        "integrations:endpoint-detail",
        "staff",
        lambda w: f"/webhooks/{w['webhook']}/",
        "artists",
    ),
    Page("accounts:sent-mail-detail", "staff", lambda w: f"/staff/mail/{w['mail']}/"),
    Page("gallery:collection-new", "staff", lambda w: "/collections/new/"),
    Page(
        "gallery:collection-edit",
        "staff",
        lambda w: f"/collections/{w['collection']}/edit/",
    ),
    Page(
        "art_tasks:task-detail", "staff", lambda w: f"/tasks/{w['draft'].pk}/", "draft"
    ),
    Page("moderation:queue", "staff", lambda w: "/moderation/"),
    Page("moderation:log", "staff", lambda w: "/moderation/log/"),
    Page("community:challenge-new", "staff", lambda w: "/challenges/new/"),
    Page("art_tasks:studio", "staff", lambda w: "/studio/"),
]

# Named URLs that are not HTML pages of their own, and why.
NOT_PAGES = {
    "admin": "Django's admin has its own layout",
    "schema": "the OpenAPI document (YAML)",
    "healthz": "a health probe (JSON)",
    "readyz": "a health probe (JSON)",
    "media": "image files",
    "gallery:submission-file": "image files",
    "gallery:download": "a file download",
    "gallery:provenance": "JSON",
    "generation:seed-recipe": "JSON",
    "generation:task-progress": "a fragment polled into the task page",
    "art_tasks:studio-submissions": "a fragment polled into the studio",
    "community:bell": "a fragment polled into the header",
    "curation:queue-count": "a fragment polled into the review queue",
    "art_tasks:draft-file": "an image file",
    "generation:lab-grid-children": "a fragment polled into the lab grid",
    "generation:lab-start": "a form action (POST)",
    "generation:lab-grid-breed": "a form action (POST)",
    "generation:lab-seed-keep": "a form action (POST)",
    "generation:lab-seed-propose": "a form action (POST)",
    "art_tasks:studio-render-file": "an image file",
    "art_tasks:studio-tools-render": "a form action (POST)",
    "art_tasks:claim-extend": "a form action (POST)",
    "art_tasks:task-deadline": "a form action (POST)",
    "art_tasks:draft-submit": "a form action (POST)",
    "art_tasks:draft-discard": "a form action (POST)",
    "generation:generator-review": "a form action (POST)",
    "generation:generator-samples": "a form action (POST)",
    "community:follow": "a form action (POST)",
    "community:unfollow": "a form action (POST)",
    "community:notifications-read": "a form action (POST)",
    "community:notification-settings": "a form action (POST)",
    "gallery:like": "a form action (POST)",
    "gallery:unlike": "a form action (POST)",
    "gallery:collection-delete": "a form action (POST)",
    "art_tasks:claim-create": "a form action (POST)",
    "art_tasks:claim-release": "a form action (POST)",
    "art_tasks:submission-create": "a form action (POST)",
    "curation:vote": "a form action (POST)",
    "curation:skip": "a form action (POST)",
    "curation:reset-skipped": "a form action (POST)",
    "moderation:hide": "a form action (POST)",
    "moderation:restore": "a form action (POST)",
    "moderation:dismiss": "a form action (POST)",
    "community:comment-create": "a form action (POST)",
    "community:comment-delete": "a form action (POST)",
    "community:comment-hide": "a form action (POST)",
    "community:comment-restore": "a form action (POST)",
    "community:comment-dismiss": "a form action (POST)",
    "accounts:token-rotate": "a form action (POST)",
    "accounts:token-revoke": "a form action (POST)",
    "integrations:endpoint-delete": "a form action (POST)",
    "integrations:endpoint-resume": "a form action (POST)",
    "integrations:endpoint-rotate": "a form action (POST) showing the webhook page",
    "integrations:delivery-redeliver": "a form action (POST)",
    "account_login": "the same page as accounts:login",
    "account_signup": "the same page as accounts:signup",
    "account_logout": "the same page as accounts:logout",
    "account_set_password": "redirects: every account has a password",
    "account_confirm_login_code": "redirects unless a code was sent",
    "account_request_reauthentication_code": "redirects: login codes are off",
    "account_confirm_reauthentication_code": "redirects unless a code was sent",
}


def page_names() -> set[str]:
    """Every named URL outside the API, as `namespace:name`."""

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in ("api", "admin"):
                    if pattern.namespace == "admin":
                        yield "admin"
                    continue
                inner = namespace
                if pattern.namespace:
                    inner = (
                        f"{namespace}:{pattern.namespace}"
                        if namespace
                        else pattern.namespace
                    )
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_page_is_opened_on_a_phone():
    covered = {page.name for page in PAGES} | set(NOT_PAGES)
    missing = sorted(page_names() - covered)
    assert missing == [], f"open these at 390 px in PAGES (or say why not): {missing}"
    stale = sorted(covered - page_names())
    assert stale == [], f"these are no longer routed: {stale}"
    slugs = [page.slug for page in PAGES]
    assert len(slugs) == len(set(slugs)), "give each view of a page its own label"


def _webhook(ada, staff, work):
    """Ada's paused webhook with a delivery that failed twice; a staff one."""
    from integrations import payloads
    from integrations.models import Attempt, Delivery, Endpoint, Event
    from integrations.services import create_endpoint

    create_endpoint(
        owner=staff,
        url="https://ops.example.test/atelier",
        events=["task.opened", "claim.made", "submission.decided", "model.trained"],
        description="Ops dashboard",
    )
    hook = create_endpoint(
        owner=ada,
        url="https://hooks.example.test/atelier/a-rather-long-path/to/wrap?key=abc123",
        events=["submission.decided", "work.hidden", "work.restored"],
        description="My portfolio site",
    )
    now = timezone.now()
    event = Event.objects.create(
        type="submission.decided", data=payloads.decision_data(work), artist=ada
    )
    delivery = Delivery.objects.create(
        event=event,
        endpoint=hook,
        attempt_count=2,
        next_attempt_at=now + timedelta(minutes=1),
        last_status=502,
    )
    for number, status, error in ((1, None, "No answer within 10 s."), (2, 502, "")):
        Attempt.objects.create(
            delivery=delivery,
            number=number,
            started_at=now - timedelta(minutes=3 - number),
            duration_ms=10_000 if status is None else 84,
            status_code=status,
            response_excerpt="" if status is None else "<html>Bad gateway " * 30,
            error=error,
        )
    Endpoint.objects.filter(pk=hook.pk).update(
        paused_at=now,
        paused_reason="50 attempts in a row failed",
        consecutive_failures=50,
        failing_since=now - timedelta(hours=5),
    )
    return hook


@pytest.fixture
def world(eager_celery):
    """Data for every page: work in each state, reports, jobs, runs, mail."""
    staff = UserFactory(username="boss", display_name="Beatriz Oyelaran", is_staff=True)
    judges = [CuratorFactory(username=f"judge{i}") for i in range(1, 4)]
    curator = CuratorFactory(username="curator", display_name="Cosima Reyes-Hartmann")
    ada = UserFactory(username="ada", display_name="Ada Lovelace-Montgomery")
    rex = UserFactory(username="rex", display_name="Rex Reader")

    task = OpenTaskFactory(
        created_by=staff,
        title="Harbour lights at the end of a very long winter",
        slots=20,
        seed_count=4,
    )
    other = OpenTaskFactory(created_by=staff, title="Tides", slots=20)
    claimed = OpenTaskFactory(
        created_by=staff, title="Ridges", slots=3, claim_ttl=timedelta(hours=2)
    )
    accepted = decided_work(
        task=task,
        artist=ada,
        curators=judges,
        scores=(5, 4, 5),
        title="Lantern weather over the quay",
        comments=("The glow carries the whole piece.",),
        image=png_bytes((120, 80), (200, 120, 40)),
        tags=("lantern", "harbour-at-night"),
    )
    hidden = decided_work(
        task=OpenTaskFactory(created_by=staff, title="Fog"),
        artist=ada,
        curators=judges,
        scores=(4, 4, 4),
        title="Fog horn",
    )
    decided_work(
        task=other, artist=ada, curators=judges, scores=(1, 2, 1), title="Tide script"
    )
    decided_work(
        task=task,
        artist=UserFactory(username="bo", display_name="Bo Painter"),
        curators=judges,
        scores=(4, 4, 3),
        title="Harbour wall",
    )
    in_review = submitted_work(
        task=OpenTaskFactory(created_by=staff, title="Quays"),
        artist=ada,
        title="Quay at dusk",
        image=png_bytes((80, 60)),
    )
    held = claim_task(task=claimed, user=ada)
    studio_render = request_studio_render(
        claim=held,
        user=ada,
        seed=claimed.seeds.first(),
        steps=[
            {"op": "crop", "params": {"ratio": "1:1"}},
            {"op": "posterise", "params": {"levels": 3}},
        ],
    )

    report = report_work(
        submission=accepted,
        reporter=rex,
        reason="copyright",
        details="This looks like my photograph of the harbour at night.",
    )
    spam = report_work(submission=hidden, reporter=rex, reason="spam")
    hide_work(
        submission=hidden,
        actor=staff,
        reason="Copies a photograph without credit; the artist was told.",
        report=spam,
    )
    dismiss_report(report=report, actor=staff, reason="It is the artist's own photo.")
    restore_work(submission=hidden, actor=staff, reason="The artist showed the source.")
    hide_work(
        submission=hidden,
        actor=staff,
        reason="A second report showed the same photograph elsewhere.",
    )
    report_work(
        submission=accepted,
        reporter=rex,
        reason="copyright",
        details="Still looks like my harbour photograph.",
    )

    collection = create_collection(
        by=staff,
        title="Night harbours",
        statement="Works that find light in the dark water of a harbour.",
        published=True,
    )
    add_to_collection(collection=collection, submission=accepted, by=staff)
    kept = create_collection(
        by=ada,
        title="Quiet water, kept for the long evenings",
        statement="Harbours I keep coming back to.",
    )
    add_to_collection(collection=kept, submission=accepted, by=ada)
    follow_artist(follower=rex, artist=ada)

    draft = TaskFactory(created_by=staff, title="Dunes", seed_count=4)
    draft.state = CreationTask.State.GENERATING
    draft.save(update_fields=["state"])
    GenerationJobFactory(task=draft, total=4, state=GenerationJob.State.RUNNING)
    GenerationJobFactory(
        task=TaskFactory(created_by=staff, title="Broken generator run"),
        total=2,
        state=GenerationJob.State.FAILED,
        device="cuda:0",
        error="RuntimeError: CUDA out of memory while painting seed 2 of 2 "
        "(tried to allocate 2.00 GiB)",
    )
    version = GeneratorModelFactory(
        name="dcgan-harbour",
        kind=GeneratorModel.Kind.CHECKPOINT,
        description="Trained on the accepted gallery",
        training={"images": {"used": 42}, "epochs": 10, "seconds": 91.5},
    )
    TrainingRunFactory(
        name="dcgan-harbour",
        requested_by=staff,
        state=TrainingRun.State.DONE,
        epochs_done=2,
        result=version,
        device="cuda:0",
    )
    TrainingRunFactory(
        name="dcgan-failed",
        requested_by=staff,
        state=TrainingRun.State.FAILED,
        error="ValueError: training needs at least 16 images; 9 were found",
    )

    notify(
        recipient=ada,
        kind=Notification.Kind.ACCEPTED,
        text="“Lantern weather over the quay” was accepted with 4.67 ★.",
        url=accepted.get_absolute_url(),
        key="phone-accepted",
    )
    issue_token(user=rex, name="a script on my laptop")
    mail = SentMail.objects.create(
        subject="Your work was accepted",
        from_email="atelier@example.test",
        to="ada-lovelace-montgomery@example.test",
        text="Hello Ada,\n\nYour work was accepted.",
    )
    comment = post_comment(
        submission=accepted,
        author=rex,
        body="The reflections on the water are wonderfully done; how long did the "
        "lanterns take?",
    )
    reply = post_comment(
        submission=accepted,
        author=ada,
        body="Thank you! About an evening of layering.",
        reply_to=comment,
    )
    rude = post_comment(
        submission=accepted,
        author=UserFactory(username="troll", display_name="Troll"),
        body="This is copied, obviously, and so are all your other works.",
    )
    report_comment(
        comment=rude, reporter=rex, reason="offensive", details="A personal attack."
    )
    now = timezone.now()
    challenge = open_challenge(
        by=staff,
        title="Harbour lights week: boats, lanterns and the long winter dark",
        theme="Light on dark water: lanterns, harbour walls, boats coming home.",
        tasks=[task, other],
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=3),
        cover_seed=task.seeds.first(),
    )
    past = open_challenge(
        by=staff,
        title="Winter harbours",
        theme="The quay in the cold.",
        tasks=[task],
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(minutes=1),
        cover_work=accepted,
    )
    close_challenge(challenge=past, now=past.closes_at + timedelta(minutes=1))
    assert Submission.objects.get(pk=hidden.pk).state == Submission.State.HIDDEN
    from generation.services.lab import keep_lab_seed, run_lab_grid, start_lab_grid

    grid = start_lab_grid(by=ada, seeds=breedable(task)[:1])
    run_lab_grid(grid=grid)  # painted already when Celery runs eagerly
    lab_kept = keep_lab_seed(seed=grid.children.first(), by=ada)
    webhook = _webhook(ada, staff, accepted)
    return {
        "webhook": webhook.pk,
        "lab_grid": grid.pk,
        "lab_kept": lab_kept.pk,
        "challenge": challenge.slug,
        "past_challenge": past.slug,
        "comment": comment,
        "reply": reply,
        "people": {
            "visitor": None,
            "member": rex,
            "artist": ada,
            "curator": curator,
            "staff": staff,
        },
        "task": task,
        "seed": task.seeds.first(),
        "claimed": claimed,
        "claim": held,
        "studio_render": studio_render,
        "accepted": accepted,
        "hidden": hidden,
        "in_review": in_review,
        "collection": collection.slug,
        "private_collection": kept.slug,
        "draft": draft,
        "mail": mail.pk,
    }


MEASURE = """() => {
  const root = document.documentElement;
  const header = document.querySelector("header");
  const edge = root.clientWidth + 0.5;
  const clipped = ["auto", "scroll", "hidden", "clip"];
  const scrolls = (el) => clipped.includes(getComputedStyle(el).overflowX);
  const outside = (el) => {
    for (let up = el.parentElement; up !== document.body; up = up.parentElement) {
      if (scrolls(up)) return false;
    }
    return el.getBoundingClientRect().right > edge;
  };
  const describe = (el) => {
    const classes = typeof el.className === "string" ? el.className.trim() : "";
    const name = el.tagName.toLowerCase() + (classes ? "." + classes : "");
    return name + " to " + Math.round(el.getBoundingClientRect().right) + " px";
  };
  // The innermost elements that stick out (not those inside a scrolling region).
  const wide = [...document.body.querySelectorAll("*")].filter(outside)
    .filter((el) => ![...el.children].some(outside)).slice(0, 4).map(describe);
  const overflow = (el) => getComputedStyle(el).overflowX;
  return {
    width: root.scrollWidth,
    header: header ? Math.round(header.getBoundingClientRect().height) : null,
    clip: overflow(root) + "/" + overflow(document.body),
    wide: wide,
  };
}"""


def _measure(page) -> dict:
    return page.evaluate(MEASURE)


def settle(page) -> None:
    """Let images and HTMX loads finish; pages that poll never go quiet."""
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=5000)


def _phone(browser, live_server, person, *, javascript=True):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=javascript
    )
    page = context.new_page()
    if person is not None:
        login(page, person.username)
    return context, page


@pytest.mark.parametrize("role", ["visitor", "member", "artist", "curator", "staff"])
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_page_is_wider_than_a_phone(browser, live_server, world, role):
    SHOTS.mkdir(parents=True, exist_ok=True)
    context, page = _phone(browser, live_server, world["people"][role])
    problems, measured = [], {}
    try:
        for entry in (p for p in PAGES if p.role == role):
            path = entry.path(world)
            response = page.goto(path)
            settle(page)
            status = response.status if response else None
            got = _measure(page)
            measured[entry.slug] = {"path": path, **got}
            page.screenshot(path=str(SHOTS / f"{entry.slug}.png"), full_page=True)
            if status != 200:
                problems.append(f"{path}: status {status}")
            if got["width"] > PHONE["width"]:
                problems.append(f"{path}: {got['width']} px wide ({got['wide']})")
            if not entry.atelier_layout:
                continue
            if got["header"] is None or got["header"] > MAX_HEADER:
                problems.append(f"{path}: header {got['header']} px tall")
            if got["clip"] != "visible/visible":
                problems.append(f"{path}: the page hides its overflow ({got['clip']})")
    finally:
        context.close()
        (SHOTS / f"measurements-{role}.json").write_text(json.dumps(measured, indent=1))
    assert not problems, f"as {role} at 390 px:\n" + "\n".join(problems)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_phone_menu_opens_from_the_keyboard(
    browser, live_server, world, javascript
):
    staff = world["people"]["staff"]
    context, page = _phone(browser, live_server, staff, javascript=javascript)
    try:
        page.goto("/")
        menu = page.locator("header .menu-button")
        expect(menu).to_be_visible()
        sign_out = page.locator("header button:has-text('Sign out')")
        expect(sign_out).to_be_hidden()
        expect(page.locator("header nav >> text=Publish")).to_be_hidden()

        # Tab to the menu button and open it with Enter.
        page.locator("header .bell").focus()
        page.keyboard.press("Tab")
        expect(menu).to_be_focused()
        page.keyboard.press("Enter")
        if javascript:
            expect(menu).to_have_attribute("aria-expanded", "true")
        for name in (
            "Gallery",
            "Tasks",
            "My studio",
            "Moderation",
            "Publish",
            "Status",
        ):
            expect(page.locator(f"header nav >> text={name}")).to_be_in_viewport()
        expect(sign_out).to_be_visible()
        box = sign_out.bounding_box()
        assert box["x"] >= 0, box
        assert box["x"] + box["width"] <= PHONE["width"], box
        assert box["y"] + box["height"] <= PHONE["height"], box
        page.screenshot(
            path=str(SHOTS / f"menu-open-{'js' if javascript else 'nojs'}.png")
        )

        # The links come next with Tab, and Escape closes the menu again.
        page.keyboard.press("Tab")
        expect(page.locator("header nav a").first).to_be_focused()
        page.keyboard.press("Escape")
        expect(sign_out).to_be_hidden()
        expect(menu).to_be_focused()
        if javascript:
            expect(menu).to_have_attribute("aria-expanded", "false")

        # A tap on the button opens it too, and following a link works.
        menu.click()
        page.locator("header nav >> text=Status").click()
        page.wait_for_url("**/staff/status/")
        expect(page.locator("h1")).to_have_text("System status")
    finally:
        context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_desktop_header_shows_every_link_without_a_menu(
    browser, live_server, world
):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        login(page, "boss")
        page.goto("/")
        settle(page)
        expect(page.locator("header .menu-button")).to_be_hidden()
        names = ("Gallery", "Collections", "Tasks", "Following", "Publish", "Status")
        for name in (*names, "API"):
            expect(page.locator(f"header nav >> text={name}")).to_be_visible()
        expect(page.locator("header button:has-text('Sign out')")).to_be_visible()
        assert _measure(page)["header"] <= MAX_HEADER
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "desktop-header-staff.png"))
    finally:
        context.close()
