"""`manage.py setup_demo` gives a first-time visitor a working site."""

import pytest

from django.contrib.auth import authenticate
from django.core.management import call_command

from art_tasks.models import CreationTask, Submission

pytestmark = pytest.mark.django_db


def test_setup_demo_creates_accounts_open_tasks_and_a_gallery_once(capsys):
    call_command("setup_demo", "--seeds", "6", "--size", "64")
    out = capsys.readouterr().out
    assert "curator1" in out
    assert "gallery-wall-22" in out
    assert authenticate(username="staff", password="brush-and-easel-1").is_staff is True
    assert (
        authenticate(username="curator1", password="gallery-wall-22").is_curator is True
    )
    tasks = CreationTask.objects.all()
    assert {t.state for t in tasks} == {"open"}
    assert all(t.seeds.count() == 6 for t in tasks)
    states = sorted(Submission.objects.values_list("state", flat=True))
    assert states == ["accepted"] * 5 + ["rejected"]

    call_command("setup_demo", "--seeds", "6", "--size", "64")
    assert CreationTask.objects.count() == 2
    assert Submission.objects.count() == 6


def test_demo_accounts_sign_in_where_verification_is_mandatory(client, settings):
    from allauth.account.models import EmailAddress

    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    call_command("setup_demo", "--seeds", "6", "--size", "64")
    assert EmailAddress.objects.filter(verified=False).count() == 0
    response = client.post(
        "/accounts/login/", {"login": "curator1", "password": "gallery-wall-22"}
    )
    assert response.status_code == 302
    assert client.get("/api/v1/me/").json()["username"] == "curator1"
