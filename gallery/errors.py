"""Errors raised by curation services."""

from accounts.errors import Conflict, NotAllowed


class NotACurator(NotAllowed):
    code = "not_a_curator"


class VoteOnOwnWork(NotAllowed):
    code = "vote_on_own_work"


class AlreadyVoted(Conflict):
    code = "already_voted"


class NotInReview(Conflict):
    code = "not_in_review"
