"""Comments on accepted works: post, reply, edit, delete, report, moderate.

Threads are one level deep: a reply always hangs off a top-level comment,
and a reply to a reply joins the same thread. Every write that can change
what the public sees locks the thread's top-level comment first, so writes
on one thread run one at a time, and moves `Submission.comment_count` by
the difference it made in the same transaction: the counter is always the
number of comments everyone can see (visible, under a top-level comment
that is not hidden). See docs/comments.md.
"""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.models import User
from art_tasks.errors import NoSuchGalleryWork
from art_tasks.models import Submission
from art_tasks.selectors import can_see_submission
from community.errors import (
    CommentAlreadyHidden,
    CommentAlreadyReported,
    CommentNotHidden,
    CommentNotVisible,
    CommentReportClosed,
    EditWindowClosed,
    NoSuchComment,
    NotCommentable,
    NotYourComment,
)
from community.models import Comment, CommentAction, CommentReport, Notification
from community.selectors import can_see_comment
from community.services.notifications import notify
from core.errors import NotAllowed
from core.roles import is_moderator
from moderation.errors import NotAModerator
from moderation.models import Report

EDIT_WINDOW = timedelta(minutes=10)
State = Comment.State
Action = CommentAction.Action


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Write something before posting."})
    if len(body) > Comment.MAX_LENGTH:
        raise ValidationError(
            {
                "body": f"A comment is at most {Comment.MAX_LENGTH} characters; "
                f"this one has {len(body)}."
            }
        )
    return body


def _require_reason(reason: str, *, why: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": why})
    return reason[:2000]


def _require_moderator(user: User) -> None:
    if not is_moderator(user):
        raise NotAModerator("Only curators and staff can moderate comments.")


def _lock_thread(comment: Comment) -> tuple[Comment, Comment]:
    """Lock `comment`'s thread; return the fresh comment and its top-level one."""
    parent_id = (
        Comment.objects.filter(pk=comment.pk)
        .values_list("parent_id", flat=True)
        .first()
    )
    top_id = parent_id or comment.pk
    locked = {
        c.pk: c
        for c in Comment.objects.select_for_update(of=("self",))
        .select_related("submission", "author")
        .filter(pk__in={top_id, comment.pk})
        .order_by("pk")
    }
    if comment.pk not in locked:
        raise NoSuchComment("No such comment.")
    return locked[comment.pk], locked[top_id]


def _shown_in_thread(top_id: int) -> int:
    """How many comments of the thread under `top_id` everyone can see."""
    return (
        Comment.objects.filter(Q(pk=top_id) | Q(parent_id=top_id), state=State.VISIBLE)
        .exclude(parent__state=State.HIDDEN)
        .count()
    )


def _move_count(submission_id: int, delta: int) -> None:
    if delta:
        Submission.objects.filter(pk=submission_id).update(
            comment_count=F("comment_count") + delta
        )


def _commentable(submission: Submission, user: User) -> Submission:
    submission = Submission.objects.select_related("artist").get(pk=submission.pk)
    if not can_see_submission(submission=submission, viewer=user):
        raise NoSuchGalleryWork("No such artwork in the gallery.")
    if submission.state != Submission.State.ACCEPTED:
        raise NotCommentable("Only work in the gallery takes comments.")
    return submission


def _notify_comment(comment: Comment, reply_to: Comment | None) -> None:
    """Tell the artist, and on a reply the thread's people, once each."""
    submission = comment.submission
    who = comment.author.shown_name
    title = submission.title
    recipients: dict[int, tuple[User, str]] = {}
    if reply_to is not None:
        top = comment.parent
        for person in (reply_to.author, top.author):
            recipients.setdefault(
                person.pk,
                (person, f"{who} replied to your comment on “{title}”."),
            )
    artist = submission.artist
    recipients[artist.pk] = (
        artist,
        f"{who} {'replied in a thread' if reply_to else 'commented'} "
        f"on your work “{title}”.",
    )
    recipients.pop(comment.author_id, None)  # nobody hears of their own words
    for person, text in recipients.values():
        notify(
            recipient=person,
            kind=Notification.Kind.COMMENT,
            text=text,
            url=comment.get_absolute_url(),
            key=f"comment:{comment.pk}",
        )


@transaction.atomic
def post_comment(
    *,
    submission: Submission,
    author: User,
    body: str,
    reply_to: Comment | None = None,
) -> Comment:
    """Post `author`'s comment on an accepted work, or a reply in a thread.

    A reply to a reply joins its top-level comment's thread. The artist and,
    on a reply, the people it answers are notified (never the author).
    """
    if not author.is_authenticated:
        raise NotAllowed("Sign in to comment.")
    body = _clean_body(body)
    submission = _commentable(submission, author)
    parent = None
    if reply_to is not None:
        if reply_to.submission_id != submission.pk:
            raise NoSuchComment("No such comment on this work.")
        reply_to, parent = _lock_thread(reply_to)
        if reply_to.state != State.VISIBLE or parent.state == State.HIDDEN:
            raise CommentNotVisible("You can only reply to a comment that is shown.")
    comment = Comment(submission=submission, author=author, parent=parent, body=body)
    comment.full_clean(exclude=["submission", "author", "parent"])
    comment.save()
    _move_count(submission.pk, 1)
    comment.submission = submission
    _notify_comment(comment, reply_to)
    return comment


@transaction.atomic
def edit_comment(*, comment: Comment, author: User, body: str) -> Comment:
    """Change the text of `author`'s own comment within ten minutes of posting."""
    body = _clean_body(body)
    comment, _top = _lock_thread(comment)
    if comment.author_id != author.pk:
        raise NotYourComment("You can only change your own comments.")
    if comment.state != State.VISIBLE:
        raise CommentNotVisible("This comment is no longer shown.")
    if timezone.now() - comment.created_at > EDIT_WINDOW:
        raise EditWindowClosed(
            "A comment can be changed for 10 minutes after posting; "
            "you can still delete it."
        )
    if body != comment.body:
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at", "updated_at"])
    return comment


@transaction.atomic
def delete_comment(*, comment: Comment, author: User) -> Comment:
    """Delete `author`'s own comment; return it (`pk` None when the row went).

    A comment with replies, or that moderators or reporters dealt with,
    stays as "comment removed" with its text cleared, so the thread and the
    audit log keep their place; otherwise the row goes. A removed top-level
    comment whose last reply goes, goes with it.
    """
    comment, top = _lock_thread(comment)
    if comment.author_id != author.pk:
        raise NotYourComment("You can only delete your own comments.")
    if comment.state == State.REMOVED:
        raise NoSuchComment("This comment was already deleted.")
    before = _shown_in_thread(top.pk)
    keep = (
        comment.replies.exists()
        or comment.reports.exists()
        or comment.moderation_actions.exists()
    )
    if keep:
        comment.state = State.REMOVED
        comment.body = ""
        comment.save(update_fields=["state", "body", "updated_at"])
    else:
        comment.delete()
        if (
            top.pk != comment.pk
            and top.state == State.REMOVED
            and not top.replies.exists()
            and not top.reports.exists()
            and not top.moderation_actions.exists()
        ):
            top.delete()
    after = _shown_in_thread(top.pk) if top.pk else 0
    _move_count(top.submission_id, after - before)
    return comment


@transaction.atomic
def report_comment(
    *, comment: Comment, reporter: User, reason: str, details: str = ""
) -> CommentReport:
    """Record `reporter`'s report that a shown comment breaks the rules."""
    if not reporter.is_authenticated:
        raise NotAllowed("Sign in to report a comment.")
    comment = Comment.objects.select_related("submission").get(pk=comment.pk)
    if not can_see_comment(comment=comment, viewer=reporter):
        raise NoSuchComment("No such comment.")
    if comment.state != State.VISIBLE:
        raise CommentNotVisible("This comment is not shown, so there is no report.")
    if comment.author_id == reporter.pk:
        raise NotYourComment("You cannot report your own comment.")
    if reason not in Report.Reason.values:
        raise ValidationError({"reason": "Choose why you are reporting this comment."})
    details = (details or "").strip()
    if reason == Report.Reason.OTHER and not details:
        raise ValidationError({"details": "Say what is wrong with this comment."})
    report = CommentReport(
        comment=comment, reporter=reporter, reason=reason, details=details
    )
    report.full_clean(exclude=["comment", "reporter"], validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError as exc:
        raise CommentAlreadyReported(
            "You have already reported this comment; the moderators will look at it."
        ) from exc
    return report


def _lock_for_moderation(comment: Comment, actor: User) -> tuple[Comment, Comment]:
    comment, top = _lock_thread(comment)
    if comment.author_id == actor.pk:
        raise NotAllowed("You cannot moderate your own comment.")
    return comment, top


@transaction.atomic
def hide_comment(
    *,
    comment: Comment,
    actor: User,
    reason: str,
    report: CommentReport | None = None,
) -> CommentAction:
    """Hide `comment` from everyone but its author and the moderators, and log it.

    Its open reports close as actioned and its author is told why. Hiding a
    top-level comment hides its thread's replies from the public too.
    """
    _require_moderator(actor)
    reason = _require_reason(
        reason, why="Say why the comment is hidden: its author and the log see it."
    )
    comment, top = _lock_for_moderation(comment, actor)
    if comment.state == State.HIDDEN:
        raise CommentAlreadyHidden("This comment is already hidden.")
    if comment.state == State.REMOVED:
        raise CommentNotVisible("Its author already deleted this comment.")
    if report is not None and report.comment_id != comment.pk:
        raise ValidationError({"report": "That report is about another comment."})
    before = _shown_in_thread(top.pk)
    comment.state = State.HIDDEN
    comment.save(update_fields=["state", "updated_at"])
    _move_count(comment.submission_id, _shown_in_thread(top.pk) - before)
    now = timezone.now()
    CommentReport.objects.filter(
        comment=comment, state=CommentReport.State.OPEN
    ).update(
        state=CommentReport.State.ACTIONED,
        resolved_by=actor,
        resolved_at=now,
        updated_at=now,
    )
    action = CommentAction.objects.create(
        comment=comment,
        actor=actor,
        action=Action.HIDE,
        reason=reason,
        report=report,
        previous_state=State.VISIBLE,
    )
    notify(
        recipient=comment.author,
        kind=Notification.Kind.MODERATION,
        text=f"Your comment on “{comment.submission.title}” was hidden by the "
        f"moderators: {reason}",
        url=comment.get_absolute_url(),
        key=f"comment-action:{action.pk}",
    )
    return action


@transaction.atomic
def restore_comment(*, comment: Comment, actor: User, reason: str) -> CommentAction:
    """Show a hidden comment again, and log it."""
    _require_moderator(actor)
    reason = _require_reason(
        reason, why="Say why the comment is restored: the log keeps it."
    )
    comment, top = _lock_for_moderation(comment, actor)
    if comment.state != State.HIDDEN:
        raise CommentNotHidden("This comment is not hidden.")
    before = _shown_in_thread(top.pk)
    comment.state = State.VISIBLE
    comment.save(update_fields=["state", "updated_at"])
    _move_count(comment.submission_id, _shown_in_thread(top.pk) - before)
    action = CommentAction.objects.create(
        comment=comment,
        actor=actor,
        action=Action.RESTORE,
        reason=reason,
        previous_state=State.HIDDEN,
    )
    notify(
        recipient=comment.author,
        kind=Notification.Kind.MODERATION,
        text=f"Your comment on “{comment.submission.title}” is shown again.",
        url=comment.get_absolute_url(),
        key=f"comment-action:{action.pk}",
    )
    return action


@transaction.atomic
def dismiss_comment_report(
    *, report: CommentReport, actor: User, reason: str = ""
) -> CommentAction:
    """Close `report` and keep the comment shown, and log it."""
    _require_moderator(actor)
    report = (
        CommentReport.objects.select_for_update(of=("self",))
        .select_related("comment")
        .get(pk=report.pk)
    )
    if report.comment.author_id == actor.pk:
        raise NotAllowed("You cannot moderate your own comment.")
    if report.state != CommentReport.State.OPEN:
        raise CommentReportClosed(
            f"This report was already handled ({report.get_state_display().lower()})."
        )
    reason = (reason or "").strip()[:2000] or "The moderators found no rule broken."
    report.state = CommentReport.State.DISMISSED
    report.resolved_by = actor
    report.resolved_at = timezone.now()
    report.save(update_fields=["state", "resolved_by", "resolved_at", "updated_at"])
    return CommentAction.objects.create(
        comment=report.comment,
        actor=actor,
        action=Action.DISMISS,
        reason=reason,
        report=report,
        previous_state=report.comment.state,
    )
