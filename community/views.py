"""Pages of community: artists, follows, the leaderboard, notifications, comments."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from accounts.models import User
from accounts.ratelimit import rate_limited
from accounts.services import set_email_notifications
from art_tasks.models import Submission
from art_tasks.selectors import can_see_submission
from community import selectors
from community.context_processors import bell_poll
from community.models import Comment, CommentReport
from community.services import (
    EDIT_WINDOW,
    delete_comment,
    dismiss_comment_report,
    edit_comment,
    follow_artist,
    hide_comment,
    mark_notifications_read,
    post_comment,
    report_comment,
    restore_comment,
    unfollow_artist,
)
from core.decorators import errors_as_messages
from core.errors import AtelierError
from core.live import live_fragment
from core.roles import is_moderator
from core.views import add_form_error, error_text, page_with_links, safe_next
from gallery.errors import BadCursor
from gallery.selectors import artist_page
from moderation.models import Report

INBOX_SIZE = 50
# The comment queue's reported and hidden comments, and its log, a page each.
COMMENT_QUEUE_PAGE_SIZE = 100
COMMENT_LOG_PAGE_SIZE = 50

ARTIST_LAB_SEEDS = 12  # the latest seeds the artist kept in the lab
# The public collections an artist's page shows, newest first.
ARTIST_COLLECTIONS_SHOWN = 12


def artist(request: HttpRequest, username: str) -> HttpResponse:
    """An artist's profile and their work, a page of cards at a time.

    Two queries: the artist with their standing, challenge wins (the
    badges) and, on the first page, the seeds they kept in the lab and
    their public collections; one page of their works. An HTMX request
    for the next page gets just its cards.
    """
    first_page = not request.GET.get("cursor")
    try:
        profile = selectors.artist_profile(
            username=username,
            viewer=request.user,
            standing=not request.htmx,
            lab_seeds=ARTIST_LAB_SEEDS if first_page and not request.htmx else 0,
            collections=ARTIST_COLLECTIONS_SHOWN
            if first_page and not request.htmx
            else 0,
        )
    except User.DoesNotExist:
        raise Http404("No such artist.") from None
    person = profile.person
    try:
        page = artist_page(
            artist=person,
            cursor=request.GET.get("cursor") or None,
            viewer=request.user,
        )
    except BadCursor as exc:
        messages.error(request, exc.message)
        return redirect(person)
    badges: dict[int, list] = {}
    for win in profile.wins:
        badges.setdefault(win.submission_id, []).append(
            (win.badge, win.challenge.get_absolute_url())
        )
    for work in page.items:
        work.badges = badges.get(work.pk, [])
    next_url = None
    if page.next_cursor:
        next_url = f"{request.path}?{urlencode({'cursor': page.next_cursor})}"
    context = {"page": page, "next_url": next_url}
    if request.htmx:
        return render(request, "gallery/_cards.html", context)
    context.update(
        artist=person,
        wins=profile.wins,
        first_page=first_page,
        standing=profile.standing,
        lab_seeds=profile.lab_seeds,
        collections=profile.collections,
        collections_shown=ARTIST_COLLECTIONS_SHOWN,
    )
    return render(request, "community/artist.html", context)


@login_required
@require_GET
def following(request: HttpRequest) -> HttpResponse:
    """New accepted work by the artists the person follows, newest first.

    One query for a page of cards (an HTMX request for the next page gets
    just the cards); an empty first page adds whether they follow anyone
    and, if not, the top artists to suggest.
    """
    cursor = request.GET.get("cursor") or None
    try:
        page = selectors.following_page(user=request.user, cursor=cursor)
    except BadCursor as exc:
        messages.error(request, exc.message)
        return redirect("community:following")
    next_url = None
    if page.next_cursor:
        next_url = f"{request.path}?{urlencode({'cursor': page.next_cursor})}"
    context = {"page": page, "next_url": next_url}
    if request.htmx:
        return render(request, "gallery/_cards.html", context)
    context["first_page"] = cursor is None
    if not page.items:
        context["follows_anyone"] = selectors.follows_anyone(user=request.user)
        if not context["follows_anyone"]:
            context["suggested"] = selectors.artists_to_follow(user=request.user)
    return render(request, "community/following.html", context)


def _artist_page(request: HttpRequest, username: str) -> str:
    return reverse("community:artist", kwargs={"username": username})


@login_required
@require_POST
@errors_as_messages(_artist_page)
def follow(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    follow_artist(follower=request.user, artist=person)
    messages.success(
        request, f"You follow {person.shown_name}: new work will reach you."
    )
    return redirect(person)


@login_required
@require_POST
def unfollow(request: HttpRequest, username: str) -> HttpResponse:
    person = get_object_or_404(User, username=username, is_active=True)
    unfollow_artist(follower=request.user, artist=person)
    messages.info(request, f"You no longer follow {person.shown_name}.")
    return redirect(person)


def leaderboard(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", "week")
    if period not in selectors.PERIODS:
        period = "week"
    return render(
        request,
        "community/leaderboard.html",
        {
            "period": period,
            "periods": selectors.PERIODS,
            "since": selectors.period_start(period),
            "contributors": selectors.leaderboard(board="contributors", period=period),
            "curators": selectors.leaderboard(board="curators", period=period),
        },
    )


def _inbox_context(user: User) -> dict[str, object]:
    items = list(selectors.inbox(user=user)[:INBOX_SIZE])
    return {"items": items, "unread": any(n.is_unread for n in items)}


@login_required
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """Show the latest notifications, new ones marked; reading changes nothing.

    A GET must not change state (link previews, prefetching and crawlers
    open pages too): the "Mark read" buttons post to `notifications_read`.
    """
    return render(request, "community/notifications.html", _inbox_context(request.user))


@live_fragment
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The bell in the top bar, polled: its count follows new notifications."""
    unread = selectors.unread_count(user=request.user)
    return render(
        request,
        "community/_bell.html",
        {"unread_notifications": unread, "bell_poll": bell_poll(request, unread)},
    )


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one notification (`id`) or all of them read.

    An HTMX request gets the inbox back, with the bell's count out of band.
    """
    raw = request.POST.get("id", "")
    ids = [int(raw)] if raw.isdecimal() else None
    mark_notifications_read(user=request.user, ids=ids)
    selectors.forget_top_bar(user=request.user)  # the bell shows the new count
    if request.htmx:
        return render(
            request, "community/_inbox_read.html", _inbox_context(request.user)
        )
    return redirect("community:notifications")


@login_required
@require_POST
def notification_settings(request: HttpRequest) -> HttpResponse:
    enabled = request.POST.get("email_notifications") == "on"
    set_email_notifications(user=request.user, enabled=enabled)
    if enabled:
        messages.success(
            request, f"Notifications will also go to {request.user.email}."
        )
    else:
        messages.info(request, "No more e-mails: notifications stay here on the site.")
    return redirect("community:notifications")


# Comments ---------------------------------------------------------------------


def _work_or_404(pk: int, viewer: User) -> Submission:
    work = get_object_or_404(Submission.objects.select_related("artist"), pk=pk)
    if not can_see_submission(submission=work, viewer=viewer):
        raise Http404("No such artwork.")
    return work


def _comment_or_404(comment_id: int, viewer: User) -> Comment:
    comment = get_object_or_404(
        Comment.objects.select_related("submission", "author"), pk=comment_id
    )
    if not selectors.can_see_comment(comment=comment, viewer=viewer):
        raise Http404("No such comment.")
    return comment


def _thread_context(request: HttpRequest, work: Submission, **extra) -> dict:  # noqa: ANN003
    threads = list(selectors.comment_threads(submission=work, viewer=request.user))
    user = request.user
    return {
        "work": work,
        "threads": threads,
        "can_comment": user.is_authenticated
        and work.state == Submission.State.ACCEPTED,
        "is_moderator": is_moderator(user),
        "edit_until": timezone.now() - EDIT_WINDOW,
        "max_length": Comment.MAX_LENGTH,
        **extra,
    }


def comments(request: HttpRequest, pk: int) -> HttpResponse:
    """A work's comment thread: the fragment its page loads, or a page of its own.

    The artwork page asks for the fragment with HTMX once it has loaded; its
    plain link leads here without JavaScript. Three queries for a visitor:
    the work, the threads and their replies.
    """
    work = _work_or_404(pk, request.user)
    context = _thread_context(request, work)
    if request.htmx:
        return render(request, "community/_comments.html", context)
    return render(request, "community/comments.html", context)


def _after_comment(
    request: HttpRequest, work: Submission, *, error: str = "", anchor: str = ""
) -> HttpResponse:
    """Answer a comment action: the thread again (HTMX), else back to the work."""
    if request.htmx:
        return render(
            request,
            "community/_comments.html",
            _thread_context(request, work, error=error, body=request.POST.get("body")),
        )
    if error:
        messages.error(request, error)
    target = reverse("community:comments", kwargs={"pk": work.pk})
    return redirect(safe_next(request, target) + (anchor or "#comments"))


@login_required
@require_POST
@rate_limited("comment")
def comment_create(request: HttpRequest, pk: int) -> HttpResponse:
    work = _work_or_404(pk, request.user)
    raw = request.POST.get("reply_to", "")
    reply_to = None
    if raw.isdecimal():
        reply_to = _comment_or_404(int(raw), request.user)
        if reply_to.submission_id != work.pk:
            raise Http404("No such comment on this work.")
    try:
        comment = post_comment(
            submission=work,
            author=request.user,
            body=request.POST.get("body", ""),
            reply_to=reply_to,
        )
    except (AtelierError, ValidationError) as exc:
        return _after_comment(request, work, error=error_text(exc))
    work.refresh_from_db(fields=["comment_count"])
    return _after_comment(request, work, anchor=f"#comment-{comment.pk}")


class CommentForm(forms.Form):
    body = forms.CharField(
        max_length=Comment.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Your comment",
        strip=True,
    )


@login_required
def comment_edit(request: HttpRequest, comment_id: int) -> HttpResponse:
    """Change one's comment within ten minutes of posting (a page of its own)."""
    comment = _comment_or_404(comment_id, request.user)
    if comment.author_id != request.user.pk:
        return render(
            request,
            "403.html",
            {"message": "You can only change your own comments."},
            status=403,
        )
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            edit_comment(
                comment=comment, author=request.user, body=form.cleaned_data["body"]
            )
        except (AtelierError, ValidationError) as exc:
            add_form_error(form, exc)
            status = getattr(exc, "status", 400)
        else:
            messages.success(request, "Your comment is changed.")
            return redirect(comment)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "community/comment_edit.html",
        {
            "comment": comment,
            "form": form,
            "open": timezone.now() - comment.created_at <= EDIT_WINDOW,
        },
        status=status,
    )


@login_required
@require_POST
def comment_delete(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(comment_id, request.user)
    work = comment.submission
    try:
        delete_comment(comment=comment, author=request.user)
    except (AtelierError, ValidationError) as exc:
        return _after_comment(request, work, error=error_text(exc))
    work.refresh_from_db(fields=["comment_count"])
    if not request.htmx:
        messages.info(request, "Your comment is deleted.")
    return _after_comment(request, work)


class CommentReportForm(forms.Form):
    reason = forms.ChoiceField(
        choices=Report.Reason.choices, widget=forms.RadioSelect, label="What is wrong?"
    )
    details = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Details for the moderators",
        help_text="Optional, unless you chose “Something else”. Your report is "
        "not shown to the comment's author.",
    )


@login_required
@rate_limited("report")
def comment_report(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = _comment_or_404(comment_id, request.user)
    form = CommentReportForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            report_comment(
                comment=comment,
                reporter=request.user,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except (AtelierError, ValidationError) as exc:
            add_form_error(form, exc)
            status = getattr(exc, "status", 400)
        else:
            messages.success(
                request, "Thank you. The moderators will look at your report."
            )
            return redirect(comment)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "community/comment_report.html",
        {"comment": comment, "form": form},
        status=status,
    )


COMMENT_QUEUE = "community:comment-queue"


@login_required
def comment_queue(request: HttpRequest) -> HttpResponse:
    """Reported and hidden comments, and their audit log, for the moderators."""
    if not is_moderator(request.user):
        return render(
            request,
            "403.html",
            {"message": "Moderation is for curators and staff."},
            status=403,
        )
    size = COMMENT_QUEUE_PAGE_SIZE
    return render(
        request,
        "community/comment_queue.html",
        {
            "reported": page_with_links(
                request, selectors.comment_report_queue(), key="page", size=size
            ),
            "hidden": page_with_links(
                request, selectors.hidden_comments(), key="hidden", size=size
            ),
            "log": page_with_links(
                request, selectors.comment_log(), key="log", size=COMMENT_LOG_PAGE_SIZE
            ),
        },
    )


def _back_to_queue(request: HttpRequest) -> HttpResponse:
    return redirect(safe_next(request, reverse(COMMENT_QUEUE)))


@login_required
@require_POST
@errors_as_messages(COMMENT_QUEUE)
def comment_hide(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_id)
    raw = request.POST.get("report", "")
    report = (
        CommentReport.objects.filter(pk=int(raw), comment=comment).first()
        if raw.isdecimal()
        else None
    )
    hide_comment(
        comment=comment,
        actor=request.user,
        reason=request.POST.get("reason", ""),
        report=report,
    )
    messages.success(request, "The comment is hidden.")
    return _back_to_queue(request)


@login_required
@require_POST
@errors_as_messages(COMMENT_QUEUE)
def comment_restore(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = get_object_or_404(Comment, pk=comment_id)
    restore_comment(
        comment=comment, actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.success(request, "The comment is shown again.")
    return _back_to_queue(request)


@login_required
@require_POST
@errors_as_messages(COMMENT_QUEUE)
def comment_dismiss(request: HttpRequest, report_id: int) -> HttpResponse:
    report = get_object_or_404(CommentReport, pk=report_id)
    dismiss_comment_report(
        report=report, actor=request.user, reason=request.POST.get("reason", "")
    )
    messages.info(request, "Report dismissed; the comment stays.")
    return _back_to_queue(request)
