"""Gallery cards and like buttons, rendered in Python.

A gallery page shows dozens of cards. As a template include each card
reversed two URLs, asked the storage for two file URLs and rendered the
like box (another include, a third URL and a CSRF token) — most of the
page's time. Here the fixed parts (URL prefixes, the storage's base URL,
the viewer's CSRF field) are worked out once per page and each card is
filled in by string formatting, with every value escaped.

``{% work_card work %}`` draws one card; ``{% like_box work %}`` the like
control alone (the artwork page and the like button's HTMX answer).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import quote

from django import template
from django.core.files.storage import FileSystemStorage
from django.urls import reverse
from django.utils.encoding import filepath_to_uri
from django.utils.functional import LazyObject, empty
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from art_tasks.models import Submission
from art_tasks.templatetags.atelier import THUMB_SIDE, WEB_SIDE, _fit_width

register = template.Library()

SIZES = (
    "(max-width: 600px) calc(100vw - 2.5rem), (max-width: 900px) calc(50vw - 2rem),"
    " (max-width: 1280px) calc(33vw - 2rem), 400px"
)
_PK = 2_147_000_001  # a placeholder id, split out of a reversed URL
_NAME = "zz-placeholder-zz"
NO_CSRF_TOKEN = "NOTPROVIDED"  # noqa: S105 - what Django's context says without one
PATH_SAFE = "!$&'()*+,;=/~:@"  # what reverse() leaves unquoted in a path


def _split(name: str, **kwargs: Any) -> tuple[str, str]:
    placeholder = str(_PK) if "pk" in kwargs else _NAME
    prefix, suffix = reverse(name, kwargs=kwargs).split(placeholder)
    return prefix, suffix


def _storage(field: str) -> Any:
    storage = Submission._meta.get_field(field).storage
    if isinstance(storage, LazyObject):
        if storage._wrapped is empty:
            storage._setup()
        return storage._wrapped
    return storage


class Links:
    """The URL parts every card of a page shares, worked out once per page.

    (Not once per process: tests and settings may swap the storage.)
    """

    def __init__(self) -> None:
        self.artwork = _split("gallery:artwork", pk=_PK)
        self.like = _split("gallery:like", pk=_PK)
        self.unlike = _split("gallery:unlike", pk=_PK)
        self.artist = _split("community:artist", username=_NAME)
        tag_prefix, tag_suffix = reverse("gallery:tag", args=[_NAME]).split(_NAME)
        self.tag = (tag_prefix, tag_suffix)
        self.login = reverse("accounts:login")
        self.storages = {name: _storage(name) for name in ("web", "thumbnail")}
        # Local disk: a file's URL is its base URL and its quoted name.
        self.bases = {
            name: storage.base_url
            if isinstance(storage, FileSystemStorage)
            and type(storage).url is FileSystemStorage.url
            and storage.base_url.endswith("/")
            else None
            for name, storage in self.storages.items()
        }

    def file_url(self, field: str, name: str) -> str:
        if not name:
            return ""
        storage = self.storages[field]
        base = self.bases[field]
        if base is not None:
            return base + filepath_to_uri(name).lstrip("/")
        return storage.url(name)


def _page_parts(context: template.Context) -> dict[str, Any]:
    """The viewer's share of every card on this page, kept in the context."""
    found = context.render_context.get("gallery_cards")
    if found is not None:
        return found
    request = context.get("request")
    user = context.get("user")
    signed_in = bool(user is not None and user.is_authenticated)
    token = context.get("csrf_token")
    path = request.get_full_path() if request is not None else "/"
    parts = {
        "links": Links(),
        "user_id": user.pk if signed_in else None,
        "csrf": (
            f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
            if token and token != NO_CSRF_TOKEN
            else ""
        ),
        "path": path,
        "login": "",
    }
    parts["login"] = f"{parts['links'].login}?next={quote(path, safe='/')}"
    context.render_context["gallery_cards"] = parts
    return parts


def _likes(n: int) -> str:
    return f"{n} like{'' if n == 1 else 's'}"


def _like_html(work: Any, parts: dict[str, Any], nxt: str, error: str) -> str:
    links = parts["links"]
    pk = work.pk
    count = work.like_count
    title = escape(work.title)
    user_id = parts["user_id"]
    if user_id is not None and user_id != work.artist_id:
        liked = bool(getattr(work, "liked", False))
        url = links.unlike if liked else links.like
        url = f"{url[0]}{pk}{url[1]}"
        label = f"{'Unlike' if liked else 'Like'} “{title}”, {_likes(count)}"
        inner = (
            f'<form method="post" action="{url}" hx-post="{url}"'
            f' hx-target="#like-{pk}" hx-swap="outerHTML">{parts["csrf"]}'
            f'<input type="hidden" name="next" value="{escape(nxt)}">'
            f'<button type="submit" class="like-btn{" liked" if liked else ""}"'
            f' aria-pressed="{"true" if liked else "false"}" aria-label="{label}">'
            f'<span aria-hidden="true">{"♥" if liked else "♡"}</span>'
            f' <span class="count">{count}</span></button></form>'
        )
    elif user_id is not None:
        inner = (
            '<span class="like-btn static" title="Likes of your work">♥'
            f' <span class="count">{count}</span></span>'
        )
    else:
        inner = (
            f'<a class="like-btn" href="{escape(parts["login"])}"'
            f' aria-label="Sign in to like “{title}”, {_likes(count)}">'
            '<span aria-hidden="true">♡</span>'
            f' <span class="count">{count}</span></a>'
        )
    if error:
        inner += f'<small class="like-error" role="alert">{escape(error)}</small>'
    return f'<div class="like-box" id="like-{pk}">{inner}</div>'


@register.simple_tag(takes_context=True)
def like_box(context: template.Context, work: Any) -> SafeString:
    """The like control of one accepted work; HTMX swaps it in place."""
    parts = _page_parts(context)
    nxt = context.get("next") or parts["path"]
    return mark_safe(_like_html(work, parts, nxt, context.get("error") or ""))  # noqa: S308 - escaped above


CARD_TAGS = 3  # a card shows its first few tags; the artwork page all


def _tag_chips(links: Links, names: Any) -> str:
    """The links to the tag pages of a card's first `CARD_TAGS` tags.

    Out of the tab order, as the artist's name is: a card is one stop (its
    title); the artwork page links every tag.
    """
    if not names:
        return ""
    chips = "".join(
        f'<a class="chip" href="{links.tag[0]}{quote(name, safe=PATH_SAFE)}'
        f'{links.tag[1]}" tabindex="-1">#{escape(name)}</a>'
        for name in list(names)[:CARD_TAGS]
    )
    return f'<span class="card-tags">{chips}</span>'


@register.simple_tag(takes_context=True)
def work_card(context: template.Context, work: Any) -> SafeString:
    """One gallery card: image, title, artist, score, likes and comments."""
    parts = _page_parts(context)
    links = parts["links"]
    pk = work.pk
    artist = work.artist
    url = f"{links.artwork[0]}{pk}{links.artwork[1]}"
    artist_url = (
        f"{links.artist[0]}{quote(artist.username, safe=PATH_SAFE)}{links.artist[1]}"
    )
    width, height = work.width, work.height
    thumb = links.file_url("thumbnail", work.thumbnail.name)
    web = links.file_url("web", work.web.name)
    srcset = []
    if thumb:
        srcset.append(f"{thumb} {_fit_width(width, height, THUMB_SIDE)}w")
    if web:
        srcset.append(f"{web} {_fit_width(width, height, WEB_SIDE)}w")
    score = ""
    if work.score:
        shown = Decimal(work.score).quantize(Decimal("0.01"), ROUND_HALF_UP)
        score = f'· <span class="score" title="Mean curator score">★ {shown}</span>'
    like = ""
    comments = ""
    if work.state == Submission.State.ACCEPTED:
        like = _like_html(work, parts, parts["path"], "")
        count = work.comment_count
        if count:
            noun = "comment" if count == 1 else "comments"
            comments = (
                f' <a class="comment-count" href="{url}#comments"'
                f' aria-label="{count} {noun}"><span aria-hidden="true">💬</span>'
                f" {count}</a>"
            )
    title = escape(work.title)
    # Badges an app above sets on the work (community: challenge wins).
    badges = "".join(
        f'<a class="badge winner" href="{escape(href)}">{escape(label)}</a>'
        for label, href in getattr(work, "badges", ())
    )
    if badges:
        badges = f'<span class="card-badges">{badges}</span>'
    tags = _tag_chips(links, getattr(work, "tag_names", None) or ())
    html = (
        f'<figure class="card" data-work="{pk}">'
        f'<a class="card-img" href="{url}" tabindex="-1" aria-hidden="true">'
        f'<img src="{escape(thumb)}" srcset="{escape(", ".join(srcset))}"'
        f' sizes="{SIZES}" alt="" loading="lazy" decoding="async"'
        f' width="{width or ""}" height="{height or ""}"></a>'
        f'<figcaption><a class="title" href="{url}">{title}</a>'
        f' <span class="meta">by <a href="{escape(artist_url)}" tabindex="-1">'
        f"{escape(artist.shown_name)}</a> {score}</span>"
        f"{badges}{like}{comments}{tags}</figcaption></figure>"
    )
    return mark_safe(html)  # noqa: S308 - every value escaped above


@register.simple_tag
def options(choices: Any, selected: Any = None) -> SafeString:
    """The ``<option>``s of a filter's select, `selected` marked.

    `choices` are ``(value, label)`` pairs, or plain values shown as they are.
    """
    chosen = "" if selected is None else str(selected)
    html = []
    for choice in choices:
        value, label = choice if isinstance(choice, list | tuple) else (choice, choice)
        value = str(value)
        mark = " selected" if value == chosen else ""
        html.append(f'<option value="{escape(value)}"{mark}>{escape(label)}</option>')
    return mark_safe("".join(html))  # noqa: S308 - every value escaped above
