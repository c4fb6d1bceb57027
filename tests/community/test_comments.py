"""Comments on accepted works: threads, edits, deletes, counts, notices, moderation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from art_tasks.errors import NoSuchGalleryWork
from art_tasks.models import Submission
from community.errors import (
    CommentAlreadyReported,
    CommentNotVisible,
    EditWindowClosed,
    NotCommentable,
    NotYourComment,
)
from community.models import Comment, CommentAction, CommentReport, Notification
from community.selectors import comment_threads
from community.services import (
    delete_comment,
    dismiss_comment_report,
    edit_comment,
    hide_comment,
    post_comment,
    report_comment,
    restore_comment,
)
from core.errors import NotAllowed
from moderation.errors import NotAModerator
from tests.accounts.factories import CuratorFactory, UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work
from tests.images import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return {
        "ada": UserFactory(username="ada", display_name="Ada"),
        "bo": UserFactory(username="bo", display_name="Bo"),
        "cy": UserFactory(username="cy", display_name="Cy"),
        "mod": CuratorFactory(username="moddy"),
    }


@pytest.fixture
def work(people, curators):
    return decided_work(artist=people["ada"], curators=curators, title="Lantern")


def shown_count(work: Submission) -> int:
    """What the public sees on `work`, counted from the rows themselves."""
    return (
        Comment.objects.filter(submission=work, state=Comment.State.VISIBLE)
        .exclude(parent__state=Comment.State.HIDDEN)
        .count()
    )


def counter(work: Submission) -> int:
    return Submission.objects.values_list("comment_count", flat=True).get(pk=work.pk)


def comment_news(user):
    return Notification.objects.filter(recipient=user, kind=Notification.Kind.COMMENT)


# Threads ----------------------------------------------------------------------


def test_a_reply_to_a_reply_joins_the_top_level_thread(work, people):
    top = post_comment(submission=work, author=people["bo"], body="Lovely light.")
    reply = post_comment(
        submission=work, author=people["cy"], body="Agreed.", reply_to=top
    )
    deeper = post_comment(
        submission=work, author=people["bo"], body="Thanks!", reply_to=reply
    )
    assert reply.parent_id == top.pk
    assert deeper.parent_id == top.pk
    threads = list(comment_threads(submission=work))
    assert [t.pk for t in threads] == [top.pk]
    assert [r.pk for r in threads[0].shown_replies] == [reply.pk, deeper.pk]


def test_a_comment_is_refused_when_empty_or_too_long(work, people):
    with pytest.raises(ValidationError, match="Write something"):
        post_comment(submission=work, author=people["bo"], body="   ")
    with pytest.raises(ValidationError, match="at most 2000 characters"):
        post_comment(submission=work, author=people["bo"], body="x" * 2001)
    assert not Comment.objects.exists()
    assert counter(work) == 0


def test_work_outside_the_gallery_takes_no_comments(people, curators):
    in_review = submitted_work(
        task=OpenTaskFactory(slots=5),
        artist=people["ada"],
        title="In review",
        image=png_bytes((40, 30)),
    )
    with pytest.raises(NoSuchGalleryWork):
        post_comment(submission=in_review, author=people["bo"], body="Hi")
    # Its artist sees the work, but it still takes no comments.
    with pytest.raises(NotCommentable, match="Only work in the gallery"):
        post_comment(submission=in_review, author=people["ada"], body="Hi")
    assert not Comment.objects.exists()


# Editing and deleting ---------------------------------------------------------


def test_a_comment_can_be_edited_for_ten_minutes_only(work, people):
    comment = post_comment(submission=work, author=people["bo"], body="Nice")
    edited = edit_comment(comment=comment, author=people["bo"], body="Very nice")
    assert edited.body == "Very nice"
    assert edited.edited_at is not None
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    with pytest.raises(EditWindowClosed, match="10 minutes"):
        edit_comment(comment=comment, author=people["bo"], body="Changed my mind")
    assert Comment.objects.get(pk=comment.pk).body == "Very nice"


def test_only_the_author_edits_or_deletes_a_comment(work, people):
    comment = post_comment(submission=work, author=people["bo"], body="Nice")
    with pytest.raises(NotYourComment):
        edit_comment(comment=comment, author=people["cy"], body="Mine now")
    with pytest.raises(NotYourComment):
        delete_comment(comment=comment, author=people["ada"])
    assert Comment.objects.get(pk=comment.pk).body == "Nice"


def test_deleting_a_comment_with_replies_leaves_comment_removed(work, people):
    top = post_comment(submission=work, author=people["bo"], body="First!")
    post_comment(submission=work, author=people["cy"], body="Second", reply_to=top)
    delete_comment(comment=top, author=people["bo"])
    top.refresh_from_db()
    assert top.state == Comment.State.REMOVED
    assert top.body == ""
    assert counter(work) == shown_count(work) == 1
    threads = list(comment_threads(submission=work))
    assert [t.pk for t in threads] == [top.pk]


def test_deleting_the_last_reply_of_a_removed_comment_clears_the_thread(work, people):
    top = post_comment(submission=work, author=people["bo"], body="First!")
    reply = post_comment(
        submission=work, author=people["cy"], body="Second", reply_to=top
    )
    delete_comment(comment=top, author=people["bo"])
    delete_comment(comment=reply, author=people["cy"])
    assert not Comment.objects.exists()
    assert counter(work) == 0


def test_deleting_a_comment_without_replies_removes_it(work, people):
    comment = post_comment(submission=work, author=people["bo"], body="Hm")
    delete_comment(comment=comment, author=people["bo"])
    assert not Comment.objects.exists()
    assert counter(work) == 0


# Counts -----------------------------------------------------------------------


def test_the_count_follows_every_change_exactly(work, people):
    mod = people["mod"]
    a = post_comment(submission=work, author=people["bo"], body="a")
    b = post_comment(submission=work, author=people["cy"], body="b")
    a1 = post_comment(submission=work, author=people["cy"], body="a1", reply_to=a)
    post_comment(submission=work, author=people["ada"], body="a2", reply_to=a1)
    assert counter(work) == shown_count(work) == 4
    hide_comment(comment=a, actor=mod, reason="Rude")  # takes its thread along
    assert counter(work) == shown_count(work) == 1
    delete_comment(comment=a1, author=people["cy"])  # under a hidden comment
    assert counter(work) == shown_count(work) == 1
    restore_comment(comment=a, actor=mod, reason="Fine after all")
    assert counter(work) == shown_count(work) == 3
    hide_comment(comment=b, actor=mod, reason="Spam")
    assert counter(work) == shown_count(work) == 2
    delete_comment(comment=b, author=people["cy"])  # hidden: stays for the log
    assert counter(work) == shown_count(work) == 2


def test_the_count_shows_on_the_gallery_card_and_the_artwork_page(work, people):
    post_comment(submission=work, author=people["bo"], body="Lovely")
    post_comment(submission=work, author=people["cy"], body="Yes")
    client = Client()
    gallery = client.get("/").content.decode()
    assert 'aria-label="2 comments"' in gallery
    page = client.get(f"/art/{work.pk}/").content.decode()
    assert "2 comments" in page
    assert f'hx-get="/art/{work.pk}/comments/"' in page


# Notifications ----------------------------------------------------------------


def test_the_artist_and_the_answered_author_hear_of_a_reply(work, people):
    ada, bo, cy = people["ada"], people["bo"], people["cy"]
    top = post_comment(submission=work, author=bo, body="Lovely")
    assert comment_news(ada).get().text == "Bo commented on your work “Lantern”."
    reply = post_comment(submission=work, author=cy, body="Agreed", reply_to=top)
    assert comment_news(bo).get().text == "Cy replied to your comment on “Lantern”."
    assert comment_news(ada).count() == 2
    assert comment_news(bo).get().url == f"/art/{work.pk}/#comment-{reply.pk}"


def test_nobody_is_notified_of_their_own_comment(work, people):
    ada, bo = people["ada"], people["bo"]
    top = post_comment(submission=work, author=ada, body="Thanks for looking")
    assert not comment_news(ada).exists()
    answer = post_comment(submission=work, author=bo, body="Sure", reply_to=top)
    post_comment(submission=work, author=bo, body="Also", reply_to=answer)
    # Bo replying in the thread tells Ada, never Bo.
    assert not comment_news(bo).exists()
    assert comment_news(ada).count() == 2


# Reports and moderation -------------------------------------------------------


def test_a_report_leads_to_a_hidden_comment_seen_by_author_and_moderators(work, people):
    bo, cy, mod = people["bo"], people["cy"], people["mod"]
    comment = post_comment(submission=work, author=bo, body="Rude words")
    report = report_comment(comment=comment, reporter=cy, reason="offensive")
    with pytest.raises(CommentAlreadyReported):
        report_comment(comment=comment, reporter=cy, reason="spam")
    action = hide_comment(comment=comment, actor=mod, reason="Insults", report=report)
    assert action.action == CommentAction.Action.HIDE
    report.refresh_from_db()
    assert report.state == CommentReport.State.ACTIONED
    assert list(comment_threads(submission=work)) == []
    assert list(comment_threads(submission=work, viewer=cy)) == []
    assert [c.pk for c in comment_threads(submission=work, viewer=bo)] == [comment.pk]
    assert [c.pk for c in comment_threads(submission=work, viewer=mod)] == [comment.pk]
    news = Notification.objects.get(recipient=bo, kind=Notification.Kind.MODERATION)
    assert "hidden by the moderators: Insults" in news.text


def test_hidden_comments_stay_out_of_the_page_and_the_api(work, people):
    bo, mod = people["bo"], people["mod"]
    comment = post_comment(submission=work, author=bo, body="Secret rudeness")
    hide_comment(comment=comment, actor=mod, reason="Rude")
    client = Client()
    assert (
        "Secret rudeness"
        not in client.get(f"/art/{work.pk}/comments/").content.decode()
    )
    api = APIClient()
    body = api.get(f"/api/v1/submissions/{work.pk}/comments/").json()
    assert body["results"] == []
    client.force_login(bo)
    own = client.get(f"/art/{work.pk}/comments/").content.decode()
    assert "Secret rudeness" in own
    assert "Hidden by moderators" in own


def test_only_moderators_hide_and_never_their_own_comment(work, people):
    comment = post_comment(submission=work, author=people["mod"], body="Mine")
    with pytest.raises(NotAModerator):
        hide_comment(comment=comment, actor=people["cy"], reason="No")
    with pytest.raises(NotAllowed, match="your own comment"):
        hide_comment(comment=comment, actor=people["mod"], reason="No")
    with pytest.raises(ValidationError, match="Say why"):
        hide_comment(comment=comment, actor=CuratorFactory(), reason=" ")


def test_a_dismissed_report_keeps_the_comment(work, people):
    comment = post_comment(submission=work, author=people["bo"], body="Fine words")
    report = report_comment(comment=comment, reporter=people["cy"], reason="spam")
    dismiss_comment_report(report=report, actor=people["mod"])
    report.refresh_from_db()
    assert report.state == CommentReport.State.DISMISSED
    assert counter(work) == 1
    with pytest.raises(NotYourComment):
        report_comment(comment=comment, reporter=people["bo"], reason="spam")


def test_replies_are_refused_under_a_hidden_comment(work, people):
    top = post_comment(submission=work, author=people["bo"], body="Hm")
    hide_comment(comment=top, actor=people["mod"], reason="Rude")
    with pytest.raises(CommentNotVisible):
        post_comment(submission=work, author=people["bo"], body="But", reply_to=top)


# Pages and API ----------------------------------------------------------------


def test_the_api_pages_threads_and_posts_edits_and_deletes(work, people):
    api = APIClient()
    api.force_authenticate(people["bo"])
    made = api.post(
        f"/api/v1/submissions/{work.pk}/comments/", {"body": "Hello"}, format="json"
    )
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    reply = api.post(
        f"/api/v1/submissions/{work.pk}/comments/",
        {"body": "Me again", "reply_to": pk},
        format="json",
    )
    assert reply.json()["parent"] == pk
    listed = APIClient().get(f"/api/v1/submissions/{work.pk}/comments/").json()
    assert [c["id"] for c in listed["results"]] == [pk]
    assert [r["body"] for r in listed["results"][0]["replies"]] == ["Me again"]
    changed = api.patch(f"/api/v1/comments/{pk}/", {"body": "Hi"}, format="json")
    assert changed.json()["body"] == "Hi"
    empty = api.patch(f"/api/v1/comments/{pk}/", {"body": " "}, format="json")
    assert empty.status_code == 400
    assert "Write something" in empty.content.decode()
    assert api.delete(f"/api/v1/comments/{pk}/").status_code == 204
    assert counter(work) == 1


def test_comments_on_work_the_viewer_cannot_see_answer_404(people):
    in_review = submitted_work(
        task=OpenTaskFactory(slots=5),
        artist=people["ada"],
        title="In review",
        image=png_bytes((40, 30)),
    )
    api = APIClient()
    api.force_authenticate(people["bo"])
    assert api.get(f"/api/v1/submissions/{in_review.pk}/comments/").status_code == 404
    posted = api.post(
        f"/api/v1/submissions/{in_review.pk}/comments/", {"body": "Hi"}, format="json"
    )
    assert posted.status_code == 404
    assert Client().get(f"/art/{in_review.pk}/comments/").status_code == 404


def test_commenting_is_rate_limited(work, people, settings):
    settings.ATELIER_RATE_LIMITS = {
        **settings.ATELIER_RATE_LIMITS,
        "comment": "3/minute",
    }
    cache.clear()
    client = Client()
    client.force_login(people["bo"])
    url = f"/art/{work.pk}/comments/new/"
    statuses = [client.post(url, {"body": f"n{i}"}).status_code for i in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Comment.objects.filter(Q(author=people["bo"])).count() == 3
    assert counter(work) == 3


def test_a_reply_to_a_hidden_comment_of_another_answers_404(work, people):
    top = post_comment(submission=work, author=people["bo"], body="Hm")
    hide_comment(comment=top, actor=people["mod"], reason="Rude")
    client = Client()
    client.force_login(people["cy"])
    url = f"/art/{work.pk}/comments/new/"
    assert client.post(url, {"body": "What?", "reply_to": top.pk}).status_code == 404
    api = APIClient()
    api.force_authenticate(people["cy"])
    answer = api.post(
        f"/api/v1/submissions/{work.pk}/comments/",
        {"body": "What?", "reply_to": top.pk},
        format="json",
    )
    assert answer.status_code == 404
    assert Comment.objects.count() == 1


def test_htmx_posting_answers_the_thread_with_the_new_comment(work, people):
    client = Client()
    client.force_login(people["bo"])
    answer = client.post(
        f"/art/{work.pk}/comments/new/",
        {"body": "Lovely light."},
        HTTP_HX_REQUEST="true",
    )
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "Lovely light." in html
    assert "(1)" in html
    refused = client.post(
        f"/art/{work.pk}/comments/new/", {"body": " "}, HTTP_HX_REQUEST="true"
    )
    assert "Write something before posting." in refused.content.decode()
    assert Comment.objects.count() == 1


def test_the_comment_queue_shows_a_hundred_reported_comments_a_page(
    client, work, people
):
    comments = Comment.objects.bulk_create(
        Comment(submission=work, author=people["bo"], body=f"Remark {i}")
        for i in range(101)
    )
    CommentReport.objects.bulk_create(
        CommentReport(comment=comment, reporter=people["cy"], reason="spam")
        for comment in comments
    )
    client.force_login(people["mod"])
    first = client.get("/moderation/comments/").content.decode()
    assert first.count('class="mod-item mod-comment"') == 100
    assert "101 reported comments, most reported first: 1–100 here." in first
    assert '<a href="?page=2">Next →</a>' in first
    second = client.get("/moderation/comments/?page=2").content.decode()
    assert second.count('class="mod-item mod-comment"') == 1
