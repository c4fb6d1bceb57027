"""A task's submitted claims are counted on the task; free slots stay exact."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest

from django.utils import timezone

from art_tasks import selectors
from art_tasks.errors import ClaimEndedDraftKept
from art_tasks.models import Claim, CreationTask
from art_tasks.services import (
    claim_task,
    expire_claims,
    release_claim,
    submit_draft,
    submit_work,
    submit_work_or_keep_draft,
)
from art_tasks.tasks import process_submission_task
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import ClaimFactory, OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work
from tests.images import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def broken_worker(monkeypatch):
    def fail(fileobj):  # noqa: ANN001, ANN202
        raise OSError("cannot identify image file")

    monkeypatch.setattr("art_tasks.imaging.make_variants", fail)


def _upload(name: str = "work.png") -> io.BytesIO:
    upload = io.BytesIO(png_bytes((96, 64)))
    upload.name = name
    return upload


def _slots(task: CreationTask) -> tuple[int, int, int]:
    """Return (submitted_count, held, slots_free) as the list shows them now."""
    task.refresh_from_db(fields=["submitted_count"])
    shown = selectors.get_task(pk=task.pk)
    submitted = task.claims.filter(state=Claim.State.SUBMITTED).count()
    assert task.submitted_count == submitted  # the counter is the truth
    return task.submitted_count, shown.held, shown.slots_free


def test_the_counter_follows_a_claim_through_submission_failure_and_release(
    artist, broken_worker
):
    task = OpenTaskFactory(slots=3)
    assert _slots(task) == (0, 0, 3)

    claim = claim_task(task=task, user=artist)
    assert _slots(task) == (0, 1, 2)

    work = submit_work(
        claim=claim,
        user=artist,
        seed=task.seeds.first(),
        image=_upload(),
        title="First try",
        license="CC-BY-4.0",
    )
    assert _slots(task) == (1, 1, 2)

    process_submission_task.run(work.pk)  # fails: the artist gets a fresh claim
    fresh = Claim.objects.get(task=task, contributor=artist, state="active")
    assert _slots(task) == (0, 1, 2)
    process_submission_task.run(work.pk)  # a redelivery changes nothing
    assert _slots(task) == (0, 1, 2)

    release_claim(claim=fresh, user=artist)
    assert _slots(task) == (0, 0, 3)


def test_the_counter_follows_expiry_and_a_draft_submitted_in_one_step(artist):
    task = OpenTaskFactory(slots=2)
    claim = claim_task(task=task, user=artist)
    Claim.objects.filter(pk=claim.pk).update(
        claimed_at=timezone.now() - timedelta(hours=3),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    assert _slots(task) == (0, 0, 2)  # lapsed: free before any sweep

    with pytest.raises(ClaimEndedDraftKept):
        submit_work_or_keep_draft(
            claim=claim,
            user=artist,
            seed=task.seeds.first(),
            image=_upload(),
            title="Late",
            license="CC-BY-4.0",
        )
    assert _slots(task) == (0, 0, 2)
    assert expire_claims() == 1
    assert _slots(task) == (0, 0, 2)

    draft = artist.drafts.get(task=task)
    submit_draft(draft=draft, user=artist)
    assert _slots(task) == (1, 1, 1)

    submitted_work(task=task, artist=UserFactory(username="second"))
    assert _slots(task) == (2, 2, 0)


def test_a_lapsed_claim_never_counts_in_the_list_before_the_sweep(client):
    now = timezone.now()
    lapsed = OpenTaskFactory(title="Lapsed", slots=2)
    submitted_work(task=lapsed, artist=UserFactory(username="done"), process=False)
    ClaimFactory(
        task=lapsed,
        claimed_at=now - timedelta(hours=3),
        expires_at=now - timedelta(minutes=1),
    )  # active in name only; the beat job has not run
    busy = OpenTaskFactory(title="Busy", slots=3)
    ends = now + timedelta(minutes=30)
    ClaimFactory(task=busy, expires_at=ends)
    ClaimFactory(task=busy, expires_at=ends + timedelta(minutes=5))

    rows = {t.title: t for t in selectors.task_list(sort="free")}
    assert (rows["Lapsed"].held, rows["Lapsed"].slots_free) == (1, 1)
    assert rows["Lapsed"].next_slot_at is None
    assert (rows["Busy"].held, rows["Busy"].slots_free) == (2, 1)
    assert rows["Busy"].next_slot_at == ends

    # One slot free each; the free order breaks the tie as before.
    ClaimFactory(
        task=lapsed,
        claimed_at=now - timedelta(hours=3),
        expires_at=now - timedelta(seconds=1),
    )
    ClaimFactory(task=busy, expires_at=ends)
    order = [t.title for t in selectors.task_list(sort="free")]
    assert order == ["Lapsed", "Busy"]  # 1 free against 0

    api = client.get("/api/v1/tasks/?sort=free").json()["results"]
    assert [(t["title"], t["slots_free"], t["full"]) for t in api] == [
        ("Lapsed", 1, False),
        ("Busy", 0, True),
    ]
    html = client.get("/tasks/").content.decode()
    assert re.search(r'class="slots">1 of 2<', html)


def test_the_tasks_page_shows_a_page_at_a_time_with_more_tasks(client, monkeypatch):
    monkeypatch.setattr("art_tasks.views.TASKS_PER_PAGE", 2)
    for i in range(5):
        OpenTaskFactory(title=f"Paged {i}", seed_count=1)

    seen: list[str] = []
    url = "/tasks/?sort=new"
    pages = 0
    while url:
        html = client.get(url).content.decode()
        seen += re.findall(r'id="task-\d+-title"><a href="[^"]+">(Paged \d)<', html)
        more = re.search(r'href="([^"]+)" rel="next">More tasks<', html)
        url = more.group(1).replace("&amp;", "&") if more else None
        pages += 1
        if pages > 1:
            assert "Back to the first page" in html
    assert pages == 3
    assert sorted(seen) == [f"Paged {i}" for i in range(5)]  # each once


def test_a_damaged_cursor_goes_back_to_the_first_page(client):
    response = client.get("/tasks/?sort=closing&cursor=nonsense")
    assert response.status_code == 302
    assert response["Location"] == "/tasks/?sort=closing"


def test_the_task_page_shows_the_best_works_and_links_to_the_rest(
    client, curators, monkeypatch
):
    monkeypatch.setattr("art_tasks.selectors.TASK_PAGE_WORKS", 1)
    task = OpenTaskFactory(title="Harbour", slots=5)
    best = decided_work(
        task=task, artist=UserFactory(username="b1"), curators=curators, title="Best"
    )
    decided_work(
        task=task,
        artist=UserFactory(username="b2"),
        curators=curators,
        scores=(4, 4, 3),
        title="Second",
    )

    html = client.get(f"/tasks/{task.pk}/").content.decode()
    section = html[html.index('id="accepted-heading"') :]
    assert f'href="/art/{best.pk}/"' in section
    assert "Second" not in section
    assert f"/?task={task.pk}&amp;order=top" in section
