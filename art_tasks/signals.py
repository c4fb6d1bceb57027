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

# A task opened for claims (`task`), or closed (`task`: its deadline passed
# or its slots are all submitted). Sent inside the transaction that changes
# its state.
task_opened = Signal()
task_closed = Signal()

# A contributor claimed a task (`claim`, with its task), or gave a live
# claim up (`claim`). Sent inside the claiming or releasing transaction.
claim_made = Signal()
claim_released = Signal()

# A work was uploaded for a claim: `submission` (state processing), sent
# inside the transaction that stores it.
submission_received = Signal()
