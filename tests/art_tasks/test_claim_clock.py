"""The claim clock: extensions, deadline changes, and late uploads kept as drafts."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from art_tasks.errors import (
    ClaimEndedDraftKept,
    ClaimLimitReached,
    ClaimNotLive,
    DeadlineBeforeLiveClaim,
    DeadlineReached,
    NoExtensionLeft,
    NotYourClaim,
)
from art_tasks.models import Claim, Submission, SubmissionDraft
from art_tasks.services import (
    change_deadline,
    claim_task,
    delete_old_drafts,
    extend_claim,
    release_claim,
    submit_draft,
    submit_work_or_keep_draft,
)
from art_tasks.storage import private_storage
from core.errors import NotAllowed
from tests.accounts.factories import UserFactory
from tests.art_tasks.factories import OpenTaskFactory
from tests.images import png_bytes

pytestmark = pytest.mark.django_db


def _run_out(claim: Claim) -> Claim:
    """Let `claim`'s time run out, as the clock would."""
    Claim.objects.filter(pk=claim.pk).update(
        claimed_at=timezone.now() - timedelta(hours=2),
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    claim.refresh_from_db()
    return claim


def _upload(content: bytes | None = None, name: str = "work.png") -> io.BytesIO:
    upload = io.BytesIO(content if content is not None else png_bytes((48, 32)))
    upload.name = name
    return upload


def _late_draft(claim: Claim, **kwargs) -> SubmissionDraft:
    with pytest.raises(ClaimEndedDraftKept) as kept:
        submit_work_or_keep_draft(
            claim=claim,
            user=claim.contributor,
            seed=claim.task.seeds.first(),
            image=kwargs.pop("image", _upload()),
            title=kwargs.pop("title", "Dusk"),
            statement=kwargs.pop("statement", "Made at dusk."),
            license=claim.task.license,
        )
    return SubmissionDraft.objects.get(pk=kept.value.extra["draft"])


# Extensions -----------------------------------------------------------------------


def test_an_extension_adds_the_claim_time_once_and_is_recorded(open_task, artist):
    claim = claim_task(task=open_task, user=artist)
    first_end = claim.expires_at
    extended = extend_claim(claim=claim, user=artist)
    assert extended.expires_at == first_end + timedelta(hours=2)
    assert extended.extensions_used == 1
    assert extended.extended_at is not None
    with pytest.raises(NoExtensionLeft, match="used the 1 extension this task allows"):
        extend_claim(claim=claim, user=artist)
    claim.refresh_from_db()
    assert claim.expires_at == first_end + timedelta(hours=2)


def test_a_task_may_allow_more_extensions_or_none(staff, artist):
    two = OpenTaskFactory(created_by=staff, claim_extensions=2)
    claim = claim_task(task=two, user=artist)
    extend_claim(claim=claim, user=artist)
    assert extend_claim(claim=claim, user=artist).extensions_used == 2
    none = OpenTaskFactory(created_by=staff, claim_extensions=0)
    other = claim_task(task=none, user=artist)
    with pytest.raises(NoExtensionLeft, match="cannot be extended"):
        extend_claim(claim=other, user=artist)


def test_an_extension_stops_at_the_deadline_and_then_is_refused(staff, artist):
    deadline = timezone.now() + timedelta(hours=3)
    task = OpenTaskFactory(created_by=staff, deadline=deadline, claim_extensions=2)
    claim = claim_task(task=task, user=artist)
    assert extend_claim(claim=claim, user=artist).expires_at == deadline
    with pytest.raises(DeadlineReached, match="already ends at the task's deadline"):
        extend_claim(claim=claim, user=artist)
    claim.refresh_from_db()
    assert claim.extensions_used == 1


def test_only_the_holder_extends_a_live_claim(open_task, artist):
    claim = claim_task(task=open_task, user=artist)
    with pytest.raises(NotYourClaim, match="Only the person holding a claim"):
        extend_claim(claim=claim, user=UserFactory(username="stranger"))
    _run_out(claim)
    with pytest.raises(ClaimNotLive, match="Your claim ended at .* UTC; claim"):
        extend_claim(claim=claim, user=artist)
    other = claim_task(task=OpenTaskFactory(), user=artist)
    release_claim(claim=other, user=artist)
    with pytest.raises(ClaimNotLive, match="This claim is released"):
        extend_claim(claim=other, user=artist)


def test_the_api_extends_and_refuses_with_a_reason(open_task, artist):
    claim = claim_task(task=open_task, user=artist)
    client = APIClient()
    client.force_authenticate(artist)
    before = client.get("/api/v1/claims/").json()["results"][0]
    assert before["extensions_left"] == 1
    assert before["extends_to"] is not None
    first = client.post(f"/api/v1/claims/{claim.pk}/extend/")
    assert first.status_code == 200
    body = first.json()
    assert body["extensions_used"] == 1
    assert body["extensions_left"] == 0
    assert body["extends_to"] is None
    assert body["seconds_left"] > 4 * 3600 - 60
    again = client.post(f"/api/v1/claims/{claim.pk}/extend/")
    assert again.status_code == 409
    assert again.json()["code"] == "no_extension_left"
    assert "used the 1 extension" in again.json()["detail"]
    stranger = APIClient()
    stranger.force_authenticate(UserFactory(username="stranger"))
    refused = stranger.post(f"/api/v1/claims/{claim.pk}/extend/")
    assert refused.status_code == 403
    assert "Only the person holding a claim" in refused.json()["detail"]


def test_the_task_page_shows_the_end_time_and_extends(client, open_task, artist):
    claim = claim_task(task=open_task, user=artist)
    client.force_login(artist)
    page = client.get(open_task.get_absolute_url()).content.decode()
    end = claim.expires_at.strftime("%-d %b %Y, %H:%M")
    assert f'<time class="local-time" datetime="{claim.expires_at.isoformat()}' in page
    assert f"{end} UTC</time>" in page
    assert "Extend to" in page
    assert "1 extension left" in page
    response = client.post(f"/claims/{claim.pk}/extend/", follow=True)
    page = response.content.decode()
    assert "Claim extended: it now ends at" in page
    assert "No extensions left." in page
    assert "Extend to" not in page


# Deadlines ------------------------------------------------------------------------


def test_staff_extend_a_deadline_but_never_below_a_live_claim(staff, artist):
    task = OpenTaskFactory(
        created_by=staff, deadline=timezone.now() + timedelta(hours=5)
    )
    claim = claim_task(task=task, user=artist)
    later = timezone.now() + timedelta(days=2)
    assert change_deadline(task=task, by=staff, deadline=later).deadline == later
    with pytest.raises(DeadlineBeforeLiveClaim, match="A live claim on this task runs"):
        change_deadline(
            task=task, by=staff, deadline=claim.expires_at - timedelta(minutes=1)
        )
    task.refresh_from_db()
    assert task.deadline == later
    # Down to the live claim's end is allowed; once it ends, earlier is too.
    change_deadline(task=task, by=staff, deadline=claim.expires_at)
    release_claim(claim=claim, user=artist)
    soon = timezone.now() + timedelta(minutes=30)
    assert change_deadline(task=task, by=staff, deadline=soon).deadline == soon
    assert change_deadline(task=task, by=staff, deadline=None).deadline is None


def test_only_staff_change_a_deadline_and_never_into_the_past(open_task, artist, staff):
    with pytest.raises(NotAllowed, match="Only staff"):
        change_deadline(task=open_task, by=artist, deadline=None)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="must be in the future"):
        change_deadline(
            task=open_task, by=staff, deadline=timezone.now() - timedelta(hours=1)
        )


def test_the_deadline_api_refuses_with_a_clear_message(open_task, artist, staff):
    claim = claim_task(task=open_task, user=artist)
    client = APIClient()
    client.force_authenticate(staff)
    url = f"/api/v1/tasks/{open_task.pk}/deadline/"
    early = client.post(url, {"deadline": timezone.now().isoformat()}, format="json")
    assert early.status_code == 400
    too_soon = (claim.expires_at - timedelta(minutes=5)).isoformat()
    refused = client.post(url, {"deadline": too_soon}, format="json")
    assert refused.status_code == 409
    assert refused.json()["code"] == "deadline_before_live_claim"
    assert "cannot be earlier than that" in refused.json()["detail"]
    assert refused.json()["earliest"] == claim.expires_at.isoformat()
    later = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    ok = client.post(url, {"deadline": later.isoformat()}, format="json")
    assert ok.status_code == 200
    assert ok.json()["deadline"].startswith(later.strftime("%Y-%m-%dT%H:%M"))
    assert ok.json()["slots_taken"] == 1


def test_the_staff_form_on_the_task_page_moves_the_deadline(client, open_task, staff):
    client.force_login(staff)
    page = client.get(open_task.get_absolute_url()).content.decode()
    assert "Staff: change the deadline" in page
    response = client.post(
        f"/tasks/{open_task.pk}/deadline/",
        {"deadline": "2099-01-02T03:04"},
        follow=True,
    )
    assert "The deadline is now 02 Jan 2099, 03:04 UTC." in response.content.decode()
    open_task.refresh_from_db()
    assert open_task.deadline.year == 2099
    bad = client.post(
        f"/tasks/{open_task.pk}/deadline/",
        {"deadline": "2001-01-01T00:00"},
        follow=True,
    )
    assert "The deadline must be in the future." in bad.content.decode()


def test_members_see_no_deadline_form(client, open_task, artist):
    client.force_login(artist)
    assert (
        b"change the deadline" not in client.get(open_task.get_absolute_url()).content
    )


# Drafts -----------------------------------------------------------------------------


def test_a_late_upload_is_kept_as_a_draft_and_submitted_in_one_step(open_task, artist):
    claim = _run_out(claim_task(task=open_task, user=artist))
    draft = _late_draft(claim)
    assert (draft.title, draft.statement) == ("Dusk", "Made at dusk.")
    assert draft.seed == open_task.seeds.first()
    assert private_storage().exists(draft.file.name)
    assert not Submission.objects.exists()
    submission = submit_draft(draft=draft, user=artist)
    assert submission.title == "Dusk"
    assert submission.statement == "Made at dusk."
    assert submission.claim.state == Claim.State.SUBMITTED
    assert submission.claim.contributor == artist
    assert not SubmissionDraft.objects.exists()
    with private_storage().open(submission.original.name) as fh:
        assert Image.open(fh).size == (48, 32)


def test_a_draft_is_stripped_of_personal_metadata(open_task, artist):
    image = Image.new("RGB", (40, 30), (10, 20, 30))
    exif = Image.Exif()
    exif[0x013B] = "Jane Private"
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    claim = _run_out(claim_task(task=open_task, user=artist))
    draft = _late_draft(claim, image=_upload(buffer.getvalue(), "w.jpg"))
    with private_storage().open(draft.file.name) as fh:
        data = fh.read()
    assert b"Jane Private" not in data
    assert draft.format == "JPEG"


def test_a_bad_file_after_expiry_keeps_nothing(open_task, artist):
    from accounts.errors import InvalidImage

    claim = _run_out(claim_task(task=open_task, user=artist))
    with pytest.raises(InvalidImage):
        submit_work_or_keep_draft(
            claim=claim,
            user=artist,
            seed=open_task.seeds.first(),
            image=_upload(b"not an image"),
            title="Bad",
            license=open_task.license,
        )
    assert not SubmissionDraft.objects.exists()


def test_with_no_slot_free_the_draft_stays_and_says_so(staff, artist):
    task = OpenTaskFactory(created_by=staff, slots=1)
    claim = _run_out(claim_task(task=task, user=artist))
    draft = _late_draft(claim)
    claim_task(task=task, user=UserFactory(username="quick"))
    with pytest.raises(ClaimLimitReached, match="Your draft stays until"):
        submit_draft(draft=draft, user=artist)
    assert SubmissionDraft.objects.filter(pk=draft.pk).exists()
    assert not Claim.objects.filter(contributor=artist, state="active").exclude(
        pk=claim.pk
    )


def test_a_newer_late_upload_replaces_the_older_draft(open_task, artist):
    claim = _run_out(claim_task(task=open_task, user=artist))
    first = _late_draft(claim, title="One", image=_upload(png_bytes((20, 20))))
    second = _late_draft(claim, title="Two")
    assert list(SubmissionDraft.objects.values_list("title", flat=True)) == ["Two"]
    assert second.pk != first.pk


def test_drafts_older_than_a_day_are_deleted_with_their_files(
    open_task, artist, django_capture_on_commit_callbacks
):
    claim = _run_out(claim_task(task=open_task, user=artist))
    draft = _late_draft(claim)
    assert delete_old_drafts() == 0
    SubmissionDraft.objects.filter(pk=draft.pk).update(
        created_at=timezone.now() - timedelta(hours=25)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_old_drafts() == 1
    assert not SubmissionDraft.objects.exists()
    assert not private_storage().exists(draft.file.name)


def test_the_beat_schedule_deletes_old_drafts(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["delete-old-drafts"]
    assert entry["task"] == "art_tasks.tasks.delete_old_drafts_task"


def _page_post(client, claim, title="Dusk"):
    return client.post(
        f"/claims/{claim.pk}/submit/",
        {
            "seed": claim.task.seeds.first().pk,
            "title": title,
            "statement": "Made at dusk.",
            "license": claim.task.license,
            "image": SimpleUploadedFile("w.png", png_bytes((48, 32)), "image/png"),
        },
        follow=True,
    )


def test_the_page_keeps_a_late_upload_and_offers_one_click(client, open_task, artist):
    claim = claim_task(task=open_task, user=artist)
    client.force_login(artist)
    _run_out(claim)
    response = _page_post(client, claim)
    page = response.content.decode()
    assert "Your claim ended before the upload arrived" in page
    assert "Your claim has ended" in page
    assert "Your draft: “Dusk”" in page
    assert "Claim again and submit this draft" in page
    draft = SubmissionDraft.objects.get()
    assert client.get(f"/drafts/{draft.pk}/file/").status_code == 200
    studio = client.get("/studio/").content.decode()
    assert "Kept drafts" in studio
    assert "Claim again and submit this draft" in studio
    done = client.post(f"/drafts/{draft.pk}/submit/", follow=True)
    assert "Claimed again: “Dusk” is submitted" in done.content.decode()
    assert Submission.objects.get().title == "Dusk"


def test_the_page_says_when_no_slot_is_free_for_the_draft(client, staff, artist):
    task = OpenTaskFactory(created_by=staff, slots=1)
    claim = claim_task(task=task, user=artist)
    client.force_login(artist)
    _run_out(claim)
    _page_post(client, claim)
    claim_task(task=task, user=UserFactory(username="quick"))
    page = client.get(task.get_absolute_url()).content.decode()
    assert "All 1 slots of this task are taken, so the draft cannot be" in page
    assert "Claim again and submit this draft" not in page
    draft = SubmissionDraft.objects.get()
    refused = client.post(f"/drafts/{draft.pk}/submit/", follow=True)
    assert "Your draft stays until" in refused.content.decode()
    assert SubmissionDraft.objects.filter(pk=draft.pk).exists()


def test_a_draft_is_its_owners_alone(client, open_task, artist, staff):
    claim = _run_out(claim_task(task=open_task, user=artist))
    draft = _late_draft(claim)
    client.force_login(staff)
    assert client.get(f"/drafts/{draft.pk}/file/").status_code == 404
    assert client.post(f"/drafts/{draft.pk}/submit/").status_code == 404
    assert b"Your draft" not in client.get(open_task.get_absolute_url()).content


def test_the_api_keeps_a_late_upload_and_submits_the_draft(open_task, artist):
    claim = claim_task(task=open_task, user=artist)
    _run_out(claim)
    client = APIClient()
    client.force_authenticate(artist)
    late = client.post(
        f"/api/v1/claims/{claim.pk}/submission/",
        {
            "seed": open_task.seeds.first().pk,
            "title": "Dusk",
            "statement": "Made at dusk.",
            "license": "CC-BY-4.0",
            "image": SimpleUploadedFile("w.png", png_bytes((48, 32)), "image/png"),
        },
        format="multipart",
    )
    assert late.status_code == 409
    body = late.json()
    assert body["code"] == "claim_ended_draft_kept"
    assert "kept as a draft until" in body["detail"]
    drafts = client.get("/api/v1/drafts/").json()["results"]
    assert [d["id"] for d in drafts] == [body["draft"]]
    assert drafts[0]["title"] == "Dusk"
    done = client.post(f"/api/v1/drafts/{body['draft']}/submit/")
    assert done.status_code == 201
    assert done.json()["title"] == "Dusk"
    assert done.json()["statement"] == "Made at dusk."
    assert client.get("/api/v1/drafts/").json()["results"] == []


# The page at zero ------------------------------------------------------------------


def test_after_expiry_the_page_shows_the_ended_state_and_claim_again(
    client, open_task, artist
):
    claim = claim_task(task=open_task, user=artist)
    client.force_login(artist)
    _run_out(claim)
    page = client.get(open_task.get_absolute_url()).content.decode()
    assert "Your claim has ended" in page
    assert "Claim again" in page
    assert "Your claim ends in" not in page
    assert "Submit artwork" not in page
    again = client.post(f"/tasks/{open_task.pk}/claim/", follow=True)
    assert "Your claim ends in" in again.content.decode()


def test_after_expiry_with_all_slots_taken_the_page_says_so(client, staff, artist):
    task = OpenTaskFactory(created_by=staff, slots=1)
    claim = claim_task(task=task, user=artist)
    _run_out(claim)
    claim_task(task=task, user=UserFactory(username="quick"))
    client.force_login(artist)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Your claim has ended" in page
    assert "All 1 slots are taken" in page
    assert ">Claim again<" not in page


def test_a_released_claim_shows_no_ended_state(client, open_task, artist):
    claim = claim_task(task=open_task, user=artist)
    release_claim(claim=claim, user=artist)
    client.force_login(artist)
    page = client.get(open_task.get_absolute_url()).content.decode()
    assert "Your claim has ended" not in page
    assert "Claim this task" in page
