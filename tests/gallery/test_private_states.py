"""Work outside the gallery answers like missing work, whatever its state."""

import pytest

from rest_framework.test import APIClient

from moderation.services import hide_work
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import submitted_work

pytestmark = pytest.mark.django_db


def fan_api() -> APIClient:
    client = APIClient()
    client.force_authenticate(UserFactory(username="fan"))
    return client


@pytest.fixture
def in_review(open_task, artist):
    return submitted_work(task=open_task, artist=artist, title="Unseen")


@pytest.fixture
def hidden(accepted_work, staff):
    work = accepted_work("Taken down")
    hide_work(submission=work, actor=staff, reason="Copied.")
    return work


@pytest.mark.parametrize("which", ["in_review", "hidden"])
def test_liking_work_outside_the_gallery_is_a_404_like_missing_work(which, request):
    work = request.getfixturevalue(which)
    client = fan_api()
    for method in (client.post, client.delete):
        response = method(f"/api/v1/submissions/{work.pk}/like/")
        assert response.status_code == 404
        missing = method("/api/v1/submissions/999999/like/")
        assert missing.status_code == 404
        assert str(work.state) not in response.content.decode()
        assert "like_count" not in response.json()


@pytest.mark.parametrize("which", ["in_review", "hidden"])
def test_the_like_buttons_answer_404_for_work_outside_the_gallery(
    client, which, request
):
    work = request.getfixturevalue(which)
    client.force_login(UserFactory(username="fan"))
    for action in ("like", "unlike"):
        response = client.post(f"/art/{work.pk}/{action}/", HTTP_HX_REQUEST="true")
        assert response.status_code == 404


@pytest.mark.parametrize("which", ["in_review", "hidden"])
def test_reporting_work_outside_the_gallery_is_a_404_for_strangers(which, request):
    work = request.getfixturevalue(which)
    response = fan_api().post(
        f"/api/v1/submissions/{work.pk}/reports/", {"reason": "spam"}, format="json"
    )
    assert response.status_code == 404
    assert "hidden" not in response.json()["detail"]
