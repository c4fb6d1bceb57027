"""Pages of the gallery: browsing, artworks, downloads and collections."""

from __future__ import annotations

import hashlib
import mimetypes

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_GET, require_POST

from accounts.ratelimit import rate_limited
from art_tasks.colours import FAMILIES
from art_tasks.errors import NoSuchGalleryWork
from art_tasks.models import LICENSE_URLS, License, Submission, Tag
from art_tasks.selectors import can_see_original, can_see_submission, seed_offer
from art_tasks.selectors import submission_file as find_submission_file
from art_tasks.storage import private_storage
from art_tasks.voting import VotingRule
from core import storage as object_storage
from core.errors import AtelierError
from core.views import add_form_error, error_text, safe_next
from curation.rules import vote_refusal
from curation.selectors import votes_for_viewer
from gallery import search, selectors
from gallery.downloads import attributed_original
from gallery.errors import BadCursor, BadSearch
from gallery.forms import AddWorkForm, CollectionForm
from gallery.models import MAX_COLLECTIONS_PER_PERSON, Collection
from gallery.services import (
    add_to_collection,
    create_collection,
    delete_collection,
    file_work,
    like_work,
    may_edit_collection,
    move_in_collection,
    record_view,
    remove_from_collection,
    shown_view_count,
    unlike_work,
    update_collection,
)
from gallery.signals import work_badge_columns
from generation.selectors import family_tree


def _not_found(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


# The gallery --------------------------------------------------------------------


@require_GET
def gallery(request: HttpRequest) -> HttpResponse:
    """The gallery; an HTMX request gets just the next page of cards."""
    query = selectors.GalleryQuery.from_params(request.GET)
    try:
        page = selectors.gallery_page(
            query=query,
            cursor=request.GET.get("cursor") or None,
            viewer=request.user,
            cards_only=True,
        )
    except BadCursor as exc:
        messages.error(request, exc.message)
        params = request.GET.copy()
        params.pop("cursor", None)
        return redirect(f"{request.path}?{params.urlencode()}")
    next_url = None
    if page.next_cursor:
        params = request.GET.copy()
        params["cursor"] = page.next_cursor
        next_url = f"{request.path}?{params.urlencode()}"
    context = {"page": page, "next_url": next_url, "query": query}
    if request.htmx:
        return render(request, "gallery/_cards.html", context)
    choices = selectors.cached_filter_choices()
    context.update(
        choices,
        task_shown=_task_shown(query, page.items, choices["tasks"]),
        tag_names=[t["name"] for t in choices["tags"]],
        license_values=License.values,
        orders=selectors.ORDER_LABELS,
        order_help=selectors.ORDER_HELP.get(query.order, ""),
        licenses=License.choices,
        colours=FAMILIES,
        first_page=not request.GET.get("cursor"),
    )
    return render(request, "gallery/gallery.html", context)


def _task_shown(query: selectors.GalleryQuery, items: list, tasks: list) -> str:
    """What the task box shows: the words typed, or the chosen task's title.

    The title comes from the page's own cards (each is of that task) or the
    picker's choices, so showing it costs no query; failing both, the id.
    """
    if query.task_title:
        return query.task_title
    if query.task is None:
        return ""
    if items:
        return items[0].task.title
    for task in tasks:
        if task["pk"] == query.task:
            return task["title"]
    return str(query.task)


# Tags and search ----------------------------------------------------------------


def _next_url(request: HttpRequest, cursor: str | None) -> str | None:
    if not cursor:
        return None
    params = request.GET.copy()
    params["cursor"] = cursor
    return f"{request.path}?{params.urlencode()}"


def _without_cursor(request: HttpRequest, exc: BadCursor) -> HttpResponse:
    messages.error(request, exc.message)
    params = request.GET.copy()
    params.pop("cursor", None)
    return redirect(f"{request.path}?{params.urlencode()}")


@require_GET
def tag(request: HttpRequest, name: str) -> HttpResponse:
    """Accepted work tagged `name` (by its artist or its task), in cursor pages."""
    name = name.lower()
    if not Tag.objects.filter(name=name).exists():
        return _not_found(request)
    params = request.GET.copy()
    params["tag"] = name
    query = selectors.GalleryQuery.from_params(params)
    try:
        page = selectors.gallery_page(
            query=query,
            cursor=request.GET.get("cursor") or None,
            viewer=request.user,
            cards_only=True,
        )
    except BadCursor as exc:
        return _without_cursor(request, exc)
    context = {
        "name": name,
        "page": page,
        "next_url": _next_url(request, page.next_cursor),
        "query": query,
        "orders": selectors.ORDER_LABELS,
        "first_page": not request.GET.get("cursor"),
    }
    if request.htmx:
        return render(request, "gallery/_cards.html", context)
    return render(request, "gallery/tag.html", context)


@require_GET
def search_results(request: HttpRequest) -> HttpResponse:
    """The results of the header's search box, best first, in cursor pages.

    An empty or too-long query is answered with what to change (status
    200: the page itself is fine), as is one of only common words.
    """
    text = request.GET.get("q", "")
    context: dict[str, object] = {"q": text.strip(), "page": None, "problem": ""}
    try:
        page = search.search_page(
            text=text, cursor=request.GET.get("cursor") or None, viewer=request.user
        )
    except BadCursor as exc:
        return _without_cursor(request, exc)
    except BadSearch as exc:
        context["problem"] = exc.message
    else:
        context.update(
            page=page,
            next_url=_next_url(request, page.next_cursor),
            first_page=not request.GET.get("cursor"),
        )
        if request.htmx:
            return render(request, "gallery/_cards.html", context)
    return render(request, "gallery/search.html", context)


# One work -----------------------------------------------------------------------


def _visitor(request: HttpRequest) -> str:
    """Name a signed-out visitor for view counting without storing anything.

    The session key when the browser has one, else a digest of the address
    and the browser's name: enough to tell reloads from new people.
    """
    if request.session.session_key:
        return request.session.session_key
    seen = request.META.get("REMOTE_ADDR", "") + request.META.get("HTTP_USER_AGENT", "")
    return hashlib.sha256(seen.encode()).hexdigest()[:32]


def artwork(request: HttpRequest, pk: int) -> HttpResponse:
    """One work's page.

    A visitor's costs two queries: the work and its seed's lineage (one,
    both ways); the view is counted in Redis, where there is one. The
    work's query also brings the collections holding it, the figures of
    its seed's offer and the badges the apps above add
    (`work_badge_columns`: community's challenge wins), and, for a
    signed-in viewer, whether they like it, their collection picker and
    the votes (shown as the blind-vote rule allows). A signed-in viewer's
    adds their user, read with their curator role.
    """
    user = request.user
    answers = work_badge_columns.send(sender=Submission, viewer=user)
    columns = {f"badges_{i}": found for i, (_receiver, found) in enumerate(answers)}
    try:
        work = selectors.artwork_page(
            pk=pk,
            viewer=user,
            columns={name: column.expression for name, column in columns.items()},
        )
    except Submission.DoesNotExist:
        return _not_found(request)
    if not can_see_submission(submission=work, viewer=user):
        return _not_found(request)
    counted = record_view(submission=work, viewer=user, visitor=_visitor(request))
    work.view_count = shown_view_count(submission=work, counted=counted)
    work.liked = bool(getattr(work, "liked", False))
    task = work.task
    accepted = work.state == Submission.State.ACCEPTED
    can_vote = vote_refusal(submission=work, curator=user, task=task) is None
    badges = []
    if accepted:
        for name, column in columns.items():
            badges.extend(column.read(getattr(work, name)))
    return render(
        request,
        "gallery/artwork.html",
        {
            "work": work,
            "badges": badges,
            "license_url": LICENSE_URLS.get(work.license),
            "votes": votes_for_viewer(
                submission=work, viewer=user, votes=getattr(work, "vote_list", None)
            ),
            "rule": VotingRule.for_task(task),
            "decision_rule": work.decision_rule,
            "tree": family_tree(seed=work.seed),
            "offer": seed_offer(seed=work.seed, viewer=user, figures=work),
            "can_vote": can_vote,
            "in_collections": work.in_collections if accepted else [],
            "picker": work.picker if accepted and user.is_authenticated else None,
            "is_artist": user.is_authenticated and user.pk == work.artist_id,
            "can_download": bool(work.original)
            and (
                work.state == Submission.State.ACCEPTED
                or can_see_original(submission=work, viewer=user)
            ),
        },
    )


def _like_response(
    request: HttpRequest, work: Submission, error: str = ""
) -> HttpResponse:
    if request.htmx:
        context = {"work": work, "error": error, "next": safe_next(request, "")}
        return render(request, "gallery/_like.html", context)
    if error:
        messages.error(request, error)
    return redirect(safe_next(request, work.get_absolute_url()))


@login_required
@require_POST
@rate_limited("like")
def like(request: HttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(Submission, pk=pk)
    try:
        work = like_work(submission=work, user=request.user)
        work.liked = True
    except NoSuchGalleryWork:
        return _not_found(request)
    except AtelierError as exc:
        work.liked = selectors.has_liked(submission=work, viewer=request.user)
        return _like_response(request, work, exc.message)
    return _like_response(request, work)


@login_required
@require_POST
@rate_limited("like")
def unlike(request: HttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(Submission, pk=pk)
    try:
        work = unlike_work(submission=work, user=request.user)
    except NoSuchGalleryWork:
        return _not_found(request)
    except AtelierError as exc:
        return _like_response(request, work, exc.message)
    work.liked = False
    return _like_response(request, work)


@require_GET
def download(request: HttpRequest, pk: int) -> HttpResponse:
    """The original file with its licence and attribution embedded.

    Anyone may download accepted work; before (or after) that, only those
    who may see the original itself (`can_see_original`).
    """
    work = get_object_or_404(Submission.objects.select_related("artist"), pk=pk)
    public = work.state == Submission.State.ACCEPTED
    if not (public or can_see_original(submission=work, viewer=request.user)):
        return _not_found(request)
    body, content_type, filename = attributed_original(
        work, work_url=request.build_absolute_uri(work.get_absolute_url())
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "public, no-cache" if public else "private, no-cache"
    return response


@require_GET
def submission_file(request: HttpRequest, name: str) -> HttpResponse:
    """Serve one stored submission file to a viewer allowed to see it.

    Checked on every request, and sent with ``no-cache`` so browsers and
    shared caches ask again each time (a cheap 304 while nothing changed):
    hiding a work makes its files unreachable to the public at once. The
    names are content hashes, so the name is the ETag.
    """
    found = find_submission_file(name=name, viewer=request.user)
    if found is not None and object_storage.s3_enabled():
        return _bucket_redirect(name, public=found.public)
    storage = private_storage()
    if found is None or not storage.exists(name):
        return _not_found(request)
    etag = f'"{name.rsplit("/", 1)[-1]}"'
    cache = "public, no-cache" if found.public else "private, no-cache"
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        not_modified["Cache-Control"] = cache
        return not_modified
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    accel = settings.ATELIER_PRIVATE_MEDIA_ACCEL_REDIRECT
    if accel:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = accel.rstrip("/") + "/" + name
    else:
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = cache
    return response


def _bucket_redirect(name: str, *, public: bool) -> HttpResponse:
    """Send the viewer to the file in the bucket, once the view has checked them.

    Accepted work's variants go to their public, cacheable address; anything
    else to a signed URL that stops working after ATELIER_SIGNED_URL_SECONDS.
    The redirect itself is never cached: the next request is checked again.
    """
    if public:
        response = HttpResponseRedirect(object_storage.public_url(name))
        response["Cache-Control"] = "public, no-cache"
    else:
        response = HttpResponseRedirect(object_storage.signed_url(name))
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def provenance(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        work = selectors.artwork(pk=pk)
    except Submission.DoesNotExist:
        return JsonResponse({"detail": "No such artwork."}, status=404)
    if not can_see_submission(submission=work, viewer=request.user):
        return JsonResponse({"detail": "No such artwork."}, status=404)
    base = request.build_absolute_uri("/").rstrip("/")
    return JsonResponse(
        selectors.provenance(submission=work, viewer=request.user, base_url=base),
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )


def provenance_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Show a work's provenance record as a page; the JSON is one link away."""
    try:
        work = selectors.artwork(pk=pk)
    except Submission.DoesNotExist:
        return _not_found(request)
    if not can_see_submission(submission=work, viewer=request.user):
        return _not_found(request)
    base = request.build_absolute_uri("/").rstrip("/")
    record = selectors.provenance(submission=work, viewer=request.user, base_url=base)
    return render(
        request,
        "gallery/provenance.html",
        {"work": work, "record": record, "license_url": LICENSE_URLS.get(work.license)},
    )


# The review queue ---------------------------------------------------------------


# Collections --------------------------------------------------------------------


@require_GET
def collection_list(request: HttpRequest) -> HttpResponse:
    """Staff exhibitions, then the community's latest public collections.

    With `?owner=<username>`, one person's public collections instead.
    """
    owner = request.GET.get("owner", "").strip()
    if owner:
        return render(
            request,
            "gallery/collections.html",
            {
                "owner": owner,
                "community": selectors.collection_list(featured=False).filter(
                    curated_by__username=owner
                )[:MAX_COLLECTIONS_PER_PERSON],
            },
        )
    staff = request.user.is_authenticated and request.user.is_staff
    community = selectors.collection_list(featured=False)
    return render(
        request,
        "gallery/collections.html",
        {
            "collections": selectors.collection_list(
                featured=True, include_unpublished=staff
            ),
            "community": community[: selectors.COMMUNITY_COLLECTIONS_SHOWN],
        },
    )


@login_required
@require_GET
def my_collections(request: HttpRequest) -> HttpResponse:
    """Every collection the person keeps, public and private."""
    return render(
        request,
        "gallery/my_collections.html",
        {
            "collections": selectors.my_collections(user=request.user),
            "limit": MAX_COLLECTIONS_PER_PERSON,
        },
    )


@require_GET
def collection(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        shown = selectors.collection_detail(slug=slug, viewer=request.user)
    except Collection.DoesNotExist:
        return _not_found(request)
    return render(
        request,
        "gallery/collection.html",
        {
            "collection": shown,
            "can_edit": may_edit_collection(collection=shown, viewer=request.user),
        },
    )


@login_required
def collection_new(request: HttpRequest) -> HttpResponse:
    staff = request.user.is_staff
    form = CollectionForm(request.POST or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            made = create_collection(
                by=request.user,
                title=form.cleaned_data["title"],
                statement=form.cleaned_data["statement"],
                published=form.cleaned_data["published"],
                featured=form.cleaned_data.get("featured", False),
            )
        except (AtelierError, ValidationError) as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, "Collection created. Add its works.")
            return redirect("gallery:collection-edit", slug=made.slug)
    return render(request, "gallery/collection_edit.html", {"form": form})


def _editable(request: HttpRequest, slug: str) -> Collection | HttpResponse:
    """The collection to edit, or the page to answer instead (404 or 403)."""
    try:
        shown = selectors.collection_detail(slug=slug, viewer=request.user)
    except Collection.DoesNotExist:
        return _not_found(request)
    if not may_edit_collection(collection=shown, viewer=request.user):
        return render(request, "403.html", status=403)
    return shown


@login_required
def collection_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """The owner (staff, for exhibitions) edits words, cover, visibility, order."""
    shown = _editable(request, slug)
    if isinstance(shown, HttpResponse):
        return shown
    staff = request.user.is_staff
    works = Submission.objects.filter(
        collection_items__collection=shown, state=Submission.State.ACCEPTED
    )
    initial = {
        "title": shown.title,
        "statement": shown.statement,
        "published": shown.published,
        "featured": shown.featured,
        "cover": shown.cover_id,
    }
    form = CollectionForm(initial=initial, works=works, staff=staff)
    add_form = AddWorkForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "save":
                form = CollectionForm(request.POST, works=works, staff=staff)
                if form.is_valid():
                    update_collection(
                        collection=shown, by=request.user, **form.cleaned_data
                    )
                    messages.success(request, "Collection saved.")
                    return redirect("gallery:collection-edit", slug=slug)
            elif action == "add":
                add_form = AddWorkForm(request.POST)
                if add_form.is_valid():
                    work = add_form.cleaned_data["work"]
                    add_to_collection(
                        collection=shown, by=request.user, submission=work
                    )
                    messages.success(request, f"Added “{work.title}”.")
                    return redirect("gallery:collection-edit", slug=slug)
            elif action in ("remove", "up", "down"):
                raw = request.POST.get("work", "")
                if not raw.isdecimal():
                    return _not_found(request)
                work = get_object_or_404(Submission, pk=int(raw))
                if action == "remove":
                    remove_from_collection(
                        collection=shown, by=request.user, submission=work
                    )
                    messages.info(request, f"Removed “{work.title}”.")
                else:
                    move_in_collection(
                        collection=shown,
                        by=request.user,
                        submission=work,
                        offset=-1 if action == "up" else 1,
                    )
                return redirect(
                    f"{request.path}#work-{work.pk}"
                    if action != "remove"
                    else request.path
                )
        except AtelierError as exc:
            messages.error(request, exc.message)
            return redirect("gallery:collection-edit", slug=slug)
    return render(
        request,
        "gallery/collection_edit.html",
        {"collection": shown, "form": form, "add_form": add_form},
    )


@login_required
@require_POST
def collection_delete(request: HttpRequest, slug: str) -> HttpResponse:
    """Delete a collection (its works stay in the gallery)."""
    shown = _editable(request, slug)
    if isinstance(shown, HttpResponse):
        return shown
    delete_collection(collection=shown, by=request.user)
    messages.info(request, f"Deleted the collection “{shown.title}”.")
    return redirect("gallery:my-collections")


def _picker_context(request: HttpRequest, work: Submission, **extra: object) -> dict:
    return {
        "work": work,
        "picker": selectors.collection_picker(submission=work, user=request.user),
        "picker_open": True,
        **extra,
    }


@login_required
@rate_limited("like")
def collection_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """The artwork page's "Add to collection" picker: GET shows it, POST files.

    A POST sends every checkbox shown (`collection`, the checked ids) and,
    optionally, the title of a new collection (`new_title`); the work ends
    up in exactly the checked ones. An HTMX request gets the picker back in
    place; otherwise the artwork page, with the outcome as a message.
    """
    work = get_object_or_404(Submission, pk=pk)
    if work.state != Submission.State.ACCEPTED:
        return _not_found(request)
    if request.method == "POST":
        keep = {int(v) for v in request.POST.getlist("collection") if v.isdecimal()}
        try:
            kept = file_work(
                submission=work,
                by=request.user,
                keep=keep,
                new_title=request.POST.get("new_title", "")[:120],
                new_public=request.POST.get("new_public") == "on",
            )
        except (AtelierError, ValidationError) as exc:
            text = error_text(exc)
            if not request.htmx:
                messages.error(request, text)
                return redirect(work)
            context = _picker_context(request, work, picker_error=text)
            return render(request, "gallery/_picker.html", context, status=409)
        if kept:
            names = ", ".join(f"“{c.title}”" for c in kept)
            note = f"In {names}."
        else:
            note = "Not in any of your collections."
        if not request.htmx:
            messages.success(request, note)
            return redirect(work)
        context = _picker_context(request, work, picker_message=note)
        return render(request, "gallery/_picker.html", context)
    if request.method != "GET":
        return HttpResponse(status=405)
    template = "gallery/_picker.html" if request.htmx else "gallery/picker.html"
    return render(request, template, _picker_context(request, work))
