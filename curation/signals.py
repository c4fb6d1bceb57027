"""Domain events curation announces to the apps above it."""

from django.dispatch import Signal

# A submission was accepted or rejected. Sent inside the transaction that
# applies the decision, with `submission` (locked, carrying the decision,
# possibly not saved yet). Receivers may append derived, idempotent records
# (reputation, notifications) but never change the submission.
submission_decided = Signal()
