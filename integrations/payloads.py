"""The `data` of each event type: only what its receivers may see.

Every payload is safe for both kinds of receiver, staff's site endpoints
and the artist whose work an event is about. So no payload carries a
private file's URL (originals and variants are served only through the
site, to people allowed to see them), an e-mail address, a curator's or
moderator's identity, or a vote: a decision says how many votes it took
and their mean, as the artist's own page does. People appear by their
public username.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from art_tasks.models import Claim, CreationTask, SeedImage, Submission
from generation.models import GeneratorModel, TrainingRun
from moderation.models import ModerationAction


def _when(moment: Any) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _link(path: str) -> str:
    return settings.ATELIER_SITE_URL.rstrip("/") + path


def task_ref(task: CreationTask) -> dict[str, Any]:
    return {"id": task.pk, "title": task.title, "url": _link(task.get_absolute_url())}


def task_data(task: CreationTask) -> dict[str, Any]:
    return {
        "task": {
            **task_ref(task),
            "state": task.state,
            "slots": task.slots,
            "deadline": _when(task.deadline),
        }
    }


def claim_data(claim: Claim) -> dict[str, Any]:
    return {
        "claim": {
            "id": claim.pk,
            "state": claim.state,
            "contributor": claim.contributor.username,
            "claimed_at": _when(claim.claimed_at),
            "expires_at": _when(claim.expires_at),
            "ended_at": _when(claim.ended_at),
            "task": task_ref(claim.task),
        }
    }


def submission_ref(submission: Submission) -> dict[str, Any]:
    return {
        "id": submission.pk,
        "title": submission.title,
        "state": submission.state,
        "artist": submission.artist.username,
        "license": submission.license,
        "url": _link(submission.get_absolute_url()),
        "task": task_ref(submission.task),
    }


def submission_data(submission: Submission) -> dict[str, Any]:
    return {"submission": {**submission_ref(submission), "decision": None}}


def decision_data(submission: Submission) -> dict[str, Any]:
    votes = submission.vote_count
    decision = {
        "outcome": submission.state,
        "reason": submission.decision_reason,
        "decided_at": _when(submission.decided_at),
        "votes": votes,
        "mean_score": round(submission.score_sum / votes, 2) if votes else None,
    }
    return {"submission": {**submission_ref(submission), "decision": decision}}


def moderation_data(submission: Submission, action: ModerationAction) -> dict[str, Any]:
    return {
        "submission": {**submission_ref(submission), "decision": None},
        "moderation": {
            "action": action.action,
            "reason": action.reason,
            "at": _when(action.created_at),
        },
    }


def seed_data(seed: SeedImage, parent_ids: list[int]) -> dict[str, Any]:
    return {
        "seed": {
            "id": seed.pk,
            "index": seed.index,
            "parents": parent_ids,
            "generator": seed.task.generator,
            "task": task_ref(seed.task),
        }
    }


def model_data(model: GeneratorModel, run: TrainingRun) -> dict[str, Any]:
    return {
        "model": {
            "id": model.pk,
            "name": model.name,
            "version": model.version,
            "kind": model.kind,
            "description": model.description,
            "reviewed": model.reviewed_at is not None,
        },
        "training_run": {"id": run.pk, "epochs": run.epochs},
    }
