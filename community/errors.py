"""Errors raised by community."""

from core.errors import AtelierError, Conflict, NotAllowed, NotFound


class CannotFollowSelf(AtelierError):
    code = "follow_self"


class NoSuchComment(NotFound):
    """A comment the person may not see: 404, so its state stays private."""

    code = "no_such_comment"


class NotCommentable(Conflict):
    code = "not_commentable"


class NotYourComment(NotAllowed):
    code = "not_your_comment"


class EditWindowClosed(Conflict):
    code = "edit_window_closed"


class CommentNotVisible(Conflict):
    code = "comment_not_visible"


class CommentAlreadyReported(Conflict):
    code = "already_reported"


class CommentAlreadyHidden(Conflict):
    code = "already_hidden"


class CommentNotHidden(Conflict):
    code = "not_hidden"


class CommentReportClosed(Conflict):
    code = "report_closed"


class ChallengeRefused(AtelierError):
    """A challenge cannot be opened as asked (dates, tasks, cover)."""

    code = "challenge_refused"
