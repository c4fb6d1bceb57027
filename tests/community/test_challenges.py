"""Challenges: opening, entries, the close, winners' points, badges and pages."""

from __future__ import annotations

from datetime import timedelta

import pytest

from django.urls import reverse
from django.utils import timezone

from art_tasks.models import Submission
from community import challenges as selectors
from community.errors import ChallengeRefused
from community.models import Challenge, ChallengeWinner, Notification, ReputationEvent
from community.services.challenges import (
    close_challenge,
    close_due_challenges,
    open_challenge,
)
from community.tasks import close_due_challenges_task
from core.errors import NotAllowed
from moderation.services import hide_work
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def staff():
    return UserFactory(username="boss", is_staff=True)


@pytest.fixture
def judges():
    return [CuratorFactory(username=f"judge{i}") for i in range(3)]


@pytest.fixture
def task(staff):
    return OpenTaskFactory(created_by=staff, title="Harbour", slots=30)


@pytest.fixture
def other_task(staff):
    return OpenTaskFactory(created_by=staff, title="Tides", slots=30)


def _open(staff, tasks, **kwargs) -> Challenge:
    now = timezone.now()
    values = {
        "title": "Night harbours",
        "theme": "Light on dark water.",
        "opens_at": now - HOUR,
        "closes_at": now + HOUR,
        "winner_count": 3,
        "points": 50,
    }
    values.update(kwargs)
    return open_challenge(by=staff, tasks=tasks, **values)


def _work(task, judges, scores, *, artist=None, title="A work") -> Submission:
    return decided_work(
        task=task,
        artist=artist or UserFactory(),
        curators=judges,
        scores=scores,
        title=title,
    )


def _after_deadline(challenge: Challenge, extra: timedelta = timedelta(0)):
    return challenge.closes_at + timedelta(minutes=1) + extra


# Opening --------------------------------------------------------------------------


def test_only_staff_can_open_a_challenge(task):
    member = UserFactory()
    with pytest.raises(NotAllowed, match="Only staff can open a challenge"):
        _open(member, [task])
    assert Challenge.objects.count() == 0


def test_staff_open_a_challenge_over_their_tasks(staff, task, other_task):
    challenge = _open(staff, [task, other_task])

    assert challenge.slug == "night-harbours"
    assert set(challenge.tasks.all()) == {task, other_task}
    assert challenge.closed_at is None
    assert _open(staff, [task]).slug == "night-harbours-2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"closes_at": timezone.now() - HOUR}, "deadline must be in the future"),
        (
            {"opens_at": timezone.now() + 3 * HOUR, "closes_at": timezone.now() + HOUR},
            "deadline must come after the opening",
        ),
    ],
)
def test_opening_refuses_impossible_dates(staff, task, change, message):
    with pytest.raises(ChallengeRefused, match=message):
        _open(staff, [task], **change)
    assert Challenge.objects.count() == 0


def test_opening_refuses_a_challenge_without_tasks(staff):
    with pytest.raises(ChallengeRefused, match="at least one creation task"):
        _open(staff, [])


def test_the_staff_page_opens_a_challenge_and_shows_it(client, staff, task):
    client.force_login(staff)
    now = timezone.localtime()
    response = client.post(
        reverse("community:challenge-new"),
        {
            "title": "Harbour week",
            "theme": "Boats at night.",
            "tasks": [task.pk],
            "opens_at": now.strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now + 24 * HOUR).strftime("%Y-%m-%dT%H:%M"),
            "winner_count": 2,
            "points": 40,
        },
    )
    challenge = Challenge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == challenge.get_absolute_url()
    assert challenge.winner_count == 2
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Harbour week" in page
    assert 'class="countdown" data-expires=' in page
    assert task.get_absolute_url() in page


def test_the_staff_page_says_why_a_challenge_was_refused(client, staff, task):
    client.force_login(staff)
    now = timezone.localtime()
    response = client.post(
        reverse("community:challenge-new"),
        {
            "title": "Too late",
            "theme": "x",
            "tasks": [task.pk],
            "opens_at": (now - 48 * HOUR).strftime("%Y-%m-%dT%H:%M"),
            "closes_at": (now - 24 * HOUR).strftime("%Y-%m-%dT%H:%M"),
            "winner_count": 3,
            "points": 10,
        },
    )
    assert response.status_code == 200
    assert "The deadline must be in the future." in response.content.decode()
    assert Challenge.objects.count() == 0


def test_members_cannot_open_the_staff_page(client, task):
    client.force_login(UserFactory())
    assert client.get(reverse("community:challenge-new")).status_code == 403


# Entries --------------------------------------------------------------------------


def test_entries_are_accepted_works_of_its_tasks_submitted_in_the_window(
    staff, judges, task, other_task
):
    challenge = _open(staff, [task])
    entered = _work(task, judges, (5, 4, 4), title="Entered")
    _work(task, judges, (1, 1, 2), title="Rejected")
    submitted_work(task=task, artist=UserFactory(), title="In review")
    _work(other_task, judges, (5, 5, 5), title="Other task")
    early = _work(task, judges, (5, 5, 4), title="Before the opening")
    late = _work(task, judges, (5, 5, 4), title="After the deadline")
    hidden = _work(task, judges, (5, 5, 5), title="Hidden")
    Submission.objects.filter(pk=early.pk).update(
        created_at=challenge.opens_at - timedelta(seconds=1)
    )
    Submission.objects.filter(pk=late.pk).update(created_at=challenge.closes_at)
    hide_work(submission=hidden, actor=staff, reason="Copied from a photograph.")

    challenge = selectors.challenge_detail(key=challenge.slug)
    titles = [w.title for w in selectors.entry_page(challenge=challenge).items]

    assert titles == [entered.title]


# Closing --------------------------------------------------------------------------


def test_closing_picks_the_best_ranked_entries_one_win_per_artist(
    staff, judges, task, other_task
):
    ada, bo, cy, di = (UserFactory(username=u) for u in ("ada", "bo", "cy", "di"))
    challenge = _open(staff, [task, other_task], winner_count=3)
    best = _work(task, judges, (5, 5, 5), artist=ada, title="Best")
    _work(other_task, judges, (5, 5, 4), artist=ada, title="Ada's second")
    second = _work(other_task, judges, (5, 4, 4), artist=bo, title="Second")
    third = _work(task, judges, (4, 4, 4), artist=cy, title="Third")
    _work(task, judges, (4, 3, 4), artist=di, title="Fourth")

    closed = close_challenge(challenge=challenge, now=_after_deadline(challenge))

    winners = list(closed.winners.order_by("place"))
    assert [w.submission_id for w in winners] == [best.pk, second.pk, third.pk]
    assert [w.place for w in winners] == [1, 2, 3]
    assert closed.closed_at is not None


def test_winners_follow_the_gallery_top_order_and_ties_go_to_the_newer_work(
    staff, judges, task
):
    challenge = _open(staff, [task], winner_count=1)
    older = _work(task, judges, (4, 4, 4), title="Older")
    newer = _work(task, judges, (4, 4, 4), title="Newer")
    assert older.rank_top == newer.rank_top

    close_challenge(challenge=challenge, now=_after_deadline(challenge))

    assert ChallengeWinner.objects.get().submission_id == newer.pk


def test_closing_before_the_deadline_changes_nothing(staff, judges, task):
    challenge = _open(staff, [task])
    _work(task, judges, (5, 5, 5))

    close_challenge(challenge=challenge, now=challenge.closes_at - timedelta(seconds=1))

    challenge.refresh_from_db()
    assert challenge.closed_at is None
    assert ChallengeWinner.objects.count() == 0


def test_winners_earn_points_a_notification_and_a_badge(client, staff, judges, task):
    ada = UserFactory(username="ada")
    challenge = _open(staff, [task], points=50)
    work = _work(task, judges, (5, 5, 5), artist=ada, title="Lantern")
    before = type(ada).objects.get(pk=ada.pk).reputation

    close_challenge(challenge=challenge, now=_after_deadline(challenge))

    ada.refresh_from_db()
    assert ada.reputation == before + 50
    event = ReputationEvent.objects.get(
        user=ada, reason=ReputationEvent.Reason.CHALLENGE_WIN
    )
    assert (event.points, event.submission_id) == (50, work.pk)
    note = Notification.objects.get(recipient=ada, kind=Notification.Kind.CHALLENGE_WIN)
    assert "“Lantern” won place 1 in the challenge “Night harbours”" in note.text
    assert note.url == challenge.get_absolute_url()
    badge = "Winner - Night harbours"
    assert badge in client.get(ada.get_absolute_url()).content.decode()
    assert badge in client.get(work.get_absolute_url()).content.decode()
    assert badge in client.get(challenge.get_absolute_url()).content.decode()


def test_closing_twice_awards_nothing_more(staff, judges, task):
    ada = UserFactory(username="ada")
    challenge = _open(staff, [task])
    _work(task, judges, (5, 5, 5), artist=ada)
    later = _after_deadline(challenge)

    first = close_challenge(challenge=challenge, now=later)
    again = close_challenge(challenge=challenge, now=later + HOUR)
    assert close_due_challenges(now=later + 2 * HOUR) == 0

    assert again.closed_at == first.closed_at
    assert ChallengeWinner.objects.count() == 1
    assert ReputationEvent.objects.filter(reason="challenge_win").count() == 1
    assert Notification.objects.filter(kind="challenge_win").count() == 1
    ada.refresh_from_db()
    assert ada.reputation == sum(e.points for e in ada.reputation_events.all())


def test_the_beat_job_closes_only_challenges_past_their_deadline(
    staff, judges, task, other_task
):
    due = _open(staff, [task], title="Due")
    not_yet = _open(staff, [other_task], title="Not yet")
    Challenge.objects.filter(pk=due.pk).update(
        opens_at=timezone.now() - 3 * HOUR, closes_at=timezone.now() - HOUR
    )

    assert close_due_challenges_task() == 1

    due.refresh_from_db()
    not_yet.refresh_from_db()
    assert due.closed_at is not None
    assert not_yet.closed_at is None


def test_a_challenge_with_no_entries_closes_without_winners(staff, task):
    challenge = _open(staff, [task])
    closed = close_challenge(challenge=challenge, now=_after_deadline(challenge))
    assert closed.closed_at is not None
    assert closed.winners.count() == 0


# Entries still in review at the deadline ------------------------------------------


def test_closing_waits_for_an_entry_in_review_during_the_grace_period(
    staff, judges, task, settings
):
    settings.ATELIER_CHALLENGE_GRACE = timedelta(hours=48)
    challenge = _open(staff, [task])
    _work(task, judges, (4, 4, 4), title="Decided")
    submitted_work(task=task, artist=UserFactory(), title="Still in review")

    close_challenge(challenge=challenge, now=_after_deadline(challenge, 47 * HOUR))
    challenge.refresh_from_db()
    assert challenge.closed_at is None

    close_challenge(challenge=challenge, now=_after_deadline(challenge, 48 * HOUR))
    challenge.refresh_from_db()
    assert challenge.closed_at is not None
    assert [w.submission.title for w in challenge.winners.all()] == ["Decided"]


def test_an_entry_decided_in_the_grace_period_can_win(staff, judges, task, settings):
    settings.ATELIER_CHALLENGE_GRACE = timedelta(hours=48)
    challenge = _open(staff, [task])
    _work(task, judges, (4, 4, 4), title="Decided early")
    pending = submitted_work(task=task, artist=UserFactory(), title="Decided late")
    close_challenge(challenge=challenge, now=_after_deadline(challenge))
    challenge.refresh_from_db()
    assert challenge.closed_at is None

    from tests.curation.factories import cast_votes

    cast_votes(pending, judges, (5, 5, 5))
    close_challenge(challenge=challenge, now=_after_deadline(challenge, HOUR))

    challenge.refresh_from_db()
    assert challenge.closed_at is not None
    titles = [w.submission.title for w in challenge.winners.order_by("place")]
    assert titles == ["Decided late", "Decided early"]


# Privacy and past pages -----------------------------------------------------------


def test_a_winner_hidden_later_is_not_shown_but_keeps_its_points(
    client, staff, judges, task
):
    ada = UserFactory(username="ada")
    challenge = _open(staff, [task], points=50)
    work = _work(task, judges, (5, 5, 5), artist=ada, title="Lantern")
    close_challenge(challenge=challenge, now=_after_deadline(challenge))

    hide_work(submission=work, actor=staff, reason="Copied from a photograph.")

    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Lantern" not in page
    assert "Winner - Night harbours" not in page
    assert (
        "Winner - Night harbours"
        not in client.get(ada.get_absolute_url()).content.decode()
    )
    api = client.get(f"/api/v1/challenges/{challenge.slug}/").json()
    assert api["winners"] == []
    assert (
        ReputationEvent.objects.filter(user=ada, reason="challenge_win").get().points
        == 50
    )


def test_past_challenges_keep_their_page_with_winners(client, staff, judges, task):
    ada = UserFactory(username="ada", display_name="Ada Lovelace")
    challenge = _open(staff, [task], title="Old harbours")
    _work(task, judges, (5, 5, 5), artist=ada, title="Lantern")
    close_challenge(challenge=challenge, now=_after_deadline(challenge))
    _open(staff, [task], title="Current harbours")

    listing = client.get(reverse("community:challenges")).content.decode()
    assert listing.index("Current harbours") < listing.index("Old harbours")
    assert "won by Ada Lovelace" in listing
    page = client.get(challenge.get_absolute_url()).content.decode()
    assert "Winners" in page
    assert "Lantern" in page


def test_an_unknown_challenge_is_a_404(client):
    assert client.get("/challenges/nothing-here/").status_code == 404
    assert client.get("/api/v1/challenges/nothing-here/").status_code == 404


def test_a_damaged_entry_cursor_sends_back_to_the_first_page(client, staff, task):
    challenge = _open(staff, [task])
    response = client.get(challenge.get_absolute_url() + "?cursor=!!!")
    assert response.status_code == 302
    assert response["Location"] == challenge.get_absolute_url()


# API ------------------------------------------------------------------------------


def test_the_api_lists_challenges_and_shows_one_with_winners_and_entries(
    client, staff, judges, task
):
    challenge = _open(staff, [task], title="Night harbours")
    work = _work(task, judges, (5, 5, 5), title="Lantern")
    close_challenge(challenge=challenge, now=_after_deadline(challenge))

    listing = client.get("/api/v1/challenges/").json()
    assert [c["slug"] for c in listing["results"]] == [challenge.slug]
    assert set(listing) == {"next", "previous", "results"}

    detail = client.get(f"/api/v1/challenges/{challenge.pk}/").json()
    assert detail["closed_at"] is not None
    assert detail["tasks"] == [{"id": task.pk, "title": task.title, "state": "open"}]
    [winner] = detail["winners"]
    assert (winner["place"], winner["work"]["id"]) == (1, work.pk)
    assert winner["badge"] == "Winner - Night harbours"

    entries = client.get(f"/api/v1/challenges/{challenge.slug}/entries/").json()
    assert [e["id"] for e in entries["results"]] == [work.pk]


def test_entries_come_a_page_at_a_time_best_first(
    client, staff, judges, task, settings
):
    settings.ATELIER_GALLERY_PAGE_SIZE = 1
    challenge = _open(staff, [task])
    _work(task, judges, (4, 4, 4), title="Good")
    _work(task, judges, (5, 5, 5), title="Best")

    first = client.get(challenge.get_absolute_url()).content.decode()
    assert "Best" in first
    assert "Good" not in first
    link = first.split('hx-get="')[1].split('"')[0].replace("&amp;", "&")
    more = client.get(link, HTTP_HX_REQUEST="true").content.decode()
    assert "Good" in more
    assert "<h1" not in more
