"""Sign-up, verification, sign-in, password reset and their limits (allauth)."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress

from django.core import mail

from accounts.models import User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-test-password"
NEW_PASSWORD = "another-long-password-9"


def link_in(message) -> str:
    return re.search(r"http://testserver(/accounts/\S+/)", message.body).group(1)


def sign_up(client, username="nadia", email="nadia@example.test", **extra):
    return client.post(
        "/accounts/signup/",
        {
            "username": username,
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            **extra,
        },
    )


def test_sign_up_sends_a_confirmation_mail_with_plain_and_html_parts(client):
    response = sign_up(client, display_name="Nadia K.")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(username="nadia")
    assert user.display_name == "Nadia K."
    assert EmailAddress.objects.get(user=user).verified is False
    (message,) = mail.outbox
    assert message.to == ["nadia@example.test"]
    assert message.subject == "[Atelier] Confirm your e-mail address"
    assert "/accounts/confirm-email/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Confirm my address" in html


def test_sign_in_waits_for_the_confirmation_when_it_is_mandatory(client):
    sign_up(client)
    client.logout()
    mail.outbox.clear()
    response = client.post("/accounts/login/", {"login": "nadia", "password": PASSWORD})
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session
    assert mail.outbox == []  # the link from a moment ago still works


def test_opening_the_link_confirms_the_address_and_signs_in(client):
    sign_up(client)
    page = client.get(link_in(mail.outbox[0]))
    assert b"Confirm" in page.content
    response = client.post(link_in(mail.outbox[0]))
    assert response.status_code == 302
    assert EmailAddress.objects.get(email="nadia@example.test").verified is True
    assert client.get("/api/v1/me/").json()["username"] == "nadia"


def test_sign_up_is_optional_to_confirm_when_configured(client, settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "optional"
    sign_up(client)
    assert client.get("/api/v1/me/").json()["username"] == "nadia"


@pytest.mark.parametrize("login", ["ada", "ada@example.test", "ADA@example.test"])
def test_people_sign_in_by_username_or_email(client, login):
    UserFactory(username="ada")
    response = client.post("/accounts/login/", {"login": login, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/api/v1/me/").json()["username"] == "ada"


def test_signing_in_returns_to_the_page_the_person_was_on(client):
    UserFactory(username="ada")
    page = client.get("/leaderboard/?period=month")
    assert b'href="/accounts/login/?next=/leaderboard/%3Fperiod%3Dmonth"' in (
        page.content
    )
    response = client.post(
        "/accounts/login/?next=/leaderboard/%3Fperiod%3Dmonth",
        {"login": "ada", "password": PASSWORD, "next": "/leaderboard/?period=month"},
    )
    assert response["Location"] == "/leaderboard/?period=month"


def test_a_next_pointing_off_site_is_ignored(client):
    UserFactory(username="ada")
    response = client.post(
        "/accounts/login/",
        {"login": "ada", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/tasks/"


def test_sign_up_with_a_taken_email_looks_the_same_and_tells_the_owner(client):
    UserFactory(username="ada", email="ada@example.test")
    response = sign_up(client, username="mallory", email="ADA@example.test")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not User.objects.filter(username="mallory").exists()
    (message,) = mail.outbox
    assert message.to == ["ada@example.test"]
    assert "already uses this address" in message.body


def test_a_taken_username_is_refused_on_sign_up(client):
    """Usernames are public (artist pages), so saying one is taken reveals nothing."""
    UserFactory(username="ada")
    response = sign_up(client, username="Ada", email="new@example.test")
    assert response.status_code == 200
    assert b"username is already taken" in response.content.lower() or (
        b"already exists" in response.content
    )
    assert User.objects.filter(username__iexact="ada").count() == 1


def test_password_reset_by_mail_then_sign_in_with_the_new_password(client):
    UserFactory(username="ada")
    response = client.post("/accounts/password/reset/", {"email": "ada@example.test"})
    assert response["Location"] == "/accounts/password/reset/done/"
    (message,) = mail.outbox
    assert message.subject == "[Atelier] Reset your password"
    assert "Choose a new password" in message.alternatives[0][0]
    form = client.get(link_in(message), follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else link_in(message)
    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done["Location"] == "/accounts/password/reset/key/done/"
    assert client.login(username="ada", password=NEW_PASSWORD) is True


def test_password_reset_for_an_unknown_address_looks_the_same(client):
    response = client.post("/accounts/password/reset/", {"email": "who@example.test"})
    assert response["Location"] == "/accounts/password/reset/done/"
    (message,) = mail.outbox
    assert "no account uses this address" in message.body


def test_failed_sign_ins_are_limited_per_account(client):
    UserFactory(username="ada")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "ada", "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "ada", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed sign-ins" in response.content
    assert "_auth_user_id" not in client.session


def test_failed_sign_ins_are_limited_per_address(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "login_failed": "3/m/ip,50/5m/key",
    }
    UserFactory(username="ada")
    for name in ("x1", "x2", "x3"):
        client.post("/accounts/login/", {"login": name, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": "ada", "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content


def test_password_change_and_email_change_pages_work(client):
    user = UserFactory(username="ada")
    client.force_login(user)
    page = client.get("/accounts/password/change/")
    assert page.status_code == 200
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) is True
    mail.outbox.clear()
    assert client.get("/accounts/email/").status_code == 200
    client.post("/accounts/email/", {"email": "ada2@example.test", "action_add": ""})
    assert mail.outbox[-1].to == ["ada2@example.test"]
    client.post(link_in(mail.outbox[-1]))
    user.refresh_from_db()
    assert user.email == "ada2@example.test"


def test_account_pages_use_no_inline_styles_or_scripts(client):
    for path in ("/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"):
        html = client.get(path).content.decode()
        assert "style=" not in html, path
        assert "<script>" not in html, path
        assert 'class="account-page"' in html, path
