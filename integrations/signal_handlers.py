"""Integrations' answers to the domain events below: record webhook events.

Each handler runs inside the sender's transaction, so the event and its
deliveries commit or roll back with the change itself. Connected in
`IntegrationsConfig.ready()`.
"""

from __future__ import annotations

from typing import Any

from art_tasks.models import Claim, CreationTask, SeedImage, Submission
from art_tasks.signals import (
    claim_made,
    claim_released,
    claims_expired,
    submission_received,
    task_closed,
    task_opened,
)
from curation.signals import submission_decided
from generation.models import GeneratorModel, TrainingRun
from generation.signals import model_trained, seeds_bred
from integrations import payloads
from integrations.models import EventType
from integrations.services import record_event
from moderation.models import ModerationAction
from moderation.signals import work_visibility_changed


def on_task_opened(*, task: CreationTask, **kwargs: Any) -> None:
    record_event(type=EventType.TASK_OPENED, data=payloads.task_data(task))


def on_task_closed(*, task: CreationTask, **kwargs: Any) -> None:
    record_event(type=EventType.TASK_CLOSED, data=payloads.task_data(task))


def on_claim_made(*, claim: Claim, **kwargs: Any) -> None:
    record_event(type=EventType.CLAIM_MADE, data=payloads.claim_data(claim))


def on_claim_released(*, claim: Claim, **kwargs: Any) -> None:
    record_event(type=EventType.CLAIM_RELEASED, data=payloads.claim_data(claim))


def on_claims_expired(*, claims: list[Claim], **kwargs: Any) -> None:
    for claim in claims:
        record_event(type=EventType.CLAIM_EXPIRED, data=payloads.claim_data(claim))


def on_submission_received(*, submission: Submission, **kwargs: Any) -> None:
    record_event(
        type=EventType.SUBMISSION_RECEIVED,
        data=payloads.submission_data(submission),
        artist=submission.artist,
    )


def on_submission_decided(*, submission: Submission, **kwargs: Any) -> None:
    record_event(
        type=EventType.SUBMISSION_DECIDED,
        data=payloads.decision_data(submission),
        artist=submission.artist,
    )


def on_work_visibility_changed(
    *, submission: Submission, action: ModerationAction, **kwargs: Any
) -> None:
    hidden = action.action == ModerationAction.Action.HIDE
    record_event(
        type=EventType.WORK_HIDDEN if hidden else EventType.WORK_RESTORED,
        data=payloads.moderation_data(submission, action),
        artist=submission.artist,
    )


def on_seeds_bred(*, task: CreationTask, seeds: list[SeedImage], **kwargs: Any) -> None:
    Link = SeedImage.parents.through
    parents: dict[int, list[int]] = {}
    for child, parent in Link.objects.filter(
        from_seedimage__in=[s.pk for s in seeds]
    ).values_list("from_seedimage", "to_seedimage"):
        parents.setdefault(child, []).append(parent)
    for seed in seeds:
        seed.task = task
        record_event(
            type=EventType.SEED_BRED,
            data=payloads.seed_data(seed, sorted(parents.get(seed.pk, []))),
        )


def on_model_trained(*, model: GeneratorModel, run: TrainingRun, **kwargs: Any) -> None:
    record_event(type=EventType.MODEL_TRAINED, data=payloads.model_data(model, run))


def connect() -> None:
    uid = "integrations."
    task_opened.connect(on_task_opened, dispatch_uid=uid + "task_opened")
    task_closed.connect(on_task_closed, dispatch_uid=uid + "task_closed")
    claim_made.connect(on_claim_made, dispatch_uid=uid + "claim_made")
    claim_released.connect(on_claim_released, dispatch_uid=uid + "claim_released")
    claims_expired.connect(on_claims_expired, dispatch_uid=uid + "claims_expired")
    submission_received.connect(
        on_submission_received, dispatch_uid=uid + "submission_received"
    )
    submission_decided.connect(
        on_submission_decided, dispatch_uid=uid + "submission_decided"
    )
    work_visibility_changed.connect(
        on_work_visibility_changed, dispatch_uid=uid + "work_visibility_changed"
    )
    seeds_bred.connect(on_seeds_bred, dispatch_uid=uid + "seeds_bred")
    model_trained.connect(on_model_trained, dispatch_uid=uid + "model_trained")
