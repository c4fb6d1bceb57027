"""API of curation: the review queue and curator votes."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from art_tasks.api import SubmissionOutput
from art_tasks.models import Submission
from art_tasks.selectors import visible_submission
from core.api import FileUrlField
from core.roles import is_curator
from curation import selectors
from curation.errors import NotACurator
from curation.services import cast_vote


class ReviewItemOutput(SubmissionOutput):
    """A submission in the review queue, with the rule that will decide it."""

    seed_image = FileUrlField(source="seed.image")
    task_title = serializers.CharField(source="task.title")
    task_brief = serializers.CharField(source="task.brief")
    review_due_at = serializers.DateTimeField(allow_null=True)
    review_extended_at = serializers.DateTimeField(allow_null=True)
    voting_rule = serializers.SerializerMethodField()

    def get_voting_rule(self, submission: Submission) -> dict:
        return selectors.voting_rule(submission=submission)


class ReviewNextApi(APIView):
    """The next submission this curator should vote on, or 204 when none."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Get the next submission to review",
        parameters=[
            OpenApiParameter(
                "skip",
                OpenApiTypes.STR,
                description="Comma-separated ids to pass over.",
            )
        ],
        responses={200: ReviewItemOutput, 204: None},
    )
    def get(self, request: Request) -> Response:
        if not is_curator(request.user):
            raise NotACurator("Only curators have a review queue.")
        skip = [
            s for s in request.query_params.get("skip", "").split(",") if s.isdecimal()
        ]
        sub = selectors.next_for_review(curator=request.user, skip=skip)
        if sub is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ReviewItemOutput(sub, context={"request": request}).data)


class VoteOutput(serializers.Serializer):
    id = serializers.IntegerField()
    submission = serializers.IntegerField(source="submission_id")
    score = serializers.IntegerField()
    comment = serializers.CharField()
    submission_state = serializers.CharField(source="submission.state")
    revised_at = serializers.DateTimeField(allow_null=True)


class VisibleVoteOutput(serializers.Serializer):
    score = serializers.IntegerField()
    comment = serializers.CharField()
    curator = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    revised_at = serializers.DateTimeField(allow_null=True)

    def get_curator(self, vote) -> str | None:  # noqa: ANN001 - a Vote
        return None if self.context.get("anonymous") else vote.curator.username


class VoteListOutput(serializers.Serializer):
    visible = serializers.BooleanField()
    message = serializers.CharField()
    vote_count = serializers.IntegerField()
    mine = VoteOutput(allow_null=True)
    votes = serializers.ListField(child=serializers.DictField())


class SubmissionVotesApi(APIView):
    """Cast or change a vote (curators); read the votes the blind rule allows."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "vote"

    class InputSerializer(serializers.Serializer):
        score = serializers.IntegerField(min_value=1, max_value=5)
        comment = serializers.CharField(
            max_length=2000,
            required=False,
            allow_blank=True,
            help_text="Feedback for the artist; omit to keep the current one.",
        )

    @extend_schema(summary="Read the votes on a submission", responses=VoteListOutput)
    def get(self, request: Request, pk: int) -> Response:
        submission = visible_submission(pk=pk, viewer=request.user)
        view = selectors.votes_for_viewer(submission=submission, viewer=request.user)
        context = {"anonymous": view.anonymous}
        return Response(
            {
                "visible": view.visible,
                "message": view.message,
                "vote_count": submission.vote_count,
                "mine": VoteOutput(view.mine).data if view.mine else None,
                "votes": VisibleVoteOutput(view.votes, many=True, context=context).data,
            }
        )

    @extend_schema(
        summary="Cast or change a vote",
        request=InputSerializer,
        responses={201: VoteOutput, 200: VoteOutput},
    )
    def post(self, request: Request, pk: int) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        vote = cast_vote(
            submission=get_object_or_404(Submission, pk=pk),
            curator=request.user,
            score=data.validated_data["score"],
            comment=data.validated_data.get("comment"),
        )
        code = status.HTTP_200_OK if vote.revised_at else status.HTTP_201_CREATED
        return Response(VoteOutput(vote).data, status=code)
