"""Moderation: reports, hiding, restoring, dismissing and the audit log."""

import re

import pytest

from django.core.exceptions import ValidationError
from rest_framework.test import APIClient

from art_tasks.errors import NoSuchGalleryWork
from art_tasks.models import Submission
from community.models import Notification, ReputationEvent
from gallery.selectors import artist_works, gallery_list, public_artwork
from moderation.errors import (
    AlreadyHidden,
    AlreadyReported,
    NotAModerator,
    NotHidden,
    NotReportable,
    OwnWork,
    ReportClosed,
)
from moderation.models import ModerationAction, Report
from moderation.selectors import hidden_works, moderation_log, report_queue
from moderation.services import dismiss_report, hide_work, report_work, restore_work
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work
from tests.moderation.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def work(artist, curators):
    return decided_work(artist=artist, curators=curators, title="Lantern")


@pytest.fixture
def reporter(db):
    return UserFactory(username="reporter")


def api_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# Reports --------------------------------------------------------------------------


def test_anyone_signed_in_reports_a_gallery_work(work, reporter):
    report = report_work(
        submission=work, reporter=reporter, reason="copyright", details="My photo."
    )
    assert (report.state, report.reason, report.details) == (
        Report.State.OPEN,
        "copyright",
        "My photo.",
    )


def test_one_open_report_per_person_and_work(work, reporter):
    report_work(submission=work, reporter=reporter, reason="spam")
    with pytest.raises(AlreadyReported, match="already reported"):
        report_work(submission=work, reporter=reporter, reason="offensive")


def test_artists_cannot_report_their_own_work(work, artist):
    with pytest.raises(OwnWork, match="your own work"):
        report_work(submission=work, reporter=artist, reason="spam")


def test_only_gallery_work_can_be_reported(open_task, reporter, curators):
    in_review = submitted_work(task=open_task, artist=UserFactory(username="new"))
    with pytest.raises(NotReportable, match="Only work in the gallery"):
        report_work(submission=in_review, reporter=curators[0], reason="spam")
    with pytest.raises(NoSuchGalleryWork, match="No such artwork"):  # its state
        report_work(submission=in_review, reporter=reporter, reason="spam")


def test_something_else_needs_details(work, reporter):
    with pytest.raises(ValidationError, match="Say what is wrong"):
        report_work(submission=work, reporter=reporter, reason="other")
    with pytest.raises(ValidationError, match="Choose why"):
        report_work(submission=work, reporter=reporter, reason="boring")


# Hide and restore -----------------------------------------------------------------


def test_a_curator_hides_a_reported_work_and_the_reports_close(
    work, reporter, curators
):
    report = report_work(submission=work, reporter=reporter, reason="offensive")
    second = report_work(
        submission=work, reporter=UserFactory(username="r2"), reason="spam"
    )
    action = hide_work(
        submission=work, actor=curators[0], reason="Hateful symbol.", report=report
    )
    work.refresh_from_db()
    assert work.state == Submission.State.HIDDEN
    assert (action.action, action.previous_state, action.report) == (
        ModerationAction.Action.HIDE,
        Submission.State.ACCEPTED,
        report,
    )
    for closed in (report, second):
        closed.refresh_from_db()
        assert closed.state == Report.State.ACTIONED
        assert closed.resolved_by == curators[0]
        assert closed.resolved_at is not None


def test_hidden_work_leaves_the_gallery_the_artist_page_and_its_url(
    work, curators, staff, artist, client
):
    hide_work(submission=work, actor=staff, reason="Copied.")
    assert work not in gallery_list()
    assert work not in artist_works(artist=artist)
    with pytest.raises(Submission.DoesNotExist):
        public_artwork(pk=work.pk)
    for path in ("/art/{}/", "/art/{}/download/", "/art/{}/provenance.json"):
        assert client.get(path.format(work.pk)).status_code == 404, path
    assert "Lantern" not in client.get("/").content.decode()
    assert "Lantern" not in client.get("/artists/artist/").content.decode()
    assert "Lantern" not in client.get("/?artist=artist").content.decode()
    for user in (None, UserFactory(username="other")):
        api = api_for(user)
        assert api.get(f"/api/v1/submissions/{work.pk}/").status_code == 404
        provenance = api.get(f"/api/v1/submissions/{work.pk}/provenance/")
        assert provenance.status_code == 404
        assert api.get("/api/v1/gallery/").json()["results"] == []
        assert api.get("/api/v1/gallery/?artist=artist").json()["results"] == []
    assert api_for().get("/api/v1/artists/artist/").json()["accepted_works"] == 0


def test_the_artist_is_told_why_and_staff_still_see_the_work(
    work, staff, client, artist
):
    hide_work(submission=work, actor=staff, reason="Copies a photograph.")
    note = artist.notifications.filter(kind=Notification.Kind.MODERATION).get()
    assert note.text == "“Lantern” was hidden by the moderators: Copies a photograph."
    assert note.url == "/studio/"
    client.force_login(artist)
    assert "Hidden" in client.get("/studio/").content.decode()
    client.force_login(staff)
    page = client.get(f"/art/{work.pk}/").content.decode()
    assert "Visitors cannot see this work. Reason: Copies a photograph." in page
    assert "Restore to the gallery" in page


def test_only_curators_and_staff_moderate(work, reporter):
    with pytest.raises(NotAModerator):
        hide_work(submission=work, actor=reporter, reason="No.")
    work.refresh_from_db()
    assert work.state == Submission.State.ACCEPTED


def test_nobody_moderates_their_own_work(curators):
    fourth = CuratorFactory(username="curator4")
    own = decided_work(artist=curators[0], curators=[*curators[1:], fourth])
    with pytest.raises(OwnWork):
        hide_work(submission=own, actor=curators[0], reason="Mine.")


def test_hiding_needs_a_reason_and_happens_once(work, staff):
    with pytest.raises(ValidationError, match="Say why"):
        hide_work(submission=work, actor=staff, reason="  ")
    hide_work(submission=work, actor=staff, reason="Spam.")
    with pytest.raises(AlreadyHidden):
        hide_work(submission=work, actor=staff, reason="Spam.")


def test_restoring_returns_the_work_to_where_it_was(work, staff, curators, client):
    hide_work(submission=work, actor=staff, reason="Looked copied.")
    action = restore_work(
        submission=work, actor=curators[0], reason="The artist showed the source."
    )
    work.refresh_from_db()
    assert work.state == Submission.State.ACCEPTED
    assert action.previous_state == Submission.State.HIDDEN
    assert work in gallery_list()
    assert client.get(f"/art/{work.pk}/").status_code == 200
    with pytest.raises(NotHidden):
        restore_work(submission=work, actor=staff, reason="Again.")


def test_work_hidden_from_review_returns_to_review(open_task, staff, curators):
    pending = submitted_work(task=open_task, artist=UserFactory(username="p"))
    hide_work(submission=pending, actor=staff, reason="Spam upload.")
    restore_work(submission=pending, actor=staff, reason="Not spam after all.")
    pending.refresh_from_db()
    assert pending.state == Submission.State.IN_REVIEW


def test_hiding_takes_the_artists_points_back_until_restored(
    work, staff, artist, curators
):
    artist.refresh_from_db()
    assert artist.reputation == 40
    hide_work(submission=work, actor=staff, reason="Copied.")
    artist.refresh_from_db()
    assert artist.reputation == 0
    curators[0].refresh_from_db()
    assert curators[0].reputation == 5  # the review itself still counts
    restore_work(submission=work, actor=staff, reason="Original after all.")
    artist.refresh_from_db()
    assert artist.reputation == 40
    reasons = list(
        ReputationEvent.objects.filter(user=artist)
        .order_by("id")
        .values_list("points", flat=True)
    )
    assert reasons == [40, -40, 40]


# Dismissals and the log -------------------------------------------------------------


def test_dismissing_a_report_keeps_the_work_and_tells_the_reporter(
    work, reporter, curators
):
    report = report_work(submission=work, reporter=reporter, reason="spam")
    action = dismiss_report(report=report, actor=curators[1])
    report.refresh_from_db()
    work.refresh_from_db()
    assert report.state == Report.State.DISMISSED
    assert work.state == Submission.State.ACCEPTED
    assert action.reason == "The moderators found no rule broken."
    assert "kept the work" in reporter.notifications.get().text
    with pytest.raises(ReportClosed, match="already handled"):
        dismiss_report(report=report, actor=curators[1])
    # The same person may report the work again later.
    report_work(submission=work, reporter=reporter, reason="offensive", details="x")


def test_every_action_is_in_the_log_newest_first(work, reporter, staff, curators):
    report = report_work(submission=work, reporter=reporter, reason="spam")
    dismiss_report(report=report, actor=curators[0], reason="Fine.")
    hide_work(submission=work, actor=staff, reason="Second look: spam.")
    restore_work(submission=work, actor=curators[1], reason="Appeal accepted.")
    log = list(moderation_log())
    assert [(e.action, e.actor.username, e.reason) for e in log] == [
        ("restore", "curator2", "Appeal accepted."),
        ("hide", "staffer", "Second look: spam."),
        ("dismiss", "curator1", "Fine."),
    ]


def test_the_queue_puts_the_most_reported_work_first(
    artist, curators, django_assert_num_queries
):
    quiet = decided_work(artist=artist, curators=curators, title="Quiet")
    loud = decided_work(
        artist=UserFactory(username="b"), curators=curators, title="Loud"
    )
    report_work(submission=quiet, reporter=UserFactory(username="r1"), reason="spam")
    for n in (2, 3):
        report_work(
            submission=loud, reporter=UserFactory(username=f"r{n}"), reason="spam"
        )
    with django_assert_num_queries(2):
        queue = [
            (w.title, w.open_reports, [r.reporter.username for r in w.open_report_list])
            for w in report_queue()
        ]
    assert queue == [("Loud", 2, ["r2", "r3"]), ("Quiet", 1, ["r1"])]


def test_hidden_works_and_the_log_cost_one_query_each(
    work, staff, django_assert_num_queries
):
    hide_work(submission=work, actor=staff, reason="Copied.")
    with django_assert_num_queries(1):
        rows = [(w.title, w.hidden_reason, w.hidden_by) for w in hidden_works()]
    assert rows == [("Lantern", "Copied.", "Staffer")]
    with django_assert_num_queries(1):
        entries = [
            (e.actor.username, e.submission.artist.username) for e in moderation_log()
        ]
    assert entries == [("staffer", "artist")]


# API ------------------------------------------------------------------------------


def test_the_api_reports_queues_hides_and_restores(work, reporter, curators, staff):
    created = api_for(reporter).post(
        f"/api/v1/submissions/{work.pk}/reports/",
        {"reason": "copyright", "details": "From my book."},
        format="json",
    )
    assert created.status_code == 201
    again = api_for(reporter).post(
        f"/api/v1/submissions/{work.pk}/reports/", {"reason": "spam"}, format="json"
    )
    assert again.status_code == 409
    assert again.json()["code"] == "already_reported"

    assert api_for(reporter).get("/api/v1/moderation/reports/").status_code == 403
    queue = api_for(curators[0]).get("/api/v1/moderation/reports/").json()["results"]
    assert [(w["title"], w["open_reports"]) for w in queue] == [("Lantern", 1)]
    assert queue[0]["reports"][0]["details"] == "From my book."

    hidden = api_for(curators[0]).post(
        f"/api/v1/submissions/{work.pk}/hide/",
        {"reason": "Copied from a book.", "report": created.json()["id"]},
        format="json",
    )
    assert hidden.status_code == 201
    assert hidden.json()["previous_state"] == "accepted"
    assert hidden.json()["submission_state"] == "hidden"
    listed = api_for(curators[0]).get("/api/v1/moderation/hidden/").json()["results"]
    assert [w["title"] for w in listed] == ["Lantern"]
    twice = api_for(curators[0]).post(
        f"/api/v1/submissions/{work.pk}/hide/", {"reason": "x"}, format="json"
    )
    assert twice.status_code == 409

    restored = api_for(staff).post(
        f"/api/v1/submissions/{work.pk}/restore/", {"reason": "Licensed."}
    )
    assert restored.status_code == 201
    assert api_for().get(f"/api/v1/submissions/{work.pk}/").status_code == 200


def test_the_api_dismisses_and_the_log_is_for_moderators(
    work, reporter, curators, staff
):
    report = report_work(submission=work, reporter=reporter, reason="spam")
    dismissed = api_for(curators[0]).post(f"/api/v1/reports/{report.pk}/dismiss/")
    assert dismissed.status_code == 201
    assert api_for(reporter).get("/api/v1/moderation/log/").status_code == 403
    for moderator in (curators[1], staff):
        log = api_for(moderator).get("/api/v1/moderation/log/").json()["results"]
        assert [(e["action"], e["actor"], e["title"]) for e in log] == [
            ("dismiss", "curator1", "Lantern")
        ]
    visitors = api_for().post(
        f"/api/v1/submissions/{work.pk}/hide/", {"reason": "x"}, format="json"
    )
    assert visitors.status_code in (401, 403)


# Pages ----------------------------------------------------------------------------


def test_the_report_form_sends_a_report(client, work, reporter):
    client.force_login(reporter)
    assert "Report this work" in client.get(f"/art/{work.pk}/").content.decode()
    form = client.get(f"/art/{work.pk}/report/").content.decode()
    assert "Copies someone else&#x27;s work" in form
    bad = client.post(f"/art/{work.pk}/report/", {"reason": "other", "details": ""})
    assert bad.status_code == 400
    assert "Say what is wrong" in bad.content.decode()
    sent = client.post(
        f"/art/{work.pk}/report/", {"reason": "spam", "details": ""}, follow=True
    )
    assert "The moderators will look at your report" in sent.content.decode()
    assert Report.objects.get().reporter == reporter


def test_the_moderation_pages_are_for_moderators(client, work, reporter, curators):
    report_work(submission=work, reporter=reporter, reason="spam")
    client.force_login(reporter)
    assert client.get("/moderation/").status_code == 403
    assert client.get("/moderation/log/").status_code == 403
    client.force_login(curators[0])
    page = client.get("/moderation/").content.decode()
    assert "Lantern" in page
    assert "Spam or off-topic" in page
    assert 'href="/moderation/log/"' in page
    log = client.get("/moderation/log/")
    assert log.status_code == 200  # the docs promise curators the log too


def test_a_curator_hides_from_the_queue_page_and_staff_read_the_log(
    client, work, reporter, curators, staff
):
    report_work(submission=work, reporter=reporter, reason="spam")
    client.force_login(curators[0])
    response = client.post(
        f"/moderation/works/{work.pk}/hide/", {"reason": "Spam."}, follow=True
    )
    assert "“Lantern” is hidden." in response.content.decode()
    work.refresh_from_db()
    assert work.state == Submission.State.HIDDEN
    client.force_login(staff)
    log = client.get("/moderation/log/").content.decode()
    assert "Spam." in log
    assert "Curator1" in log


def _works(n: int, *, by) -> list[Submission]:
    """Return `n` works by as many artists on one task (unprocessed: quicker)."""
    task = OpenTaskFactory(created_by=by, slots=n, seed_count=1)
    return [
        submitted_work(task=task, artist=UserFactory(), title=f"W{i}", process=False)
        for i in range(n)
    ]


def test_the_queue_shows_a_hundred_reported_works_a_page(client, staff, curators):
    reported = _works(101, by=staff)
    for work in reported:
        ReportFactory(submission=work)
    client.force_login(curators[0])
    first = client.get("/moderation/").content.decode()
    assert first.count('class="mod-item"') == 100
    assert "101 reported works, most reported first: 1–100 here." in first
    assert '<a href="?page=2">Next →</a>' in first
    assert "Page 1 of 2" in first
    second = client.get("/moderation/?page=2").content.decode()
    assert second.count('class="mod-item"') == 1
    shown = {
        int(pk)
        for html in (first, second)
        for pk in re.findall(r'class="mod-item" data-work="(\d+)"', html)
    }
    assert shown == {work.pk for work in reported}


def test_the_queue_shows_a_hundred_hidden_works_a_page_and_keeps_the_reports_page(
    client, staff, curators
):
    hidden = _works(101, by=staff)
    Submission.objects.filter(pk__in=[w.pk for w in hidden]).update(
        state=Submission.State.HIDDEN
    )
    client.force_login(curators[0])
    first = client.get("/moderation/").content.decode()
    assert first.count('data-label="Restore"') == 100
    assert "101 hidden works, most recently hidden first: 1–100 here." in first
    assert '<a href="?hidden=2">Next →</a>' in first
    second = client.get("/moderation/?page=1&hidden=2").content.decode()
    assert second.count('data-label="Restore"') == 1
    assert '<a href="?page=1&amp;hidden=1">← Previous</a>' in second
