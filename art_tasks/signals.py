"""Domain events art_tasks announces to the apps above it."""

from django.dispatch import Signal

# Processing an upload failed: `submission` (state failed, with its error)
# and `claim`, the fresh claim given back to the artist, or None. Sent inside
# the transaction that records the failure.
submission_processing_failed = Signal()

# The beat job marked claims expired: `claims`, a list of the claims (with
# their task and contributor) that ended unsubmitted. Sent inside the
# transaction that records it.
claims_expired = Signal()
