"""API of creation tasks, claims and submissions (under /api/v1/)."""

from __future__ import annotations

import json

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from art_tasks import limits, selectors
from art_tasks.errors import InvalidRecipe, NoSuchRender
from art_tasks.models import (
    Claim,
    CreationTask,
    License,
    SeedImage,
    StudioRender,
    Submission,
    SubmissionDraft,
)
from art_tasks.selectors import can_see_original, can_see_submission
from art_tasks.services import (
    change_deadline,
    claim_task_id,
    extend_claim,
    release_claim,
    request_studio_render,
    require_claim_holder,
    submit_draft,
    submit_work_or_keep_draft,
)
from core.api import FileUrlField, cursor_page, paginated_response
from core.errors import NotFound


class SeedOutput(serializers.Serializer):
    id = serializers.IntegerField()
    index = serializers.IntegerField()
    image = FileUrlField()
    thumbnail = FileUrlField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    recipe = serializers.JSONField()
    sha256 = serializers.CharField()


# The caller's holding claim, as the API names it.
YOURS = {Claim.State.ACTIVE: "held", Claim.State.SUBMITTED: "submitted"}


class TaskOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    brief = serializers.CharField()
    tags = serializers.SerializerMethodField()
    license = serializers.CharField()
    slots = serializers.IntegerField()
    slots_taken = serializers.SerializerMethodField()
    slots_free = serializers.SerializerMethodField(
        help_text="Slots nobody holds right now: a claim can be made."
    )
    full = serializers.SerializerMethodField(
        help_text="Every slot is held: no claim until one frees up."
    )
    next_slot_at = serializers.DateTimeField(
        allow_null=True,
        read_only=True,
        help_text="When the first live claim ends, so a full task may free a "
        "slot; null when no claim is live.",
    )
    yours = serializers.SerializerMethodField(
        help_text="`held` or `submitted` when the signed-in caller holds a slot "
        "of this task; null otherwise."
    )
    claim_ttl_minutes = serializers.SerializerMethodField()
    claim_extensions = serializers.IntegerField(
        help_text="How many times a claim may be extended by the claim time."
    )
    deadline = serializers.DateTimeField(allow_null=True)
    generator = serializers.CharField()
    generator_version = serializers.CharField()
    style = serializers.CharField()
    seed_count = serializers.IntegerField()
    image_size = serializers.IntegerField()
    params = serializers.JSONField(
        help_text="Generator parameters; `source` says if seeds were bred."
    )
    state = serializers.CharField(
        source="current_state",
        help_text="`closed` as soon as the deadline passes.",
    )
    progress = serializers.SerializerMethodField()
    voting_rule = serializers.SerializerMethodField(
        help_text="Quorum, threshold and review window in force (task or site)."
    )
    seeds = SeedOutput(many=True)

    def get_voting_rule(self, task: CreationTask) -> dict:
        from art_tasks.voting import VotingRule

        return VotingRule.for_task(task).as_dict()

    def get_tags(self, task: CreationTask) -> list[str]:
        return task.tag_list

    def get_slots_taken(self, task: CreationTask) -> int:
        return getattr(task, "held", 0)

    def get_slots_free(self, task: CreationTask) -> int:
        return max(0, task.slots - getattr(task, "held", 0))

    def get_full(self, task: CreationTask) -> bool:
        return self.get_slots_free(task) == 0

    @extend_schema_field(
        serializers.ChoiceField(choices=["held", "submitted"], allow_null=True)
    )
    def get_yours(self, task: CreationTask) -> str | None:
        return YOURS.get(getattr(task, "yours", None))

    def get_claim_ttl_minutes(self, task: CreationTask) -> int:
        return int(task.claim_ttl.total_seconds() // 60)

    def get_progress(self, task: CreationTask) -> dict:
        return {"done": len(task.seeds.all()), "total": task.seed_count}


class ClaimOutput(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    state = serializers.CharField()
    claimed_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    seconds_left = serializers.SerializerMethodField()
    extensions_used = serializers.IntegerField(
        help_text="How many times the claim was extended."
    )
    extensions_left = serializers.IntegerField(
        help_text="How many more extensions the task allows this claim."
    )
    extended_at = serializers.DateTimeField(allow_null=True)
    extends_to = serializers.DateTimeField(
        source="extension_end",
        allow_null=True,
        help_text="Where an extension would move the end (clipped to the "
        "deadline); null when the claim cannot be extended.",
    )

    def get_seconds_left(self, claim: Claim) -> int:
        from django.utils import timezone

        if claim.state != Claim.State.ACTIVE:
            return 0
        return max(0, int((claim.expires_at - timezone.now()).total_seconds()))


class SubmissionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    seed = serializers.IntegerField(source="seed_id")
    artist = serializers.CharField(source="artist.username")
    title = serializers.CharField()
    statement = serializers.CharField()
    license = serializers.CharField()
    attribution = serializers.CharField()
    state = serializers.CharField()
    score = serializers.FloatField(
        source="shown_score",
        allow_null=True,
        help_text="Mean curator score; hidden (null) while votes are blind.",
    )
    vote_count = serializers.IntegerField()
    decision_reason = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    format = serializers.CharField()
    sha256 = serializers.CharField()
    palette = serializers.JSONField()
    original = serializers.SerializerMethodField(
        help_text="The stored original (personal metadata removed); only for "
        "its artist, staff, and curators while in review; null for others."
    )
    download = serializers.SerializerMethodField(
        help_text="The original with its licence embedded; null while the "
        "viewer may not download it."
    )
    web = FileUrlField()
    thumbnail = FileUrlField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    tags = serializers.SerializerMethodField(help_text="The artist's tags.")

    def get_tags(self, submission: Submission) -> list[str]:
        return sorted(t.name for t in submission.tags.all())

    def _viewer(self):  # noqa: ANN202
        request = self.context.get("request")
        return getattr(request, "user", None)

    def _absolute(self, url: str) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_original(self, submission: Submission) -> str | None:
        viewer = self._viewer()
        if not submission.original or not can_see_original(
            submission=submission, viewer=viewer
        ):
            return None
        return self._absolute(submission.original.url)

    def get_download(self, submission: Submission) -> str | None:
        if not submission.original:
            return None
        if submission.state != Submission.State.ACCEPTED and not can_see_original(
            submission=submission, viewer=self._viewer()
        ):
            return None
        return self._absolute(reverse("gallery:download", kwargs={"pk": submission.pk}))


class TaskDetailApi(APIView):
    permission_classes: list = []

    @extend_schema(summary="Show a task", responses=TaskOutput)
    def get(self, request: Request, pk: int) -> Response:
        task = selectors.get_task(pk=pk, viewer=request.user)
        if not selectors.can_see_task(task=task, viewer=request.user):
            raise NotFound("No such task.")
        return Response(TaskOutput(task, context={"request": request}).data)


# What `get_object_or_404` says of a missing task, kept for the claim's 404.
NO_TASK = "No CreationTask matches the given query."


class ClaimCreateApi(APIView):
    """Claim a slot of a task.

    A claim on a task noted full never gets here: `ClaimGateMiddleware`
    answers it from the note (see `art_tasks.claim_gate`).
    """

    permission_classes = [IsAuthenticated]
    throttle_scope = "claim"

    @extend_schema(
        summary="Claim a slot of a task", request=None, responses={201: ClaimOutput}
    )
    def post(self, request: Request, pk: int) -> Response:
        # One read of the task, which also answers a missing one with a 404.
        try:
            claim = claim_task_id(task_id=pk, user=request.user)
        except CreationTask.DoesNotExist as exc:
            raise Http404(NO_TASK) from exc
        return Response(ClaimOutput(claim).data, status=status.HTTP_201_CREATED)


class ClaimListApi(APIView):
    """My claims, newest first, in cursor pages."""

    permission_classes = [IsAuthenticated]
    pagination_class = cursor_page("-claimed_at", "-id")

    @extend_schema(summary="List my claims", responses=ClaimOutput(many=True))
    def get(self, request: Request) -> Response:
        claims = selectors.user_claims(user=request.user)
        return paginated_response(
            self, claims, lambda page: ClaimOutput(page, many=True).data
        )


class ClaimReleaseApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Release a claim", request=None, responses=ClaimOutput)
    def post(self, request: Request, pk: int) -> Response:
        claim = release_claim(claim=get_object_or_404(Claim, pk=pk), user=request.user)
        return Response(ClaimOutput(claim).data)


class ClaimExtendApi(APIView):
    """Extend a live claim by the task's claim time, never past its deadline."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Extend a claim", request=None, responses=ClaimOutput)
    def post(self, request: Request, pk: int) -> Response:
        claim = extend_claim(claim=get_object_or_404(Claim, pk=pk), user=request.user)
        return Response(ClaimOutput(claim).data)


class TaskDeadlineApi(APIView):
    """Move a task's deadline (staff); never before the end of a live claim."""

    permission_classes = [IsAdminUser]

    class InputSerializer(serializers.Serializer):
        deadline = serializers.DateTimeField(
            allow_null=True, help_text="The new deadline; null for none."
        )

    @extend_schema(
        summary="Change a task's deadline",
        request=InputSerializer,
        responses=TaskOutput,
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        task = change_deadline(
            task=get_object_or_404(CreationTask, pk=pk),
            by=request.user,
            deadline=data.validated_data["deadline"],
        )
        task = selectors.get_task(pk=task.pk)
        return Response(TaskOutput(task, context={"request": request}).data)


class DraftOutput(serializers.Serializer):
    id = serializers.IntegerField()
    task = serializers.IntegerField(source="task_id")
    seed = serializers.IntegerField(source="seed_id")
    title = serializers.CharField()
    statement = serializers.CharField()
    license = serializers.CharField()
    format = serializers.CharField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    kept_until = serializers.DateTimeField(
        help_text="When the draft and its file are deleted."
    )
    file = serializers.SerializerMethodField(help_text="The kept file (yours only).")
    tags = serializers.ListField(
        child=serializers.CharField(), help_text="The tags chosen for the work."
    )

    def get_file(self, draft: SubmissionDraft) -> str:
        url = reverse("art_tasks:draft-file", kwargs={"pk": draft.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class DraftListApi(APIView):
    """Uploads of mine that arrived after their claim ended, kept for a day."""

    permission_classes = [IsAuthenticated]
    pagination_class = cursor_page("-created_at", "-id")

    @extend_schema(summary="List my drafts", responses=DraftOutput(many=True))
    def get(self, request: Request) -> Response:
        drafts = selectors.user_drafts(user=request.user)
        return paginated_response(
            self,
            drafts,
            lambda page: (
                DraftOutput(page, many=True, context={"request": request}).data
            ),
        )


class DraftSubmitApi(APIView):
    """Claim the draft's task again and submit the draft, in one step."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "submit"

    @extend_schema(
        summary="Claim again and submit a draft",
        request=None,
        responses={201: SubmissionOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        draft = get_object_or_404(SubmissionDraft, pk=pk, contributor=request.user)
        submission = submit_draft(draft=draft, user=request.user)
        return Response(
            SubmissionOutput(submission, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class SubmissionCreateApi(APIView):
    """Submit an artwork for a live claim (multipart upload).

    An upload that arrives after the claim ended is kept as a draft for a
    day: the answer is 409 `claim_ended_draft_kept` with the draft's id;
    `POST /api/v1/drafts/<id>/submit/` claims again and submits it.
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "submit"

    class InputSerializer(serializers.Serializer):
        seed = serializers.IntegerField(
            help_text="Id of the seed the work was made from."
        )
        image = serializers.FileField(
            help_text="PNG, JPEG or WebP; at most 20 MB and 40 megapixels."
        )
        title = serializers.CharField(max_length=120)
        statement = serializers.CharField(max_length=5000, required=False, default="")
        license = serializers.ChoiceField(choices=License.choices)
        tags = serializers.ListField(
            child=serializers.CharField(max_length=500, allow_blank=True),
            required=False,
            default=list,
            help_text="The work's tags (repeat the field, or separate them by "
            f"commas): letters, digits, hyphens and underscores, at most "
            f"{limits.TAGS_PER_WORK}.",
        )

    @extend_schema(
        summary="Submit work for a claim",
        request=InputSerializer,
        responses={201: SubmissionOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = require_claim_holder(
            claim=get_object_or_404(Claim, pk=pk), user=request.user
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        seed = SeedImage.objects.filter(
            pk=values["seed"], task_id=claim.task_id
        ).first()
        if seed is None:
            raise NotFound("That seed does not belong to this claim's task.")
        submission = submit_work_or_keep_draft(
            claim=claim,
            user=request.user,
            seed=seed,
            image=values["image"],
            title=values["title"],
            statement=values["statement"],
            license=values["license"],
            tags=values["tags"],
        )
        return Response(
            SubmissionOutput(submission, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class SubmissionListApi(APIView):
    """My submissions, newest first, in cursor pages."""

    permission_classes = [IsAuthenticated]
    pagination_class = cursor_page("-created_at", "-id")

    @extend_schema(summary="List my submissions", responses=SubmissionOutput(many=True))
    def get(self, request: Request) -> Response:
        subs = selectors.user_submissions(user=request.user).prefetch_related("tags")
        return paginated_response(
            self,
            subs,
            lambda page: (
                SubmissionOutput(page, many=True, context={"request": request}).data
            ),
        )


class SubmissionDetailApi(APIView):
    """A submission: public once accepted; before that, artist, curators, staff."""

    permission_classes: list = []

    @extend_schema(summary="Show a submission", responses=SubmissionOutput)
    def get(self, request: Request, pk: int) -> Response:
        sub = get_object_or_404(
            Submission.objects.select_related("artist", "task", "seed"), pk=pk
        )
        if not can_see_submission(submission=sub, viewer=request.user):
            raise NotFound("No such artwork.")
        return Response(SubmissionOutput(sub, context={"request": request}).data)


class StudioRenderOutput(serializers.Serializer):
    id = serializers.IntegerField()
    claim = serializers.IntegerField(source="claim_id")
    seed = serializers.IntegerField(source="seed_id")
    purpose = serializers.CharField(help_text="download, submit or draft.")
    state = serializers.CharField(help_text="pending, rendered, done or failed.")
    steps = serializers.JSONField(help_text="The checked steps, each {op, params}.")
    width = serializers.IntegerField()
    height = serializers.IntegerField()
    sha256 = serializers.CharField()
    error = serializers.CharField()
    submission = serializers.IntegerField(source="submission_id", allow_null=True)
    draft = serializers.IntegerField(source="draft_id", allow_null=True)
    result = serializers.SerializerMethodField(
        help_text="The rendered PNG, for its maker only; null until rendered."
    )

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_result(self, render: StudioRender) -> str | None:
        if not render.result.name:
            return None
        url = reverse("art_tasks:studio-render-file", args=[render.pk, "result"])
        return self.context["request"].build_absolute_uri(url)


class StudioRenderCreateApi(APIView):
    """Render a studio recipe on a seed of a live claim (multipart).

    The render is exact, from the original pixels, on the imaging queue:
    the answer is 202 with the render, to poll at `/api/v1/renders/<id>/`.
    `purpose` `submit` then submits it through the usual path, `draft`
    keeps it as the draft for the task, `download` only keeps the PNG for
    its maker. A recipe with an unknown step or a value out of range is a
    400 `invalid_recipe` naming the step.
    """

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]
    throttle_scope = "submit"

    class InputSerializer(serializers.Serializer):
        seed = serializers.IntegerField(help_text="Id of the seed to start from.")
        steps = serializers.JSONField(
            help_text="The recipe: a JSON list of {op, params} (docs/studio.md)."
        )
        purpose = serializers.ChoiceField(
            choices=StudioRender.Purpose.choices, default="download"
        )
        layer = serializers.FileField(
            required=False, help_text="Your own layer to blend (PNG, JPEG, WebP)."
        )
        mask = serializers.FileField(
            required=False, help_text="A grayscale mask for the blend."
        )
        title = serializers.CharField(max_length=120, required=False, default="")
        statement = serializers.CharField(max_length=5000, required=False, default="")
        license = serializers.ChoiceField(
            choices=License.choices, required=False, default=""
        )
        tags = serializers.ListField(
            child=serializers.CharField(max_length=200),
            required=False,
            default=list,
            help_text="The work's tags (each item may hold several, comma separated).",
        )

    @extend_schema(
        summary="Render a studio recipe",
        request=InputSerializer,
        responses={202: StudioRenderOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        claim = require_claim_holder(
            claim=get_object_or_404(Claim, pk=pk), user=request.user
        )
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        seed = SeedImage.objects.filter(
            pk=values["seed"], task_id=claim.task_id
        ).first()
        if seed is None:
            raise NotFound("That seed does not belong to this claim's task.")
        steps = values["steps"]
        if isinstance(steps, str):  # a multipart form sends the JSON as text
            try:
                steps = json.loads(steps)
            except ValueError:
                raise InvalidRecipe("The steps are not valid JSON.") from None
        made = request_studio_render(
            claim=claim,
            user=request.user,
            seed=seed,
            steps=steps,
            purpose=values["purpose"],
            layer=values.get("layer"),
            mask=values.get("mask"),
            title=values["title"],
            statement=values["statement"],
            license=values["license"],
            tags=values["tags"],
        )
        return Response(
            StudioRenderOutput(made, context={"request": request}).data,
            status=status.HTTP_202_ACCEPTED,
        )


class StudioRenderDetailApi(APIView):
    """One of my studio renders: its state and, once rendered, its PNG."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Show my studio render", responses=StudioRenderOutput)
    def get(self, request: Request, pk: int) -> Response:
        made = selectors.studio_render(pk=pk, viewer=request.user)
        if made is None:
            raise NoSuchRender("No such render.")
        return Response(StudioRenderOutput(made, context={"request": request}).data)
