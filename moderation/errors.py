"""Errors raised by moderation."""

from __future__ import annotations

from core.errors import Conflict, NotAllowed


class NotAModerator(NotAllowed):
    code = "not_a_moderator"


class OwnWork(NotAllowed):
    code = "own_work"


class NotReportable(Conflict):
    code = "not_reportable"


class AlreadyReported(Conflict):
    code = "already_reported"


class AlreadyHidden(Conflict):
    code = "already_hidden"


class NotHidden(Conflict):
    code = "not_hidden"


class ReportClosed(Conflict):
    code = "report_closed"
