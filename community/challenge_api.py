"""API of challenges: the list, one challenge with its winners, its entries."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from community import challenges as selectors
from community.models import Challenge
from core.api import cursor_page, paginated_response
from core.errors import NotFound
from gallery.api import GalleryWorkOutput


class ChallengeOutput(serializers.Serializer):
    class Meta:
        ref_name = "ChallengeOutput"

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    theme = serializers.CharField()
    url = serializers.SerializerMethodField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField(help_text="The deadline.")
    closed_at = serializers.DateTimeField(
        allow_null=True, help_text="When the winners were picked; null while open."
    )
    winner_count = serializers.IntegerField()
    points = serializers.IntegerField(help_text="Points each winner earns.")
    cover_seed = serializers.IntegerField(source="cover_seed_id", allow_null=True)
    cover_work = serializers.SerializerMethodField()

    def get_url(self, challenge: Challenge) -> str:
        request = self.context.get("request")
        url = challenge.get_absolute_url()
        return request.build_absolute_uri(url) if request else url

    def get_cover_work(self, challenge: Challenge) -> int | None:
        work = challenge.cover_work
        return work.pk if work is not None and work.state == "accepted" else None


class ChallengeWinnerOutput(serializers.Serializer):
    place = serializers.IntegerField()
    points = serializers.IntegerField()
    rank_top = serializers.FloatField(help_text="The work's 'top' rank at the close.")
    badge = serializers.CharField()
    work = GalleryWorkOutput(source="submission")


class ChallengeListApi(APIView):
    """Every challenge, latest deadline first."""

    permission_classes: list = []
    pagination_class = cursor_page("-closes_at", "-id")

    @extend_schema(summary="List challenges", responses=ChallengeOutput(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            self,
            selectors.all_challenges(),
            lambda page: (
                ChallengeOutput(page, many=True, context={"request": request}).data
            ),
        )


def _challenge(key: str) -> Challenge:
    try:
        return selectors.challenge_detail(key=key)
    except Challenge.DoesNotExist as exc:
        raise NotFound("No such challenge.") from exc


class ChallengeDetailApi(APIView):
    """One challenge, its tasks and, once closed, its winners."""

    permission_classes: list = []

    class OutputSerializer(ChallengeOutput):
        class Meta:
            ref_name = "ChallengeDetailOutput"

        tasks = serializers.SerializerMethodField()
        winners = ChallengeWinnerOutput(source="shown_winners", many=True)

        def get_tasks(self, challenge: Challenge) -> list[dict]:
            return [
                {"id": task.pk, "title": task.title, "state": task.state}
                for task in challenge.tasks.all()
            ]

    @extend_schema(summary="Show a challenge", responses=OutputSerializer)
    def get(self, request: Request, key: str) -> Response:
        challenge = _challenge(key)
        return Response(
            self.OutputSerializer(challenge, context={"request": request}).data
        )


class ChallengeEntryListApi(APIView):
    """A challenge's entries (accepted works in its window), best first."""

    permission_classes: list = []
    pagination_class = cursor_page("-rank_top", "-id")

    @extend_schema(
        summary="List a challenge's entries", responses=GalleryWorkOutput(many=True)
    )
    def get(self, request: Request, key: str) -> Response:
        challenge = _challenge(key)
        return paginated_response(
            self,
            selectors.entries(challenge=challenge, viewer=request.user),
            lambda page: (
                GalleryWorkOutput(page, many=True, context={"request": request}).data
            ),
        )
