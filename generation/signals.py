"""Domain events of generation, for the apps above it.

`lab_seeds_used` is sent (inside the publishing transaction) when staff
publish a task whose seeds were bred in the lab: `task` is the new task and
`lab_seeds` the `LabSeed` rows it uses, each with its `breeder`. Community
writes a reputation entry per breeder.
"""

from django.dispatch import Signal

lab_seeds_used = Signal()
