"""The gallery page and API: filters, every order, cursors, likes, query counts."""

import pytest

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from art_tasks.colours import colour_family, family_of
from art_tasks.models import License
from gallery.selectors import gallery_list
from gallery.services import layout_discover, like_work
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory, submitted_work
from tests.curation.factories import decided_work
from tests.images import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def gallery(staff, curators, roomy_task):
    """Five accepted works over two tasks, two licences and two colours."""
    roomy_task.tags.create(name="harbour")
    cc0 = OpenTaskFactory(created_by=staff, title="Public", license=License.CC0)
    specs = [
        ("red dawn", roomy_task, (200, 30, 30), [5, 5, 5]),
        ("blue hour", roomy_task, (30, 60, 200), [5, 5, 4]),
        ("blue lagoon", cc0, (20, 70, 210), [5, 4, 4]),
        ("green field", roomy_task, (40, 160, 60), [4, 4, 4]),
        ("red door", cc0, (210, 20, 40), [4, 4, 3]),
    ]
    works = []
    for title, task, colour, scores in specs:
        artist = UserFactory(username=title.replace(" ", "-"))
        image = png_bytes((96, 64), colour)
        works.append(
            decided_work(
                task=task,
                artist=artist,
                title=title,
                image=image,
                curators=curators,
                scores=scores,
            )
        )
    layout_discover()
    return works


def api_titles(url: str, client=None) -> list[str]:
    return [w["title"] for w in (client or APIClient()).get(url).json()["results"]]


def test_processing_names_the_dominant_colour(gallery):
    assert [w.colour_family for w in gallery] == ["red", "blue", "blue", "green", "red"]
    assert family_of("#f28c28") == "orange"
    assert family_of("#8a5a35") == "brown"
    assert family_of("#f0f0f0") == "white"
    assert family_of("#777777") == "grey"
    assert family_of("#0a0a0a") == "black"
    assert family_of("#f4a6c8") == "pink"
    assert colour_family(["nonsense", "#7d4bb3"]) == "purple"


def test_filters_by_tag_task_artist_licence_and_colour(gallery):
    cc0_task = gallery[2].task_id
    assert api_titles("/api/v1/gallery/?colour=blue") == ["blue hour", "blue lagoon"]
    assert api_titles("/api/v1/gallery/?license=CC0-1.0") == ["blue lagoon", "red door"]
    assert api_titles(f"/api/v1/gallery/?task={cc0_task}&colour=red") == ["red door"]
    assert api_titles("/api/v1/gallery/?tag=harbour&colour=red") == ["red dawn"]
    assert api_titles("/api/v1/gallery/?artist=green-field") == ["green field"]
    assert api_titles("/api/v1/gallery/?colour=mauve") == [w.title for w in gallery]


def test_the_artist_filter_finds_display_names_in_any_case_in_two_queries(
    client, gallery, django_assert_num_queries
):
    artist = gallery[1].artist
    artist.display_name = "Ada Lovelace"
    artist.save(update_fields=["display_name"])
    assert api_titles("/api/v1/gallery/?artist=ada") == ["blue hour"]
    assert api_titles("/api/v1/gallery/?artist=LOVELACE") == ["blue hour"]
    assert api_titles("/api/v1/gallery/?artist=Green-Field") == ["green field"]
    assert api_titles("/api/v1/gallery/?artist=door") == ["red door"]  # Red-Door
    assert api_titles("/api/v1/gallery/?artist=nobody") == []
    # The name is resolved to artists first, then their works are read.
    with django_assert_num_queries(2):
        assert [w.title for w in gallery_list(artist="ada lovelace")] == ["blue hour"]
    page = client.get("/?artist=Ada").content.decode()
    assert "blue hour" in page
    assert "red dawn" not in page


def test_the_page_filters_too_and_says_when_nothing_matches(client, gallery):
    page = client.get("/?colour=blue&order=new").content.decode()
    assert "blue lagoon" in page
    assert "red dawn" not in page
    assert 'aria-current="page">Newest' in page
    empty = client.get("/?colour=pink").content.decode()
    assert "Nothing matches these filters" in empty


@pytest.mark.parametrize("order", ["top", "popular", "trending", "new", "discover"])
def test_cursor_pages_walk_every_order_without_repeats(gallery, order):
    client = APIClient()
    expected = api_titles(f"/api/v1/gallery/?order={order}&page_size=100")
    url = f"/api/v1/gallery/?order={order}&page_size=2"
    seen = []
    while url:
        page = client.get(url).json()
        assert len(page["results"]) <= 2
        seen += [w["title"] for w in page["results"]]
        url = page["next"]
    assert seen == expected
    assert len(seen) == (3 if order == "discover" else 5)


def test_a_damaged_cursor_is_a_clear_400_and_the_page_starts_over(client, gallery):
    response = APIClient().get("/api/v1/gallery/?cursor=not-a-cursor")
    assert response.status_code == 400
    assert "start from the first page" in response.json()["detail"]
    page = client.get("/?order=new&cursor=bad!", follow=True)
    assert page.redirect_chain[-1][0] == "/?order=new"
    assert "start from the first page" in page.content.decode()


def test_infinite_scroll_fetches_the_next_cards_when_revealed(
    client, gallery, settings
):
    settings.ATELIER_GALLERY_PAGE_SIZE = 2
    first = client.get("/?order=top").content.decode()
    assert first.count('class="card"') == 2
    assert 'hx-trigger="revealed"' in first
    start = first.index('class="more" href="') + len('class="more" href="')
    next_url = first[start : first.index('"', start)].replace("&amp;", "&")
    fragment = client.get(next_url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    assert fragment.count('class="card"') == 2
    assert "blue lagoon" in fragment
    assert 'hx-trigger="revealed"' in fragment


def test_cards_offer_both_webp_variants_with_sizes(client, gallery):
    page = client.get("/").content.decode()
    work = gallery[0]
    # 96×64 originals: the variants keep their size (never upscaled).
    assert f'srcset="{work.thumbnail.url} 96w, {work.web.url} 96w"' in page
    assert 'sizes="(max-width: 600px)' in page
    assert 'loading="lazy"' in page


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_list_pages_cost_a_fixed_number_of_queries(
    client, gallery, curators, roomy_task, django_assert_num_queries
):
    fan = UserFactory(username="counting-fan")
    signed_in = APIClient()
    signed_in.force_authenticate(fan)
    browser = type(client)()
    browser.force_login(fan)
    small = {
        "page": _count(lambda: client.get("/")),
        "browser": _count(lambda: browser.get("/")),
    }
    for i in range(8):
        artist = UserFactory(username=f"more{i}")
        decided_work(
            task=roomy_task,
            artist=artist,
            title=f"more{i}",
            curators=curators,
            scores=[4, 4, 4],
        )
    like_work(submission=gallery[0], user=fan)
    cache.clear()
    with django_assert_num_queries(2):  # works; tags and tasks together
        assert client.get("/").status_code == 200
    with django_assert_num_queries(1):  # works; the filter choices are shared
        assert client.get("/").status_code == 200
    with django_assert_num_queries(1):  # works, likes joined in
        assert len(APIClient().get("/api/v1/gallery/").json()["results"]) == 13
    with django_assert_num_queries(0):  # the same anonymous page, shared
        assert len(APIClient().get("/api/v1/gallery/").json()["results"]) == 13
    with django_assert_num_queries(1):
        results = signed_in.get("/api/v1/gallery/").json()["results"]
    assert [w["liked"] for w in results if w["title"] == "red dawn"] == [True]
    with django_assert_num_queries(1):  # an infinite-scroll page
        client.get("/?order=new", HTTP_HX_REQUEST="true")
    cache.clear()
    assert _count(lambda: client.get("/")) == small["page"]
    assert _count(lambda: browser.get("/")) == small["browser"]


def test_like_buttons_toggle_in_place_with_htmx(client, gallery):
    fan = UserFactory(username="htmx-fan")
    client.force_login(fan)
    work = gallery[1]
    liked = client.post(f"/art/{work.pk}/like/", HTTP_HX_REQUEST="true")
    html = liked.content.decode()
    assert "<html" not in html
    assert 'aria-pressed="true"' in html
    assert f'action="/art/{work.pk}/unlike/"' in html
    assert '<span class="count">1</span>' in html
    unliked = client.post(f"/art/{work.pk}/unlike/", HTTP_HX_REQUEST="true").content
    assert b'aria-pressed="false"' in unliked
    assert b'<span class="count">0</span>' in unliked
    page = client.get("/").content.decode()
    assert f'hx-post="/art/{work.pk}/like/"' in page


def test_the_like_api_likes_and_unlikes(gallery):
    fan = APIClient()
    fan.force_authenticate(UserFactory(username="api-fan"))
    url = f"/api/v1/submissions/{gallery[0].pk}/like/"
    assert fan.post(url).json() == {
        "submission": gallery[0].pk,
        "like_count": 1,
        "liked": True,
    }
    assert fan.post(url).json()["like_count"] == 1
    assert fan.delete(url).json() == {
        "submission": gallery[0].pk,
        "like_count": 0,
        "liked": False,
    }
    assert APIClient().post(url).status_code in (401, 403)
    own = APIClient()
    own.force_authenticate(gallery[0].artist)
    refused = own.post(url)
    assert refused.status_code == 403
    assert refused.json()["code"] == "like_own_work"


def test_work_in_review_cannot_be_liked(open_task, artist):
    work = submitted_work(task=open_task, artist=artist)
    fan = APIClient()
    fan.force_authenticate(UserFactory(username="early"))
    response = fan.post(f"/api/v1/submissions/{work.pk}/like/")
    assert response.status_code == 404
    assert "No such artwork" in response.json()["detail"]


def test_the_task_box_finds_work_by_words_of_a_task_title(client, gallery, roomy_task):
    # An exact title (as picked from the suggestions) names that task only.
    page = client.get("/", {"task": "public"}).content.decode()
    assert "blue lagoon" in page
    assert "red door" in page
    assert "red dawn" not in page
    assert 'value="public"' in page  # the words stay in the box
    # Other words find every task whose title has them.
    words = roomy_task.title.split()[0].lower()
    page = client.get("/", {"task": words}).content.decode()
    assert "red dawn" in page
    assert "blue lagoon" not in page
    nothing = client.get("/", {"task": "no such task"}).content.decode()
    assert "Nothing matches" in nothing


def test_a_task_chosen_by_id_shows_its_title_in_the_box(client, gallery):
    task = gallery[2].task
    page = client.get("/", {"task": task.pk}).content.decode()
    assert f'name="task" value="{task.title}"' in page
    assert "red dawn" not in page


def test_the_task_suggestions_are_the_busiest_tasks_with_accepted_work(
    client, gallery, roomy_task, staff
):
    OpenTaskFactory(created_by=staff, title="Nobody's yet")
    page = client.get("/").content.decode()
    suggestions = page.split('<datalist id="gallery-tasks">')[1].split("</datalist>")[0]
    # The task with three works first, then the one with two; none without.
    assert suggestions == (
        f'<option value="{roomy_task.title}"></option><option value="Public"></option>'
    )


def test_cards_escape_what_people_typed(client, gallery):
    work = gallery[0]
    work.title = '<b>"bold"</b>'
    work.save(update_fields=["title"])
    work.artist.display_name = "<i>me</i>"
    work.artist.save(update_fields=["display_name"])
    page = client.get("/?order=new").content.decode()
    assert "<b>" not in page
    assert "&lt;b&gt;&quot;bold&quot;&lt;/b&gt;" in page
    assert "&lt;i&gt;me&lt;/i&gt;" in page
    assert f'href="/art/{work.pk}/"' in page
    assert f'href="/artists/{work.artist.username}/"' in page
