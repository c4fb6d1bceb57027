"""Errors raised by generation."""

from accounts.ratelimit import RateLimited
from core.errors import AtelierError, Conflict


class UnknownGenerator(AtelierError):
    code = "unknown_generator"


class GenerationFailed(AtelierError):
    status = 500
    code = "generation_failed"


class InvalidTrainingRequest(AtelierError):
    code = "invalid_training_request"


class NotEnoughTrainingImages(AtelierError):
    code = "not_enough_training_images"


class NotEnoughParents(AtelierError):
    code = "not_enough_parents"


class GeneratorNotReviewed(Conflict):
    """A trained version whose samples staff have not confirmed yet."""

    code = "generator_not_reviewed"


class ReviewRefused(Conflict):
    """A generator that cannot be reviewed: code, or without samples."""

    code = "review_refused"


class LabLimitReached(RateLimited):
    """A person asked the lab for more children than the hourly limit allows.

    A 429 with `Retry-After` in the API, the 429 page in the lab.
    """

    code = "lab_limit_reached"


class LabRefused(AtelierError):
    """A lab request that cannot be bred: bad parents, controls or state."""

    code = "lab_refused"
