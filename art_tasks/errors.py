"""Errors raised by the creation-task services."""

from core.errors import AtelierError, Conflict, NotAllowed, NotFound


class TaskNotOpen(Conflict):
    code = "task_not_open"


class ClaimLimitReached(Conflict):
    code = "claim_limit_reached"


class AlreadyClaimed(Conflict):
    code = "already_claimed"


class ClaimNotLive(Conflict):
    code = "claim_not_live"


class NoExtensionLeft(Conflict):
    code = "no_extension_left"


class DeadlineReached(Conflict):
    code = "deadline_reached"


class DeadlineBeforeLiveClaim(Conflict):
    code = "deadline_before_live_claim"


class ClaimEndedDraftKept(Conflict):
    """An upload arrived after its claim ended; it was kept as a draft."""

    code = "claim_ended_draft_kept"


class NotYourDraft(NotFound):
    """Someone else's draft answers as missing, so its existence stays private."""

    code = "not_found"


class NotYourClaim(NotAllowed):
    code = "not_your_claim"


class InvalidTaskState(Conflict):
    code = "invalid_task_state"


class AlreadyPublished(Conflict):
    """A publish repeated with a key its author used before; carries the task."""

    code = "already_published"

    def __init__(self, task: object) -> None:
        super().__init__("This request has already published a task.")
        self.task = task


class NoSuchGalleryWork(NotFound):
    """A like for work that is not public: 404, so its state stays private."""

    code = "not_found"


class InvalidRecipe(AtelierError):
    """A studio recipe with an unknown step or a value out of range: 400."""

    code = "invalid_recipe"


class NoSuchRender(NotFound):
    """Someone else's studio render answers as missing: renders are private."""

    code = "not_found"
