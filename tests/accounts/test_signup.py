"""Sign-up never tells who has an account, and one address is one account."""

import pytest

from django.core import mail

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password-9"


def form(**extra) -> dict:
    return {
        "username": "newcomer",
        "email": "newcomer@example.test",
        "display_name": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        **extra,
    }


def test_a_new_visitor_joins_and_is_signed_in(client):
    response = client.post("/accounts/signup/", form())
    assert response.status_code == 302
    assert User.objects.get(username="newcomer").email == "newcomer@example.test"
    assert client.get("/notifications/").status_code == 200


def test_a_taken_username_gets_the_same_words_as_any_unusable_one(client):
    UserFactory(username="ada")
    page = client.post("/accounts/signup/", form(username="ADA")).content.decode()
    assert "This username is not available" in page
    assert "already exists" not in page
    assert User.objects.filter(username__iexact="ada").count() == 1


def test_another_accounts_address_makes_no_account_and_tells_its_owner(
    client, django_capture_on_commit_callbacks, eager_celery
):
    UserFactory(username="ada", email="ada@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/signup/", form(email="Ada@Example.test"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Check your inbox" in page
    assert "ada" not in page.lower().replace("ada@example.test", "")
    assert not User.objects.filter(username="newcomer").exists()
    assert "_auth_user_id" not in client.session
    [message] = mail.outbox
    assert message.to == ["ada@example.test"]
    assert "tried to create a new Atelier account" in message.body
