"""API of the gallery: pages, likes, provenance and collections."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from urllib.parse import urljoin

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import FileSystemStorage
from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.encoding import filepath_to_uri
from django.utils.functional import LazyObject, empty
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated, IsAuthenticatedOrReadOnly
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param
from rest_framework.views import APIView

from accounts import ratelimit
from art_tasks.api import SubmissionOutput
from art_tasks.colours import FAMILIES
from art_tasks.models import License, Submission
from art_tasks.selectors import visible_submission
from core.api import FileUrlField, cursor_page, paginated_response
from gallery import search, selectors
from gallery.caching import API_PAGE_TTL, cached
from gallery.errors import CollectionConflict, CollectionNotFound, NotInGallery
from gallery.models import Collection
from gallery.services import (
    add_to_collection,
    create_collection,
    delete_collection,
    like_work,
    remove_from_collection,
    unlike_work,
    update_collection,
)


class GalleryWorkOutput(SubmissionOutput):
    """A gallery card: the submission plus its ranks and the viewer's like."""

    url = serializers.SerializerMethodField()
    artist_name = serializers.CharField(source="artist.shown_name")
    like_count = serializers.IntegerField()
    comment_count = serializers.IntegerField(help_text="Comments everyone can see.")
    view_count = serializers.IntegerField()
    liked = serializers.BooleanField(
        default=False, help_text="Whether the signed-in viewer likes the work."
    )
    rank_top = serializers.FloatField(help_text="Bayesian average score.")
    rank_popular = serializers.FloatField(help_text="Wilson lower bound of likes.")
    trend_score = serializers.FloatField()
    discover_rank = serializers.IntegerField(allow_null=True)
    colour_family = serializers.CharField()

    def get_url(self, submission: Submission) -> str:
        request = self.context.get("request")
        url = submission.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class GalleryPageOutput(serializers.Serializer):
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = GalleryWorkOutput(many=True)


def _unwrap(storage):  # noqa: ANN001, ANN202 - a storage, lazy or not
    """Return the storage behind a lazy one (the private storage is lazy)."""
    if isinstance(storage, LazyObject):
        if storage._wrapped is empty:
            storage._setup()
        return storage._wrapped
    return storage


class CardFormatter:
    """Format `selectors.gallery_rows` exactly as `GalleryWorkOutput` would.

    The serializer builds every URL per card (`reverse()`, `FieldFile.url`,
    `build_absolute_uri`); this works out the fixed parts once per request
    and fills in each card by string formatting. A storage other than local
    disk (object storage, signed URLs) is asked for each file's URL.
    """

    _PK = 2_147_000_001  # a placeholder id, split out of a reversed URL

    def __init__(self, request: Request) -> None:
        viewer = request.user
        self.viewer_id = viewer.pk if viewer.is_authenticated else None
        self.viewer_is_staff = bool(self.viewer_id and viewer.is_staff)
        self.origin = request.build_absolute_uri("/")[:-1]
        self.request = request
        self.artwork = self._split(reverse("gallery:artwork", kwargs={"pk": self._PK}))
        self.download = self._split(
            reverse("gallery:download", kwargs={"pk": self._PK})
        )
        field = Submission._meta.get_field
        self.storages = {
            name: _unwrap(field(name).storage)
            for name in ("original", "web", "thumbnail")
        }
        self.moment = serializers.DateTimeField()

    def _split(self, path: str) -> tuple[str, str]:
        prefix, suffix = self.absolute(path).split(str(self._PK))
        return prefix, suffix

    def absolute(self, url: str) -> str:
        if url.startswith("/") and not url.startswith("//"):
            return self.origin + url
        return self.request.build_absolute_uri(url)

    def file_url(self, field: str, name: str) -> str | None:
        if not name:
            return None
        storage = self.storages[field]
        if isinstance(storage, FileSystemStorage) and (
            type(storage).url is FileSystemStorage.url
        ):
            url = urljoin(storage.base_url, filepath_to_uri(name).lstrip("/"))
        else:
            url = storage.url(name)
        return self.absolute(url)

    def card(self, row: dict) -> dict:
        pk = row["id"]
        name = row["artist__display_name"] or row["artist__username"]
        state = row["state"]
        may_see_original = self.viewer_id is not None and (
            self.viewer_is_staff
            or self.viewer_id == row["artist_id"]
            or (state == Submission.State.IN_REVIEW and self._is_curator())
        )
        has_original = bool(row["original"])
        download = None
        if has_original and (state == Submission.State.ACCEPTED or may_see_original):
            download = f"{self.download[0]}{pk}{self.download[1]}"
        score = row["score"]
        moment = self.moment.to_representation
        decided = row["decided_at"]
        return {
            "id": pk,
            "task": row["task_id"],
            "seed": row["seed_id"],
            "artist": row["artist__username"],
            "title": row["title"],
            "statement": row["statement"],
            "license": row["license"],
            "attribution": f"“{row['title']}” by {name}, on Atelier, "
            f"licensed {row['license']}",
            "state": state,
            "score": None
            if score is None or state == Submission.State.IN_REVIEW
            else float(score),
            "vote_count": row["vote_count"],
            "decision_reason": row["decision_reason"],
            "width": row["width"],
            "height": row["height"],
            "format": row["format"],
            "sha256": row["sha256"],
            "palette": row["palette"],
            "original": self.file_url("original", row["original"])
            if may_see_original and has_original
            else None,
            "download": download,
            "web": self.file_url("web", row["web"]),
            "thumbnail": self.file_url("thumbnail", row["thumbnail"]),
            "created_at": moment(row["created_at"]),
            "decided_at": None if decided is None else moment(decided),
            "url": f"{self.artwork[0]}{pk}{self.artwork[1]}",
            "artist_name": name,
            "like_count": row["like_count"],
            "comment_count": row["comment_count"],
            "view_count": row["view_count"],
            "liked": bool(row["liked"]),
            "rank_top": float(row["rank_top"]),
            "rank_popular": float(row["rank_popular"]),
            "trend_score": float(row["trend_score"]),
            "discover_rank": row["discover_rank"],
            "colour_family": row["colour_family"],
            "tags": row.get("tag_names") or [],
        }

    def _is_curator(self) -> bool:
        return bool(self.request.user.is_curator)


SHARED_CACHE_CONTROL = f"public, max-age={API_PAGE_TTL}"
BODY_KEY = "gallery:api-body:{}"  # a shared page's JSON, by its ETag
_BODIES: dict[str, bytes] = {}  # this process's copies, by ETag
_MAX_BODIES = 64


def _keep(etag: str, body: bytes) -> None:
    if len(_BODIES) >= _MAX_BODIES:
        _BODIES.clear()
    _BODIES[etag] = body


SHARED_VARY = ("Accept", "Cookie", "Authorization")


def _surely_anonymous_json(request: HttpRequest) -> bool:
    """A read no authentication would sign in, answered by the JSON renderer.

    Without a session cookie or an Authorization header neither of the
    API's authentications can find a user (nor has DRF's test client forced
    one); an Accept header of nothing, ``*/*`` or JSON (and no ``?format=``)
    picks the JSON renderer.
    """
    meta = request.META
    if request.method not in ("GET", "HEAD") or "HTTP_AUTHORIZATION" in meta:
        return False
    if getattr(request, "_force_auth_user", None) or getattr(
        request, "_force_auth_token", None
    ):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "format" in request.GET:
        return False
    accept = meta.get("HTTP_ACCEPT", "")
    return accept in ("", "*/*") or accept.startswith("application/json")


def _shared_response(request: HttpRequest, entry: tuple[str, bytes]) -> HttpResponse:
    """The shared JSON page, or 304 when the client already holds it."""
    etag, body = entry
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = SHARED_CACHE_CONTROL
    patch_vary_headers(response, SHARED_VARY)
    return get_conditional_response(request, etag=etag, response=response)


class GalleryListApi(APIView):
    """Accepted work in one of five orders, filtered, one cursor page at a time.

    A signed-out visitor's page is the same for everyone who asks for the
    same URL, so it is kept in the shared cache for `API_PAGE_TTL` seconds
    (and dropped at once when a work enters or leaves the gallery), with an
    ETag, and sent as ``Cache-Control: public`` so proxies may share it too;
    a signed-in viewer's page says which works they like and is never shared.

    A read that is surely anonymous and wants JSON is answered before DRF's
    request handling: the anonymous limit is counted and the page read from
    the cache in one round trip (`ratelimit.hit_and_read`). Anything else,
    and a request over the limit, takes DRF's path.
    """

    permission_classes: list = []

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object):  # noqa: ANN201
        if _surely_anonymous_json(request):
            try:
                response = self.shared_page(request)
            except Exception as exc:  # noqa: BLE001 - answered as DRF answers it
                return self._answer_error(request, exc, args, kwargs)
            if response is not None:
                return response
        return super().dispatch(request, *args, **kwargs)

    def _answer_error(
        self, request: HttpRequest, exc: Exception, args: tuple, kwargs: dict
    ) -> HttpResponse:
        """An error of the early answer (a damaged cursor, say), as DRF's 4xx."""
        self.args, self.kwargs = args, kwargs
        self.request = self.initialize_request(request, *args, **kwargs)
        self.headers = self.default_response_headers
        response = self.handle_exception(exc)
        return self.finalize_response(self.request, response, *args, **kwargs)

    def shared_page(self, request: HttpRequest) -> HttpResponse | None:
        """The anonymous JSON page; None when over the limit (DRF says so)."""
        waits = []

        def read(keys: list[str]) -> dict:
            wait, found = ratelimit.hit_and_read(
                "anon", ratelimit.address_key(request), keys
            )
            waits.append(wait)
            return found

        entry = self._shared_entry(request, read=read)
        if waits[0] is not None:
            return None
        response = _shared_response(request, entry)
        response["Allow"] = ", ".join(self.allowed_methods)
        patch_vary_headers(response, ("Accept",))  # as DRF's own answer says
        return response

    def _shared_entry(
        self, request: HttpRequest, read: Callable[[list[str]], dict] | None = None
    ) -> tuple[str, bytes]:
        """The shared page's (ETag, JSON).

        The cache keeps the page's ETag under its URL (in the generation)
        and the JSON under its ETag; each process keeps the JSON of the
        ETags it has seen, so a page it already holds costs a short read.
        """
        name = self._shared_name(request) + ":etag"
        etag = cached(name, API_PAGE_TTL, lambda: self._render(request), read=read)
        body = _BODIES.get(etag)
        if body is None:
            body = cache.get(BODY_KEY.format(etag))
            if body is None:  # evicted before its ETag: render it again
                etag = self._render(request)
                body = _BODIES[etag]
            _keep(etag, body)
        return etag, body

    @staticmethod
    def _shared_name(request: HttpRequest) -> str:
        url = request.build_absolute_uri()
        return "api-page:" + hashlib.sha256(url.encode()).hexdigest()

    def _render(self, request: HttpRequest) -> str:
        """Render the page, keep its JSON under its ETag, return the ETag."""
        body = JSONRenderer().render(self.page(request))
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        cache.set(BODY_KEY.format(etag), body, 2 * API_PAGE_TTL)
        _keep(etag, body)
        return etag

    @extend_schema(
        summary="Browse the gallery",
        parameters=[
            OpenApiParameter("order", OpenApiTypes.STR, enum=list(selectors.ORDERS)),
            OpenApiParameter("tag", OpenApiTypes.STR),
            OpenApiParameter(
                "task",
                OpenApiTypes.STR,
                description="a task's id, or words of its title (an exact "
                "title names that task only)",
            ),
            OpenApiParameter("artist", OpenApiTypes.STR, description="username"),
            OpenApiParameter("license", OpenApiTypes.STR, enum=License.values),
            OpenApiParameter(
                "colour", OpenApiTypes.STR, enum=[name for name, _ in FAMILIES]
            ),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses=GalleryPageOutput,
    )
    def get(self, request: Request) -> Response:
        if request.user.is_authenticated:
            return Response(self.page(request))
        name = self._shared_name(request)
        if request.accepted_renderer.format != "json":  # the browsable API
            return Response(cached(name, API_PAGE_TTL, lambda: self.page(request)))
        # The JSON itself is shared, rendered once.
        return _shared_response(request, self._shared_entry(request))

    def page(self, request: HttpRequest | Request) -> dict:
        params = request.GET
        size = params.get("page_size", "")
        page = selectors.gallery_rows(
            query=selectors.GalleryQuery.from_params(params),
            cursor=params.get("cursor") or None,
            size=int(size) if size.isdecimal() else None,
            viewer=request.user,
        )
        next_url = None
        if page.next_cursor:
            next_url = replace_query_param(
                request.build_absolute_uri(), "cursor", page.next_cursor
            )
        card = CardFormatter(request).card
        results = [card(row) for row in page.items]
        return {"next": next_url, "previous": None, "results": results}


class SearchApi(APIView):
    """Accepted work matching words, best first, one cursor page at a time.

    Searches titles, tags, artists' names and statements of accepted work
    only (docs/search.md). An empty query, or one over 200 characters, is
    answered 400 `bad_search` with what to change.
    """

    permission_classes: list = []

    @extend_schema(
        summary="Search the gallery",
        parameters=[
            OpenApiParameter(
                "q",
                OpenApiTypes.STR,
                required=True,
                description='words to find; "quoted phrases", `or`, and '
                "`-word` to leave a word out",
            ),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses=GalleryPageOutput,
    )
    def get(self, request: Request) -> Response:
        params = request.query_params
        size = params.get("page_size", "")
        page = search.search_page(
            text=params.get("q", ""),
            cursor=params.get("cursor") or None,
            size=int(size) if size.isdecimal() else None,
            viewer=request.user,
            rows=True,
        )
        next_url = None
        if page.next_cursor:
            next_url = replace_query_param(
                request.build_absolute_uri(), "cursor", page.next_cursor
            )
        card = CardFormatter(request).card
        results = [card(row) for row in page.items]
        return Response({"next": next_url, "previous": None, "results": results})


class LikeOutput(serializers.Serializer):
    submission = serializers.IntegerField(source="pk")
    like_count = serializers.IntegerField()
    liked = serializers.BooleanField()


class LikeApi(APIView):
    """Like (POST) or unlike (DELETE) an accepted work."""

    permission_classes = [IsAuthenticated]
    throttle_scope = "like"

    @extend_schema(summary="Like a work", request=None, responses=LikeOutput)
    def post(self, request: Request, pk: int) -> Response:
        work = like_work(
            submission=get_object_or_404(Submission, pk=pk), user=request.user
        )
        work.liked = True
        return Response(LikeOutput(work).data)

    @extend_schema(summary="Unlike a work", request=None, responses={200: LikeOutput})
    def delete(self, request: Request, pk: int) -> Response:
        work = unlike_work(
            submission=get_object_or_404(Submission, pk=pk), user=request.user
        )
        work.liked = False
        return Response(LikeOutput(work).data)


class ProvenanceApi(APIView):
    """Where a work came from: seed recipe, task, artist, hashes and decision."""

    permission_classes: list = []

    @extend_schema(summary="Show where a work came from", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, pk: int) -> Response:
        submission = visible_submission(pk=pk, viewer=request.user)
        base = request.build_absolute_uri("/").rstrip("/")
        return Response(
            selectors.provenance(
                submission=submission, viewer=request.user, base_url=base
            )
        )


class CollectionOutput(serializers.Serializer):
    slug = serializers.SlugField()
    title = serializers.CharField()
    statement = serializers.CharField()
    url = serializers.SerializerMethodField()
    cover = FileUrlField(source="public_cover.thumbnail", allow_null=True)
    work_count = serializers.IntegerField()
    owner = serializers.CharField(source="curated_by.username")
    public = serializers.BooleanField(
        source="published", help_text="Anyone may see it; else only its owner."
    )
    featured = serializers.BooleanField(help_text="A staff exhibition.")
    created_at = serializers.DateTimeField()

    def get_url(self, collection: Collection) -> str:
        request = self.context["request"]
        return request.build_absolute_uri(collection.get_absolute_url())


class CollectionInput(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    statement = serializers.CharField(max_length=5000, required=False, default="")
    public = serializers.BooleanField(required=False, default=False)
    featured = serializers.BooleanField(
        required=False, default=False, help_text="Staff only: make an exhibition."
    )


def _collection(slug: str, viewer: object) -> Collection:
    """The collection `viewer` may see, or the API's 404."""
    try:
        return selectors.visible_collection(slug=slug, viewer=viewer)
    except Collection.DoesNotExist as exc:
        raise CollectionNotFound("No such collection.") from exc


def _collection_data(request: Request, collection: Collection) -> dict:
    """One collection as `CollectionOutput`, its count read afresh."""
    counted = selectors.my_collections(user=collection.curated_by).get(pk=collection.pk)
    return CollectionOutput(counted, context={"request": request}).data


class CollectionListApi(APIView):
    """Public collections, newest first (GET); start a collection (POST).

    `?featured=true` lists staff exhibitions only, `?featured=false` the
    community's; `?owner=<username>` one person's public collections.
    """

    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = cursor_page("-created_at", "-id")

    @extend_schema(
        summary="List collections",
        parameters=[
            OpenApiParameter("featured", OpenApiTypes.BOOL),
            OpenApiParameter("owner", OpenApiTypes.STR, description="username"),
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses=CollectionOutput(many=True),
    )
    def get(self, request: Request) -> Response:
        featured = {"true": True, "false": False}.get(
            request.query_params.get("featured", "").lower()
        )
        qs = selectors.collection_list(featured=featured)
        owner = request.query_params.get("owner")
        if owner:
            qs = qs.filter(curated_by__username=owner)
        return paginated_response(
            self,
            qs,
            lambda page: (
                CollectionOutput(page, many=True, context={"request": request}).data
            ),
        )

    @extend_schema(
        summary="Start a collection",
        request=CollectionInput,
        responses={201: CollectionOutput},
    )
    def post(self, request: Request) -> Response:
        data = CollectionInput(data=request.data)
        data.is_valid(raise_exception=True)
        made = create_collection(
            by=request.user,
            title=data.validated_data["title"],
            statement=data.validated_data["statement"],
            published=data.validated_data["public"],
            featured=data.validated_data["featured"],
        )
        return Response(_collection_data(request, made), status=status.HTTP_201_CREATED)


class MyCollectionListApi(APIView):
    """Every collection the signed-in person keeps, public and private."""

    permission_classes = [IsAuthenticated]
    pagination_class = cursor_page("-created_at", "-id")

    @extend_schema(summary="List my collections", responses=CollectionOutput(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            self,
            selectors.my_collections(user=request.user),
            lambda page: (
                CollectionOutput(page, many=True, context={"request": request}).data
            ),
        )


class CollectionDetailApi(APIView):
    """One collection with its works in order (GET); edit (PATCH); delete.

    A private collection is a 404 to all but its owner. `works` lists at
    most `MAX_WORKS_PER_COLLECTION`; `works/` pages through them.
    """

    permission_classes = [IsAuthenticatedOrReadOnly]

    class OutputSerializer(serializers.Serializer):
        slug = serializers.SlugField()
        title = serializers.CharField()
        statement = serializers.CharField()
        cover = serializers.IntegerField(source="public_cover.pk", allow_null=True)
        curated_by = serializers.CharField(source="curated_by.shown_name")
        owner = serializers.CharField(source="curated_by.username")
        public = serializers.BooleanField(source="published")
        featured = serializers.BooleanField()
        works = serializers.SerializerMethodField()

        def get_works(self, collection: Collection) -> list[dict]:
            works = [item.submission for item in collection.ordered_items]
            return GalleryWorkOutput(works, many=True, context=self.context).data

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=120, required=False)
        statement = serializers.CharField(
            max_length=5000, required=False, allow_blank=True
        )
        public = serializers.BooleanField(required=False)
        cover = serializers.IntegerField(
            required=False, allow_null=True, help_text="One of its works' ids."
        )
        featured = serializers.BooleanField(required=False, help_text="Staff only.")

    @extend_schema(summary="Show a collection", responses=OutputSerializer)
    def get(self, request: Request, slug: str) -> Response:
        try:
            collection = selectors.collection_detail(slug=slug, viewer=request.user)
        except Collection.DoesNotExist as exc:
            raise CollectionNotFound("No such collection.") from exc
        works = [item.submission for item in collection.ordered_items]
        prefetch_related_objects(works, "tags")
        return Response(
            self.OutputSerializer(collection, context={"request": request}).data
        )

    @extend_schema(
        summary="Edit a collection", request=InputSerializer, responses=CollectionOutput
    )
    def patch(self, request: Request, slug: str) -> Response:
        collection = _collection(slug, request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        given = data.validated_data
        cover = collection.cover
        if "cover" in given:
            cover = (
                None
                if given["cover"] is None
                else Submission.objects.filter(pk=given["cover"]).first()
            )
            if given["cover"] is not None and cover is None:
                raise CollectionConflict(
                    "The cover must be one of the collection's works."
                )
        changed = update_collection(
            collection=collection,
            by=request.user,
            title=given.get("title", collection.title),
            statement=given.get("statement", collection.statement),
            published=given.get("public", collection.published),
            cover=cover,
            featured=given.get("featured"),
        )
        return Response(_collection_data(request, changed))

    @extend_schema(summary="Delete a collection", responses={204: None})
    def delete(self, request: Request, slug: str) -> Response:
        delete_collection(collection=_collection(slug, request.user), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CollectionItemOutput(serializers.Serializer):
    position = serializers.IntegerField()
    added_at = serializers.DateTimeField()
    work = GalleryWorkOutput(source="submission")


class CollectionWorksApi(APIView):
    """A collection's accepted works in order, a cursor page at a time (GET);
    add an accepted work (POST, its owner)."""

    permission_classes = [IsAuthenticatedOrReadOnly]
    pagination_class = cursor_page("position", "id")

    class InputSerializer(serializers.Serializer):
        work = serializers.IntegerField(help_text="The accepted work's id.")

    @extend_schema(
        summary="List a collection's works",
        parameters=[
            OpenApiParameter("cursor", OpenApiTypes.STR),
            OpenApiParameter("page_size", OpenApiTypes.INT),
        ],
        responses=CollectionItemOutput(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        collection = _collection(slug, request.user)
        return paginated_response(
            self,
            selectors.collection_works(collection=collection),
            lambda page: (
                CollectionItemOutput(page, many=True, context={"request": request}).data
            ),
        )

    @extend_schema(
        summary="Add a work to a collection",
        request=InputSerializer,
        responses={201: CollectionItemOutput},
    )
    def post(self, request: Request, slug: str) -> Response:
        collection = _collection(slug, request.user)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        work = Submission.objects.filter(pk=data.validated_data["work"]).first()
        if work is None or work.state != Submission.State.ACCEPTED:
            raise NotInGallery("Only accepted work can join a collection.")
        item = add_to_collection(
            collection=collection, by=request.user, submission=work
        )
        return Response(
            CollectionItemOutput(item, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class CollectionWorkApi(APIView):
    """Take a work out of a collection (its owner)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Remove a work from a collection", responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        collection = _collection(slug, request.user)
        work = get_object_or_404(Submission, pk=pk)
        remove_from_collection(collection=collection, by=request.user, submission=work)
        return Response(status=status.HTTP_204_NO_CONTENT)
