"""Domain events moderation announces to the apps above it."""

from django.dispatch import Signal

# A work was hidden or restored. Sent inside the moderation transaction with
# `submission` (its new state saved), `action` (the ModerationAction logged)
# and `closed_reports` (the open reports a hide closed; empty on restore).
work_visibility_changed = Signal()

# A report was dismissed without hiding the work: `report` and `action`.
report_dismissed = Signal()
