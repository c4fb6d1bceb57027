"""Domain events of generation, for the apps above it.

`lab_seeds_used` is sent (inside the publishing transaction) when staff
publish a task whose seeds were bred in the lab: `task` is the new task and
`lab_seeds` the `LabSeed` rows it uses, each with its `breeder`. Community
writes a reputation entry per breeder.
"""

from django.dispatch import Signal

lab_seeds_used = Signal()

# A generation job stored seeds bred from earlier ones: `task` and `seeds`,
# the new SeedImage rows that have parents. Sent inside the transaction
# that stores them and links their parents.
seeds_bred = Signal()

# A training run registered a new generator version: `model` (the new
# GeneratorModel, unreviewed) and `run` (its TrainingRun, now done). Sent
# inside the registering transaction.
model_trained = Signal()
