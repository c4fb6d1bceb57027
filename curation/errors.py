"""Errors raised by curation: who may vote, and on what."""

from core.errors import Conflict, NotAllowed


class NotACurator(NotAllowed):
    code = "not_a_curator"


class VoteOnOwnWork(NotAllowed):
    code = "vote_on_own_work"


class VoteOnOwnTask(NotAllowed):
    code = "vote_on_own_task"


class AlreadyVoted(Conflict):
    code = "already_voted"


class NotInReview(Conflict):
    code = "not_in_review"


class VotesHidden(NotAllowed):
    code = "votes_hidden"
