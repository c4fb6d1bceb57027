"""Errors raised by curation, gallery and collection services."""

from accounts.errors import AtelierError, Conflict, NotAllowed, NotFound


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


class NotInGallery(Conflict):
    code = "not_in_gallery"


class NoSuchGalleryWork(NotFound):
    """A like for work that is not public: 404, so its state stays private."""

    code = "not_found"


class LikeOwnWork(NotAllowed):
    code = "like_own_work"


class VotesHidden(NotAllowed):
    code = "votes_hidden"


class BadCursor(AtelierError):
    code = "bad_cursor"


class NotStaff(NotAllowed):
    code = "not_staff"


class CollectionNotFound(NotFound):
    code = "collection_not_found"


class CollectionConflict(Conflict):
    code = "collection_conflict"
