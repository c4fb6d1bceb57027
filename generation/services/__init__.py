"""Every write of generation, in four modules; lowest first:

- `breeding`: where a task's seeds come from (fresh or bred) and their plan;
- `jobs`: generation jobs (queue, paint, recover) and the sweeper, on `breeding`;
- `publishing`: check a recipe, create and publish a task, on `jobs`;
- `training`: training requests for the learned generator and the review of
  its versions (stands alone);
- `lab`: the breeding lab's grids, keeping and proposing lab seeds, on
  `jobs` (imported as `generation.services.lab`, not re-exported here).

Each module imports only those above it in this list and its Celery tasks
(at the top, as `<name>_task`); `generation.tasks` imports services inside
its bodies, so the two never form an import cycle. torch is imported only
inside the painting and training paths, so web processes never load it.
"""

from generation.services.breeding import (
    SEED_SOURCES,
    SOURCE_BRED,
    SOURCE_FRESH,
    plan_seeds,
    seed_source_params,
)
from generation.services.jobs import (
    JOB_HEARTBEAT_EVERY,
    JOB_LOST_AFTER,
    JOB_STALE_AFTER,
    resume_stuck_jobs,
    run_generation_job,
    start_generation,
    stuck_jobs,
    sweep_stuck_work,
)
from generation.services.publishing import (
    check_generator_recipe,
    known_styles,
    publish_new_task,
    publish_task,
    require_reviewed,
)
from generation.services.training import (
    TRAINING_MAX_EPOCHS,
    TRAINING_MIN_IMAGES,
    TRAINING_STALE_AFTER,
    create_training_run,
    request_generator_samples,
    review_generator,
    start_training,
)

__all__ = [
    "JOB_HEARTBEAT_EVERY",
    "JOB_LOST_AFTER",
    "JOB_STALE_AFTER",
    "SEED_SOURCES",
    "SOURCE_BRED",
    "SOURCE_FRESH",
    "TRAINING_MAX_EPOCHS",
    "TRAINING_MIN_IMAGES",
    "TRAINING_STALE_AFTER",
    "check_generator_recipe",
    "create_training_run",
    "known_styles",
    "plan_seeds",
    "publish_new_task",
    "publish_task",
    "request_generator_samples",
    "require_reviewed",
    "resume_stuck_jobs",
    "review_generator",
    "run_generation_job",
    "seed_source_params",
    "start_generation",
    "start_training",
    "stuck_jobs",
    "sweep_stuck_work",
]
