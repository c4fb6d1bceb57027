"""Ways in: API tokens beside a session cookie, and staff pages for visitors."""

import pytest

from rest_framework.test import APIClient

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

STAFF_PAGES = [
    "/staff/publish/",
    "/staff/status/",
    "/staff/generators/",
]


def test_a_client_with_a_session_cookie_still_gets_a_token(artist):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(artist)  # a browser session rides along, without CSRF
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "artist", "password": "a-long-test-password"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["token"].startswith("atl_")


def test_a_wrong_password_is_refused_with_or_without_a_session(artist):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(UserFactory(username="someone"))
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "artist", "password": "nope"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "bad_credentials"


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_visitors_to_staff_pages_go_to_the_sites_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"
    assert "/admin/" not in response["Location"]


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_members_who_are_not_staff_get_a_403_page(client, url):
    client.force_login(UserFactory(username="member"))
    response = client.get(url)
    assert response.status_code == 403
    assert "This page is for staff." in response.content.decode()


def test_staff_open_the_staff_pages(client, staff):
    client.force_login(staff)
    assert client.get("/staff/publish/").status_code == 200
