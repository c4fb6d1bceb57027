"""Errors raised by the gallery: likes, cursors and collections."""

from core.errors import AtelierError, Conflict, NotAllowed, NotFound


class NotInGallery(Conflict):
    code = "not_in_gallery"


class LikeOwnWork(NotAllowed):
    code = "like_own_work"


class BadCursor(AtelierError):
    code = "bad_cursor"


class NotStaff(NotAllowed):
    code = "not_staff"


class CollectionNotFound(NotFound):
    code = "collection_not_found"


class CollectionConflict(Conflict):
    code = "collection_conflict"


class NotYourCollection(NotAllowed):
    code = "not_your_collection"


class CollectionLimitReached(Conflict):
    code = "collection_limit"


class BadSearch(AtelierError):
    code = "bad_search"
