"""The webhook payloads, as serializers drf-spectacular turns into schemas.

They document `integrations.payloads` (which builds the data) for the
OpenAPI description: one `<Type>Payload` component per event type, joined
as `WebhookPayload` with `type` as its discriminator.
"""

from __future__ import annotations

from rest_framework import serializers

from integrations.models import EventType


def _named(name: str, fields: dict[str, serializers.Field]) -> type:
    meta = type("Meta", (), {"ref_name": name})
    return type(name, (serializers.Serializer,), {"Meta": meta, **fields})


TaskRef = _named(
    "WebhookTaskRef",
    {
        "id": serializers.IntegerField(),
        "title": serializers.CharField(),
        "url": serializers.URLField(help_text="The task's public page."),
    },
)
Task = _named(
    "WebhookTask",
    {
        "id": serializers.IntegerField(),
        "title": serializers.CharField(),
        "url": serializers.URLField(),
        "state": serializers.CharField(),
        "slots": serializers.IntegerField(),
        "deadline": serializers.DateTimeField(allow_null=True),
    },
)
Claim = _named(
    "WebhookClaim",
    {
        "id": serializers.IntegerField(),
        "state": serializers.CharField(),
        "contributor": serializers.CharField(help_text="Public username."),
        "claimed_at": serializers.DateTimeField(),
        "expires_at": serializers.DateTimeField(),
        "ended_at": serializers.DateTimeField(allow_null=True),
        "task": TaskRef(),
    },
)
Decision = _named(
    "WebhookDecision",
    {
        "outcome": serializers.ChoiceField(choices=["accepted", "rejected"]),
        "reason": serializers.CharField(),
        "decided_at": serializers.DateTimeField(),
        "votes": serializers.IntegerField(help_text="How many curators voted."),
        "mean_score": serializers.FloatField(allow_null=True),
    },
)
Submission = _named(
    "WebhookSubmission",
    {
        "id": serializers.IntegerField(),
        "title": serializers.CharField(),
        "state": serializers.CharField(),
        "artist": serializers.CharField(help_text="Public username."),
        "license": serializers.CharField(),
        "url": serializers.URLField(help_text="The work's page on the site."),
        "task": TaskRef(),
        "decision": Decision(
            allow_null=True, help_text="Set on submission.decided only."
        ),
    },
)
Moderation = _named(
    "WebhookModeration",
    {
        "action": serializers.ChoiceField(choices=["hide", "restore"]),
        "reason": serializers.CharField(),
        "at": serializers.DateTimeField(),
    },
)
Seed = _named(
    "WebhookSeed",
    {
        "id": serializers.IntegerField(),
        "index": serializers.IntegerField(),
        "parents": serializers.ListField(child=serializers.IntegerField()),
        "generator": serializers.CharField(),
        "task": TaskRef(),
    },
)
Model = _named(
    "WebhookModel",
    {
        "id": serializers.IntegerField(),
        "name": serializers.CharField(),
        "version": serializers.CharField(),
        "kind": serializers.CharField(),
        "description": serializers.CharField(),
        "reviewed": serializers.BooleanField(),
    },
)
Run = _named(
    "WebhookTrainingRun",
    {"id": serializers.IntegerField(), "epochs": serializers.IntegerField()},
)

TaskData = _named("WebhookTaskData", {"task": Task()})
ClaimData = _named("WebhookClaimData", {"claim": Claim()})
SubmissionData = _named("WebhookSubmissionData", {"submission": Submission()})
ModerationData = _named(
    "WebhookModerationData", {"submission": Submission(), "moderation": Moderation()}
)
SeedData = _named("WebhookSeedData", {"seed": Seed()})
ModelData = _named("WebhookModelData", {"model": Model(), "training_run": Run()})

DATA = {
    EventType.TASK_OPENED: TaskData,
    EventType.TASK_CLOSED: TaskData,
    EventType.CLAIM_MADE: ClaimData,
    EventType.CLAIM_RELEASED: ClaimData,
    EventType.CLAIM_EXPIRED: ClaimData,
    EventType.SUBMISSION_RECEIVED: SubmissionData,
    EventType.SUBMISSION_DECIDED: SubmissionData,
    EventType.WORK_HIDDEN: ModerationData,
    EventType.WORK_RESTORED: ModerationData,
    EventType.SEED_BRED: SeedData,
    EventType.MODEL_TRAINED: ModelData,
}


def _payload(event_type: EventType) -> serializers.Serializer:
    name = "".join(part.title() for part in event_type.value.split(".")) + "Payload"
    return _named(
        name,
        {
            "id": serializers.UUIDField(
                help_text="The event's id, the same on re-sends."
            ),
            "type": serializers.ChoiceField(choices=[event_type.value]),
            "version": serializers.IntegerField(help_text="The payload's version: 1."),
            "created": serializers.DateTimeField(),
            "data": DATA[event_type](),
        },
    )()


PAYLOADS = {event_type.value: _payload(event_type) for event_type in EventType}
