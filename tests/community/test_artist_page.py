"""An artist's page: their standing and their work, a page of cards at a time."""

import re

import pytest

from tests.art_tasks.factories import OpenTaskFactory
from tests.curation.factories import decided_work

pytestmark = pytest.mark.django_db


@pytest.fixture
def prolific(artist, curators, staff):
    """Five accepted works by `artist`, each on a task of its own."""
    return [
        decided_work(
            task=OpenTaskFactory(created_by=staff, title=f"Study {i}"),
            artist=artist,
            title=f"work {i}",
            curators=curators,
            scores=[4, 4, 4],
        )
        for i in range(5)
    ]


def _titles(html: str) -> list[str]:
    return re.findall(r'class="title" href="[^"]+">([^<]+)</a>', html)


def test_the_artist_page_shows_the_newest_work_then_loads_the_rest(
    client, artist, prolific, settings, django_assert_max_num_queries
):
    settings.ATELIER_GALLERY_PAGE_SIZE = 2
    # the artist with standing, wins and the seeds they kept in the lab, a
    # page, their public collections
    with django_assert_max_num_queries(3):
        first = client.get(f"/artists/{artist.username}/").content.decode()
    assert _titles(first) == ["work 4", "work 3"]
    assert "Accepted</dt><dd>5" in first
    more = re.search(r'hx-get="([^"]+)"', first).group(1).replace("&amp;", "&")
    second = client.get(more, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in second  # just the cards
    assert _titles(second) == ["work 2", "work 1"]
    third_url = re.search(r'hx-get="([^"]+)"', second).group(1).replace("&amp;", "&")
    third = client.get(third_url, HTTP_HX_REQUEST="true").content.decode()
    assert _titles(third) == ["work 0"]
    assert "data-next-page" not in third
    # Without JavaScript the link is a page of its own.
    page = client.get(more).content.decode()
    assert _titles(page) == ["work 2", "work 1"]
    assert "Back to the newest work" in page


def test_a_damaged_cursor_starts_the_artist_page_over(client, artist, prolific):
    response = client.get(f"/artists/{artist.username}/?cursor=nonsense", follow=True)
    assert response.redirect_chain[-1][0] == f"/artists/{artist.username}/"
    assert "start from the first page" in response.content.decode()


def test_a_signed_in_visitor_sees_their_likes_on_the_artist_page(
    client, artist, prolific
):
    from gallery.services import like_work
    from tests.accounts.factories import UserFactory

    fan = UserFactory(username="keen")
    like_work(submission=prolific[4], user=fan)
    client.force_login(fan)
    page = client.get(f"/artists/{artist.username}/").content.decode()
    assert page.count('aria-pressed="true"') == 1
    assert f'action="/art/{prolific[4].pk}/unlike/"' in page
